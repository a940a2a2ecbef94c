"""Developer settings: DEBUG on by default, a throwaway secret key, human-readable logs."""

from foodsys.env import env, optional
from foodsys.settings.base import *  # noqa: F403
from foodsys.settings.parts.logging import build_logging, request_log_enabled

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = optional("SECRET_KEY") or "local-only-insecure-key-change-me"  # noqa: S105

# Human-readable logs by default; LOG_FORMAT=json to see what production writes.
LOG_FORMAT = optional("LOG_FORMAT") or "plain"
LOGGING = build_logging(LOG_FORMAT)
REQUEST_LOG = request_log_enabled(LOG_FORMAT)
