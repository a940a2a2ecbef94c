from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from foodsys.common.api_ratelimit import RateLimitedAPIMixin, check_tenant_rate, ip_limit
from foodsys.common.exceptions import NotFoundError
from foodsys.common.ratelimit import check_rates
from foodsys.tenancy.actor import Actor
from restaurants.api import catalog_bodies
from restaurants.api.serializers import (
    BusyInputSerializer,
    PauseInputSerializer,
    RestaurantInputSerializer,
    RestaurantListQuerySerializer,
    RestaurantOutputSerializer,
    ServiceStateSerializer,
)
from restaurants.models import Restaurant
from restaurants.roles import check_may_change_settings, restaurant_actor
from restaurants.selectors import restaurant_get
from restaurants.service_state import (
    restaurant_busy_end,
    restaurant_busy_start,
    restaurant_pause,
    restaurant_resume,
    service_state,
)
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
            return catalog_bodies.restaurant_page_cache_reads(request=request, paginator=self.paginator,
                                                              filters=query.validated_data) if query.is_valid() else []
        if self.action == "retrieve":
            return catalog_bodies.restaurant_cache_reads(restaurant_id=int(self.kwargs["pk"]))
        if self.action == "menu":
            return catalog_bodies.menu_cache_reads(restaurant_id=int(self.kwargs["pk"]))
        return []

    def _list_query(self, request) -> RestaurantListQuerySerializer:
        if not hasattr(self, "_query"):
            self._query = RestaurantListQuerySerializer(data=request.query_params)
        return self._query

    def list(self, request):
        query = self._list_query(request)
        query.is_valid(raise_exception=True)
        return _json(catalog_bodies.catalog_restaurant_page_body(
            request=request, paginator=self.paginator, filters=query.validated_data, now=timezone.now(),
            prefetched=self.prefetched))

    def retrieve(self, request, pk: str):
        return _json(catalog_bodies.catalog_restaurant_body(restaurant_id=int(pk), viewer=request.user,
                                                            now=timezone.now(), prefetched=self.prefetched))

    @action(detail=True, methods=["get"])
    def menu(self, request, pk: str):
        return _json(catalog_bodies.catalog_menu_body(restaurant_id=int(pk), viewer=request.user,
                                                      now=timezone.now(), prefetched=self.prefetched))

    def create(self, request):
        body = RestaurantInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        restaurant = restaurant_create(owner=request.user, **body.validated_data)
        return Response(RestaurantOutputSerializer(restaurant).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk: str, partial: bool = False):
        restaurant, actor = self._owned(request, pk)
        body = RestaurantInputSerializer(data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        restaurant = restaurant_update(restaurant=restaurant, data=body.validated_data, actor=actor)
        return Response(RestaurantOutputSerializer(restaurant).data)

    def partial_update(self, request, pk: str):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk: str):
        restaurant, actor = self._owned(request, pk)
        restaurant_deactivate(restaurant=restaurant, actor=actor)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=ServiceStateSerializer, description="Paused / closed / busy now, for members.")
    @action(detail=True, methods=["get"], url_path="service-state")
    def service_state(self, request, pk: str):
        restaurant, _ = self._member(request, pk)
        return self._service_state_response(restaurant)

    @extend_schema(methods=["POST"], request=BusyInputSerializer, responses=ServiceStateSerializer,
                   description="Busy for `minutes` (max 12 h): every quote gets `extra_prep_minutes` more; "
                               "it ends by itself. Owners and staff.")
    @extend_schema(methods=["DELETE"], request=None, responses={200: ServiceStateSerializer},
                   description="Ends busy mode.")
    @action(detail=True, methods=["post", "delete"])
    def busy(self, request, pk: str):
        return self._switch(request, pk, start=restaurant_busy_start, end=restaurant_busy_end,
                            body_serializer=BusyInputSerializer)

    @extend_schema(methods=["POST"], request=PauseInputSerializer, responses=ServiceStateSerializer,
                   description="Pauses online ordering for `minutes` (or until resumed). Owners and staff.")
    @extend_schema(methods=["DELETE"], request=None, responses={200: ServiceStateSerializer},
                   description="Resumes online ordering.")
    @action(detail=True, methods=["post", "delete"])
    def pause(self, request, pk: str):
        return self._switch(request, pk, start=restaurant_pause, end=restaurant_resume,
                            body_serializer=PauseInputSerializer)

    def _switch(self, request, pk: str, *, start, end, body_serializer) -> Response:
        """POST starts busy mode or the pause (with the body's minutes), DELETE ends it; both answer the state."""
        restaurant, actor = self._member(request, pk)
        if request.method == "DELETE":
            restaurant = end(restaurant=restaurant, actor=actor)
        else:
            body = body_serializer(data=request.data)
            body.is_valid(raise_exception=True)
            restaurant = start(restaurant=restaurant, actor=actor, now=timezone.now(), **body.validated_data)
        return self._service_state_response(restaurant)

    @staticmethod
    def _service_state_response(restaurant: Restaurant) -> Response:
        return Response(ServiceStateSerializer(service_state(restaurant, now=timezone.now())).data)

    def _member(self, request, pk: str) -> tuple[Restaurant, Actor]:
        """A restaurant the caller runs (owner, staff, admin); 404 for everyone else, public or not."""
        restaurant = restaurant_get(restaurant_id=int(pk), user=request.user)
        actor = restaurant_actor(user=request.user, restaurant=restaurant)
        if actor is None:
            raise NotFoundError("No such restaurant.")
        check_tenant_rate(request, restaurant)
        return restaurant, actor

    def _owned(self, request, pk: str) -> tuple[Restaurant, Actor | None]:
        """404 when the caller cannot see it; 403 (asked before the body is validated, the services
        enforce the same `restaurants.roles` rule) when they may not change it."""
        restaurant = restaurant_get(restaurant_id=int(pk), user=request.user)
        actor = restaurant_actor(user=request.user, restaurant=restaurant)
        check_may_change_settings(actor)
        check_tenant_rate(request, restaurant)
        return restaurant, actor


def menu_for_anonymous(request: HttpRequest, *, pk: str) -> bytes:
    """The menu action's answer to an anonymous JSON GET, for its fast path (foodsys/api_router.py):
    the limits RateLimitedAPIMixin spends for an anonymous caller (with the entry in their round trip),
    then the same body builder."""
    restaurant_id = int(pk)
    prefetched = check_rates(request, [ip_limit()], read=catalog_bodies.menu_cache_reads(restaurant_id=restaurant_id))
    return catalog_bodies.catalog_menu_body(restaurant_id=restaurant_id, viewer=None, now=timezone.now(),
                                            prefetched=prefetched)
