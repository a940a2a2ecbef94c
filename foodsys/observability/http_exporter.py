"""A /metrics endpoint for processes that serve no HTTP: `relay_outbox` and `consume_orders`
(`--metrics-port`). A daemon thread; each scrape runs in its own thread, whose database connection
(opened by the outbox collector) is closed when the scrape ends.
"""

import threading
from wsgiref.simple_server import WSGIRequestHandler, make_server

from prometheus_client import REGISTRY, CollectorRegistry, make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 (stdlib signature) - scrapes are not worth a line each
        pass


def _closing_db_connections(app):
    def wrapped(environ, start_response):
        from django.db import connections

        try:
            return app(environ, start_response)
        finally:
            connections.close_all()

    return wrapped


def start_metrics_server(port: int, addr: str = "0.0.0.0", registry: CollectorRegistry = REGISTRY):  # noqa: S104
    """Serves the registry on http://addr:port/ (any path) until the process exits; returns the server."""
    app = _closing_db_connections(make_wsgi_app(registry))
    server = make_server(addr, port, app, ThreadingWSGIServer, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="metrics-http", daemon=True).start()
    return server
