"""Browser-facing security for every environment: headers, cookies, Content-Security-Policy.
production.py adds the transport settings (HTTPS redirect, HSTS, secure cookies)."""

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
