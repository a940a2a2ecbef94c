"""Production: refuses to start without SECRET_KEY or with DEBUG on; HTTPS only, behind a proxy.

Headers, cookies and the CSP of every environment are in parts/security.py; this adds transport security.
`manage.py check --deploy` reports nothing with these settings (foodsys/tests/test_security_settings.py).
"""

from django.core.exceptions import ImproperlyConfigured

from foodsys.env import env
from foodsys.settings.base import *  # noqa: F403
from foodsys.settings.base import CONTENT_SECURITY_POLICY, SECRET_KEY
from foodsys.settings.parts.email import EMAIL_URL, email_settings

if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")
if env.bool("DEBUG", default=False):
    raise ImproperlyConfigured("DEBUG must be off in production.")
DEBUG = False

# TLS ends at the proxy, which must set X-Forwarded-Proto (and overwrite any client-sent value).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# Probes and the Prometheus scrape talk plain HTTP to the pod (paths without the leading slash).
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True

CONTENT_SECURITY_POLICY = {
    **CONTENT_SECURITY_POLICY,
    "DIRECTIVES": {**CONTENT_SECURITY_POLICY["DIRECTIVES"], "upgrade-insecure-requests": True},
}

# E-mail by SMTP only: unset EMAIL_URL means a relay on localhost:25; file/console stop start-up (parts/email.py).
globals().update(email_settings(EMAIL_URL, production=True))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
