"""The one domain error type. Services raise it; the API layer renders it as JSON."""

from typing import Any


class ApplicationError(Exception):
    status_code = 400
    default_code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, fields: dict[str, Any] | None = None,
                 status: int | None = None, extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.fields = fields or {}
        self.extra = extra or {}
        if status is not None:
            self.status_code = status


class NotFoundError(ApplicationError):
    status_code = 404
    default_code = "not_found"


class PermissionDeniedError(ApplicationError):
    status_code = 403
    default_code = "permission_denied"


class ConflictError(ApplicationError):
    status_code = 409
    default_code = "conflict"


class RateLimitedError(ApplicationError):
    status_code = 429
    default_code = "rate_limited"

    def __init__(self, message: str = "Too many requests.", *, retry_after: int = 60, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
