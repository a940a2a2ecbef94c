"""WebSocket URL patterns of every app."""

websocket_urlpatterns: list = []
