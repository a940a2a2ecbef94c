"""Rate limits on the Django cache (django-ratelimit's fixed windows), failing open when the cache is down.

    from foodsys.common.ratelimit import Limit, check_rate, check_rates

    check_rate(request, group="api_ip", key="ip", rate=settings.RATE_LIMITS["api_ip"])
    check_rate(request, group="tenant", key=lambda group, request: keys.tenant_limit_key(tid),
               rate=settings.RATE_LIMITS["tenant"])
    check_rates(request, [Limit("api_ip", "ip", ip_rate), Limit("api_user", user_key, user_rate)])

- `group` names the counter family; `rate` is "<count>/<period>" ("5/15m", "600/m").
- `key` is a django-ratelimit key ("ip", "user", "user_or_ip", "header:<name>") or a callable
  `(group, request) -> str`; build such names in `foodsys.tenancy.keys`.
- increment=True (default) counts this request and refuses it once the count passes the limit.
- increment=False only looks: it refuses when the budget is already spent (count >= limit). Pair it
  with a later increment=True call to count only some outcomes, e.g. failed logins.
- `check_rates` checks several limits in order, as consecutive `check_rate` calls would: the first
  spent one refuses the request and the limits after it are not counted. `read=[cache keys]` also
  fetches those keys in the same round trip and returns them (key -> value or None), for a view
  that knows the cache entries it is about to read; None when the cache could not be reached.
- A refusal raises RateLimitedError(retry_after=<seconds until the window ends>), which the exception
  handler renders as 429 with a Retry-After header.
- When the cache cannot be reached the request is allowed and a warning is logged.

Windows, counter names and values are django-ratelimit's (its helpers build them), so counters are
shared with its decorator. On django-redis all the limits (and reads) of one call cost one round
trip: a pipeline of a small Lua script (INCR, EXPIRE on the first count, or GET for a look) and an
MGET. Other caches use add/incr/get and get_many.
"""

import hashlib
import ipaddress
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.module_loading import import_string
from django_ratelimit import ALL
from django_ratelimit import core as rl
from django_redis.cache import RedisCache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import NoScriptError, RedisError, ResponseError

from foodsys.common.exceptions import RateLimitedError

logger = logging.getLogger(__name__)

RateKey = str | Callable[[str, HttpRequest], str]
CACHE_ERRORS = (ConnectionInterrupted, RedisError, OSError)

# KEYS: counters; ARGV: per counter (increment 0/1, limit, ttl). Stops at the first spent counter.
_COUNT_SCRIPT = """
local counts = {}
for i, key in ipairs(KEYS) do
  local increment, limit = tonumber(ARGV[3 * i - 2]), tonumber(ARGV[3 * i - 1])
  local count
  if increment == 1 then
    count = redis.call('INCR', key)
    if count == 1 then redis.call('EXPIRE', key, ARGV[3 * i]) end
  else
    count = tonumber(redis.call('GET', key) or '0')
  end
  counts[i] = count
  if (increment == 1 and count > limit) or (increment == 0 and count >= limit) then break end
end
return counts
"""
_COUNT_SCRIPT_SHA = hashlib.sha1(_COUNT_SCRIPT.encode(), usedforsecurity=False).hexdigest()  # EVALSHA id


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
    window: int

    def spent(self, count: int) -> bool:
        return count > self.allowed if self.limit.increment else count >= self.allowed


def check_rate(request: HttpRequest, *, group: str, key: RateKey, rate: str, increment: bool = True) -> None:
    check_rates(request, [Limit(group, key, rate, increment)])


def check_rates(request: HttpRequest, limits: Sequence[Limit], *,
                read: Sequence[str] = ()) -> dict[str, Any] | None:
    if not getattr(settings, "RATELIMIT_ENABLE", True):
        limits = []
    counters = [_counter(request, limit) for limit in limits]
    if not counters and not read:
        return {}
    cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
    try:
        if isinstance(cache, RedisCache):
            counts, found = _redis_round_trip(cache, counters, read)
        else:
            counts, found = _cache_counts(cache, counters), _cache_reads(cache, read)
    except CACHE_ERRORS as exc:
        logger.warning("Rate limit %r not enforced, the cache is unavailable: %s", _groups(counters), exc)
        return None
    _enforce(counters, counts)
    return found


def _enforce(counters: list[_Counter], counts: list[int | None]) -> None:
    for counter, count in zip(counters, counts, strict=False):  # counts stop at a refusal
        if count is None:  # the counter could not be read or written
            logger.warning("Rate limit %r not enforced, the cache returned no counter.", counter.limit.group)
            continue
        if counter.spent(count):
            raise RateLimitedError(retry_after=max(1, counter.window - int(rl.time.time())))


def _groups(counters: list[_Counter]) -> str:
    return ",".join(c.limit.group for c in counters)


def _key_value(request: HttpRequest, group: str, key: RateKey) -> str:
    """django-ratelimit's key forms (see get_usage)."""
    if callable(key):
        return key(group, request)
    if key == "ip" and not getattr(settings, "RATELIMIT_IP_META_KEY", None) and request.META.get("REMOTE_ADDR"):
        return _network(request.META["REMOTE_ADDR"], getattr(settings, "RATELIMIT_IPV4_MASK", 32),
                        getattr(settings, "RATELIMIT_IPV6_MASK", 64))
    if key in rl._SIMPLE_KEYS:
        return rl._SIMPLE_KEYS[key](request)
    if ":" in key:
        accessor, name = key.split(":", 1)
        if accessor in rl._ACCESSOR_KEYS:
            return rl._ACCESSOR_KEYS[accessor](request, name)
    elif "." in key:
        return import_string(key)(group, request)
    raise ImproperlyConfigured(f"Could not understand ratelimit key: {key}")


@lru_cache(maxsize=4096)
def _network(ip: str, ipv4_mask: int, ipv6_mask: int) -> str:
    """django-ratelimit's "ip" key (the client's network), memoised."""
    mask = ipv6_mask if ":" in ip else ipv4_mask
    return str(ipaddress.ip_network(f"{ip}/{mask}", strict=False).network_address)


def _counter(request: HttpRequest, limit: Limit) -> _Counter:
    allowed, period = rl._split_rate(limit.rate)
    value = _key_value(request, limit.group, limit.key)
    window = rl._get_window(value, period)  # reads django-ratelimit's clock, which tests may pin
    return _Counter(limit=limit, cache_key=_cache_key(limit.group, window, limit.rate, value),
                    allowed=allowed, ttl=period + rl.EXPIRATION_FUDGE, window=window)


@lru_cache(maxsize=4096)
def _cache_key(group: str, window: int, rate: str, value: str) -> str:
    """django-ratelimit's counter name (a hash), memoised: a client asks many times per window."""
    return rl._make_cache_key(group, window, rate, value, ALL)


def _redis_round_trip(cache: RedisCache, counters: list[_Counter],
                      read: Sequence[str]) -> tuple[list[int | None], dict[str, Any]]:
    client = cache.client.get_client(write=True)
    keys = [cache.client.make_key(c.cache_key) for c in counters]
    args = [n for c in counters for n in (int(c.limit.increment), c.allowed, c.ttl)]
    commands = []
    if counters:
        commands.append(("EVALSHA", _COUNT_SCRIPT_SHA, len(keys), *keys, *args))
    if read:
        commands.append(("MGET", *(cache.client.make_key(key) for key in read)))
    results = _send(client, commands)
    if counters and isinstance(results[0], NoScriptError):  # a new server, or SCRIPT FLUSH
        client.script_load(_COUNT_SCRIPT)
        results = _send(client, commands)
    for result in results:
        if isinstance(result, Exception):
            raise result
    counts = [int(n) for n in results[0]] if counters else []  # shorter when a spent limit stopped the script
    values = results[-1] if read else []
    return counts, {key: cache.client.decode(value) if value is not None else None
                    for key, value in zip(read, values, strict=True)}


def _send(client, commands: list[tuple]) -> list[Any]:
    """The commands in one write and their raw replies (an error reply as its exception), on one pooled
    connection: redis-py's pipeline object, retries and reply callbacks cost more than the round trip."""
    pool = client.connection_pool
    connection = pool.get_connection()
    try:
        connection.send_packed_command(connection.pack_commands(commands))
        results = []
        for _ in commands:
            try:
                results.append(connection.read_response())
            except ResponseError as exc:  # the reply was read whole: the connection stays usable
                results.append(exc)
        return results
    except BaseException:
        connection.disconnect()  # a half-read reply must never reach the next user
        raise
    finally:
        pool.release(connection)


def _cache_reads(cache, read: Sequence[str]) -> dict[str, Any]:
    found = cache.get_many(read) if read else {}
    return {key: found.get(key) for key in read}


def _cache_counts(cache, counters: list[_Counter]) -> list[int | None]:
    """Any Django cache, as django-ratelimit does it: add, else incr (or get for a look)."""
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
