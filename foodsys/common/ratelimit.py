"""Rate limits on the Django cache (django-ratelimit's fixed windows), failing open when the cache is down.

    from foodsys.common.ratelimit import check_rate

    check_rate(request, group="api_ip", key="ip", rate=settings.RATE_LIMITS["api_ip"])
    check_rate(request, group="tenant", key=lambda group, request: keys.tenant_limit_key(tid),
               rate=settings.RATE_LIMITS["tenant"])

- `group` names the counter family; `rate` is "<count>/<period>" ("5/15m", "600/m").
- `key` is a django-ratelimit key ("ip", "user", "user_or_ip", "header:<name>") or a callable
  `(group, request) -> str`; build such names in `foodsys.tenancy.keys`.
- increment=True (default) counts this request and refuses it once the count passes the limit.
- increment=False only looks: it refuses when the budget is already spent (count >= limit). Pair it
  with a later increment=True call to count only some outcomes, e.g. failed logins.
- A refusal raises RateLimitedError(retry_after=<seconds until the window ends>), which the exception
  handler renders as 429 with a Retry-After header.
- When the cache cannot be reached the request is allowed and a warning is logged.
"""

import logging
from collections.abc import Callable

from django.http import HttpRequest
from django_ratelimit.core import get_usage
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

from foodsys.common.exceptions import RateLimitedError

logger = logging.getLogger(__name__)

RateKey = str | Callable[[str, HttpRequest], str]
CACHE_ERRORS = (ConnectionInterrupted, RedisError, OSError)


def check_rate(request: HttpRequest, *, group: str, key: RateKey, rate: str, increment: bool = True) -> None:
    try:
        usage = get_usage(request, group=group, key=key, rate=rate, increment=increment)
    except CACHE_ERRORS as exc:
        logger.warning("Rate limit %r not enforced, the cache is unavailable: %s", group, exc)
        return
    if usage is None:  # RATELIMIT_ENABLE = False
        return
    if usage["limit"] == 0 and usage["time_left"] == -1:
        # django-ratelimit's marker for "the counter could not be read or written".
        logger.warning("Rate limit %r not enforced, the cache returned no counter.", group)
        return
    spent = usage["count"] > usage["limit"] if increment else usage["count"] >= usage["limit"]
    if spent:
        raise RateLimitedError(retry_after=max(1, int(usage["time_left"])))
