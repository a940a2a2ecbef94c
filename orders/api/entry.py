"""POST /api/restaurants/{id}/orders/: a phone or walk-in order entered by a member (orders.services.order_enter).

The view is thin: it resolves the restaurant (404 when unknown, or inactive and the caller is no member)
and the caller's actor there (404 for outsiders, before the body is read, so they cannot probe it),
spends the API's IP, user and tenant budgets, validates the body and calls the one service. The 201
body is orders.presenters.order_detail, as POST /api/orders/ answers.
"""

import re

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from foodsys.common.api_ratelimit import RateLimitedAPIMixin, check_tenant_rate
from foodsys.common.exceptions import ApplicationError, NotFoundError
from orders import services
from orders.api.serializers import (
    MAX_ID,
    MAX_OPTIONS_PER_LINE,
    DeliveryAddressSerializer,
    OptionalTextField,
    StrictIntegerField,
)
from orders.enums import STAFF_CHANNELS, Fulfilment
from orders.presenters import order_detail
from restaurants.roles import restaurant_actor
from restaurants.selectors import restaurant_get

# The pricing rules name a line's fields as POST /api/orders/ calls them; this body calls them otherwise.
_LINE_FIELD = re.compile(r"^(items\[\d+\])\.(menu_item|options)$")
_LINE_FIELD_NAMES = {"menu_item": "menu_item_id", "options": "option_ids"}


def _in_body_terms(error: ApplicationError) -> ApplicationError:
    """`items[0].options` -> `items[0].option_ids`, so each error names a field of this request's body."""
    def rename(path: str) -> str:
        match = _LINE_FIELD.match(path)
        return f"{match[1]}.{_LINE_FIELD_NAMES[match[2]]}" if match else path

    error.fields = {rename(path): messages for path, messages in error.fields.items()}
    return error


class EnteredItemSerializer(serializers.Serializer):
    menu_item_id = StrictIntegerField(min_value=1, max_value=MAX_ID)
    quantity = StrictIntegerField(min_value=1, max_value=services.MAX_QUANTITY)
    option_ids = serializers.ListField(child=StrictIntegerField(min_value=1, max_value=MAX_ID), required=False,
                                       default=list, max_length=MAX_OPTIONS_PER_LINE)
    special_instructions = OptionalTextField(max_length=500)

    def validate_option_ids(self, value: list[int]) -> list[int]:
        duplicates = sorted({option for option in value if value.count(option) > 1})
        if duplicates:
            raise serializers.ValidationError(f"Option ids may appear once each; repeated: {duplicates}.")
        return value


class OrderEnterSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=[(value, value) for value in STAFF_CHANNELS])
    items = EnteredItemSerializer(many=True, allow_empty=False, max_length=services.MAX_LINES)
    fulfilment = serializers.ChoiceField(choices=Fulfilment.choices)
    payment_method = serializers.ChoiceField(choices=[(value, value) for value in services.STAFF_PAYMENT_METHODS])
    contact_name = serializers.CharField(max_length=services.MAX_CONTACT_NAME)
    contact_phone = OptionalTextField(max_length=services.MAX_CONTACT_PHONE)
    delivery_address = DeliveryAddressSerializer(required=False, allow_null=True, default=None,
                                                 help_text="Required for delivery; ignored for pickup.")
    notes = OptionalTextField(max_length=1000)


class RestaurantOrderEntryView(RateLimitedAPIMixin, APIView):
    """Owners, staff and admins of the restaurant; anyone else gets 404 (as if it did not exist)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="restaurants_orders_enter",
        request=OrderEnterSerializer,
        responses={201: OpenApiTypes.OBJECT},
        description="A phone or walk-in order entered by the restaurant's owner or staff: priced from the menu "
                    "like every order, recorded with its channel and who entered it. Cash or pay at counter; "
                    "delivery needs `delivery_address`. The body is the order detail of POST /api/orders/. "
                    "Pause and opening hours do not block it; an inactive restaurant answers 409.",
    )
    def post(self, request, restaurant_id: int):
        restaurant = restaurant_get(restaurant_id=restaurant_id, user=request.user)
        actor = restaurant_actor(user=request.user, restaurant=restaurant)
        if actor is None:
            raise NotFoundError("No such restaurant.", code="restaurant_not_found",
                                fields={"restaurant": ["No such restaurant."]})
        check_tenant_rate(request, restaurant)
        serializer = OrderEnterSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)  # rendered with flat field paths (items[0].quantity)
        data = serializer.validated_data
        address = data["delivery_address"]
        try:
            placed = services.order_enter(
                actor=actor,
                restaurant=restaurant,
                channel=data["channel"],
                lines=[services.OrderLineInput(menu_item_id=item["menu_item_id"], quantity=item["quantity"],
                                               option_ids=tuple(item["option_ids"]),
                                               special_instructions=item["special_instructions"])
                       for item in data["items"]],
                fulfilment=data["fulfilment"],
                payment_method=data["payment_method"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                delivery_address=dict(address) if address else None,
                notes=data["notes"],
            )
        except ApplicationError as error:
            raise _in_body_terms(error) from None
        # As POST /api/orders/: the new order rendered from memory (no history yet, lines just written).
        body = order_detail(placed.order, role=actor.role, lines=placed.lines, status_changes=placed.status_changes,
                            activities=[])
        return Response(body, status=201)
