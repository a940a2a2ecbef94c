"""The aggregation rules, in one place: order events -> per-tenant increments (`EventDelta`).

The Kafka consumer (`consume_orders`) and the embedded in-process sink (registered by
`MetricsConfig.ready()`) both call `apply_events`; only the transport differs. Live pushes go
through the `notifier` argument only. `order_net_effect` is the same rules summed over an
order's whole history, which `rebuild_metrics` uses to recompute everything from the orders table.

Rules:
- total_orders counts every placed order, cancelled ones included; per-minute buckets count
  placements by the order's creation minute (UTC epoch minute), kept 25 h.
- revenue (total and per local day of the order's creation, in integer cents) counts orders that
  are not cancelled: a cancellation subtracts the order's total from both, on the day it was placed.
- average order value = revenue_total / (total_orders - cancelled).
- preparation time is counted when an order becomes ready (sum, count and a fixed-bucket histogram).
- live status counts: +1 into an open status, -1 out of it (delivered/cancelled are not live).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from foodsys.common.money import to_cents
from foodsys.events.schema import ORDER_CREATED, InvalidEvent, decode
from foodsys.observability import metrics as prometheus
from metrics.names import CANCELLED, OPEN_STATUSES, READY, day_name, minute_name, minute_of, prep_bucket, status_field
from metrics.store import PREP_HIST, TOTALS, EventDelta, MetricsStore, get_store
from metrics.tenants import TenantProfile, tenant_profile

logger = logging.getLogger(__name__)

MINUTE_TTL_SECONDS = 25 * 3600
DAY_TTL_SECONDS = 3 * 24 * 3600
DAYS_KEPT = 2  # revenue per local day is only read for "today"; yesterday's is kept for the switch


def _parse(iso: str) -> datetime:
    return datetime.fromisoformat(iso)  # Python 3.11 reads the "Z" suffix too


_split_total = re.compile(r"([0-9]+)(?:\.([0-9]{1,2}))?").fullmatch
_STATUS_FIELDS = {s: status_field(s) for s in OPEN_STATUSES}


def parse_cents(total: str) -> int:
    """'12.5' -> 1250 in integers, exactly as to_cents(Decimal(total)); an unusual string goes through Decimal."""
    parts = _split_total(total)
    if parts is None:
        return to_cents(Decimal(total))
    whole, frac = parts.groups()
    return int(whole) * 100 + (int(frac) * (10 if len(frac) == 1 else 1) if frac else 0)


@dataclass(frozen=True)
class _Effect:
    """Increments before they are bound to a tenant: totals fields, histogram fields, counters."""

    totals: dict[str, int]
    hist: dict[str, int]
    counters: dict[str, tuple[int, int]]  # name -> (amount, ttl)


def _first_kept_day(profile: TenantProfile, now: float) -> date:
    return datetime.fromtimestamp(now, profile.zone).date() - timedelta(days=DAYS_KEPT - 1)


def _revenue_day_name(created: datetime, profile: TenantProfile, first_kept: date) -> str | None:
    local_day = created.astimezone(profile.zone).date()
    return day_name(local_day) if local_day >= first_kept else None


def _revenue_day(created: datetime, cents: int, profile: TenantProfile, now: float, counters: dict) -> None:
    name = _revenue_day_name(created, profile, _first_kept_day(profile, now))
    if name is not None:
        amount, _ttl = counters.get(name, (0, DAY_TTL_SECONDS))
        counters[name] = (amount + cents, DAY_TTL_SECONDS)


def _placed(created: datetime, counters: dict, now: float) -> None:
    minute = minute_of(created)
    ttl = int(minute + MINUTE_TTL_SECONDS - now)
    if ttl > 0:
        counters[minute_name(minute)] = (counters.get(minute_name(minute), (0, ttl))[0] + 1, ttl)


def event_delta(envelope: dict[str, Any], *, profile: TenantProfile, now: float | None = None,
                first_kept: date | None = None) -> EventDelta:
    """One event's increments. `first_kept` (the oldest local day whose revenue is kept) is the same for
    a whole batch of a tenant, so apply_events passes it in."""
    now = time.time() if now is None else now
    first_kept = first_kept or _first_kept_day(profile, now)
    data = envelope["data"]
    hashes: list[tuple[str, str, int]] = []
    counters: list[tuple[str, int, int]] = []
    revenue = 0  # signed cents that move revenue, on the order's local creation day
    if envelope["type"] == ORDER_CREATED:
        revenue = parse_cents(data["total"])
        hashes.append((TOTALS, "orders", 1))
        if data["status"] in _STATUS_FIELDS:
            hashes.append((TOTALS, _STATUS_FIELDS[data["status"]], 1))
        created = _parse(data["order_created_at"])
        minute = minute_of(created)
        ttl = int(minute + MINUTE_TTL_SECONDS - now)
        if ttl > 0:
            counters.append((minute_name(minute), 1, ttl))
    else:
        from_status, to_status = data["from_status"], data["to_status"]
        if from_status != to_status:  # a no-op move nets to zero
            if from_status in _STATUS_FIELDS:
                hashes.append((TOTALS, _STATUS_FIELDS[from_status], -1))
            if to_status in _STATUS_FIELDS:
                hashes.append((TOTALS, _STATUS_FIELDS[to_status], 1))
        if to_status == CANCELLED:
            revenue = -parse_cents(data["total"])
            hashes.append((TOTALS, "cancelled", 1))
        prep = data["preparation_seconds"]
        if to_status == READY and prep is not None:
            hashes += ((TOTALS, "prep_count", 1), (TOTALS, "prep_seconds", prep), (PREP_HIST, prep_bucket(prep), 1))
    if revenue:
        hashes.append((TOTALS, "revenue_cents", revenue))
        day = _revenue_day_name(_parse(data["order_created_at"]), profile, first_kept)
        if day is not None:
            counters.append((day, revenue, DAY_TTL_SECONDS))
    return EventDelta(event_id=envelope["event_id"], tenant_id=envelope["tenant_id"],
                      occurred_ts=_parse(envelope["occurred_at"]).timestamp(),
                      hash_incr=tuple(hashes), counter_incr=tuple(counters))


@dataclass(frozen=True)
class OrderState:
    """What rebuild_metrics reads per order."""

    status: str
    total: Decimal
    created_at: datetime
    preparation_seconds: int | None


def order_net_effect(orders: Iterable[OrderState], *, profile: TenantProfile, now: float) -> _Effect:
    """The sum of every event's effect over the orders' whole histories, in closed form."""
    totals: dict[str, int] = {"orders": 0, "revenue_cents": 0, "cancelled": 0, "prep_count": 0, "prep_seconds": 0}
    hist: dict[str, int] = {}
    counters: dict[str, tuple[int, int]] = {}
    for order in orders:
        cents = to_cents(order.total)
        totals["orders"] += 1
        _placed(order.created_at, counters, now)
        if order.status == CANCELLED:
            totals["cancelled"] += 1
        else:
            totals["revenue_cents"] += cents
            _revenue_day(order.created_at, cents, profile, now, counters)
        if order.status in OPEN_STATUSES:
            field = status_field(order.status)
            totals[field] = totals.get(field, 0) + 1
        if order.preparation_seconds is not None:
            totals["prep_count"] += 1
            totals["prep_seconds"] += order.preparation_seconds
            bucket = prep_bucket(order.preparation_seconds)
            hist[bucket] = hist.get(bucket, 0) + 1
    return _Effect(totals=totals, hist=hist, counters=counters)


# --- entry points ----------------------------------------------------------------------------
class Notifier(Protocol):
    def notify(self, tenant_ids: Iterable[str]) -> None: ...


@dataclass(frozen=True)
class ApplyResult:
    applied: int
    duplicates: int
    tenants: frozenset[str]


def apply_events(envelopes: Sequence[dict[str, Any]], *, store: MetricsStore | None = None,
                 notifier: Notifier | None = None) -> ApplyResult:
    """Applies validated envelopes at most once each (dedupe by event_id, atomic with the update),
    then asks `notifier` (when given: nothing is pushed otherwise) for a live push of every tenant
    that changed."""
    if not envelopes:
        return ApplyResult(0, 0, frozenset())
    store = store or get_store()
    now = time.time()
    tenants: dict[str, tuple[TenantProfile, date]] = {}  # per tenant: its profile and first kept day
    deltas = []
    for e in envelopes:
        tid = e["tenant_id"]
        known = tenants.get(tid)
        if known is None:
            profile = tenant_profile(tid, store=store)
            known = tenants[tid] = (profile, _first_kept_day(profile, now))
        deltas.append(event_delta(e, profile=known[0], now=now, first_kept=known[1]))
    flags = store.apply(deltas)
    changed = frozenset(d.tenant_id for d, applied in zip(deltas, flags, strict=True) if applied)
    if changed and notifier is not None:
        notifier.notify(changed)
    applied = sum(flags)
    prometheus.record_consumed(applied)
    prometheus.record_deduplicated(len(flags) - applied)
    return ApplyResult(applied=applied, duplicates=len(flags) - applied, tenants=changed)


class ConsumedMessage(Protocol):
    def value(self) -> bytes | None: ...
    def topic(self) -> str: ...
    def partition(self) -> int: ...
    def offset(self) -> int: ...


def handle_order_messages(messages: Sequence[ConsumedMessage], *,
                          dead_letter: Callable[[ConsumedMessage, str], None],
                          store: MetricsStore | None = None, notifier: Notifier | None = None) -> ApplyResult:
    """A consumed batch: poison messages go to `dead_letter` (and are not retried), the rest are applied."""
    envelopes = []
    for message in messages:
        try:
            envelopes.append(decode(message.value()))
        except InvalidEvent as exc:
            logger.error("poison message %s[%d]@%d: %s", message.topic(), message.partition(), message.offset(), exc)
            dead_letter(message, str(exc))
            prometheus.record_dead_lettered()
    return apply_events(envelopes, store=store, notifier=notifier)
