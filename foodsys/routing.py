"""WebSocket URL patterns of every app, then a catch-all: an unknown path gets close code 4404
after the handshake (as a malformed tenant id does), not a failed handshake."""

from django.urls import re_path

from foodsys.realtime.access import CLOSE_NOT_FOUND
from orders.routing import websocket_urlpatterns as order_patterns


async def unknown_path(scope, receive, send):
    """A bare ASGI app (no consumer: no channel-layer channel for a socket that is about to close)."""
    message = await receive()
    if message["type"] == "websocket.connect":
        await send({"type": "websocket.accept", "subprotocol": scope.get("accept_subprotocol")})
        await send({"type": "websocket.close", "code": CLOSE_NOT_FOUND})


websocket_urlpatterns: list = [*order_patterns]  # the routes that exist (the isolation matrix walks these)
# What foodsys/asgi.py routes: the routes, then the catch-all for every other path.
asgi_websocket_urlpatterns: list = [*websocket_urlpatterns, re_path(r"", unknown_path)]
