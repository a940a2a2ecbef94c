import logging
import time

import pytest
from django.core.cache import cache, caches
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from foodsys.common.exceptions import RateLimitedError
from foodsys.common.ratelimit import Limit, check_rate, check_rates, parse_rate, window_end
from restaurants.tests.redis_round_trips import counting_redis


class _Clock:
    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    """One clock reading per test: a fixed-window edge cannot fall between a test's calls (tests may move it)."""
    pinned = _Clock(time.time())
    monkeypatch.setattr("foodsys.common.ratelimit.time", pinned)
    return pinned


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


@pytest.mark.parametrize(("rate", "parsed"), [("5/15m", (5, 900)), ("600/m", (600, 60)), ("10/s", (10, 1)),
                                              ("30/h", (30, 3600)), ("2/d", (2, 86400)), ("3/2H", (3, 7200))])
def test_rates_parse_to_count_and_seconds(rate, parsed):
    assert parse_rate(rate) == parsed


@pytest.mark.parametrize("rate", ["5", "5/", "five/m", "5/w", "/m"])
def test_a_malformed_rate_is_a_configuration_error(rate):
    with pytest.raises(ImproperlyConfigured):
        parse_rate(rate)


def test_windows_are_fixed_and_shifted_per_key_value():
    now = 1_800_000_000.0

    ends = {value: window_end(value, 60, now) for value in ("10.0.0.1", "10.0.0.2", "user:7", "user:8")}

    assert all(now < end <= now + 60 for end in ends.values())
    assert len(set(ends.values())) > 1  # not every client's window ends at the same second
    assert all(window_end(value, 60, now + 1) == end for value, end in ends.items() if end > now + 1)
    assert all(window_end(value, 60, end + 1) == end + 60 for value, end in ends.items())  # the next one follows


def test_retry_after_is_the_rest_of_the_window(clock):
    end = window_end("10.3.0.1", 3600, clock.now)
    check_rate(_request(), group="t-retry", key="ip", rate="1/h")

    with pytest.raises(RateLimitedError) as excinfo:
        check_rate(_request(), group="t-retry", key="ip", rate="1/h")

    assert excinfo.value.retry_after == end - int(clock.now)


def test_a_new_window_has_a_new_budget(clock):
    check_rate(_request(), group="t-roll", key="ip", rate="1/m")
    with pytest.raises(RateLimitedError):
        check_rate(_request(), group="t-roll", key="ip", rate="1/m")

    clock.now = window_end("10.3.0.1", 60, clock.now) + 1

    check_rate(_request(), group="t-roll", key="ip", rate="1/m")


def test_ipv6_clients_share_their_network_budget():
    check_rate(_request("2001:db8:1:2::1"), group="t-v6", key="ip", rate="1/m")

    with pytest.raises(RateLimitedError):
        check_rate(_request("2001:db8:1:2::ffff"), group="t-v6", key="ip", rate="1/m")  # the same /64


def test_an_unknown_key_form_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured):
        check_rate(_request(), group="t-key", key="header:x-api-key", rate="1/m")


def test_counter_names_hold_no_address_or_email():
    from foodsys.common.ratelimit import _counter

    counter = _counter(_request("10.3.0.77"), Limit("t-name", lambda group, request: "someone@example.com", "5/m"),
                       time.time())

    assert "example.com" not in counter.cache_key and counter.cache_key.startswith("rl:")


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

    counter = _counter(_request(), Limit("t-ttl", "ip", "3/m"), time.time())
    ttl = get_redis_connection("default").ttl(cache.make_key(counter.cache_key))
    assert 0 < ttl <= 65


@pytest.mark.redis
def test_the_script_is_reloaded_after_a_script_flush():
    from django_redis import get_redis_connection

    check_rate(_request(), group="t-flush", key="ip", rate="2/m")
    get_redis_connection("default").script_flush()

    check_rate(_request(), group="t-flush", key="ip", rate="2/m")  # NOSCRIPT: loaded again, same round trip logic
    with pytest.raises(RateLimitedError):
        check_rate(_request(), group="t-flush", key="ip", rate="2/m")


# --- the counters' own cache (finding 7) ---------------------------------------------------------
def test_counters_are_kept_in_the_ratelimit_cache_and_never_culled_by_the_default_one(settings):
    from foodsys.common.ratelimit import _counter, counter_cache_alias

    check_rate(_request("10.3.9.1"), group="t-own", key="ip", rate="2/m")
    name = _counter(_request("10.3.9.1"), Limit("t-own", "ip", "2/m"), time.time()).cache_key

    assert settings.RATELIMIT_USE_CACHE == counter_cache_alias() == "ratelimit"
    assert caches["ratelimit"].get(name) == 1
    if not settings.REDIS_URL:  # embedded: a store of its own, with room for many clients
        assert cache.get(name) is None
        assert settings.CACHES["ratelimit"]["OPTIONS"]["MAX_ENTRIES"] >= 100_000
    cache.set_many({f"t-own:fill:{n}": n for n in range(1000)})  # far past the default cache's 300
    check_rate(_request("10.3.9.1"), group="t-own", key="ip", rate="2/m")
    with pytest.raises(RateLimitedError):
        check_rate(_request("10.3.9.1"), group="t-own", key="ip", rate="2/m")


def test_a_caches_setting_without_the_alias_counts_in_the_default_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "t-only-default"}}

    check_rate(_request(), group="t-fallback", key="ip", rate="1/m")

    with pytest.raises(RateLimitedError):
        check_rate(_request(), group="t-fallback", key="ip", rate="1/m")


def test_reads_are_the_default_caches_even_when_the_counters_live_elsewhere(settings):
    # given: the counters in a store of their own (embedded mode's layout, set here in both passes)
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t-read2-default"},
        "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t-read2-counters"},
    }
    settings.RATELIMIT_USE_CACHE = "ratelimit"
    cache.set("t-read2:present", "from-default")
    caches["ratelimit"].set("t-read2:present", "from-the-counters-cache")

    found = check_rates(_request(), [Limit("t-read2", "ip", "5/m")], read=["t-read2:present", "t-read2:absent"])

    assert found == {"t-read2:present": "from-default", "t-read2:absent": None}
