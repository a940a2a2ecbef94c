"""DATABASE_URL unset -> SQLite in the project folder; postgres://... -> PostgreSQL via psycopg 3."""

import os

from foodsys.env import BASE_DIR, env, optional

_url = optional("DATABASE_URL")
# asgi.py sets FOODSYS_SERVER=asgi before settings load: ASGI servers share connections
# through the psycopg pool, WSGI workers keep one persistent connection each.
_asgi = os.environ.get("FOODSYS_SERVER") == "asgi"

if _url:
    _db = env.db_url_config(_url)
    _db["ENGINE"] = "django.db.backends.postgresql"
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
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": env.str("SQLITE_PATH", default=str(BASE_DIR / "db.sqlite3")),
        "OPTIONS": {"timeout": 20},
    }

DATABASES = {"default": _db}
USING_POSTGRES = _db["ENGINE"].endswith("postgresql")
