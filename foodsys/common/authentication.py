"""JWT authentication that reuses the user TenantMiddleware already loaded for the same header.

The reuse never skips revocation: the cached result was made by simplejwt's `get_user` earlier in the
same request (active user, CHECK_REVOKE_TOKEN: the token's password digest matches the stored hash),
and it is re-checked here against the loaded user before it is trusted. It lives on the request only.
"""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.settings import api_settings
from rest_framework_simplejwt.utils import get_md5_hash_password


def _still_valid(user, validated_token) -> bool:
    if api_settings.CHECK_USER_IS_ACTIVE and not user.is_active:
        return False
    if api_settings.CHECK_REVOKE_TOKEN:
        return validated_token.get(api_settings.REVOKE_TOKEN_CLAIM) == get_md5_hash_password(user.password)
    return True


class CachedJWTAuthentication(JWTAuthentication):
    def authenticate(self, request):
        cached = getattr(request._request, "_jwt_authenticated", None)
        if cached is not None and cached[0] == request.META.get("HTTP_AUTHORIZATION") and _still_valid(*cached[1]):
            return cached[1]
        return super().authenticate(request)


class CachedJWTScheme(SimpleJWTScheme):
    """Documents CachedJWTAuthentication in the OpenAPI schema as the bearer JWT it is."""

    target_class = CachedJWTAuthentication
    name = "jwtAuth"
