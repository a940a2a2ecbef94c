"""JWT authentication that reuses the user TenantMiddleware already loaded for the same header."""

from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication


class CachedJWTAuthentication(JWTAuthentication):
    def authenticate(self, request):
        cached = getattr(request._request, "_jwt_authenticated", None)
        if cached is not None and cached[0] == request.META.get("HTTP_AUTHORIZATION"):
            return cached[1]
        return super().authenticate(request)


class CachedJWTScheme(SimpleJWTScheme):
    """Documents CachedJWTAuthentication in the OpenAPI schema as the bearer JWT it is."""

    target_class = CachedJWTAuthentication
    name = "jwtAuth"
