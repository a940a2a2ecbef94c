"""Read-through caching of public catalog data, and its invalidation by version counters.

Key design (every key is built in `foodsys.tenancy.keys`):
- `tenant:{uuid}:version` is a per-tenant counter; `public:restaurants:version` one for the
  cross-tenant list pages. Every catalog write bumps them on commit (`invalidate_catalog_on_commit`),
  which retires every entry built under the old value, without KEYS/SCAN.
- `get_or_build` stores rendered bytes under a key without the version (`tenant:{uuid}:menu_body:{id}`,
  `tenant:{uuid}:restaurant_body`, `public:restaurants:page:{fingerprint}`), prefixed with the
  version they were built under, so the counter and the entry come back in one MGET and an entry
  of an older version counts as a miss. Readers read the version *before* the database: a slow
  reader that loaded old rows stores them under the old version, which no reader accepts after
  the bump (it may overwrite a newer entry; the next reader then misses and rebuilds).
- A missing counter starts at the current time in microseconds, not at 0, so a counter lost to
  eviction never lands on a version that still has entries.
- `get_or_compute` is plain read-through JSON (no version) for immutable data (restaurant id -> tenant).

Values are bytes or JSON text (never pickled model instances). Cache errors (Redis down) are logged
and the caller falls through to the database.
"""

import json
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

from foodsys.tenancy import keys

logger = logging.getLogger(__name__)

CACHE_ERRORS: tuple[type[BaseException], ...] = (ConnectionInterrupted, RedisError, OSError)


class CacheStats:
    """In-process hit/miss counters per cache name (exported as metrics elsewhere)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.hits: dict[str, int] = defaultdict(int)
        self.misses: dict[str, int] = defaultdict(int)
        self.errors: dict[str, int] = defaultdict(int)

    def record(self, name: str, *, hit: bool) -> None:
        with self._lock:
            (self.hits if hit else self.misses)[name] += 1

    def record_error(self, name: str) -> None:
        with self._lock:
            self.errors[name] += 1

    def snapshot(self) -> dict[str, dict[str, int]]:
        with self._lock:
            names = set(self.hits) | set(self.misses) | set(self.errors)
            return {n: {"hits": self.hits[n], "misses": self.misses[n], "errors": self.errors[n]} for n in names}

    def reset(self) -> None:
        with self._lock:
            self.hits.clear()
            self.misses.clear()
            self.errors.clear()


cache_stats = CacheStats()


def _warn(operation: str, key: str, exc: BaseException) -> None:
    logger.warning("Cache %s of %s failed (%s: %s); using the database.", operation, key, type(exc).__name__, exc)


def _fresh_version() -> int:
    return time.time_ns() // 1000


def current_version(version_key: str) -> int | None:
    """The counter's value, creating it if missing; None when the cache is unreachable."""
    try:
        version = cache.get(version_key)
        if version is None:
            cache.add(version_key, _fresh_version(), timeout=None)
            version = cache.get(version_key)
    except CACHE_ERRORS as exc:
        _warn("version read", version_key, exc)
        return None
    return int(version) if version is not None else None


def bump_version(version_key: str) -> None:
    try:
        try:
            cache.incr(version_key)
        except ValueError:  # missing: start a new counter, unless a concurrent bump just did
            if not cache.add(version_key, _fresh_version(), timeout=None):
                cache.incr(version_key)
    except CACHE_ERRORS as exc:
        # Readers fall through while Redis is down; entries written before the outage can be served
        # again once it is back, until their TTL ends.
        _warn("version bump", version_key, exc)


def get_or_compute(name: str, key: str | None, compute: Callable[[], Any], *,
                   store_if: Callable[[Any], bool] = lambda data: True) -> Any:
    """JSON-ready data for `key`, computed (and stored, when `store_if(data)`) on a miss.

    `key=None` means the version could not be read: compute without caching (counted as an error).
    """
    if key is None:
        cache_stats.record_error(name)
    else:
        try:
            raw = cache.get(key)
        except CACHE_ERRORS as exc:
            _warn("get", key, exc)
            cache_stats.record_error(name)
            raw = None
        if raw is not None:
            cache_stats.record(name, hit=True)
            return json.loads(raw)
    cache_stats.record(name, hit=False)
    text = json.dumps(compute(), cls=DjangoJSONEncoder)
    data = json.loads(text)
    if key is not None and store_if(data):
        try:
            cache.set(key, text, timeout=settings.CACHE_TTL_SECONDS)
        except CACHE_ERRORS as exc:
            _warn("set", key, exc)
            cache_stats.record_error(name)
    return data


def get_or_build(name: str, *, version_key: str, entry_key: str, build: Callable[[], bytes],
                 prefetched: dict[str, Any] | None = None,
                 store_if: Callable[[bytes], bool] = lambda payload: True) -> bytes:
    """The bytes of `entry_key` if built under the current version of `version_key`, else `build()`
    (stored under that version, when `store_if(payload)`). One round trip on a hit, none when both keys
    are in `prefetched` (values read earlier in this request, e.g. with the rate limits). An unreachable
    cache means `build()`."""
    if prefetched is not None and version_key in prefetched and entry_key in prefetched:
        found = prefetched
    else:
        try:
            found = cache.get_many([version_key, entry_key])
        except CACHE_ERRORS as exc:
            _warn("get", entry_key, exc)
            cache_stats.record_error(name)
            cache_stats.record(name, hit=False)
            return build()
    version, entry = found.get(version_key), found.get(entry_key)
    if version is not None and entry is not None:
        built_under, _, payload = entry.partition(b"\n")
        if int(built_under) == int(version):
            cache_stats.record(name, hit=True)
            return payload
    cache_stats.record(name, hit=False)
    version = int(version) if version is not None else current_version(version_key)
    payload = build()
    if version is not None and store_if(payload):
        try:
            cache.set(entry_key, b"%d\n" % version + payload, timeout=settings.CACHE_TTL_SECONDS)
        except CACHE_ERRORS as exc:
            _warn("set", entry_key, exc)
            cache_stats.record_error(name)
    return payload


def forget(key: str) -> None:
    try:
        cache.delete(key)
    except CACHE_ERRORS as exc:
        _warn("delete", key, exc)


# --- catalog ---------------------------------------------------------------------------------
def invalidate_catalog_on_commit(tenant_id, *, restaurant_changed: bool) -> None:
    """Retire the tenant's cached detail and menu after the write commits; `restaurant_changed`
    also retires the public list pages (menu writes don't appear in the list)."""
    tenant_id = str(tenant_id)

    def bump() -> None:
        bump_version(keys.tenant_version_key(tenant_id))
        if restaurant_changed:
            bump_version(keys.RESTAURANT_LIST_VERSION_KEY)

    transaction.on_commit(bump)
