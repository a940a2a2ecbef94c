"""Authenticates WebSocket connections in scope middleware (consumers never do it).

Credentials, first match wins; explicit credentials override the session cookie:
1. `Sec-WebSocket-Protocol: bearer, <JWT access token>` -> accepted with subprotocol "bearer".
2. `?ticket=<ticket>` from POST /api/auth/ws-ticket/ (single use, ~60 s).
3. `?token=<JWT>`: compatibility only and discouraged: servers and proxies log URLs.
4. The Django session cookie (browsers), resolved by channels' AuthMiddleware.
Invalid explicit credentials give an anonymous user (the consumer closes with 4401).
"""

from dataclasses import dataclass
from urllib.parse import parse_qs

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import InvalidToken, TokenError

from foodsys.realtime.tickets import ws_ticket_redeem

BEARER_SUBPROTOCOL = "bearer"


@dataclass(frozen=True)
class Credentials:
    method: str  # "subprotocol" | "ticket" | "query_token"
    value: str


def credentials_of(scope) -> Credentials | None:
    subprotocols = scope.get("subprotocols") or []
    if len(subprotocols) >= 2 and subprotocols[0] == BEARER_SUBPROTOCOL:
        return Credentials("subprotocol", subprotocols[1])
    query = parse_qs(scope.get("query_string", b"").decode("latin1"))
    if query.get("ticket"):
        return Credentials("ticket", query["ticket"][0])
    if query.get("token"):
        return Credentials("query_token", query["token"][0])
    return None


def _user_from_access_token(raw: str):
    authenticator = JWTAuthentication()
    try:
        return authenticator.get_user(authenticator.get_validated_token(raw))
    except (InvalidToken, TokenError, AuthenticationFailed):
        return None


def _active_user(user_id: int):
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


@database_sync_to_async
def user_for(credentials: Credentials):
    if credentials.method == "ticket":
        user_id = ws_ticket_redeem(ticket=credentials.value)
        return _active_user(user_id) if user_id is not None else None
    return _user_from_access_token(credentials.value)


class TokenAuthMiddleware:
    """Runs after channels' session AuthMiddleware and replaces scope["user"] when a token is given."""

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        scope = dict(scope)
        credentials = credentials_of(scope)
        if credentials is None:
            user = scope.get("user")
            scope["auth_method"] = "session" if user is not None and user.is_authenticated else None
        else:
            scope["user"] = await user_for(credentials) or AnonymousUser()
            scope["auth_method"] = credentials.method
            if credentials.method == "subprotocol":
                scope["accept_subprotocol"] = BEARER_SUBPROTOCOL
        return await self.inner(scope, receive, send)


def RealtimeAuthMiddlewareStack(inner):  # noqa: N802 - named like channels' AuthMiddlewareStack
    return AuthMiddlewareStack(TokenAuthMiddleware(inner))
