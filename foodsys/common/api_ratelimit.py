"""General API rate limits for DRF views: per client IP, per authenticated user, per tenant.

Adopt it by putting the mixin first in a view's bases:

    from foodsys.common.api_ratelimit import RateLimitedAPIMixin

    class OrderViewSet(RateLimitedAPIMixin, viewsets.GenericViewSet):
        rate_limit_tenant = True   # management endpoints: also spend the tenant's budget

- Every request spends settings.RATE_LIMITS["api_ip"] of its client IP (`foodsys.common.client_ip`:
  REMOTE_ADDR, or X-Forwarded-For through trusted proxies only), also when authentication
  fails, so floods of bad tokens are limited too.
- Authenticated requests also spend RATE_LIMITS["api_user"] of their user.
- With `rate_limit_tenant = True` a request that resolved a tenant (request.tenant, set by
  TenantMiddleware) spends RATE_LIMITS["tenant"] under `keys.tenant_limit_key(tenant_id)`.
  A view that learns its tenant later (e.g. from the URL) calls `check_tenant_rate(request, tenant)`.
- Over the limit, `RateLimitedError` becomes a JSON 429 with Retry-After (foodsys.common.errors.render).
- The mixin checks all of a request's limits with one `check_rates` call (one Redis round trip).
  A view that knows which cache entries its handler will read names them in `cache_reads()`; they
  come back in the same round trip as `self.prefetched` (None when not fetched).
- When the cache is down, `check_rates` lets the request through and logs a warning.
"""

from django.conf import settings
from rest_framework.exceptions import APIException

from foodsys.common.ratelimit import Limit, check_rates
from foodsys.tenancy import keys


def _user_key(group: str, request) -> str:
    return keys.api_user_limit_key(request.user.pk)


def ip_limit() -> Limit:
    return Limit("api_ip", "ip", settings.RATE_LIMITS["api_ip"])


def user_limit() -> Limit:
    return Limit("api_user", _user_key, settings.RATE_LIMITS["api_user"])


def tenant_limit(tenant) -> Limit:
    tenant_key = keys.tenant_limit_key(tenant.tenant_id)
    return Limit("tenant", lambda group, request: tenant_key, settings.RATE_LIMITS["tenant"])


def check_ip_rate(request) -> None:
    check_rates(request, [ip_limit()])


def check_user_rate(request) -> None:
    if request.user and request.user.is_authenticated:
        check_rates(request, [user_limit()])


def check_tenant_rate(request, tenant) -> None:
    check_rates(request, [tenant_limit(tenant)])


class RateLimitedAPIMixin:
    """Runs the limits in `initial()`, before DRF's permission checks and the handler: all of them
    in one cache round trip, the per-IP one first."""

    rate_limit_tenant = False
    prefetched: dict | None = None

    def cache_reads(self, request) -> list[str]:
        return []

    def initial(self, request, *args, **kwargs):
        limits = [ip_limit()]
        try:
            user = request.user  # authenticates; a bad token raises the usual 401 ...
        except APIException:
            check_rates(request, limits)  # ... after its IP's budget was spent (a 429 wins)
            raise
        if user and user.is_authenticated:
            limits.append(user_limit())
        tenant = getattr(request, "tenant", None)
        if self.rate_limit_tenant and tenant is not None:
            limits.append(tenant_limit(tenant))
        # The reads are default-cache keys; check_rates fetches them with the counters when both share a store.
        self.prefetched = check_rates(request, limits, read=self.cache_reads(request))
        super().initial(request, *args, **kwargs)
