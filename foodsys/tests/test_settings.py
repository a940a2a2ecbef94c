import json
import subprocess
import sys

import pytest

from foodsys.env import BASE_DIR


def _import_production(**env):
    base = {"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "foodsys.settings.production"}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR, env={**base, **env}, capture_output=True, text=True, timeout=60,
    )


def test_production_refuses_to_start_without_secret_key():
    result = _import_production()

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_debug():
    result = _import_production(SECRET_KEY="x" * 50, DEBUG="true")

    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_production_starts_with_secret_and_no_debug():
    result = _import_production(SECRET_KEY="x" * 50)

    assert result.returncode == 0, result.stderr


def test_a_secret_key_starting_with_a_dollar_is_read_verbatim():
    # django-environ would take "$abc" for a reference to the variable "abc" and drop the key.
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); from django.conf import settings; "
                               "print(settings.SECRET_KEY)"],
        cwd=BASE_DIR, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "foodsys.settings.production",
             "SECRET_KEY": "$starts-with-a-dollar-" + "x" * 40},
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "$starts-with-a-dollar-" + "x" * 40


def _database_settings(database_url: str, *, cwd=BASE_DIR, connect: bool = False) -> subprocess.CompletedProcess:
    """Loads the settings in a fresh process with this DATABASE_URL; prints the default database as JSON."""
    code = ("import json, django; django.setup(); from django.conf import settings; "
            "from django.db import connection; "
            f"connection.ensure_connection() if {connect!r} else None; "
            "db = settings.DATABASES['default']; "
            "print(json.dumps({'engine': db['ENGINE'], 'name': str(db['NAME']), "
            "'using_postgres': settings.USING_POSTGRES}))")
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(BASE_DIR), "DJANGO_SETTINGS_MODULE": "foodsys.settings.test",
             "DATABASE_URL": database_url},
    )


def test_a_relative_sqlite_url_is_a_sqlite_file_in_the_working_directory(tmp_path):
    result = _database_settings("sqlite:///relative.db", cwd=tmp_path, connect=True)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"engine": "django.db.backends.sqlite3", "name": "relative.db",
                                         "using_postgres": False}
    assert (tmp_path / "relative.db").is_file()


def test_an_absolute_sqlite_url_is_that_sqlite_file(tmp_path):
    path = tmp_path / "absolute.db"

    result = _database_settings(f"sqlite:///{path}")  # four slashes: sqlite:// + /tmp/...

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"engine": "django.db.backends.sqlite3", "name": str(path),
                                         "using_postgres": False}


@pytest.mark.parametrize("scheme", ["postgres", "postgresql"])
def test_a_postgres_url_is_postgresql(scheme):
    result = _database_settings(f"{scheme}://user:secret@db.example:5432/foodsys")

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"engine": "django.db.backends.postgresql", "name": "foodsys",
                                         "using_postgres": True}


@pytest.mark.parametrize("database_url", ["mysql://user:secret@db.example/foodsys", "sqlite:relative.db",
                                          "/var/lib/foodsys/db.sqlite3"])
def test_an_unsupported_database_url_is_refused_with_a_message_naming_the_variable(database_url):
    result = _database_settings(database_url)

    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL has" in result.stderr
    assert "secret" not in result.stderr  # the URL, which may hold a password, is not echoed
