"""Input serializers of the order API (the output bodies come from orders.presenters)."""

import math
import uuid

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from foodsys.common.exceptions import ApplicationError
from orders.enums import Fulfilment, OrderStatus, PaymentMethod
from orders.selectors import ORDERINGS
from orders.services import MAX_LINES, MAX_QUANTITY

MAX_ID = 2**63 - 1
MAX_OPTIONS_PER_LINE = 50


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer only: "2", 2.0 and true are refused (DRF's IntegerField would coerce them)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictNumberField(serializers.FloatField):
    """A finite JSON number (not a string, not a boolean)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float) or not math.isfinite(data):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string", "format": "uuid"}]})
class RestaurantRefField(serializers.Field):
    default_error_messages = {"invalid": "Send the restaurant's integer id or its tenant UUID."}

    def to_internal_value(self, data):
        if isinstance(data, int) and not isinstance(data, bool) and 1 <= data <= MAX_ID:
            return data
        if isinstance(data, str):
            try:
                return uuid.UUID(data)
            except ValueError:
                pass
        self.fail("invalid")

    def to_representation(self, value):
        return str(value)


class OptionalTextField(serializers.CharField):
    """Optional text: missing or null becomes ""."""

    def __init__(self, **kwargs):
        super().__init__(required=False, allow_blank=True, allow_null=True, default="", **kwargs)

    def validate_empty_values(self, data):
        is_empty, value = super().validate_empty_values(data)
        return is_empty, ("" if value is None else value)


class OrderItemInputSerializer(serializers.Serializer):
    menu_item = StrictIntegerField(min_value=1, max_value=MAX_ID)
    quantity = StrictIntegerField(min_value=1, max_value=MAX_QUANTITY)
    options = serializers.ListField(child=StrictIntegerField(min_value=1, max_value=MAX_ID), required=False,
                                    default=list, max_length=MAX_OPTIONS_PER_LINE)
    special_instructions = OptionalTextField(max_length=500)

    def validate_options(self, value: list[int]) -> list[int]:
        duplicates = sorted({option for option in value if value.count(option) > 1})
        if duplicates:
            raise serializers.ValidationError(f"Option ids may appear once each; repeated: {duplicates}.")
        return value


class DeliveryAddressSerializer(serializers.Serializer):
    street = serializers.CharField(max_length=200)
    city = serializers.CharField(max_length=100)
    state = serializers.CharField(max_length=100)
    zip_code = serializers.CharField(max_length=20)
    lat = StrictNumberField(min_value=-90, max_value=90, required=False, allow_null=True)
    lng = StrictNumberField(min_value=-180, max_value=180, required=False, allow_null=True)


class FulfilmentInputSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=Fulfilment.choices)
    address = DeliveryAddressSerializer(required=False, allow_null=True, default=None,
                                        help_text="Required for delivery; ignored for pickup.")
    scheduled_for = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                              help_text="ISO-8601 with a time zone; omit for as soon as possible.")

    def validate(self, attrs):
        if attrs["type"] == Fulfilment.DELIVERY and not attrs.get("address"):
            raise serializers.ValidationError({"address": ["A delivery needs an address."]})
        return attrs


class OrderPlaceSerializer(serializers.Serializer):
    restaurant = RestaurantRefField()
    items = OrderItemInputSerializer(many=True, allow_empty=False, max_length=MAX_LINES)
    delivery_address = DeliveryAddressSerializer(required=False, allow_null=True, default=None,
                                                 help_text="A delivery's address (or fulfilment.address).")
    fulfilment = FulfilmentInputSerializer(required=False, allow_null=True, default=None,
                                           help_text="Delivery or pickup, as soon as possible or for a slot "
                                                     "(GET /api/restaurants/{id}/slots/). Default: delivery, ASAP.")
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
    notes = OptionalTextField(max_length=1000)

    def validate(self, attrs):
        if attrs.get("fulfilment") is None and not attrs.get("delivery_address"):
            raise serializers.ValidationError({"delivery_address": ["This field is required."]})
        return attrs


class OrderStatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=OrderStatus.choices)
    reason = OptionalTextField(max_length=500)


class StatusListField(serializers.CharField):
    """`status=pending` or `status=pending,confirmed`."""

    def to_internal_value(self, data) -> tuple[str, ...]:
        values = tuple(part.strip() for part in super().to_internal_value(data).split(",") if part.strip())
        unknown = [value for value in values if value not in OrderStatus.values]
        if unknown or not values:
            raise serializers.ValidationError(
                f"Unknown status {', '.join(unknown) or '(empty)'}; choose from {', '.join(OrderStatus.values)}.")
        return values


class OrderListQuerySerializer(serializers.Serializer):
    status = StatusListField(required=False, max_length=200)
    created_after = serializers.DateTimeField(required=False)
    created_before = serializers.DateTimeField(required=False)
    restaurant = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    ordering = serializers.ChoiceField(choices=ORDERINGS, required=False, default="-created_at")
    scope = serializers.ChoiceField(choices=["mine"], required=False)
    search = serializers.CharField(required=False, min_length=2, max_length=100, trim_whitespace=True)
    created_from = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])
    created_to = serializers.DateField(required=False, input_formats=["%Y-%m-%d"])

    def validate(self, attrs):
        start, end = attrs.get("created_from"), attrs.get("created_to")
        if start and end and start > end:
            raise serializers.ValidationError({"created_from": ["created_from must not be after created_to."]})
        return attrs


def in_fulfilment_terms(error: ApplicationError) -> ApplicationError:
    """The pricing rules say `delivery_address(.lat)`; a body that sent a `fulfilment` object calls it
    `fulfilment.address(.lat)`."""
    def rename(path: str) -> str:
        if path == "delivery_address" or path.startswith("delivery_address."):
            return "fulfilment.address" + path[len("delivery_address"):]
        return path

    error.fields = {rename(path): messages for path, messages in error.fields.items()}
    error.message = error.message.replace("delivery_address", "fulfilment.address")
    return error
