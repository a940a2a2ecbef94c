"""POST /api/restaurants/{id}/quote/: what a cart would cost and when it would arrive (orders.quote.order_quote).

Anyone may ask (a storefront quotes before sign-in); the mixin spends the caller's IP (and user)
budget. The restaurant is the public one (restaurants.selectors.restaurant_get: an inactive one is a
404 except to its members). The body takes the cart as POST /api/orders/ does plus a `fulfilment`
object; errors name the fields of this body (`fulfilment.address.zip_code`, `items[0].quantity`).
Nothing is written.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from foodsys.common.api_ratelimit import RateLimitedAPIMixin
from foodsys.common.exceptions import ApplicationError
from foodsys.events.schema import iso_utc
from orders import services
from orders.api.serializers import FulfilmentInputSerializer, OrderItemInputSerializer, in_fulfilment_terms
from orders.eta import DEFAULT, MEASURED
from orders.quote import Quote, order_quote
from restaurants.selectors import restaurant_get


class QuoteInputSerializer(serializers.Serializer):
    items = OrderItemInputSerializer(many=True, allow_empty=False, max_length=services.MAX_LINES)
    fulfilment = FulfilmentInputSerializer()


def _money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=12, decimal_places=2, **kwargs)


class QuoteEtaSerializer(serializers.Serializer):
    ready_at = serializers.DateTimeField()
    deliver_at = serializers.DateTimeField(required=False, help_text="Delivery only.")
    minutes = serializers.IntegerField(help_text="Until delivered (delivery) or ready (pickup).")


class QuoteSerializer(serializers.Serializer):
    """The response's documented shape (the body itself is built by `_quote_body`)."""

    subtotal = _money()
    delivery_fee = _money()
    tax = _money()
    total = _money()
    currency = serializers.CharField()
    zone = serializers.CharField(required=False, help_text="The delivery zone that set the fee, if any.")
    eta = QuoteEtaSerializer()
    eta_basis = serializers.ChoiceField(choices=[MEASURED, DEFAULT])
    asap_available = serializers.BooleanField()
    reason = serializers.ChoiceField(choices=["inactive", "paused", "closed"], required=False)
    message = serializers.CharField(required=False, help_text="The reason in words.")


def _quote_body(quote: Quote) -> dict:
    eta = {"ready_at": iso_utc(quote.ready_at), "minutes": quote.minutes}
    if quote.deliver_at is not None:
        eta["deliver_at"] = iso_utc(quote.deliver_at)
    body = {"subtotal": f"{quote.subtotal:.2f}", "delivery_fee": f"{quote.delivery_fee:.2f}",
            "tax": f"{quote.tax:.2f}", "total": f"{quote.total:.2f}", "currency": quote.currency,
            "eta": eta, "eta_basis": quote.eta_basis, "asap_available": quote.asap_available}
    if quote.zone is not None:
        body["zone"] = quote.zone
    if not quote.asap_available:
        body.update(reason=quote.reason, message=quote.message)
    return body


class RestaurantQuoteView(RateLimitedAPIMixin, APIView):
    permission_classes = [AllowAny]  # a storefront quotes before anyone signs in; limited per IP (the mixin)

    @extend_schema(
        operation_id="restaurants_quote",
        request=QuoteInputSerializer,
        responses=QuoteSerializer,
        description="The price and ETA of a cart if ordered now, computed exactly as placing the order would "
                    "(zone fee, free-delivery threshold, tax; the ETA measured from the kitchen, else the "
                    "slowest item's prep time, + busy extra + delivery travel). A restaurant that would refuse "
                    "an order now answers `asap_available: false` with the reason. Nothing is written.",
    )
    def post(self, request, restaurant_id: int):
        restaurant = restaurant_get(restaurant_id=restaurant_id, user=request.user)
        serializer = QuoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)  # rendered with flat field paths (items[0].quantity)
        data = serializer.validated_data
        fulfilment = data["fulfilment"]
        address = fulfilment["address"]
        try:
            quote = order_quote(
                restaurant=restaurant,
                lines=[services.OrderLineInput(menu_item_id=item["menu_item"], quantity=item["quantity"],
                                               option_ids=tuple(item["options"]),
                                               special_instructions=item["special_instructions"])
                       for item in data["items"]],
                fulfilment=fulfilment["type"],
                address=dict(address) if address else None,
                now=timezone.now(),
                scheduled_for=fulfilment["scheduled_for"],
            )
        except ApplicationError as error:
            raise in_fulfilment_terms(error) from None
        return Response(_quote_body(quote))
