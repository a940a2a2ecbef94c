"""Fixed-window rate limits on the Django cache, failing open when the cache is down. This module owns
the counting outright (rates, windows, counter names, the Redis script); nothing here is borrowed from
django-ratelimit's or redis-py's internals.

    from foodsys.common.ratelimit import Limit, check_rate, check_rates

    check_rate(request, group="api_ip", key="ip", rate=settings.RATE_LIMITS["api_ip"])
    check_rate(request, group="tenant", key=lambda group, request: keys.tenant_limit_key(tid),
               rate=settings.RATE_LIMITS["tenant"])
    check_rates(request, [Limit("api_ip", "ip", ip_rate), Limit("api_user", user_key, user_rate)])

- `group` names the counter family; `rate` is "<count>/<period>" with the period in s, m, h or d,
  optionally multiplied ("5/15m", "600/m", "10/s").
- `key` is "ip" (the client's network: `foodsys.common.client_ip.client_ip(request)`, i.e. REMOTE_ADDR
  unless trusted proxies are configured, masked to RATELIMIT_IPV4_MASK / RATELIMIT_IPV6_MASK, 32 and 64
  by default) or a callable `(group, request) -> str`; build such names in `foodsys.tenancy.keys`.
- increment=True (default) counts this request and refuses it once the count passes the limit.
- increment=False only looks: it refuses when the budget is already spent (count >= limit). Pair it
  with a later increment=True call to count only some outcomes, e.g. failed logins.
- `check_rates` checks several limits in order, as consecutive `check_rate` calls would: the first
  spent one refuses the request and the limits after it are not counted. `read=[cache keys]` also
  fetches those keys of the default cache and returns them (key -> value or None), for a view that
  knows the cache entries it is about to read: in the same round trip when the counters' cache is the
  same store as the default one, else with one get_many; None when the cache could not be reached.
- A refusal raises RateLimitedError(retry_after=<seconds until the window ends>), which the one error
  renderer (foodsys.common.errors) answers as 429 with that Retry-After.
- When the cache cannot be reached the request is allowed and a warning is logged.
- settings.RATELIMIT_ENABLE = False turns limits off; RATELIMIT_USE_CACHE names the counters' cache
  ("ratelimit": in embedded mode a local-memory cache of its own, so that user-keyed entries such as
  catalog pages can never evict a failed-login counter; on Redis the same store as "default"). A
  CACHES setting without that alias (a test swapping in one cache) counts in "default".

Windows are fixed and `period` long; each key value's windows are shifted by a stable jitter
(crc32(value) % period), so the windows of many clients do not all end at the same second. A counter
is named by a hash of (group, rate, value, window end), so no address or e-mail reaches the cache,
and expires a few seconds after its window. On django-redis all the limits (and reads) of one call cost
one command: one EVALSHA of a small Lua script (INCR, EXPIRE on the first count, or GET for a look,
then an MGET of the reads). Other caches use add/incr/get and get_many.
"""

import hashlib
import ipaddress
import logging
import re
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import NoScriptError, RedisError

from foodsys.common.client_ip import client_ip
from foodsys.common.exceptions import RateLimitedError
from foodsys.common.memo import process_memo

logger = logging.getLogger(__name__)

RateKey = str | Callable[[str, HttpRequest], str]
CACHE_ERRORS = (ConnectionInterrupted, RedisError, OSError)
EXPIRY_MARGIN = 5  # seconds a counter outlives its window, so a slow clock never sees it vanish early
COUNTER_PREFIX = "rl:"

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$", re.IGNORECASE)

# KEYS: the counters, then the keys to read; ARGV: the number of counters, then per counter
# (increment 0/1, limit, ttl). Counting stops at the first spent counter; the reads always happen.
# Returns {counts, values}: values as MGET gives them (false, i.e. nil, for a missing key).
_COUNT_SCRIPT = """
local counted = tonumber(ARGV[1])
local counts = {}
for i = 1, counted do
  local key = KEYS[i]
  local increment, limit = tonumber(ARGV[3 * i - 1]), tonumber(ARGV[3 * i])
  local count
  if increment == 1 then
    count = redis.call('INCR', key)
    if count == 1 then redis.call('EXPIRE', key, ARGV[3 * i + 1]) end
  else
    count = tonumber(redis.call('GET', key) or '0')
  end
  counts[i] = count
  if (increment == 1 and count > limit) or (increment == 0 and count >= limit) then break end
end
local values = {}
if #KEYS > counted then values = redis.call('MGET', unpack(KEYS, counted + 1)) end
return {counts, values}
"""
_COUNT_SCRIPT_SHA = hashlib.sha1(_COUNT_SCRIPT.encode(), usedforsecurity=False).hexdigest()  # EVALSHA id

# A client asks many times per window: its network and counter names are worth keeping.
_networks = process_memo("ratelimit.networks", max_entries=4096)
_counter_names = process_memo("ratelimit.counter_names", max_entries=4096)


@dataclass(frozen=True)
class Limit:
    group: str
    key: RateKey
    rate: str
    increment: bool = True


@dataclass(frozen=True)
class _Counter:
    limit: Limit
    cache_key: str
    allowed: int
    ttl: int
    window_end: int

    def spent(self, count: int) -> bool:
        return count > self.allowed if self.limit.increment else count >= self.allowed


def parse_rate(rate: str) -> tuple[int, int]:
    """"5/15m" -> (5, 900): the allowed count and the window in seconds."""
    match = _RATE.match(rate)
    if match is None:
        raise ImproperlyConfigured(f"Rate {rate!r} is not '<count>/<period>' with a period in s, m, h or d.")
    count, multiplier, unit = match.groups()
    return int(count), int(multiplier or 1) * _PERIODS[unit.lower()]


def window_end(value: str, period: int, now: float) -> int:
    """The end of the fixed window `now` falls in, for this key value (shifted by a stable jitter)."""
    ts = int(now)
    if period == 1:
        return ts
    end = ts - ts % period + zlib.crc32(value.encode()) % period
    return end + period if end < ts else end


def check_rate(request: HttpRequest, *, group: str, key: RateKey, rate: str, increment: bool = True) -> None:
    check_rates(request, [Limit(group, key, rate, increment)])


def check_rates(request: HttpRequest, limits: Sequence[Limit], *,
                read: Sequence[str] = ()) -> dict[str, Any] | None:
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        limits = []
    now = time.time()
    counters = [_counter(request, limit, now) for limit in limits]
    if not counters and not read:
        return {}
    alias = counter_cache_alias()
    cache = caches[alias]
    together = read if counters_share_default_store(alias) else ()
    counts: list[int | None] = []
    found: dict[str, Any] = {}
    try:
        if not counters and not together:
            pass
        elif isinstance(cache, RedisCache):
            counts, found = _redis_round_trip(cache, counters, together)
        else:
            counts, found = _cache_counts(cache, counters), _cache_reads(cache, together)
    except CACHE_ERRORS as exc:
        logger.warning("Rate limit %r not enforced, the cache is unavailable: %s", _groups(counters), exc)
        return None
    _enforce(counters, counts, now)
    if read and not together:  # the entries live in another store than the counters
        try:
            found = _cache_reads(caches["default"], read)
        except CACHE_ERRORS:
            return None  # the caller reads them itself (and reports the outage)
    return found


def counter_cache_alias() -> str:
    """The cache the counters live in: RATELIMIT_USE_CACHE when CACHES defines it, else "default"."""
    alias = getattr(settings, "RATELIMIT_USE_CACHE", "default")
    return alias if alias in settings.CACHES else "default"


def counters_share_default_store(alias: str) -> bool:
    """Whether keys of the default cache can be read through the counters' cache (same configuration)."""
    return alias == "default" or settings.CACHES[alias] == settings.CACHES.get("default")


def _enforce(counters: list[_Counter], counts: list[int | None], now: float) -> None:
    for counter, count in zip(counters, counts, strict=False):  # counts stop at a refusal
        if count is None:  # the counter could not be read or written
            logger.warning("Rate limit %r not enforced, the cache returned no counter.", counter.limit.group)
            continue
        if counter.spent(count):
            raise RateLimitedError(retry_after=max(1, counter.window_end - int(now)))


def _groups(counters: list[_Counter]) -> str:
    return ",".join(c.limit.group for c in counters)


def _key_value(request: HttpRequest, group: str, key: RateKey) -> str:
    if callable(key):
        return key(group, request)
    if key == "ip":
        return _network(client_ip(request))
    raise ImproperlyConfigured(f"Rate limit key {key!r}: use 'ip' or a callable (group, request) -> str.")


def _network(ip: str) -> str:
    """The client's network (one IPv6 client holds a whole /64)."""
    version = "IPV6" if ":" in ip else "IPV4"
    mask = getattr(settings, f"RATELIMIT_{version}_MASK", 64 if version == "IPV6" else 32)
    network = _networks.get((ip, mask))
    if network is None:
        try:
            network = str(ipaddress.ip_network(f"{ip}/{mask}", strict=False).network_address)
        except ValueError:  # no usable address (e.g. a unix socket behind a proxy): one shared budget
            network = ip
        _networks.set((ip, mask), network)
    return network


def _counter(request: HttpRequest, limit: Limit, now: float) -> _Counter:
    allowed, period = parse_rate(limit.rate)
    value = _key_value(request, limit.group, limit.key)
    end = window_end(value, period, now)
    return _Counter(limit=limit, cache_key=_counter_name(limit.group, limit.rate, value, end),
                    allowed=allowed, ttl=period + EXPIRY_MARGIN, window_end=end)


def _counter_name(group: str, rate: str, value: str, end: int) -> str:
    parts = (group, rate, value, end)
    name = _counter_names.get(parts)
    if name is None:
        digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()
        name = f"{COUNTER_PREFIX}{digest}"
        _counter_names.set(parts, name)
    return name


def _redis_round_trip(cache: RedisCache, counters: list[_Counter],
                      read: Sequence[str]) -> tuple[list[int | None], dict[str, Any]]:
    client = cache.client.get_client(write=True)
    keys = [cache.client.make_key(c.cache_key) for c in counters]
    keys += [cache.client.make_key(key) for key in read]
    args = [len(counters), *(n for c in counters for n in (int(c.limit.increment), c.allowed, c.ttl))]
    try:
        counts, values = client.evalsha(_COUNT_SCRIPT_SHA, len(keys), *keys, *args)
    except NoScriptError:  # a new server, or SCRIPT FLUSH
        client.script_load(_COUNT_SCRIPT)
        counts, values = client.evalsha(_COUNT_SCRIPT_SHA, len(keys), *keys, *args)
    # counts is shorter than counters when a spent limit stopped the script
    return [int(n) for n in counts], {key: cache.client.decode(value) if value is not None else None
                                      for key, value in zip(read, values, strict=True)}


def _cache_reads(cache, read: Sequence[str]) -> dict[str, Any]:
    found = cache.get_many(read) if read else {}
    return {key: found.get(key) for key in read}


def _cache_counts(cache, counters: list[_Counter]) -> list[int | None]:
    """Any Django cache: add, else incr (or get for a look)."""
    counts: list[int | None] = []
    for c in counters:
        initial = 1 if c.limit.increment else 0
        if cache.add(c.cache_key, initial, c.ttl):
            count = initial
        elif c.limit.increment:
            try:
                count = cache.incr(c.cache_key)
            except ValueError:  # expired between add and incr
                count = None
        else:
            count = cache.get(c.cache_key, initial)
        counts.append(count)
        if count is not None and c.spent(count):
            break
    return counts
