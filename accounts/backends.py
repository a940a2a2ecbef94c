"""The login throttle's gate in front of every password check made through `authenticate()`.

AUTHENTICATION_BACKENDS lists `LoginThrottleBackend` first. For a password attempt it looks at the
failed-login budget of the client IP and the account email (accounts.throttling) and, when either is
spent, raises RateLimitedError: `authenticate()` lets that propagate, so no later backend checks the
password and the caller answers 429 (the API), a 429 page (the login page) or a message (the admin).
Otherwise it steps aside (returns None) and Django's ModelBackend checks the password as before;
a failure is counted by `accounts.throttling.login_failure_from_signal` on `user_login_failed`.
The gate never authenticates anyone, so sessions keep naming ModelBackend.
"""

from django.http import HttpRequest
from django.views.decorators.debug import sensitive_variables

from accounts.throttling import is_password_attempt, login_email_from_credentials, login_throttle_check


class LoginThrottleBackend:
    """Refuses password sign-ins while their failed-login budget is spent; authenticates nobody.

    It has no get_user() on purpose: no session can name it, and Client.force_login() skips it."""

    @sensitive_variables("credentials")  # error reports never show the password
    def authenticate(self, request: HttpRequest | None, **credentials):
        if is_password_attempt(credentials):
            login_throttle_check(request, email=login_email_from_credentials(credentials))
        return None

