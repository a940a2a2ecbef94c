"""The order API: place, list, read, change status. Bodies come from orders.presenters."""

from typing import Any

from django.conf import settings
from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from foodsys.common.api_ratelimit import RateLimitedAPIMixin
from foodsys.common.exceptions import ApplicationError
from foodsys.common.pagination import DefaultPagination
from foodsys.common.ratelimit import Limit, check_rates
from foodsys.tenancy import keys
from foodsys.tenancy.resolution import require_tenant
from orders import export, selectors, services
from orders.api.serializers import (
    OrderListQuerySerializer,
    OrderPlaceSerializer,
    OrderStatusInputSerializer,
    in_fulfilment_terms,
)
from orders.enums import Fulfilment
from orders.presenters import order_detail, order_summary

IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_IDEMPOTENCY_KEY_LENGTH = 255


def validated(serializer: serializers.Serializer) -> dict[str, Any]:
    serializer.is_valid(raise_exception=True)  # rendered with flat field paths (items[2].quantity)
    return serializer.validated_data


def _idempotency_key(request) -> str | None:
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > MAX_IDEMPOTENCY_KEY_LENGTH:
        raise ApplicationError(f"{IDEMPOTENCY_HEADER} must be 1 to {MAX_IDEMPOTENCY_KEY_LENGTH} characters.",
                               code="invalid_idempotency_key", fields={IDEMPOTENCY_HEADER: ["Invalid length."]})
    return key


def _detail_response(request, order_id, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    order, actor = selectors.order_get(user=request.user, order_id=order_id, tenancy=request.tenant_resolution)
    return Response(order_detail(order, role=actor.role), status=status, headers=headers)


def _filters(query: dict[str, Any], *, tenant) -> selectors.OrderFilters:
    return selectors.OrderFilters(
        statuses=query.get("status", ()), created_after=query.get("created_after"),
        created_before=query.get("created_before"), restaurant_id=query.get("restaurant"),
        ordering=query["ordering"], search=query.get("search", ""), created_from=query.get("created_from"),
        created_to=query.get("created_to"), zone=tenant.timezone if tenant is not None else "UTC")


@extend_schema_view(
    list=extend_schema(operation_id="orders_list", parameters=[OrderListQuerySerializer], responses=OpenApiTypes.OBJECT,
                       description="Paginated order summaries (orders.presenters.order_summary)."),
    retrieve=extend_schema(responses=OpenApiTypes.OBJECT, description="orders.presenters.order_detail"),
    create=extend_schema(request=OrderPlaceSerializer, responses={201: OpenApiTypes.OBJECT, 200: OpenApiTypes.OBJECT},
                         parameters=[OpenApiParameter(IDEMPOTENCY_HEADER, OpenApiTypes.STR, OpenApiParameter.HEADER)]),
    change_status=extend_schema(request=OrderStatusInputSerializer, responses=OpenApiTypes.OBJECT,
                                description="Move the order along its state machine; POST, PUT and PATCH alike."),
    export_csv=extend_schema(operation_id="orders_export_csv", parameters=[OrderListQuerySerializer],
                             responses={(200, "text/csv"): OpenApiTypes.STR},
                             description="Streamed CSV of the tenant's orders (members only)."),
)
class OrderViewSet(RateLimitedAPIMixin, viewsets.ViewSet):
    permission_classes = [IsAuthenticated]
    rate_limit_tenant = True
    lookup_value_regex = "[^/]+"  # anything; a malformed id is a JSON 404 from the selector

    def list(self, request):
        query = validated(OrderListQuerySerializer(data=request.query_params))
        filters = _filters(query, tenant=request.tenant)
        orders = selectors.order_list(user=request.user, tenant=request.tenant, filters=filters,
                                      mine_only=query.get("scope") == "mine")
        paginator = DefaultPagination()
        page = paginator.paginate_queryset(orders, request, view=self)
        actors = selectors.order_actors(orders=page, user=request.user, tenancy=request.tenant_resolution)
        return paginator.get_paginated_response(
            [order_summary(order, role=actor.role) for order, actor in zip(page, actors, strict=True)])

    @action(detail=False, methods=["get"], url_path="export.csv")
    def export_csv(self, request):
        """The tenant's orders matching the list's filters as a streamed CSV (members only; the local-date
        range defaults to the last 30 days and may span at most 366)."""
        tenant = require_tenant(request)
        query = validated(OrderListQuerySerializer(data=request.query_params))
        created_from, created_to = export.export_range(
            created_from=query.get("created_from"), created_to=query.get("created_to"), zone=tenant.timezone,
            now=timezone.now())
        query.update(created_from=created_from, created_to=created_to)
        orders = selectors.order_list(user=request.user, tenant=tenant, filters=_filters(query, tenant=tenant))
        response = StreamingHttpResponse(export.csv_rows(orders, tenant.timezone),
                                         content_type="text/csv; charset=utf-8")
        filename = export.export_filename(tenant.name, created_from, created_to)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response

    def retrieve(self, request, pk=None):
        return _detail_response(request, pk)

    def create(self, request):
        """Every attempt (valid or not, replays included) spends the customer's order_place budget and
        its client IP's order_place_ip budget (shared by every account there, so new accounts don't
        reset it): simpler, and it also caps validation probing."""
        check_rates(request, [
            Limit("order_place", lambda group, req: keys.order_limit_key(req.user.id),
                  settings.RATE_LIMITS["order_place"]),
            Limit("order_place_ip", "ip", settings.RATE_LIMITS["order_place_ip"]),
        ])
        idempotency_key = _idempotency_key(request)
        data = validated(OrderPlaceSerializer(data=request.data))
        fulfilment = data["fulfilment"] or {"type": Fulfilment.DELIVERY, "address": None, "scheduled_for": None}
        address = fulfilment["address"] or data["delivery_address"]
        try:
            placed = services.order_place(
                customer=request.user,
                restaurant_ref=data["restaurant"],
                lines=[services.OrderLineInput(menu_item_id=item["menu_item"], quantity=item["quantity"],
                                               option_ids=tuple(item["options"]),
                                               special_instructions=item["special_instructions"])
                       for item in data["items"]],
                delivery_address=dict(address) if address else None,
                payment_method=data["payment_method"],
                notes=data["notes"],
                idempotency_key=idempotency_key,
                fulfilment=fulfilment["type"],
                scheduled_for=fulfilment["scheduled_for"],
            )
        except ApplicationError as error:  # a body with a fulfilment object names its address there
            raise (in_fulfilment_terms(error) if data["fulfilment"] and not data["delivery_address"] else error)
        if not placed.created:
            return _detail_response(request, placed.order.pk, headers={"Idempotent-Replayed": "true"})
        # The new order is rendered from memory: it has no history yet and its lines were just written.
        actor = selectors.order_actor(order=placed.order, user=request.user, tenancy=request.tenant_resolution)
        body = order_detail(placed.order, role=actor.role, lines=placed.lines,
                            status_changes=placed.status_changes, activities=[])
        return Response(body, status=201)

    @action(detail=True, methods=["post", "put", "patch"], url_path="status")
    def change_status(self, request, pk=None):
        data = validated(OrderStatusInputSerializer(data=request.data))
        order, actor = selectors.order_get(user=request.user, order_id=pk, tenancy=request.tenant_resolution,
                                           with_history=False)
        order = services.order_transition(order=order, to_status=data["status"], actor=actor, reason=data["reason"])
        # `order` is in memory with tenant, customer and lines loaded; only the history is read again.
        body = order_detail(order, role=actor.role, status_changes=selectors.order_status_history(order=order),
                            activities=selectors.order_activities(order=order))
        return Response(body)
