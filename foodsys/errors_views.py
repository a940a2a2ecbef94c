"""Django-level 404/500 handlers: JSON under /api/, plain pages elsewhere."""

import sys

from django.db import DatabaseError, InterfaceError
from django.views import defaults

from foodsys.common.errors import error_response


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return error_response(404, "not_found", f"No API endpoint at {request.path}.")
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        # Called while the exception is handled: a database error raised in a middleware (e.g. tenant
        # resolution), outside ApiErrorMiddleware's reach, is still the 503 an unreachable database gets.
        if isinstance(sys.exc_info()[1], DatabaseError | InterfaceError):
            return error_response(503, "service_unavailable", "The database is unavailable; retry shortly.",
                                  headers={"Retry-After": "5"})
        return error_response(500, "server_error", "Internal server error.")
    return defaults.server_error(request)
