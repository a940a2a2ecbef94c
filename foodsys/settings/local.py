"""Developer settings: DEBUG on by default, a per-machine random secret key, human-readable logs."""

from foodsys.env import BASE_DIR, env, optional
from foodsys.settings.base import *  # noqa: F403
from foodsys.settings.parts.logging import build_logging, request_log_enabled
from foodsys.settings.parts.security import dev_secret_key

DEBUG = env.bool("DEBUG", default=True)
# Signs sessions and (SIMPLE_JWT's default signing key) JWTs. Without SECRET_KEY: a random key made
# on the first run and kept in var/dev-secret-key (git-ignored), never a literal from the repository.
DEV_SECRET_KEY_FILE = BASE_DIR / "var" / "dev-secret-key"
SECRET_KEY = optional("SECRET_KEY") or dev_secret_key(DEV_SECRET_KEY_FILE)

# Human-readable logs by default; LOG_FORMAT=json to see what production writes.
LOG_FORMAT = optional("LOG_FORMAT") or "plain"
LOGGING = build_logging(LOG_FORMAT)
REQUEST_LOG = request_log_enabled(LOG_FORMAT)
