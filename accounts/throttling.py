"""Login throttling: FAILED attempts are counted per client IP and per account email.

Once either budget is spent, further attempts are refused (429) before the password is checked, so a
correct password does not help an attacker; successful logins never count.
"""

from contextlib import suppress

from django.conf import settings
from django.http import HttpRequest

from foodsys.common.exceptions import RateLimitedError
from foodsys.common.ratelimit import check_rate
from foodsys.tenancy.keys import login_email_limit_key

LOGIN_IP_GROUP = "login_ip"
LOGIN_EMAIL_GROUP = "login_email"
LOGIN_LIMITED_MESSAGE = "Too many failed sign-in attempts; try again later."


def _limits(email: str | None) -> list[dict]:
    limits = [{"group": LOGIN_IP_GROUP, "key": "ip", "rate": settings.RATE_LIMITS["login_ip"]}]
    if email:
        value = login_email_limit_key(email)
        limits.append({"group": LOGIN_EMAIL_GROUP, "key": lambda _group, _request: value,
                       "rate": settings.RATE_LIMITS["login_email"]})
    return limits


def login_throttle_check(request: HttpRequest, *, email: str | None) -> None:
    """Raises RateLimitedError when this IP or this email has used up its failed attempts."""
    for limit in _limits(email):
        try:
            check_rate(request, increment=False, **limit)
        except RateLimitedError as exc:
            raise RateLimitedError(LOGIN_LIMITED_MESSAGE, retry_after=exc.retry_after) from None


def login_failure_record(request: HttpRequest, *, email: str | None) -> None:
    for limit in _limits(email):
        with suppress(RateLimitedError):  # the caller reports the failed attempt itself
            check_rate(request, increment=True, **limit)
