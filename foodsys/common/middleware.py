"""JSON, never HTML, for /api/ paths: 404s from the URL resolver, other non-JSON error responses (e.g. a
plain view's 405), oversized bodies and crashes. Every body comes from the one renderer (foodsys.common.errors)."""

from http import HTTPStatus

from foodsys.common.errors import json_error
from foodsys.common.exceptions import ApplicationError, NotFoundError

# Codes as DRF names them, for statuses a plain Django view answers without raising.
_STATUS_CODES = {403: "permission_denied", 405: "method_not_allowed"}


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def no_endpoint(path: str) -> NotFoundError:
    return NotFoundError(f"No API endpoint at {path}.")


def _status_error(request, status: int) -> ApplicationError:
    if status == 404:
        return no_endpoint(request.path)
    phrase = HTTPStatus(status).phrase
    return ApplicationError(f"{phrase}.", status=status,
                            code=_STATUS_CODES.get(status, phrase.lower().replace(" ", "_").replace("-", "_")))


class ApiErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if _is_api(request) and response.status_code >= 400 and "json" not in response.get("Content-Type", ""):
            kept = {name: response[name] for name in ("Allow", "Retry-After", "WWW-Authenticate") if name in response}
            return json_error(_status_error(request, response.status_code), headers=kept)
        return response

    def process_exception(self, request, exception):
        if not _is_api(request):
            return None
        return json_error(exception)
