"""Builds the one JSON error body every API error uses:

    {"error": {"code": "...", "message": "...", "fields": {...}}, "status": 400}
"""

from dataclasses import dataclass
from typing import Any

from django.http import JsonResponse


def error_body(status: int, code: str, message: str, fields: dict[str, Any] | None = None,
               **extra: Any) -> dict[str, Any]:
    error: dict[str, Any] = {"code": code, "message": message, "fields": fields or {}}
    error.update(extra)
    return {"error": error, "status": status}


def error_response(status: int, code: str, message: str, fields: dict[str, Any] | None = None,
                   headers: dict[str, str] | None = None, **extra: Any) -> JsonResponse:
    response = JsonResponse(error_body(status, code, message, fields, **extra), status=status)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# --- The one renderer (architecture issue §3). Helper C owns and completes this section; other
# code calls `render(exc)` or `json_error(exc)` and never builds an error body itself.

@dataclass(frozen=True)
class RenderedError:
    status: int
    body: dict[str, Any]
    headers: dict[str, str]


def render(exc: BaseException) -> RenderedError:
    """Every exception -> (status, body, headers). Initial version: ApplicationError (incl. 429)."""
    from foodsys.common.exceptions import ApplicationError, RateLimitedError

    if isinstance(exc, RateLimitedError):
        return RenderedError(429, error_body(429, exc.code, exc.message, exc.fields, retry_after=exc.retry_after),
                             {"Retry-After": str(exc.retry_after)})
    if isinstance(exc, ApplicationError):
        return RenderedError(exc.status_code, error_body(exc.status_code, exc.code, exc.message, exc.fields,
                                                         **exc.extra), {})
    return RenderedError(500, error_body(500, "server_error", "Internal server error."), {})


def json_error(exc: BaseException, *, headers: dict[str, str] | None = None) -> JsonResponse:
    """`render(exc)` as a Django response; `headers` are added (e.g. an endpoint's Allow)."""
    rendered = render(exc)
    response = JsonResponse(rendered.body, status=rendered.status)
    for name, value in {**rendered.headers, **(headers or {})}.items():
        response[name] = value
    return response
