"""Project-wide pytest configuration: service markers, cache isolation, shared fixtures."""

import importlib.util
import os
import shutil

import pytest
from django.conf import settings

from foodsys.testing.fixtures import *  # noqa: F403
from foodsys.testing.mailbox import smtp_configured

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"

_SERVICE_CHECKS = {
    "postgres": (lambda: settings.USING_POSTGRES, "needs PostgreSQL: DATABASE_URL=postgres://... is not set"),
    "redis": (lambda: bool(settings.REDIS_URL), "needs Redis: REDIS_URL is not set"),
    "kafka": (lambda: bool(settings.KAFKA_BOOTSTRAP_SERVERS), "needs Kafka: KAFKA_BOOTSTRAP_SERVERS is not set"),
    "smtp": (smtp_configured, "needs SMTP: EMAIL_URL=smtp://... and SMTP_MAILDIR are not set"),
    "browser": (lambda: bool(shutil.which("chromium")) and importlib.util.find_spec("playwright") is not None,
                "needs Debian's chromium and playwright (make test installs both)"),
}


def pytest_runtest_setup(item):
    for marker, (available, reason) in _SERVICE_CHECKS.items():
        if item.get_closest_marker(marker) and not available():
            if REQUIRE_SERVICES:
                pytest.fail(f"REQUIRE_SERVICES=1 but this test {reason}", pytrace=False)
            pytest.skip(f"{reason} (make test runs it in the services pass)")


def pytest_report_header(config):
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    return (f"foodsys: database={db} cache={settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]} "
            f"channel_layer={settings.CHANNEL_LAYERS['default']['BACKEND'].rsplit('.', 1)[-1]} "
            f"kafka={settings.KAFKA_BOOTSTRAP_SERVERS or 'in-process'} require_services={REQUIRE_SERVICES}")


@pytest.fixture(scope="session", autouse=True)
def _fast_path_closed_before_teardown(django_db_setup, django_db_blocker):
    """The Kafka fast path's poller thread holds a database connection; release it before the test
    database is dropped."""
    yield
    from orders.dispatch import close_fast_publisher

    with django_db_blocker.unblock():
        close_fast_publisher()


@pytest.fixture(autouse=True)
def _process_memos_reset():
    """Every test starts with no process-wide memo (foodsys/common/memo.py holds all of them)."""
    from foodsys.common.memo import reset_all

    reset_all()
    yield


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Every test starts with empty caches, the rate-limit counters' included (on Redis this flushes
    the test's own Redis DB)."""
    from django.core.cache import caches

    for alias in settings.CACHES:
        caches[alias].clear()
    yield
