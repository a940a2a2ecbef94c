import logging
import time
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from django_ratelimit.core import get_usage

from foodsys.common.exceptions import RateLimitedError
from foodsys.common.ratelimit import Limit, check_rate, check_rates
from restaurants.tests.redis_round_trips import counting_redis


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


def test_several_limits_are_checked_in_order_and_a_refusal_stops_the_count():
    first, second = Limit("t-multi-a", "ip", "1/m"), Limit("t-multi-b", "ip", "2/m")
    check_rates(_request(), [first, second])

    with pytest.raises(RateLimitedError):
        check_rates(_request(), [first, second])  # refused by the first: the second is not counted

    check_rate(_request(), group="t-multi-b", key="ip", rate="2/m")  # so its second request still passes
    with pytest.raises(RateLimitedError):
        check_rate(_request(), group="t-multi-b", key="ip", rate="2/m")


def test_reads_come_back_with_the_limits():
    cache.set("t-read:present", {"a": 1})

    found = check_rates(_request(), [Limit("t-read", "ip", "5/m")], read=["t-read:present", "t-read:absent"])

    assert found == {"t-read:present": {"a": 1}, "t-read:absent": None}


def test_counters_are_django_ratelimits_own():
    """The same cache key and value as its decorator, so both count one budget."""
    for _ in range(2):
        check_rate(_request("10.3.0.9"), group="t-compat", key="ip", rate="5/m")

    usage = get_usage(_request("10.3.0.9"), group="t-compat", key="ip", rate="5/m", increment=False)

    assert usage["count"] == 2


@pytest.mark.redis
def test_limits_and_reads_cost_one_redis_round_trip():
    check_rate(_request(), group="t-rt-warm", key="ip", rate="5/m")  # the script is loaded on first use
    limits = [Limit("t-rt-a", "ip", "5/m"), Limit("t-rt-b", lambda group, request: "user:1", "5/m"),
              Limit("t-rt-c", "ip", "5/m", increment=False)]

    with counting_redis() as redis:
        found = check_rates(_request(), limits, read=["t-rt:x", "t-rt:y"])

    assert redis["round_trips"] == 1
    assert found == {"t-rt:x": None, "t-rt:y": None}


@pytest.mark.redis
def test_a_redis_counter_expires_after_its_window():
    from django_redis import get_redis_connection

    from foodsys.common.ratelimit import _counter

    check_rate(_request(), group="t-ttl", key="ip", rate="3/m")

    counter = _counter(_request(), Limit("t-ttl", "ip", "3/m"))
    ttl = get_redis_connection("default").ttl(cache.make_key(counter.cache_key))
    assert 0 < ttl <= 65
