"""General API rate limits for DRF views: per client IP, per authenticated user, per tenant.

Adopt it by putting the mixin first in a view's bases:

    from foodsys.common.api_ratelimit import RateLimitedAPIMixin

    class OrderViewSet(RateLimitedAPIMixin, viewsets.GenericViewSet):
        rate_limit_tenant = True   # management endpoints: also spend the tenant's budget

- Every request spends settings.RATE_LIMITS["api_ip"] of its client IP, before authentication,
  so floods of bad tokens are limited too.
- Authenticated requests also spend RATE_LIMITS["api_user"] of their user.
- With `rate_limit_tenant = True` a request that resolved a tenant (request.tenant, set by
  TenantMiddleware) spends RATE_LIMITS["tenant"] under `keys.tenant_limit_key(tenant_id)`.
  A view that learns its tenant later (e.g. from the URL) calls `check_tenant_rate(request, tenant)`.
- Over the limit, `RateLimitedError` becomes a JSON 429 with Retry-After (the exception handler).
- When the cache is down, `check_rate` lets the request through and logs a warning.
"""

from django.conf import settings

from foodsys.common.ratelimit import check_rate
from foodsys.tenancy import keys


def _user_key(group: str, request) -> str:
    return keys.api_user_limit_key(request.user.pk)


def check_ip_rate(request) -> None:
    check_rate(request, group="api_ip", key="ip", rate=settings.RATE_LIMITS["api_ip"])


def check_user_rate(request) -> None:
    if request.user and request.user.is_authenticated:
        check_rate(request, group="api_user", key=_user_key, rate=settings.RATE_LIMITS["api_user"])


def check_tenant_rate(request, tenant) -> None:
    tenant_key = keys.tenant_limit_key(tenant.tenant_id)
    check_rate(request, group="tenant", key=lambda group, req: tenant_key, rate=settings.RATE_LIMITS["tenant"])


class RateLimitedAPIMixin:
    """Runs the limits in `initial()`, before DRF's permission checks and the handler."""

    rate_limit_tenant = False

    def initial(self, request, *args, **kwargs):
        check_ip_rate(request)
        check_user_rate(request)  # authenticates; a bad token raises the usual 401 here
        tenant = getattr(request, "tenant", None)
        if self.rate_limit_tenant and tenant is not None:
            check_tenant_rate(request, tenant)
        super().initial(request, *args, **kwargs)
