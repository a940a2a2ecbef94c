"""GET /api/restaurants/{id}/slots/?fulfilment=delivery|pickup&date=YYYY-MM-DD: the day's scheduled-order slots
with their remaining capacity (orders.capacity over restaurants.slots).

Anyone may ask (a storefront before sign-in), limited per IP like every API call. Only active restaurants
have slots (an inactive one is a 404 for everyone: it takes no orders). `fulfilment` defaults to delivery
and `date` to the restaurant's local today; a malformed value, a switched-off fulfilment, or a day before
today or beyond `schedule_days_ahead` is a 400 naming the query field. Full slots are listed with
`available: false`. It lives in orders because it reads orders; restaurants may not import them.
"""

from datetime import date

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from foodsys.common.api_ratelimit import RateLimitedAPIMixin
from foodsys.common.exceptions import ApplicationError
from orders.capacity import slots_with_usage
from orders.enums import Fulfilment
from restaurants import slots as s
from restaurants.selectors import restaurant_get


class SlotsQuerySerializer(serializers.Serializer):
    fulfilment = serializers.ChoiceField(choices=Fulfilment.choices, required=False, default=Fulfilment.DELIVERY)
    date = serializers.DateField(required=False, allow_null=True, default=None,
                                 help_text="A local day of the restaurant (YYYY-MM-DD); default: today.")


class SlotSerializer(serializers.Serializer):
    start = serializers.DateTimeField(help_text="UTC")
    end = serializers.DateTimeField()
    label = serializers.CharField(help_text="The local start, 'HH:MM'.")
    orders_left = serializers.IntegerField(allow_null=True, help_text="null: unlimited")
    load_left = serializers.IntegerField(allow_null=True, help_text="null: unlimited")
    available = serializers.BooleanField()


class SlotsSerializer(serializers.Serializer):
    date = serializers.DateField()
    timezone = serializers.CharField()
    fulfilment = serializers.ChoiceField(choices=Fulfilment.choices)
    slot_minutes = serializers.IntegerField()
    slots = SlotSerializer(many=True)


def _query_error(field: str, message: str) -> ApplicationError:
    return ApplicationError(f"{field}: {message}", code="validation_error", fields={field: [message]})


class SlotsView(RateLimitedAPIMixin, APIView):
    permission_classes = [AllowAny]  # a storefront asks before anyone signs in; limited per IP (the mixin)

    @extend_schema(
        parameters=[SlotsQuerySerializer], responses=SlotsSerializer, operation_id="restaurant_slots",
        description="The day's slots for a fulfilment type, with remaining capacity (full ones: available=false).",
    )
    def get(self, request, restaurant_id: int):
        restaurant = restaurant_get(restaurant_id=restaurant_id)  # no user: inactive restaurants are 404
        query = SlotsQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        fulfilment, now = query.validated_data["fulfilment"], timezone.now()
        if not s.fulfilment_enabled(restaurant, fulfilment):
            raise _query_error("fulfilment", f"This restaurant does not offer {fulfilment} at the moment.")
        first, last = s.bookable_days(restaurant, now)
        day: date = query.validated_data["date"] or first
        if not first <= day <= last:
            raise _query_error("date", f"Choose a day from {first.isoformat()} to {last.isoformat()} "
                                       f"(today and up to {restaurant.schedule_days_ahead} days ahead).")
        slots = slots_with_usage(restaurant, day, fulfilment=fulfilment, now=now,
                                 lead_minutes=s.default_lead_minutes(restaurant, fulfilment, now))
        body = {"date": day, "timezone": restaurant.timezone, "fulfilment": fulfilment,
                "slot_minutes": restaurant.slot_minutes, "slots": slots}
        return Response(SlotsSerializer(body).data)
