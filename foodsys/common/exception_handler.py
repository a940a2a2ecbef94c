"""One DRF exception handler: every error gets the same JSON shape (see errors.py)."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import Http404
from django_ratelimit.exceptions import Ratelimited
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from foodsys.common.errors import error_body, error_response
from foodsys.common.exceptions import ApplicationError, RateLimitedError

logger = logging.getLogger(__name__)


def _first_message(detail: Any) -> str:
    if isinstance(detail, dict) and "detail" in detail:  # e.g. simplejwt's {detail, code, messages}
        return str(detail["detail"])
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    if isinstance(detail, dict) and detail:
        key, value = next(iter(detail.items()))
        inner = _first_message(value)
        return inner if key == "non_field_errors" else f"{key}: {inner}"
    return str(detail)


def _fields(detail: Any) -> dict[str, Any]:
    if isinstance(detail, dict):
        return detail
    if isinstance(detail, list):
        return {"non_field_errors": detail}
    return {}


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, RateLimitedError | Ratelimited):
        retry_after = getattr(exc, "retry_after", 60)
        message = getattr(exc, "message", "Too many requests; slow down.")
        return Response(error_body(429, "rate_limited", message, retry_after=retry_after), status=429,
                        headers={"Retry-After": str(retry_after)})
    if isinstance(exc, ApplicationError):
        return Response(error_body(exc.status_code, exc.code, exc.message, exc.fields, **exc.extra),
                        status=exc.status_code)
    if isinstance(exc, RequestDataTooBig):  # DRF reads request.body inside the view, past ApiErrorMiddleware
        return Response(error_body(413, "payload_too_large", "Request body is too large."), status=413)
    if isinstance(exc, SuspiciousOperation):  # e.g. TooManyFieldsSent: Django's own handling would give 400
        return Response(error_body(400, "bad_request", "The request could not be processed."), status=400)
    if isinstance(exc, OperationalError | InterfaceError):  # the database is unreachable: as ApiErrorMiddleware
        logger.error("Database unavailable while serving %s", getattr(context.get("request"), "path", "?"),
                     exc_info=exc)
        return Response(error_body(503, "service_unavailable", "The database is unavailable; retry shortly."),
                        status=503, headers={"Retry-After": "5"})
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("Unhandled API error", exc_info=exc)
        return Response(error_body(500, "server_error", "Internal server error."),
                        status=status.HTTP_500_INTERNAL_SERVER_ERROR)

    detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    if isinstance(exc, exceptions.ValidationError):
        body = error_body(response.status_code, "validation_error", _first_message(detail), _fields(detail))
    else:
        if isinstance(code, dict):
            code = code.get("code") or code.get("detail")
        body = error_body(response.status_code, code if isinstance(code, str) else "error", _first_message(detail))
    response.data = body
    return response


def ratelimited_view(request, exception):  # noqa: ANN001 - Django view signature
    """RATELIMIT_VIEW: django-ratelimit's decorator raises into this for non-DRF views."""
    return error_response(429, "rate_limited", "Too many requests; slow down.", retry_after=60,
                          headers={"Retry-After": "60"})
