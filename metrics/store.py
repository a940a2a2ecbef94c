"""Where the per-tenant aggregates live, behind one interface with two backends:

- `RedisMetricsStore` (REDIS_URL set): one Lua script per batch, so deduplication by event id and
  the counter increments of an event happen atomically together.
- `CacheMetricsStore` (embedded): the same rules in Python under a process lock, over the Django
  cache (locmem). The lock is enough because locmem is itself per process.

The store knows nothing about orders: handlers turn events into `EventDelta`s (named increments),
the store applies them. All names become keys through `keys.metrics_key(tenant_id, name)`.

Dedupe rules (both backends), per tenant `meta` hash {gen, cutoff, last_updated}:
- an event whose `occurred_ts` is before `cutoff` is already reflected by a rebuild: skipped;
- `seen:<event_id>` holds the generation it was applied in; it is skipped when that equals the
  current generation. A rebuild bumps the generation and re-marks the events it reflects, so an
  event applied before the rebuild but not reflected by it counts again exactly once.
"""

from __future__ import annotations

import json
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

import orjson
from django.conf import settings
from django.core.cache import cache

from foodsys.tenancy.keys import metrics_key

TOTALS = "totals"
PREP_HIST = "prep_hist"
META = "meta"
PROFILE = "profile"
PROFILE_TTL_SECONDS = 3600
DEFAULT_DEDUPE_TTL_SECONDS = 8 * 24 * 3600  # outlives the outbox retention (7 days) and Kafka's


def seen_name(event_id: str) -> str:
    return f"seen:{event_id}"


def dedupe_ttl() -> int:
    return int(getattr(settings, "METRICS_DEDUPE_TTL_SECONDS", DEFAULT_DEDUPE_TTL_SECONDS))


class EventDelta(NamedTuple):  # a tuple: built once per event, cheaper than a dataclass
    event_id: str
    tenant_id: str
    occurred_ts: float
    hash_incr: tuple[tuple[str, str, int], ...] = ()  # (hash name, field, amount)
    counter_incr: tuple[tuple[str, int, int], ...] = ()  # (counter name, amount, ttl seconds)


@dataclass
class RawMetrics:
    totals: dict[str, int]
    prep_hist: dict[str, int]
    counters: dict[str, int]
    last_updated: float | None


@dataclass
class RebuiltState:
    totals: dict[str, int]
    prep_hist: dict[str, int]
    counters: dict[str, tuple[int, int]]  # name -> (value, ttl seconds)
    clear_counters: list[str]  # counter names to delete first (the windows the rebuild covers)
    reflected_event_ids: list[str]
    cutoff_ts: float
    profile: dict[str, str] = field(default_factory=dict)


class MetricsStore(ABC):
    @abstractmethod
    def apply(self, deltas: Sequence[EventDelta]) -> list[bool]:
        """Applies each not-yet-applied delta; returns, per delta, whether it was applied now."""

    @abstractmethod
    def read(self, tenant_id: str, *, counters: Sequence[str]) -> RawMetrics: ...

    def read_many(self, requests: Sequence[tuple[str, Sequence[str]]]) -> list[RawMetrics]:
        """`read` for several (tenant_id, counters) at once; a backend may do it in one round trip."""
        return [self.read(tenant_id, counters=counters) for tenant_id, counters in requests]

    @abstractmethod
    def replace(self, tenant_id: str, state: RebuiltState) -> None:
        """Atomically swaps in rebuilt aggregates, bumping the dedupe generation."""

    @abstractmethod
    def get_profile(self, tenant_id: str) -> dict[str, str]: ...

    @abstractmethod
    def set_profile(self, tenant_id: str, profile: dict[str, str]) -> None: ...


def get_store() -> MetricsStore:
    return RedisMetricsStore() if settings.REDIS_URL else CacheMetricsStore()


def _int(value) -> int:
    return int(value) if value not in (None, b"", "") else 0


# --- Redis ------------------------------------------------------------------------------------
# ARGV[1] = JSON {now, ttl, keys: [key...],
#                 ev: [[meta#, seen key, ts, [hash#, field, n, ...], [counter#, n, ttl, ...]], ...]}
# (# = 1-based index into keys). The meta of each tenant is read once; increments of the applied
# events are summed per key and written once each at the end (the script is atomic, so this is
# the same as applying them event by event).
_APPLY_LUA = """
local a = cjson.decode(ARGV[1])
local keys, events = a.keys, a.ev
local seen = {}
for i = 1, #events, 1000 do
  local chunk = {}
  for j = i, math.min(i + 999, #events) do chunk[#chunk + 1] = events[j][2] end
  local values = redis.call('MGET', unpack(chunk))
  for j = 1, #values do seen[i + j - 1] = values[j] end
end
local metas, hashes, counters, order, marked = {}, {}, {}, {}, {}
local out = {}
for i, e in ipairs(events) do
  local m = metas[e[1]]
  if not m then
    local raw = redis.call('HMGET', keys[e[1]], 'gen', 'cutoff')
    m = {gen = tonumber(raw[1]) or 0, cutoff = tonumber(raw[2]) or 0, touched = false}
    metas[e[1]] = m
  end
  local applied = 0
  local s = seen[i]
  if e[3] >= m.cutoff and (not marked[e[2]]) and ((not s) or tonumber(s) < m.gen) then
    redis.call('SET', e[2], m.gen, 'EX', a.ttl)
    marked[e[2]] = true  -- a duplicate later in this batch (the MGET above predates this SET)
    m.touched = true
    local h = e[4]
    for j = 1, #h, 3 do
      local hk = hashes[h[j]]
      if not hk then hk = {}; hashes[h[j]] = hk; order[#order + 1] = h[j] end
      hk[h[j + 1]] = (hk[h[j + 1]] or 0) + h[j + 2]
    end
    local c = e[5]
    for j = 1, #c, 3 do
      local ck = counters[c[j]]
      if not ck then ck = {0, 0}; counters[c[j]] = ck end
      ck[1] = ck[1] + c[j + 1]
      ck[2] = c[j + 2]
    end
    applied = 1
  end
  out[i] = applied
end
for _, k in ipairs(order) do
  for f, n in pairs(hashes[k]) do
    if n ~= 0 then redis.call('HINCRBY', keys[k], f, n) end
  end
end
for k, c in pairs(counters) do
  redis.call('INCRBY', keys[k], c[1])
  redis.call('EXPIRE', keys[k], c[2])
end
for k, m in pairs(metas) do
  if m.touched then redis.call('HSET', keys[k], 'last_updated', a.now) end
end
return out
"""

_REPLACE_LUA = """
local a = cjson.decode(ARGV[1])
local gen = redis.call('HINCRBY', a.meta, 'gen', 1)
redis.call('HSET', a.meta, 'cutoff', a.cutoff, 'last_updated', a.now)
redis.call('DEL', a.totals_key, a.hist_key)
for f, v in pairs(a.totals) do redis.call('HSET', a.totals_key, f, v) end
for f, v in pairs(a.hist) do redis.call('HSET', a.hist_key, f, v) end
for _, k in ipairs(a.clear) do redis.call('DEL', k) end
for _, c in ipairs(a.counters) do redis.call('SET', c[1], c[2], 'EX', c[3]) end
for _, k in ipairs(a.seen) do redis.call('SET', k, gen, 'EX', a.ttl) end
return gen
"""


class RedisMetricsStore(MetricsStore):
    def __init__(self):
        from django_redis import get_redis_connection

        self.redis = get_redis_connection("default")
        self._apply = self.redis.register_script(_APPLY_LUA)
        self._replace = self.redis.register_script(_REPLACE_LUA)

    def apply(self, deltas: Sequence[EventDelta]) -> list[bool]:
        if not deltas:
            return []
        index: dict[tuple[str, str], int] = {}  # (tenant, name) -> 1-based position in `keys`
        keys: list[str] = []

        def key_no(tenant_id: str, name: str) -> int:
            n = index.get((tenant_id, name))
            if n is None:
                keys.append(metrics_key(tenant_id, name))
                n = index[(tenant_id, name)] = len(keys)
            return n

        events = []
        for d in deltas:
            tid = d.tenant_id
            hashes: list = []
            for name, f, n in d.hash_incr:
                hashes += (key_no(tid, name), f, n)
            counters: list = []
            for name, n, t in d.counter_incr:
                counters += (key_no(tid, name), n, t)
            events.append((key_no(tid, META), metrics_key(tid, seen_name(d.event_id)), d.occurred_ts, hashes, counters))
        payload = {"now": repr(time.time()), "ttl": dedupe_ttl(), "keys": keys, "ev": events}
        # Keys travel in ARGV: fine on a single Redis (not Redis Cluster), which is what we run.
        flags = self._apply(keys=[], args=[orjson.dumps(payload)])
        return [bool(f) for f in flags]

    def read(self, tenant_id: str, *, counters: Sequence[str]) -> RawMetrics:
        return self.read_many([(tenant_id, counters)])[0]

    def read_many(self, requests: Sequence[tuple[str, Sequence[str]]]) -> list[RawMetrics]:
        """One MULTI/EXEC for all of them: each tenant's figures are from one instant."""
        pipe = self.redis.pipeline(transaction=True)
        for tenant_id, counters in requests:
            pipe.hgetall(metrics_key(tenant_id, TOTALS))
            pipe.hgetall(metrics_key(tenant_id, PREP_HIST))
            pipe.hget(metrics_key(tenant_id, META), "last_updated")
            pipe.mget([metrics_key(tenant_id, name) for name in counters]) if counters else pipe.echo("")
        replies = pipe.execute()
        out = []
        for i, (_tenant_id, counters) in enumerate(requests):
            totals, hist, last_updated, values = replies[4 * i:4 * i + 4]
            out.append(RawMetrics(
                totals={k.decode(): _int(v) for k, v in totals.items()},
                prep_hist={k.decode(): _int(v) for k, v in hist.items()},
                counters=dict(zip(counters, (_int(v) for v in values), strict=True)) if counters else {},
                last_updated=float(last_updated) if last_updated else None,
            ))
        return out

    def replace(self, tenant_id: str, state: RebuiltState) -> None:
        args = {
            "meta": metrics_key(tenant_id, META),
            "cutoff": repr(float(state.cutoff_ts)),
            "now": repr(time.time()),
            "totals_key": metrics_key(tenant_id, TOTALS),
            "hist_key": metrics_key(tenant_id, PREP_HIST),
            "totals": {k: str(v) for k, v in state.totals.items()},
            "hist": {k: str(v) for k, v in state.prep_hist.items()},
            "clear": [metrics_key(tenant_id, name) for name in state.clear_counters],
            "counters": [[metrics_key(tenant_id, name), str(v), str(ttl)] for name, (v, ttl) in state.counters.items()],
            "seen": [metrics_key(tenant_id, seen_name(e)) for e in state.reflected_event_ids],
            "ttl": str(dedupe_ttl()),
        }
        self._replace(keys=[], args=[json.dumps(args)])
        if state.profile:
            self.set_profile(tenant_id, state.profile)

    def get_profile(self, tenant_id: str) -> dict[str, str]:
        raw = self.redis.hgetall(metrics_key(tenant_id, PROFILE))
        return {k.decode(): v.decode() for k, v in raw.items()}

    def set_profile(self, tenant_id: str, profile: dict[str, str]) -> None:
        key = metrics_key(tenant_id, PROFILE)
        pipe = self.redis.pipeline(transaction=True)
        pipe.delete(key)
        pipe.hset(key, mapping=profile)
        pipe.expire(key, PROFILE_TTL_SECONDS)
        pipe.execute()


# --- Django cache (embedded) ------------------------------------------------------------------
_cache_lock = threading.Lock()


class CacheMetricsStore(MetricsStore):
    def apply(self, deltas: Sequence[EventDelta]) -> list[bool]:
        ttl = dedupe_ttl()
        applied = []
        with _cache_lock:
            for d in deltas:
                meta_key = metrics_key(d.tenant_id, META)
                meta = cache.get(meta_key) or {}
                seen_key = metrics_key(d.tenant_id, seen_name(d.event_id))
                seen = cache.get(seen_key)
                gen = meta.get("gen", 0)
                if d.occurred_ts < meta.get("cutoff", 0) or (seen is not None and seen >= gen):
                    applied.append(False)
                    continue
                cache.set(seen_key, gen, ttl)
                for name, f, n in d.hash_incr:
                    key = metrics_key(d.tenant_id, name)
                    values = cache.get(key) or {}
                    values[f] = values.get(f, 0) + n
                    cache.set(key, values, None)
                for name, n, counter_ttl in d.counter_incr:
                    key = metrics_key(d.tenant_id, name)
                    cache.set(key, (cache.get(key) or 0) + n, counter_ttl)
                cache.set(meta_key, {**meta, "last_updated": time.time()}, None)
                applied.append(True)
        return applied

    def read(self, tenant_id: str, *, counters: Sequence[str]) -> RawMetrics:
        with _cache_lock:
            values = cache.get_many([metrics_key(tenant_id, name) for name in counters])
            return RawMetrics(
                totals=dict(cache.get(metrics_key(tenant_id, TOTALS)) or {}),
                prep_hist=dict(cache.get(metrics_key(tenant_id, PREP_HIST)) or {}),
                counters={name: values.get(metrics_key(tenant_id, name), 0) for name in counters},
                last_updated=(cache.get(metrics_key(tenant_id, META)) or {}).get("last_updated"),
            )

    def replace(self, tenant_id: str, state: RebuiltState) -> None:
        ttl = dedupe_ttl()
        with _cache_lock:
            meta_key = metrics_key(tenant_id, META)
            gen = (cache.get(meta_key) or {}).get("gen", 0) + 1
            cache.set(meta_key, {"gen": gen, "cutoff": state.cutoff_ts, "last_updated": time.time()}, None)
            cache.set(metrics_key(tenant_id, TOTALS), dict(state.totals), None)
            cache.set(metrics_key(tenant_id, PREP_HIST), dict(state.prep_hist), None)
            cache.delete_many([metrics_key(tenant_id, name) for name in state.clear_counters])
            for name, (value, counter_ttl) in state.counters.items():
                cache.set(metrics_key(tenant_id, name), value, counter_ttl)
            cache.set_many({metrics_key(tenant_id, seen_name(e)): gen for e in state.reflected_event_ids}, ttl)
        if state.profile:
            self.set_profile(tenant_id, state.profile)

    def get_profile(self, tenant_id: str) -> dict[str, str]:
        return dict(cache.get(metrics_key(tenant_id, PROFILE)) or {})

    def set_profile(self, tenant_id: str, profile: dict[str, str]) -> None:
        cache.set(metrics_key(tenant_id, PROFILE), dict(profile), PROFILE_TTL_SECONDS)
