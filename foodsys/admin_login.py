"""`/admin/login/` behind the login throttle.

The stock admin form calls `authenticate()`, whose first backend (accounts.backends.LoginThrottleBackend)
raises RateLimitedError while the client IP's or the account's failed-login budget is spent, before
any password is checked. This form turns that into a clear message on the admin's own login page,
and `admin_login` answers that page with 429 and Retry-After. Wired in foodsys/urls.py.
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError

from foodsys.common.exceptions import RateLimitedError


class ThrottledAdminAuthenticationForm(AdminAuthenticationForm):
    rate_limited: RateLimitedError | None = None

    def clean(self):
        try:
            return super().clean()
        except RateLimitedError as exc:
            self.rate_limited = exc
            raise ValidationError(exc.message, code="rate_limited") from None


@login_not_required
def admin_login(request, extra_context=None):
    """The admin site's own login view (same template, CSRF and redirects), 429 when throttled."""
    response = admin.site.login(request, extra_context)
    form = (getattr(response, "context_data", None) or {}).get("form")
    limited = getattr(form, "rate_limited", None)
    if limited is not None:
        response.status_code = 429
        response["Retry-After"] = str(limited.retry_after)
    return response
