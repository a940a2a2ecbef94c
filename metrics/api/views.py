"""GET /api/metrics/ (the request's tenant), /api/metrics/{tenant_id}/ and its orders-per-minute.

Owners, staff and admins of THAT tenant only: others get 403, unknown tenants 404, anonymous 401.
Same per-IP and per-user limits as the rest of the API (RateLimitedAPIMixin).
Reads only: a GET never writes (the embedded warm-up runs at process start, `metrics_warm_at_start`).
"""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from foodsys.common.api_ratelimit import RateLimitedAPIMixin
from foodsys.common.exceptions import PermissionDeniedError
from foodsys.tenancy.resolution import require_tenant, resolve_tenant
from metrics.api.serializers import MetricsSnapshotSerializer, MinutesQuerySerializer, OrdersPerMinuteSerializer
from metrics.selectors import metrics_orders_per_minute, metrics_snapshot

METRICS_ROLES = ("owner", "staff", "admin")


def _tenant_in_path(request, tenant_id) -> str:
    """The path's tenant if the user may read its metrics (a member or an admin), else 404/403."""
    resolution = resolve_tenant(user=request.user, header_value=str(tenant_id))
    if resolution.tenant is None or resolution.role not in METRICS_ROLES:
        raise PermissionDeniedError("You may not read this tenant's metrics.", code="role_forbidden")
    return str(resolution.tenant.tenant_id)


class MetricsView(RateLimitedAPIMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MetricsSnapshotSerializer)
    def get(self, request):
        tenant = require_tenant(request, roles=METRICS_ROLES)
        return Response(MetricsSnapshotSerializer(metrics_snapshot(tenant_id=tenant.tenant_id)).data)


class TenantMetricsView(RateLimitedAPIMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="metrics_tenant_retrieve", responses=MetricsSnapshotSerializer)
    def get(self, request, tenant_id):
        tenant_id = _tenant_in_path(request, tenant_id)
        return Response(MetricsSnapshotSerializer(metrics_snapshot(tenant_id=tenant_id)).data)


class OrdersPerMinuteView(RateLimitedAPIMixin, APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(parameters=[MinutesQuerySerializer], responses=OrdersPerMinuteSerializer)
    def get(self, request, tenant_id):
        tenant_id = _tenant_in_path(request, tenant_id)
        query = MinutesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        minutes = query.validated_data["minutes"]
        body = {"tenant_id": tenant_id, "minutes": minutes,
                "orders_per_minute": metrics_orders_per_minute(tenant_id=tenant_id, minutes=minutes)}
        return Response(OrdersPerMinuteSerializer(body).data)
