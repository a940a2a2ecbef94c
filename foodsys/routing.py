"""WebSocket URL patterns of every app."""

from orders.routing import websocket_urlpatterns as order_patterns

websocket_urlpatterns: list = [*order_patterns]
