"""Browser-facing security for every environment: headers, cookies, Content-Security-Policy.
production.py adds the transport settings (HTTPS redirect, HSTS, secure cookies);
local.py takes its key from `dev_secret_key` when SECRET_KEY is unset."""

import contextlib
import os
import secrets
from pathlib import Path

from foodsys.settings.parts.auth import GOOGLE_OAUTH2_ENABLED

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Readable by static/js/api.js, which sends it back as X-CSRFToken; SameSite keeps it first-party.
CSRF_COOKIE_SAMESITE = "Lax"

# No inline scripts or styles: pages load static/js and static/css files. The Swagger UI at /api/docs/
# (foodsys/api_docs.py) is the split view served from drf-spectacular-sidecar, its one <style> allowed by hash.
_SELF = "'self'"


def content_security_policy(*, google_enabled: bool) -> dict:
    return {
        "DIRECTIVES": {
            "default-src": [_SELF],
            "script-src": [_SELF],
            "style-src": [_SELF],
            "img-src": [_SELF, "data:", "https:"],
            "connect-src": [_SELF, "ws:", "wss:"],
            "frame-ancestors": ["'none'"],
            "object-src": ["'none'"],
            "base-uri": [_SELF],
            # Google sign-in posts to our own URL, which redirects to Google (form-action covers redirects).
            "form-action": [_SELF, "https://accounts.google.com"] if google_enabled else [_SELF],
        },
    }


CONTENT_SECURITY_POLICY = content_security_policy(google_enabled=GOOGLE_OAUTH2_ENABLED)


DEV_SECRET_KEY_BYTES = 50


def dev_secret_key(path: Path) -> str:
    """A random key made on this machine's first run and kept in `path` (git-ignored, mode 0600), so
    `make run` signs sessions and JWTs with a key nobody can read in the repository, and keeps it
    across restarts. Creation is atomic: processes starting together (runserver and its reloader)
    all end up with the one key that was linked into place first."""
    try:
        key = path.read_text().strip()
    except FileNotFoundError:
        key = ""
    if key:
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(DEV_SECRET_KEY_BYTES) + "\n")
        with contextlib.suppress(FileExistsError):  # another process got there first: its key wins
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return path.read_text().strip()
