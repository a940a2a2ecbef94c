import subprocess
import sys

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
