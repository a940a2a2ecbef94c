"""Sets request.tenant (and request.tenant_role) for every request.

One identity per request: the tenant is resolved for the user the request's views will see, decided
once here by `request_identity`:
- /api/ (DRF): DRF's authenticators in settings order, JWT first, then the session. A bearer token
  therefore wins over a session cookie, here as in DRF; a bad token resolves nobody (DRF answers
  401 itself), it never falls back to the session. CachedJWTAuthentication reuses this result.
- /dashboard/ (Django views): the session user only, as the views see it.
Views that need a tenant call `require_tenant(request)`, which raises the 400/401/403 that explains
a missing one.
"""

from django.contrib.auth.models import AnonymousUser
from rest_framework.exceptions import APIException
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import TokenError

from foodsys.common.errors import json_error
from foodsys.common.exceptions import ApplicationError
from foodsys.tenancy.resolution import TENANT_HEADER, resolve_tenant

_jwt = JWTAuthentication()


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def request_identity(request):
    """The user this request acts as, the same one DRF (or, off the API, Django's session) resolves."""
    session_user = getattr(request, "user", None) or AnonymousUser()
    if not _is_api(request):
        return session_user
    try:
        result = _jwt.authenticate(request)  # None: no bearer header of ours, DRF goes on to the session
    except (APIException, TokenError):  # a bad token: DRF refuses the request itself; nobody here
        return AnonymousUser()
    if result is None:
        return session_user
    # DRF authenticates again later; CachedJWTAuthentication reuses this result (no second user query).
    request._jwt_authenticated = (request.META.get("HTTP_AUTHORIZATION"), result)
    return result[0]


def _applies(request) -> bool:
    return request.path.startswith(("/api/", "/dashboard/"))


class TenantMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.tenant = None
        request.tenant_role = None
        request.tenant_resolution = None
        if _applies(request):
            try:
                resolution = resolve_tenant(user=request_identity(request),
                                            header_value=request.META.get(TENANT_HEADER))
            except ApplicationError as exc:
                return json_error(exc)
            request.tenant_resolution = resolution
            request.tenant = resolution.tenant
            request.tenant_role = resolution.role
        return self.get_response(request)
