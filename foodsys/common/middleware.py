"""JSON, never HTML, for /api/ paths: 404s from the URL resolver, oversized bodies and crashes."""

import logging

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError, InterfaceError

from foodsys.common.errors import error_response

logger = logging.getLogger(__name__)


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


class ApiErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _is_api(request) and response.status_code == 404 and "json" not in response.get("Content-Type", ""):
            return error_response(404, "not_found", f"No API endpoint at {request.path}.")
        return response

    def process_exception(self, request, exception):
        if not _is_api(request):
            return None
        if isinstance(exception, RequestDataTooBig):
            return error_response(413, "payload_too_large", "Request body is too large.")
        if isinstance(exception, SuspiciousOperation):  # e.g. TooManyFieldsSent: a 400, as Django gives it
            return error_response(400, "bad_request", "The request could not be processed.")
        if isinstance(exception, DatabaseError | InterfaceError):
            logger.exception("Database unavailable while serving %s", request.path)
            return error_response(503, "service_unavailable", "The database is unavailable; retry shortly.",
                                  headers={"Retry-After": "5"})
        logger.exception("Unhandled error while serving %s", request.path)
        return error_response(500, "server_error", "Internal server error.")
