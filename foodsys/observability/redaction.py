"""Keeps credentials out of logs: passwords, JWTs (access/refresh), bearer headers, tickets, `?token=`.

`redact(text)` rewrites `key=value`, `key: value`, `'key': 'value'` and `"key": "value"` pairs whose key
names a secret, `Bearer <credential>`, and anything shaped like a JWT. `RedactSecretsFilter` applies it
to a log record's formatted message (args included); the observability app also installs it as part
of the log record factory, so every handler (pytest's caplog too) sees the redacted record.
"""

import logging
import re

REDACTED = "[REDACTED]"

# Keys whose values are secrets: anything containing password/secret/token/authorization/api key/
# session id (password1, access_token, HTTP_AUTHORIZATION, csrfmiddlewaretoken...), and the exact
# names the JWT endpoints use (access, refresh) and the WebSocket ticket.
SECRET_KEY_PATTERN = (r"[\w-]*(?:password|passwd|secret|token|authorization|api[_-]?key|sessionid)[\w-]*"
                      r"|access|refresh|ticket")
_SECRET_KEY = re.compile(rf"(?:{SECRET_KEY_PATTERN})", re.IGNORECASE)
_PAIR = re.compile(
    rf"""(?P<key>(?<![\w-])["']?(?:{SECRET_KEY_PATTERN})["']?)"""
    r"""(?P<sep>\s*[:=]\s*)"""
    r"""(?P<value>\[REDACTED\]|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|(?:bearer|basic)\s+[^\s"'&,;)}\]]+|[^\s"'&,;)}\]]+)""",
    re.IGNORECASE,
)
_AUTH_SCHEME = re.compile(r"\b(?P<scheme>bearer|basic)\s+[A-Za-z0-9._~+/=-]+", re.IGNORECASE)
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")


def _redact_pair(match: re.Match) -> str:
    value = match["value"]
    quote = value[0] if value[0] in "'\"" else ""
    return f"{match['key']}{match['sep']}{quote}{REDACTED}{quote}"


def redact(text: str) -> str:
    if not text:
        return text
    text = _JWT.sub(REDACTED, text)
    text = _PAIR.sub(_redact_pair, text)
    return _AUTH_SCHEME.sub(lambda m: f"{m['scheme']} {REDACTED}", text)


def is_secret_key(name: str) -> bool:
    return bool(_SECRET_KEY.fullmatch(name))


def redact_record(record: logging.LogRecord) -> None:
    """Rewrites the record's message in place when it holds a secret (msg/args untouched otherwise)."""
    if getattr(record, "_redacted", False):
        return
    record._redacted = True
    try:
        message = record.getMessage()
    except Exception:  # a broken format string: leave it to the handler's error reporting
        return
    cleaned = redact(message)
    if cleaned != message:
        record.msg, record.args = cleaned, ()


class RedactSecretsFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True
