import logging
import time
from types import SimpleNamespace

import pytest
from django.test import RequestFactory

from foodsys.common.exceptions import RateLimitedError
from foodsys.common.ratelimit import check_rate


@pytest.fixture(autouse=True)
def _steady_ratelimit_clock(monkeypatch):
    """One clock reading per test: a fixed-window edge cannot fall between a test's calls."""
    now = time.time()
    monkeypatch.setattr("django_ratelimit.core.time", SimpleNamespace(time=lambda: now))


def _request(ip: str = "10.3.0.1"):
    return RequestFactory().get("/", REMOTE_ADDR=ip)


def test_counting_mode_allows_the_limit_then_refuses_with_retry_after():
    for _ in range(3):
        check_rate(_request(), group="t-count", key="ip", rate="3/m")

    with pytest.raises(RateLimitedError) as excinfo:
        check_rate(_request(), group="t-count", key="ip", rate="3/m")

    assert 1 <= excinfo.value.retry_after <= 60
    assert excinfo.value.status_code == 429


def test_looking_mode_never_counts_and_refuses_once_the_budget_is_spent():
    for _ in range(10):
        check_rate(_request(), group="t-look", key="ip", rate="2/m", increment=False)
    check_rate(_request(), group="t-look", key="ip", rate="2/m")
    check_rate(_request(), group="t-look", key="ip", rate="2/m")

    with pytest.raises(RateLimitedError):
        check_rate(_request(), group="t-look", key="ip", rate="2/m", increment=False)


def test_keys_and_groups_are_counted_separately():
    check_rate(_request("10.3.0.2"), group="t-sep", key="ip", rate="1/m")

    check_rate(_request("10.3.0.3"), group="t-sep", key="ip", rate="1/m")
    check_rate(_request("10.3.0.2"), group="t-sep-other", key="ip", rate="1/m")
    check_rate(_request("10.3.0.2"), group="t-sep", key=lambda group, request: "tenant_limit:x", rate="1/m")
    with pytest.raises(RateLimitedError):
        check_rate(_request("10.3.0.2"), group="t-sep", key="ip", rate="1/m")


def test_fails_open_with_a_warning_when_the_cache_is_unreachable(settings, caplog):
    """Points the cache at a closed local port through the real django-redis client (no Redis needed)."""
    settings.CACHES = {"default": {
        "BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5}}}

    with caplog.at_level(logging.WARNING, logger="foodsys.common.ratelimit"):
        for _ in range(3):
            check_rate(_request(), group="t-down", key="ip", rate="1/m")

    assert caplog.text.count("cache is unavailable") == 3
