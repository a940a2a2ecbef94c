from decimal import Decimal

from rest_framework import serializers

from foodsys.common.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from restaurants.models import Restaurant


def _money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES,
                                    min_value=Decimal("0"), **kwargs)


class AddressSerializer(serializers.Serializer):
    """The nested `address` of the API; flat columns on the model (source='*')."""

    street = serializers.CharField(max_length=200, allow_blank=True, required=False)
    city = serializers.CharField(max_length=100, allow_blank=True, required=False)
    state = serializers.CharField(max_length=100, allow_blank=True, required=False)
    zip_code = serializers.CharField(max_length=20, allow_blank=True, required=False)
    lat = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=Decimal("-90"),
                                   max_value=Decimal("90"), allow_null=True, required=False)
    lng = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=Decimal("-180"),
                                   max_value=Decimal("180"), allow_null=True, required=False)


class RestaurantInputSerializer(serializers.Serializer):
    """Shape checks only; zone, hours and currency are checked by the service."""

    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, allow_blank=True, required=False)
    cuisines = serializers.ListField(child=serializers.CharField(max_length=50), max_length=20, required=False)
    phone = serializers.CharField(max_length=32, allow_blank=True, required=False)
    email = serializers.EmailField(allow_blank=True, required=False)
    image_url = serializers.URLField(max_length=500, allow_blank=True, required=False)
    address = AddressSerializer(source="*", required=False)
    timezone = serializers.CharField(max_length=64, required=False)
    opening_hours = serializers.JSONField(allow_null=True, required=False)
    delivery_fee = _money(required=False)
    minimum_order = _money(required=False)
    tax_rate = serializers.DecimalField(max_digits=7, decimal_places=6, min_value=Decimal("0"),
                                        max_value=Decimal("1"), required=False)
    currency = serializers.CharField(min_length=3, max_length=3, required=False)
    estimated_delivery_minutes = serializers.IntegerField(min_value=0, max_value=600, required=False)
    accepting_orders = serializers.BooleanField(required=False)
    paused_until = serializers.DateTimeField(allow_null=True, required=False)
    auto_accept = serializers.BooleanField(required=False)
    target_prep_minutes = serializers.IntegerField(min_value=1, max_value=240, required=False)
    pickup_enabled = serializers.BooleanField(required=False)
    delivery_enabled = serializers.BooleanField(required=False)
    slot_minutes = serializers.IntegerField(min_value=5, max_value=120, required=False,
                                            help_text="Length of a scheduled-order slot, in minutes.")
    schedule_days_ahead = serializers.IntegerField(min_value=0, max_value=14, required=False,
                                                   help_text="How many days after today a slot may be chosen.")
    slot_capacity_orders = serializers.IntegerField(min_value=1, max_value=10000, allow_null=True, required=False,
                                                    help_text="Orders per slot and fulfilment type; null: unlimited.")
    slot_capacity_load = serializers.IntegerField(min_value=1, max_value=100000, allow_null=True, required=False,
                                                  help_text="Kitchen load per slot and fulfilment type (sum of "
                                                            "quantity x item load); null: unlimited.")


class RestaurantOutputSerializer(serializers.ModelSerializer):
    address = AddressSerializer(source="*")
    is_paused = serializers.SerializerMethodField()
    is_open_now = serializers.BooleanField(read_only=True)

    class Meta:
        model = Restaurant
        fields = [
            "id", "tenant_id", "name", "description", "cuisines", "phone", "email", "image_url", "address",
            "timezone", "opening_hours", "delivery_fee", "minimum_order", "tax_rate", "currency",
            "estimated_delivery_minutes", "is_active", "accepting_orders", "paused_until", "is_paused",
            "is_open_now", "auto_accept", "target_prep_minutes", "busy_until", "busy_extra_prep_minutes",
            "pickup_enabled", "delivery_enabled", "slot_minutes", "schedule_days_ahead", "slot_capacity_orders",
            "slot_capacity_load", "created_at", "updated_at",
        ]

    def get_is_paused(self, restaurant: Restaurant) -> bool:
        return restaurant.is_paused()


class RestaurantListQuerySerializer(serializers.Serializer):
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    cuisine = serializers.CharField(max_length=50, required=False, allow_blank=True)
    q = serializers.CharField(max_length=100, required=False, allow_blank=True)
    open_now = serializers.BooleanField(required=False, default=False)


class BusyInputSerializer(serializers.Serializer):
    minutes = serializers.IntegerField(min_value=1, max_value=12 * 60)
    extra_prep_minutes = serializers.IntegerField(min_value=0, max_value=240, default=15)


class PauseInputSerializer(serializers.Serializer):
    minutes = serializers.IntegerField(min_value=1, max_value=7 * 24 * 60, allow_null=True, default=None,
                                       help_text="Minutes to pause for; null pauses until resumed.")


class ServiceStateSerializer(serializers.Serializer):
    """The board's banner: paused / closed / busy now, and when each ends (null: not set or over)."""

    accepting_orders = serializers.BooleanField()
    paused = serializers.BooleanField()
    paused_until = serializers.DateTimeField(allow_null=True)
    busy = serializers.BooleanField()
    busy_until = serializers.DateTimeField(allow_null=True)
    busy_extra_prep_minutes = serializers.IntegerField()
    open_now = serializers.BooleanField()
    auto_accept = serializers.BooleanField()
    timezone = serializers.CharField()
    now = serializers.DateTimeField()
