"""DATABASE_URL unset -> SQLite in the project folder (or SQLITE_PATH); postgres://... -> PostgreSQL via
psycopg 3; sqlite:///relative.db or sqlite:////absolute/path.db -> that SQLite file (the 12-factor URL
form, parsed by django-environ). Any other scheme is refused rather than guessed."""

import os

from django.core.exceptions import ImproperlyConfigured

from foodsys.env import BASE_DIR, env, optional

_POSTGRES = "django.db.backends.postgresql"
_SQLITE = "django.db.backends.sqlite3"
_SQLITE_OPTIONS = {"timeout": 20}


def _engine_of(url: str) -> str:
    """The Django engine of DATABASE_URL's scheme, from django-environ's scheme table; refuses the rest."""
    scheme, separator, _rest = url.partition("://")
    engine = env.DB_SCHEMES.get(scheme) if separator else None
    if engine not in (_POSTGRES, _SQLITE):
        # The URL itself is not repeated: it may hold a password.
        found = f"the scheme {scheme!r}" if separator else "no scheme://"
        raise ImproperlyConfigured(
            f"DATABASE_URL has {found}, which is not supported: use "
            "postgres://user:password@host:port/name, sqlite:///relative/path.db or sqlite:////absolute/path.db, "
            "or leave it unset for SQLite in the project folder.")
    return engine


_url = optional("DATABASE_URL")
# asgi.py sets FOODSYS_SERVER=asgi before settings load: ASGI servers share connections
# through the psycopg pool, WSGI workers keep one persistent connection each.
_asgi = os.environ.get("FOODSYS_SERVER") == "asgi"

if _url and _engine_of(_url) == _SQLITE:
    # A relative path is relative to the working directory, as in dj-database-url.
    _db = {"ENGINE": _SQLITE, "NAME": env.db_url_config(_url)["NAME"], "OPTIONS": dict(_SQLITE_OPTIONS)}
elif _url:
    _db = env.db_url_config(_url)
    if _asgi:
        _db["CONN_MAX_AGE"] = 0
        # timeout: how long a request waits for a connection; while the database is down it is how long
        # the request takes to become a 503, so it is short (psycopg's default is 30 s).
        _db.setdefault("OPTIONS", {})["pool"] = {"min_size": 2, "max_size": env.int("DB_POOL_MAX", default=10),
                                                 "timeout": env.float("DB_POOL_TIMEOUT", default=5.0)}
    else:
        _db["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
        _db["CONN_HEALTH_CHECKS"] = True
    # Lets parallel test runs (or several developers) use distinct test databases.
    _db["TEST"] = {"NAME": env.str("TEST_DATABASE_NAME", default="test_foodsys")}
else:
    _db = {
        "ENGINE": _SQLITE,
        "NAME": env.str("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3")),
        "OPTIONS": dict(_SQLITE_OPTIONS),
    }

DATABASES = {"default": _db}
USING_POSTGRES = _db["ENGINE"] == _POSTGRES
