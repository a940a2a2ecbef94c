"""Django-level 404/500 handlers: JSON under /api/ (from the one renderer), plain pages elsewhere."""

import sys

from django.views import defaults

from foodsys.common.errors import json_error
from foodsys.common.middleware import no_endpoint


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return json_error(no_endpoint(request.path))
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        # Called while the exception is handled: an error raised in a middleware (e.g. a database error in
        # tenant resolution), outside ApiErrorMiddleware's reach, gets the same mapping as any other.
        exc = sys.exc_info()[1]
        return json_error(exc if exc is not None else RuntimeError("server error"))
    return defaults.server_error(request)
