"""The delivery-zone API of a restaurant.

- `/api/restaurants/{id}/delivery-zones/` and `.../{zone_id}/`: members (owner, staff) and admins read;
  owners and admins write (staff get 403: they are members, so the restaurant is no secret to them).
  Everyone else gets 404, as for any other tenant's object.
- `.../delivery-zones/check/`: anyone (a storefront checking an address before the cart is built),
  limited per IP like every API call. It answers 200 with the zone and its amounts, or with `zone: null`
  and a `reason` when no zone takes the address; a malformed address is a 400 naming the field.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from foodsys.common.api_ratelimit import RateLimitedAPIMixin, check_tenant_rate
from foodsys.common.exceptions import NotFoundError
from foodsys.common.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from restaurants import zone_services
from restaurants import zones as z
from restaurants.models import DeliveryZone, ZoneKind
from restaurants.roles import restaurant_actor
from restaurants.selectors import restaurant_get


def _money(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, **kwargs)


class ZoneInputSerializer(serializers.Serializer):
    """Types only; the rules (shape validity, ranges, the restaurant's location) are the service's."""

    name = serializers.CharField(max_length=z.MAX_NAME)
    kind = serializers.ChoiceField(choices=ZoneKind.choices)
    postcodes = serializers.ListField(child=serializers.CharField(max_length=40), max_length=z.MAX_POSTCODES,
                                      required=False, help_text="For kind=postcodes; stored upper-case, no spaces.")
    radius_km = serializers.DecimalField(max_digits=9, decimal_places=3, required=False, allow_null=True,
                                         help_text="For kind=radius: 0 < r <= 100 km around the restaurant.")
    polygon = serializers.JSONField(required=False, allow_null=True,
                                    help_text="For kind=polygon: a GeoJSON Polygon or MultiPolygon, [lng, lat].")
    delivery_fee = _money(required=False)
    minimum_order = _money(required=False)
    free_delivery_over = _money(required=False, allow_null=True)
    is_active = serializers.BooleanField(required=False)
    position = serializers.IntegerField(min_value=0, max_value=z.MAX_POSITION, required=False)


class ZonePatchSerializer(ZoneInputSerializer):
    name = serializers.CharField(max_length=z.MAX_NAME, required=False)
    kind = serializers.ChoiceField(choices=ZoneKind.choices, required=False)


class ZoneSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=ZoneKind.choices)
    postcodes = serializers.ListField(child=serializers.CharField())
    radius_km = serializers.DecimalField(max_digits=6, decimal_places=3, allow_null=True)
    polygon = serializers.JSONField(allow_null=True)
    delivery_fee = _money()
    minimum_order = _money()
    free_delivery_over = _money(allow_null=True)
    is_active = serializers.BooleanField()
    position = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class CheckAddressSerializer(serializers.Serializer):
    street = serializers.CharField(max_length=200, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    state = serializers.CharField(max_length=100, required=False, allow_blank=True)
    zip_code = serializers.CharField(max_length=z.MAX_POSTCODE_LENGTH * 2, required=False, allow_blank=True)
    lat = serializers.FloatField(required=False, allow_null=True, help_text="-90..90; needed by radius/polygon zones")
    lng = serializers.FloatField(required=False, allow_null=True, help_text="-180..180")


class CheckInputSerializer(serializers.Serializer):
    address = CheckAddressSerializer()


class CheckedZoneSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=ZoneKind.choices)


class CheckSerializer(serializers.Serializer):
    zone = CheckedZoneSerializer(allow_null=True, help_text="The cheapest zone that takes the address.")
    delivers = serializers.BooleanField(help_text="False: no zone takes the address (see reason).")
    uses_zones = serializers.BooleanField(help_text="False: the restaurant has no zones; its own fee applies.")
    delivery_fee = _money(allow_null=True)
    minimum_order = _money(allow_null=True)
    free_delivery_over = _money(allow_null=True)
    currency = serializers.CharField()
    reason = serializers.ChoiceField(choices=["outside_every_zone", "address_needs_coordinates"], required=False)
    message = serializers.CharField(required=False)


def _member_restaurant(request, restaurant_id: int):
    """(restaurant, actor) for a member or admin; 404 for everyone else."""
    restaurant = restaurant_get(restaurant_id=restaurant_id, user=request.user)
    actor = restaurant_actor(user=request.user, restaurant=restaurant)
    if actor is None:
        raise NotFoundError("No such restaurant.")
    check_tenant_rate(request, restaurant)
    return restaurant, actor


def _zone_body(zone: DeliveryZone) -> dict:
    return ZoneSerializer(zone).data


class DeliveryZoneListView(RateLimitedAPIMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ZoneSerializer(many=True), operation_id="delivery_zones_list")
    def get(self, request, restaurant_id: int):
        restaurant, _ = _member_restaurant(request, restaurant_id)
        return Response([_zone_body(zone) for zone in z.zone_list(restaurant=restaurant)])

    @extend_schema(request=ZoneInputSerializer, responses={201: ZoneSerializer}, operation_id="delivery_zones_create")
    def post(self, request, restaurant_id: int):
        restaurant, actor = _member_restaurant(request, restaurant_id)
        body = ZoneInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        zone = zone_services.zone_create(restaurant=restaurant, actor=actor, data=dict(body.validated_data))
        return Response(_zone_body(zone), status=status.HTTP_201_CREATED)


class DeliveryZoneDetailView(RateLimitedAPIMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ZoneSerializer, operation_id="delivery_zones_retrieve")
    def get(self, request, restaurant_id: int, zone_id: int):
        restaurant, _ = _member_restaurant(request, restaurant_id)
        return Response(_zone_body(z.zone_get(restaurant=restaurant, zone_id=zone_id)))

    @extend_schema(request=ZonePatchSerializer, responses=ZoneSerializer, operation_id="delivery_zones_update")
    def patch(self, request, restaurant_id: int, zone_id: int):
        restaurant, actor = _member_restaurant(request, restaurant_id)
        zone = z.zone_get(restaurant=restaurant, zone_id=zone_id)
        body = ZonePatchSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        zone = zone_services.zone_update(zone=zone, actor=actor, data=dict(body.validated_data))
        return Response(_zone_body(zone))

    @extend_schema(responses={204: None}, operation_id="delivery_zones_delete")
    def delete(self, request, restaurant_id: int, zone_id: int):
        restaurant, actor = _member_restaurant(request, restaurant_id)
        zone = z.zone_get(restaurant=restaurant, zone_id=zone_id)
        zone_services.zone_delete(zone=zone, actor=actor)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeliveryZoneCheckView(RateLimitedAPIMixin, APIView):
    permission_classes = [AllowAny]  # a storefront asks before anyone signs in; limited per IP (the mixin)

    @extend_schema(request=CheckInputSerializer, responses=CheckSerializer, operation_id="delivery_zones_check",
                   description="Which zone (the cheapest) takes the address, and its fee and minimum. No zone: "
                               "`zone` is null with a `reason`. A restaurant without zones: its own fee.")
    def post(self, request, restaurant_id: int):
        restaurant = restaurant_get(restaurant_id=restaurant_id, user=request.user)
        body = CheckInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        match = z.zone_match(restaurant=restaurant, address=dict(body.validated_data["address"]))
        answer = {
            "zone": match.zone, "delivers": not match.refused, "uses_zones": match.uses_zones,
            "delivery_fee": match.delivery_fee, "minimum_order": match.minimum_order,
            "free_delivery_over": match.free_delivery_over, "currency": restaurant.currency,
        }
        if match.refused:
            answer.update(reason=match.reason, message=match.message)
        return Response(CheckSerializer(answer).data)
