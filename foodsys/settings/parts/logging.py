"""Logging and metrics.

LOG_FORMAT=json (default; local settings default to plain) writes one JSON object per line with
timestamp, level, logger, message, request_id, tenant_id, event_id; plain is for humans. Every
record has secrets redacted (foodsys/observability/redaction.py).
"""

import ipaddress

from django.core.exceptions import ImproperlyConfigured

from foodsys.env import env, optional

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMATS = ("json", "plain")


def build_logging(log_format: str) -> dict:
    if log_format not in LOG_FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, not {log_format!r}.")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_context": {"()": "foodsys.observability.logging.RequestContextFilter"},
            "redact_secrets": {"()": "foodsys.observability.redaction.RedactSecretsFilter"},
        },
        "formatters": {
            "json": {"()": "foodsys.observability.logging.JsonFormatter"},
            "plain": {"()": "foodsys.observability.logging.PlainFormatter"},
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": log_format,
                        "filters": ["request_context", "redact_secrets"]},
        },
        "root": {"handlers": ["console"], "level": LOG_LEVEL},
        "loggers": {
            # Django's own console/mail handlers are dropped: its records reach the root handler once.
            "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
            "django.db.backends": {"level": "WARNING"},
        },
    }


def request_log_enabled(log_format: str) -> bool:
    """REQUEST_LOG, else on with JSON logs (runserver prints its own access lines in plain mode)."""
    return env.bool("REQUEST_LOG") if optional("REQUEST_LOG") else log_format == "json"


LOG_FORMAT = optional("LOG_FORMAT") or "json"
LOGGING = build_logging(LOG_FORMAT)
# One line per request (method, path, status, duration) from the `foodsys.request` logger.
REQUEST_LOG = request_log_enabled(LOG_FORMAT)

# GET /metrics: served to direct connections from these networks (loopback and private by default;
# empty = none) and to any caller presenting `Authorization: Bearer <METRICS_TOKEN>`.
METRICS_TOKEN = optional("METRICS_TOKEN")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=[
    "127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"])
try:
    for _network in METRICS_ALLOWED_NETWORKS:
        ipaddress.ip_network(_network)
except ValueError as exc:
    raise ImproperlyConfigured(f"METRICS_ALLOWED_NETWORKS: {exc}") from exc
