"""The Origin check of every WebSocket handshake, before authentication (foodsys/asgi.py).

Origin checks protect sockets that a browser authenticates by itself, with the session cookie: a
foreign page must not open one. So, for a handshake:
- with an Origin: it must be the site's own origin, scheme, host AND port (the socket's Host header,
  itself in ALLOWED_HOSTS, with https when the socket is secure, or SECURE_PROXY_SSL_HEADER says so),
  or one of CSRF_TRUSTED_ORIGINS (`https://*.example.com` wildcards too): exactly what Django's CSRF
  check asks of a cookie-authenticated POST. A foreign Origin is refused whatever else the socket carries.
- without an Origin (not a browser: mobile apps, servers): accepted only when the socket carries
  explicit credentials (bearer subprotocol, ticket or token, `credentials_of`), never for a bare
  cookie, since only a browser holds ambient authority worth hijacking and a browser always sends one.
A refusal is channels' WebsocketDenier: the handshake is answered HTTP 403.
"""

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain

from foodsys.realtime.auth import credentials_of

DEBUG_ALLOWED_HOSTS = [".localhost", "127.0.0.1", "[::1]"]  # what Django's get_host() allows with DEBUG


def header_values(scope, name: bytes) -> list[str]:
    return [value.decode("latin1") for key, value in scope.get("headers", []) if key.lower() == name]


def _first(scope, name: bytes) -> str | None:
    values = header_values(scope, name)
    return values[0] if values else None


def socket_is_secure(scope) -> bool:
    """As Django's request.is_secure(): wss, or the trusted proxy's header when SECURE_PROXY_SSL_HEADER is set."""
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        meta_name, secure_value = proxy_header
        forwarded = _first(scope, meta_name.removeprefix("HTTP_").lower().replace("_", "-").encode())
        if forwarded is not None:
            return forwarded.split(",", 1)[0].strip() == secure_value
    return scope.get("scheme") in ("wss", "https")


def site_origin(scope) -> str | None:
    """scheme://host[:port] of the socket itself, None when its Host is missing or not an allowed host."""
    host = (_first(scope, b"host") or "").strip().lower()
    domain, _port = split_domain_port(host)
    allowed_hosts = settings.ALLOWED_HOSTS or (DEBUG_ALLOWED_HOSTS if settings.DEBUG else [])
    if not domain or not validate_host(domain, allowed_hosts):
        return None
    return f"{'https' if socket_is_secure(scope) else 'http'}://{host}"


def origin_trusted(origin: str, scope) -> bool:
    origin = origin.strip().lower()
    if origin and origin == site_origin(scope):
        return True
    trusted = [entry.strip().lower() for entry in settings.CSRF_TRUSTED_ORIGINS]
    if origin in trusted:
        return True
    try:
        parsed = urlsplit(origin)
    except ValueError:
        return False
    for entry in trusted:
        scheme, _, netloc = entry.partition("://")
        if netloc.startswith("*.") and scheme == parsed.scheme and is_same_domain(parsed.netloc, netloc[1:]):
            return True
    return False


def handshake_allowed(scope) -> bool:
    origins = header_values(scope, b"origin")
    if not origins:
        return credentials_of(scope) is not None
    return len(origins) == 1 and origin_trusted(origins[0], scope)


class WebsocketOriginValidator:
    """ASGI middleware in front of authentication; `application` is the stack it guards."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            raise ValueError("WebsocketOriginValidator guards WebSocket connections only")
        if handshake_allowed(scope):
            return await self.application(scope, receive, send)
        return await WebsocketDenier()(scope, receive, send)
