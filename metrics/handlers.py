"""The aggregation rules, in one place: order events -> per-tenant increments (`EventDelta`).

The Kafka consumer (`consume_orders`) and the embedded in-process dispatch both call
`apply_events`; only the transport differs. `order_net_effect` is the same rules summed over an
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
import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, Protocol

from foodsys.common.money import to_cents
from foodsys.events.schema import ORDER_CREATED, InvalidEvent, decode
from foodsys.observability import metrics as observed
from metrics.store import PREP_HIST, TOTALS, EventDelta, MetricsStore, get_store
from metrics.tenants import TenantProfile, tenant_profile

logger = logging.getLogger(__name__)

OPEN_STATUSES = ("pending", "confirmed", "preparing", "ready", "out_for_delivery")
CANCELLED = "cancelled"
READY = "ready"
MINUTE_TTL_SECONDS = 25 * 3600
DAY_TTL_SECONDS = 3 * 24 * 3600
DAYS_KEPT = 2  # revenue per local day is only read for "today"; yesterday's is kept for the switch

# Preparation-time histogram: upper bounds in seconds (30 s wide up to 1 h, then 5 min up to 2 h).
PREP_BUCKETS: tuple[int, ...] = (*range(30, 3601, 30), *range(3900, 7201, 300))
OVERFLOW_BUCKET = "inf"


# --- names (the store turns them into keys via keys.metrics_key) -------------------------------
def minute_name(minute_epoch: int) -> str:
    return f"opm:{int(minute_epoch)}"


def day_name(day: date) -> str:
    return f"revenue_day:{day.isoformat()}"


def status_field(status: str) -> str:
    return f"status:{status}"


def minute_of(moment: datetime) -> int:
    return int(moment.timestamp()) // 60 * 60


def prep_bucket(seconds: int) -> str:
    for bound in PREP_BUCKETS:
        if seconds <= bound:
            return str(bound)
    return OVERFLOW_BUCKET


def percentile_from_histogram(hist: dict[str, int], q: float) -> int | None:
    """Estimate of the q-quantile, interpolated linearly inside the bucket that holds it."""
    counts = {k: n for k, n in hist.items() if n > 0}
    total = sum(counts.values())
    if total == 0:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    lower = 0
    for upper in PREP_BUCKETS:
        n = counts.get(str(upper), 0)
        if n and seen + n >= rank:
            return round(lower + (upper - lower) * (rank - seen) / n)
        seen += n
        lower = upper
    return PREP_BUCKETS[-1]  # in the overflow bucket: "at least the last bound"


def _parse(iso: str) -> datetime:
    return datetime.fromisoformat(iso.replace("Z", "+00:00"))


@dataclass(frozen=True)
class _Effect:
    """Increments before they are bound to a tenant: totals fields, histogram fields, counters."""

    totals: dict[str, int]
    hist: dict[str, int]
    counters: dict[str, tuple[int, int]]  # name -> (amount, ttl)


def _revenue_day(created: datetime, cents: int, profile: TenantProfile, now: float, counters: dict) -> None:
    local_day = created.astimezone(profile.zone).date()
    today = datetime.fromtimestamp(now, profile.zone).date()
    if local_day >= today - timedelta(days=DAYS_KEPT - 1):
        name = day_name(local_day)
        amount, _ttl = counters.get(name, (0, DAY_TTL_SECONDS))
        counters[name] = (amount + cents, DAY_TTL_SECONDS)


def _placed(created: datetime, counters: dict, now: float) -> None:
    minute = minute_of(created)
    ttl = int(minute + MINUTE_TTL_SECONDS - now)
    if ttl > 0:
        counters[minute_name(minute)] = (counters.get(minute_name(minute), (0, ttl))[0] + 1, ttl)


def _event_effect(envelope: dict[str, Any], profile: TenantProfile, now: float) -> _Effect:
    data = envelope["data"]
    cents = to_cents(Decimal(data["total"]))
    created = _parse(data["order_created_at"])
    totals: dict[str, int] = {}
    hist: dict[str, int] = {}
    counters: dict[str, tuple[int, int]] = {}

    def add(field: str, amount: int) -> None:
        totals[field] = totals.get(field, 0) + amount

    if envelope["type"] == ORDER_CREATED:
        add("orders", 1)
        add("revenue_cents", cents)
        if data["status"] in OPEN_STATUSES:
            add(status_field(data["status"]), 1)
        _placed(created, counters, now)
        _revenue_day(created, cents, profile, now, counters)
    else:
        from_status, to_status = data["from_status"], data["to_status"]
        if from_status in OPEN_STATUSES:
            add(status_field(from_status), -1)
        if to_status in OPEN_STATUSES:
            add(status_field(to_status), 1)
        if to_status == CANCELLED:
            add("cancelled", 1)
            add("revenue_cents", -cents)
            _revenue_day(created, -cents, profile, now, counters)
        if to_status == READY and data["preparation_seconds"] is not None:
            add("prep_count", 1)
            add("prep_seconds", data["preparation_seconds"])
            hist[prep_bucket(data["preparation_seconds"])] = 1
    return _Effect(totals=totals, hist=hist, counters=counters)


def event_delta(envelope: dict[str, Any], *, profile: TenantProfile, now: float | None = None) -> EventDelta:
    effect = _event_effect(envelope, profile, time.time() if now is None else now)
    return EventDelta(
        event_id=envelope["event_id"],
        tenant_id=envelope["tenant_id"],
        occurred_ts=_parse(envelope["occurred_at"]).timestamp(),
        hash_incr=(*((TOTALS, f, n) for f, n in effect.totals.items() if n),
                   *((PREP_HIST, f, n) for f, n in effect.hist.items())),
        counter_incr=tuple((name, n, ttl) for name, (n, ttl) in effect.counters.items()),
    )


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
    then asks for a live push of every tenant that changed."""
    if not envelopes:
        return ApplyResult(0, 0, frozenset())
    store = store or get_store()
    now = time.time()
    profiles: dict[str, TenantProfile] = {}
    deltas = []
    for e in envelopes:
        tid = e["tenant_id"]
        profile = profiles.get(tid) or profiles.setdefault(tid, tenant_profile(tid, store=store))
        deltas.append(event_delta(e, profile=profile, now=now))
    flags = store.apply(deltas)
    tenants = frozenset(d.tenant_id for d, applied in zip(deltas, flags, strict=True) if applied)
    if tenants:
        if notifier is None:
            from metrics.live import process_pusher

            notifier = process_pusher()
        notifier.notify(tenants)
    applied = sum(flags)
    observed.record_consumed(applied)
    observed.record_deduplicated(len(flags) - applied)
    return ApplyResult(applied=applied, duplicates=len(flags) - applied, tenants=tenants)


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
            observed.record_dead_lettered()
    return apply_events(envelopes, store=store, notifier=notifier)
