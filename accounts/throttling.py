"""Login throttling: FAILED attempts are counted per client IP and per account email.

Once either budget is spent (RATE_LIMITS["login_ip"], ["login_email"]), further attempts are refused
(RateLimitedError, 429) before the password is checked, so a correct password does not help an
attacker; successful logins never count. The client IP is `foodsys.common.client_ip.client_ip`.

Every password check made through Django's `authenticate()` is throttled by construction:
`accounts.backends.LoginThrottleBackend`, first in AUTHENTICATION_BACKENDS, refuses while the budget is
spent, and `login_failure_from_signal` (connected to `user_login_failed` in AccountsConfig.ready())
counts each failure. That covers the API login, the session login page, `/admin/login/` and any later
caller. Checks that do not go through `authenticate()` (the current password of a password change,
Google tokens) call `login_throttle_check` / `login_failure_record` themselves.
"""

from contextlib import suppress

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpRequest

from accounts.models import canonical_email
from foodsys.common.exceptions import RateLimitedError
from foodsys.common.ratelimit import Limit, check_rates
from foodsys.tenancy.keys import login_email_limit_key

LOGIN_IP_GROUP = "login_ip"
LOGIN_EMAIL_GROUP = "login_email"
LOGIN_LIMITED_MESSAGE = "Too many failed sign-in attempts; try again later."


def _limits(request: HttpRequest | None, email: str | None, *, increment: bool) -> list[Limit]:
    limits = []
    if request is not None:  # authenticate() without a request (scripts) has no client to count
        limits.append(Limit(LOGIN_IP_GROUP, "ip", settings.RATE_LIMITS["login_ip"], increment))
    if email:
        value = login_email_limit_key(email)
        limits.append(Limit(LOGIN_EMAIL_GROUP, lambda _group, _request: value,
                            settings.RATE_LIMITS["login_email"], increment))
    return limits


def login_throttle_check(request: HttpRequest | None, *, email: str | None) -> None:
    """Raises RateLimitedError when this IP or this email has used up its failed attempts."""
    limits = _limits(request, email, increment=False)
    if not limits:
        return
    try:
        check_rates(request, limits)
    except RateLimitedError as exc:
        raise RateLimitedError(LOGIN_LIMITED_MESSAGE, retry_after=exc.retry_after) from None


def login_failure_record(request: HttpRequest | None, *, email: str | None) -> None:
    """Counts one failed attempt against the IP and the email (each counter, even past its limit)."""
    for limit in _limits(request, email, increment=True):
        with suppress(RateLimitedError):  # the caller reports the failed attempt itself
            check_rates(request, [limit])


def login_email_from_credentials(credentials: dict) -> str | None:
    """The account address of `authenticate()` credentials: `email=` (our forms and API) or
    `username=` (Django's and the admin's forms), in its canonical form."""
    field = get_user_model().USERNAME_FIELD
    raw = credentials.get(field) or credentials.get("username") or credentials.get("email")
    return canonical_email(raw) if isinstance(raw, str) and raw.strip() else None


def is_password_attempt(credentials: dict) -> bool:
    """Password sign-ins carry a `password`; social-auth's authenticate() calls carry a backend instead."""
    return "password" in credentials and "backend" not in credentials


def login_failure_from_signal(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    """`user_login_failed` receiver: every failed password check by `authenticate()` counts once."""
    if is_password_attempt(credentials):
        login_failure_record(request, email=login_email_from_credentials(credentials))
