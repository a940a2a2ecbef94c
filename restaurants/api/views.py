from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from foodsys.common.api_ratelimit import RateLimitedAPIMixin, check_tenant_rate
from foodsys.common.exceptions import NotFoundError
from restaurants.api import public
from restaurants.api.serializers import (
    RestaurantInputSerializer,
    RestaurantListQuerySerializer,
    RestaurantOutputSerializer,
)
from restaurants.models import Restaurant
from restaurants.selectors import restaurant_get, restaurant_get_for_owner
from restaurants.services import restaurant_create, restaurant_deactivate, restaurant_update


def _json(body: bytes) -> HttpResponse:
    """A pre-rendered body, with the headers DRF's JSONRenderer would give it."""
    return HttpResponse(body, content_type="application/json")


@extend_schema_view(
    list=extend_schema(parameters=[RestaurantListQuerySerializer], responses=RestaurantOutputSerializer(many=True)),
    create=extend_schema(request=RestaurantInputSerializer, responses={201: RestaurantOutputSerializer}),
    update=extend_schema(request=RestaurantInputSerializer, responses=RestaurantOutputSerializer),
    partial_update=extend_schema(request=RestaurantInputSerializer, responses=RestaurantOutputSerializer),
    menu=extend_schema(responses=OpenApiTypes.OBJECT, description="Categories with items, option groups, options."),
)
class RestaurantViewSet(RateLimitedAPIMixin, viewsets.GenericViewSet):
    """Public catalog reads (cached) and owner management of a restaurant (the tenant)."""

    lookup_value_regex = r"\d+"
    serializer_class = RestaurantOutputSerializer

    def get_queryset(self):
        return Restaurant.objects.active().order_by("name", "id")

    def get_permissions(self):
        if self.action in ("list", "retrieve", "menu"):
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def cache_reads(self, request) -> list[str]:
        """Public reads fetch their cached entry in the rate limits' round trip."""
        if self.action == "list":
            query = self._list_query(request)
            return public.restaurant_page_cache_reads(request=request, paginator=self.paginator,
                                                      filters=query.validated_data) if query.is_valid() else []
        if self.action == "retrieve":
            return public.detail_cache_reads(restaurant_id=int(self.kwargs["pk"]))
        if self.action == "menu":
            return public.menu_cache_reads(restaurant_id=int(self.kwargs["pk"]))
        return []

    def _list_query(self, request) -> RestaurantListQuerySerializer:
        if not hasattr(self, "_query"):
            self._query = RestaurantListQuerySerializer(data=request.query_params)
        return self._query

    def list(self, request):
        query = self._list_query(request)
        query.is_valid(raise_exception=True)
        return _json(public.public_restaurant_page_json(request=request, paginator=self.paginator,
                                                        filters=query.validated_data, prefetched=self.prefetched))

    def retrieve(self, request, pk: str):
        try:
            return _json(public.public_restaurant_detail_json(restaurant_id=int(pk), prefetched=self.prefetched))
        except NotFoundError:  # an inactive restaurant is still visible to its members and admins
            restaurant = restaurant_get(restaurant_id=int(pk), user=request.user)
            return Response(RestaurantOutputSerializer(restaurant).data)

    @action(detail=True, methods=["get"])
    def menu(self, request, pk: str):
        try:
            return _json(public.public_menu_json(restaurant_id=int(pk), prefetched=self.prefetched))
        except NotFoundError:
            restaurant = restaurant_get(restaurant_id=int(pk), user=request.user)
            data = public.menu_data(restaurant)
            public.with_live_flags(data["restaurant"])
            return Response(data)

    def create(self, request):
        body = RestaurantInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        restaurant = restaurant_create(owner=request.user, **body.validated_data)
        return Response(RestaurantOutputSerializer(restaurant).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk: str, partial: bool = False):
        restaurant = self._owned(request, pk)
        body = RestaurantInputSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        restaurant = restaurant_update(restaurant=restaurant, data=body.validated_data)
        return Response(RestaurantOutputSerializer(restaurant).data)

    def partial_update(self, request, pk: str):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk: str):
        restaurant_deactivate(restaurant=self._owned(request, pk))
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _owned(self, request, pk: str) -> Restaurant:
        restaurant = restaurant_get_for_owner(restaurant_id=int(pk), user=request.user)
        check_tenant_rate(request, restaurant)
        return restaurant
