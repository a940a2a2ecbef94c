"""Sets request.tenant (and request.tenant_role) for every request.

Django middleware runs before DRF authentication, so a bearer token is decoded here too; DRF
authenticates the request again later as usual. Views that need a tenant call
`require_tenant(request)`, which raises the 400/401/403 that explains a missing one.
"""

from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from foodsys.common.errors import json_error
from foodsys.common.exceptions import ApplicationError
from foodsys.tenancy.resolution import TENANT_HEADER, resolve_tenant

_jwt = JWTAuthentication()


def _user_of(request):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    if request.META.get("HTTP_AUTHORIZATION", "").startswith("Bearer "):
        try:
            result = _jwt.authenticate(request)
        except (InvalidToken, TokenError, Exception):  # DRF reports bad tokens itself later
            return user
        if result is not None:
            # DRF authenticates again later; CachedJWTAuthentication reuses this result (no second user query).
            request._jwt_authenticated = (request.META["HTTP_AUTHORIZATION"], result)
            return result[0]
    return user


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
                resolution = resolve_tenant(user=_user_of(request), header_value=request.META.get(TENANT_HEADER))
            except ApplicationError as exc:
                return json_error(exc)
            request.tenant_resolution = resolution
            request.tenant = resolution.tenant
            request.tenant_role = resolution.role
        return self.get_response(request)
