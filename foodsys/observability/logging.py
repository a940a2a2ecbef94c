"""Log record context (request id, tenant), JSON and plain formatters, and the record factory hook.

Every record gets `request_id` and `tenant_id` from the request being served (None outside one)
unless the caller passed them in `extra`; relay and consumer code add `extra={"event_id": ...}`.
"""

import json
import logging
from datetime import UTC, datetime

from foodsys.observability.context import current_request_id, current_tenant_id
from foodsys.observability.redaction import REDACTED, is_secret_key, redact, redact_record

CONTEXT_FIELDS = ("request_id", "tenant_id", "event_id")
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message", "asctime", "taskName", "request_label", *CONTEXT_FIELDS}
_PLAIN_VALUES = (str, int, float, bool, type(None))


def add_request_context(record: logging.LogRecord) -> None:
    if not hasattr(record, "request_id"):
        record.request_id = current_request_id()
    if not hasattr(record, "tenant_id"):
        record.tenant_id = current_tenant_id()


class RequestContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        add_request_context(record)
        return True


_installed = False


def install_record_factory() -> None:
    """Context and redaction at record creation, so every handler sees them (idempotent)."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        add_request_context(record)
        redact_record(record)
        return record

    logging.setLogRecordFactory(factory)
    _installed = True


def _extras(record: logging.LogRecord) -> dict:
    """Caller-supplied `extra` fields with plain values (objects such as `request` are left out)."""
    extras = {}
    for key, value in vars(record).items():
        if key in _STANDARD_ATTRS or key.startswith("_") or not isinstance(value, _PLAIN_VALUES):
            continue
        if is_secret_key(key):
            value = REDACTED
        elif isinstance(value, str):
            value = redact(value)
        extras[key] = value
    return extras


class JsonFormatter(logging.Formatter):
    """One JSON object per line: timestamp, level, logger, message, request_id, and what is known."""

    def format(self, record: logging.LogRecord) -> str:
        add_request_context(record)
        redact_record(record)
        entry = {
            "timestamp": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": record.request_id,
        }
        for field in ("tenant_id", "event_id"):
            if getattr(record, field, None) is not None:
                entry[field] = str(getattr(record, field))
        entry.update(_extras(record))
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(entry, default=str, ensure_ascii=False)


class PlainFormatter(logging.Formatter):
    """Human-readable lines for `make run`: time, level, logger, [request id], message."""

    def __init__(self, fmt: str | None = None, datefmt: str | None = None, style: str = "%", **kwargs):
        fmt = fmt or "%(asctime)s %(levelname)s %(name)s [%(request_label)s] %(message)s"
        super().__init__(fmt, datefmt, style, **kwargs)

    def format(self, record: logging.LogRecord) -> str:
        add_request_context(record)
        redact_record(record)
        record.request_label = record.request_id or "-"
        return super().format(record)

    def formatException(self, ei) -> str:  # noqa: N802 (logging's name)
        return redact(super().formatException(ei))
