"""The one error renderer: every exception an API answer can come from -> one JSON shape.

    {"error": {"code": "...", "message": "...", "fields": {"items[0].quantity": ["..."]}}, "status": 400}

`render(exc)` is THE mapping (status, body, headers); `json_error(exc)` is it as a Django response.
The DRF exception handler, the API middlewares, the Django 404/500 handlers and the plain views all
call one of the two; nothing else builds an error body. `fields` always uses flat field paths:
`name`, `items[0].quantity`, `options[1].name`; errors not tied to a field are `non_field_errors`.
docs/errors.md describes the codes; the OpenAPI schema's `Error` component is this shape.
"""

import logging
import math
import time
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django_ratelimit.exceptions import Ratelimited
from rest_framework import exceptions as drf

from foodsys.common.exceptions import ApplicationError, RateLimitedError

logger = logging.getLogger(__name__)

NON_FIELD = "non_field_errors"
# An unreachable database (connection refused or lost, pool timeout) is worth retrying: 503 with this
# Retry-After. Any other DatabaseError (IntegrityError, DataError, ...) escaping a service is a bug: 500.
DATABASE_RETRY_AFTER = 5
UNAVAILABLE_DATABASE_ERRORS = (OperationalError, InterfaceError)


@dataclass(frozen=True)
class RenderedError:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


def _body(status: int, code: str, message: str, fields: dict[str, Any] | None = None,
               **extra: Any) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message, "fields": flatten_fields(fields or {})}
    error.update(extra)
    return {"error": error, "status": status}


def flatten_fields(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Nested errors (DRF's {"options": [{}, {"name": [...]}]} or {"options": {"1": {...}}}) as
    {"options[1].name": [...]}. Already flat paths pass through unchanged."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):  # a list index
                path = f"{prefix}[{key}]"
            elif key == NON_FIELD:
                path = prefix or key
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten_fields(value, path))
    elif isinstance(detail, list | tuple) and any(isinstance(item, dict | list) for item in detail):
        for index, value in enumerate(detail):
            if value:  # DRF reports the valid entries of a list as {}
                flat.update(flatten_fields(value, f"{prefix}[{index}]"))
    elif isinstance(detail, list | tuple):
        flat[prefix or NON_FIELD] = [str(item) for item in detail]
    else:
        flat[prefix or NON_FIELD] = [str(detail)]
    return flat


def _first_message(fields: dict[str, list[str]], default: str) -> str:
    for path, messages in fields.items():
        if messages:
            return messages[0] if path == NON_FIELD else f"{path}: {messages[0]}"
    return default


def _rate_limited(message: str, retry_after: int) -> RenderedError:
    retry_after = max(1, int(retry_after))
    return RenderedError(429, _body(429, "rate_limited", message, retry_after=retry_after),
                         {"Retry-After": str(retry_after)})


def _minute_window_left() -> int:
    """Seconds to the end of the current epoch-aligned minute window."""
    return 60 - int(time.time()) % 60


def _validation(status: int, detail: Any) -> RenderedError:
    fields = flatten_fields(detail)
    return RenderedError(status, _body(status, "validation_error", _first_message(fields, "Invalid input."), fields),
                         {})


def _api_exception(exc: drf.APIException) -> RenderedError:
    if isinstance(exc, drf.ValidationError):
        return _validation(exc.status_code, exc.detail)
    if isinstance(exc, drf.Throttled):
        return _rate_limited("Too many requests; slow down.", math.ceil(exc.wait or 1))
    detail, code = exc.detail, exc.get_codes()
    if isinstance(detail, dict):  # e.g. simplejwt's {"detail", "code", "messages"}
        message = str(detail.get("detail") or _first_message(flatten_fields(detail), exc.default_detail))
        code = detail.get("code") or exc.default_code
    elif isinstance(detail, list):
        message = _first_message(flatten_fields(detail), str(exc.default_detail))
        code = exc.default_code
    else:
        message = str(detail)
    headers = {}
    if getattr(exc, "auth_header", None):  # DRF's APIView sets it on a 401 (NotAuthenticated/AuthenticationFailed)
        headers["WWW-Authenticate"] = exc.auth_header
    return RenderedError(exc.status_code, _body(exc.status_code, str(code), message), headers)


def _django_validation(exc: DjangoValidationError) -> RenderedError:
    detail = exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD: exc.messages}
    return _validation(400, detail)


def render(exc: BaseException) -> RenderedError:
    """Every exception -> (status, body, headers). Server-side failures (500, 503) are logged here."""
    if isinstance(exc, RateLimitedError):
        return _rate_limited(exc.message, exc.retry_after)
    if isinstance(exc, ApplicationError):
        return RenderedError(exc.status_code, _body(exc.status_code, exc.code, exc.message, exc.fields, **exc.extra),
                             {})
    if isinstance(exc, drf.APIException):
        return _api_exception(exc)
    if isinstance(exc, Ratelimited):
        # django-ratelimit's own decorator raises it with nothing about the limit (the project counts in
        # foodsys.common.ratelimit, whose RateLimitedError carries the exact window): the minute window's end.
        return _rate_limited("Too many requests; slow down.", _minute_window_left())
    if isinstance(exc, Http404):
        return render(drf.NotFound())
    if isinstance(exc, DjangoPermissionDenied):
        return render(drf.PermissionDenied())
    if isinstance(exc, DjangoValidationError):
        return _django_validation(exc)
    if isinstance(exc, RequestDataTooBig):  # a SuspiciousOperation: before it
        return RenderedError(413, _body(413, "payload_too_large", "Request body is too large."), {})
    if isinstance(exc, SuspiciousOperation | BadRequest | MultiPartParserError):  # a 400, as Django gives them
        return RenderedError(400, _body(400, "bad_request", "The request could not be processed."), {})
    if isinstance(exc, UNAVAILABLE_DATABASE_ERRORS):
        logger.error("Database unavailable", exc_info=exc)
        return RenderedError(503, _body(503, "service_unavailable", "The database is unavailable; retry shortly."),
                             {"Retry-After": str(DATABASE_RETRY_AFTER)})
    if isinstance(exc, DatabaseError):
        logger.error("Database error", exc_info=exc)
    else:
        logger.error("Unhandled error", exc_info=exc)
    return RenderedError(500, _body(500, "server_error", "Internal server error."), {})


def json_error(exc: BaseException, *, headers: dict[str, str] | None = None) -> JsonResponse:
    """`render(exc)` as a Django response; `headers` are added (e.g. an endpoint's Allow)."""
    rendered = render(exc)
    response = JsonResponse(rendered.body, status=rendered.status)
    for name, value in {**rendered.headers, **(headers or {})}.items():
        response[name] = value
    return response


# --- OpenAPI: the shape above as the `Error` component, every operation's `default` response.

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "status"],
    "description": "Every API error, whatever produced it (see docs/errors.md).",
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message", "fields"],
            "additionalProperties": True,  # a few codes add context: retry_after, allowed, current_status, ...
            "properties": {
                "code": {"type": "string", "description": "Stable, machine-readable: validation_error, not_found, "
                                                          "rate_limited, service_unavailable, ..."},
                "message": {"type": "string", "description": "For people; for a field error `<path>: <message>`."},
                "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                           "description": "Field path -> messages. Paths are flat: `name`, `items[0].quantity`, "
                                          "`options[1].name`; errors of no one field are under `non_field_errors`."},
                "retry_after": {"type": "integer", "description": "429 only: seconds, as the Retry-After header."},
            },
        },
        "status": {"type": "integer", "description": "The HTTP status, repeated."},
    },
}


def openapi_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: adds the Error component and, to each operation that documents
    no error of its own, `default: Error`."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"description": "An error, in the one shape (see the Error schema).",
                 "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"].setdefault("default", reference)
    return result
