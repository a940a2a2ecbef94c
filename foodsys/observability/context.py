"""The request being served, for log records: its id and, once resolved, its tenant.

The request itself is held (not copies of its fields) because `request.tenant` is set by
TenantMiddleware after RequestIdMiddleware has bound the request.
"""

import re
import uuid
from contextvars import ContextVar, Token

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")

_current_request: ContextVar = ContextVar("foodsys_current_request", default=None)


def request_id_from(header_value: str | None) -> str:
    """The caller's id when it is a sane token, else a fresh one."""
    if header_value and _SANE_REQUEST_ID.fullmatch(header_value):
        return header_value
    return uuid.uuid4().hex


def bind_request(request) -> Token:
    return _current_request.set(request)


def unbind_request(token: Token) -> None:
    _current_request.reset(token)


def current_request_id() -> str | None:
    return getattr(_current_request.get(), "request_id", None)


def current_tenant_id() -> str | None:
    tenant = getattr(_current_request.get(), "tenant", None)
    tenant_id = getattr(tenant, "tenant_id", None)
    return str(tenant_id) if tenant_id is not None else None
