import os

# ASGI servers use the psycopg pool instead of per-worker persistent connections.
os.environ.setdefault("FOODSYS_SERVER", "asgi")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "foodsys.settings.local")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from django.conf import settings  # noqa: E402

if settings.METRICS_WARM_AT_START:  # off in tests: importing metrics here, inside a test's event loop, stalled it
    from metrics.services import metrics_warm_at_start

    metrics_warm_at_start()  # embedded mode: this process's local aggregates start from the orders table

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from foodsys.realtime.auth import RealtimeAuthMiddlewareStack  # noqa: E402
from foodsys.realtime.origin import WebsocketOriginValidator  # noqa: E402
from foodsys.routing import asgi_websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        # Origin check (scheme, host and port; no Origin only with explicit credentials: realtime/origin.py),
        # then session cookie / bearer subprotocol / ticket auth, then the consumers (unknown paths: 4404).
        "websocket": WebsocketOriginValidator(RealtimeAuthMiddlewareStack(URLRouter(asgi_websocket_urlpatterns))),
    }
)
