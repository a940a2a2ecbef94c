"""E-mail: one variable, EMAIL_URL, selects Django's backend and its options.

    unset                                  embedded default: each message written under var/mail/ and printed
    smtp://user:pass@host:587/?tls=1       SMTP with STARTTLS (also smtp+tls://host:587)
    smtps://user:pass@host:465             SMTP over implicit TLS (also smtp+ssl://, or smtp://...?ssl=1)
    smtp://127.0.0.1:28025                 plain SMTP (a loopback relay, or the test server of services.sh)
    file:///var/mail  file:////abs/dir     the folder backend (relative to the project with three slashes)
    console://                             printed only

Query options: tls=1, ssl=1, timeout=<seconds> (default 10). User and password are URL-encoded.
Production (settings/production.py calls email_settings(production=True)) sends by SMTP only: unset
means a relay on localhost:25, a file or console URL stops start-up, and so does plain SMTP to a host
other than loopback unless the URL says tls=0 (a relay on a private network, as in docker-compose.yml).
"""

import ipaddress
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

from foodsys.env import BASE_DIR, env, optional

FOLDER_AND_CONSOLE_BACKEND = "accounts.mail_backends.FolderAndConsoleBackend"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
DEFAULT_MAIL_DIR = BASE_DIR / "var" / "mail"
_TRUE = {"1", "true", "yes", "on"}


def _folder(url) -> Path:
    path = url.path[1:] if url.path.startswith("/") else url.path  # file:///rel -> rel, file:////abs -> /abs
    if not path:
        return DEFAULT_MAIL_DIR
    folder = Path(path)
    return folder if folder.is_absolute() else BASE_DIR / folder


def email_config(raw: str) -> dict:
    """EMAIL_URL -> the EMAIL_* settings. Raises ImproperlyConfigured naming EMAIL_URL."""
    if not raw:
        return {"EMAIL_BACKEND": FOLDER_AND_CONSOLE_BACKEND, "EMAIL_FILE_PATH": str(DEFAULT_MAIL_DIR)}
    url = urlsplit(raw)
    query = {k.lower(): v[-1] for k, v in parse_qs(url.query).items()}
    scheme = url.scheme.lower()
    if scheme == "file":
        return {"EMAIL_BACKEND": FOLDER_AND_CONSOLE_BACKEND, "EMAIL_FILE_PATH": str(_folder(url))}
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme not in {"smtp", "smtps", "smtp+tls", "smtp+ssl"}:
        raise ImproperlyConfigured(f"EMAIL_URL: scheme {url.scheme!r} is not smtp, smtps, smtp+tls, smtp+ssl, "
                                   "file or console.")
    if not url.hostname:
        raise ImproperlyConfigured("EMAIL_URL: an SMTP URL needs a host, e.g. smtp://mail.example.com:587/?tls=1.")
    parsed = environ.Env.email_url_config(raw.split("?", 1)[0])
    use_ssl = scheme in {"smtps", "smtp+ssl"} or query.get("ssl", "").lower() in _TRUE
    use_tls = not use_ssl and (scheme == "smtp+tls" or query.get("tls", "").lower() in _TRUE)
    try:
        timeout = int(query.get("timeout", "10"))
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL: timeout must be a whole number of seconds.")
    return {
        "EMAIL_BACKEND": SMTP_BACKEND,
        "EMAIL_HOST": url.hostname,
        "EMAIL_PORT": url.port or (465 if use_ssl else 587 if use_tls else 25),
        "EMAIL_HOST_USER": parsed["EMAIL_HOST_USER"] or "",
        "EMAIL_HOST_PASSWORD": parsed["EMAIL_HOST_PASSWORD"] or "",
        "EMAIL_USE_TLS": use_tls,
        "EMAIL_USE_SSL": use_ssl,
        "EMAIL_TIMEOUT": timeout,
    }


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def email_settings(raw: str, *, production: bool = False) -> dict:
    """Every EMAIL_* setting for this EMAIL_URL (the defaults filled in)."""
    if production and not raw:
        raw = "smtp://localhost:25"
    config = {"EMAIL_FILE_PATH": str(DEFAULT_MAIL_DIR), "EMAIL_HOST": "localhost", "EMAIL_PORT": 25,
              "EMAIL_HOST_USER": "", "EMAIL_HOST_PASSWORD": "", "EMAIL_USE_TLS": False, "EMAIL_USE_SSL": False,
              "EMAIL_TIMEOUT": 10, **email_config(raw)}
    if production:
        if config["EMAIL_BACKEND"] != SMTP_BACKEND:
            raise ImproperlyConfigured("EMAIL_URL: production sends e-mail by SMTP only (smtp://, smtps://).")
        explicit_plain = "tls=0" in urlsplit(raw).query.lower()
        if not (config["EMAIL_USE_TLS"] or config["EMAIL_USE_SSL"] or _loopback(config["EMAIL_HOST"])
                or explicit_plain):
            raise ImproperlyConfigured("EMAIL_URL: plain SMTP to a remote host; use smtps:// or ?tls=1 "
                                       "(or ?tls=0 for a relay on a private network).")
    return config


EMAIL_URL = optional("EMAIL_URL")
_email = email_settings(EMAIL_URL)
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
EMAIL_HOST = _email["EMAIL_HOST"]
EMAIL_PORT = _email["EMAIL_PORT"]
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
EMAIL_TIMEOUT = _email["EMAIL_TIMEOUT"]

DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="FoodSys <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Links in e-mails use the request's origin; SITE_URL when there is no request (commands, tasks).
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")
SITE_NAME = env.str("SITE_NAME", default="FoodSys")

# E-mail verification: how long a link works, and how often one address may ask for another.
EMAIL_VERIFICATION_MAX_AGE = env.int("EMAIL_VERIFICATION_MAX_AGE", default=3 * 24 * 3600)
