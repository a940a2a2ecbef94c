"""Django-level 404/500 handlers: JSON under /api/, plain pages elsewhere."""

from django.views import defaults

from foodsys.common.errors import error_response


def not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return error_response(404, "not_found", f"No API endpoint at {request.path}.")
    return defaults.page_not_found(request, exception)


def server_error(request):
    if request.path.startswith("/api/"):
        return error_response(500, "server_error", "Internal server error.")
    return defaults.server_error(request)
