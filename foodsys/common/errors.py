"""Builds the one JSON error body every API error uses:

    {"error": {"code": "...", "message": "...", "fields": {...}}, "status": 400}
"""

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
