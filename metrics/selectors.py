"""Reads of the live aggregates (never the orders table): the GET /api/metrics/ body."""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from foodsys.common.money import CENT, from_cents
from foodsys.events.schema import iso_utc
from metrics.names import OPEN_STATUSES, day_name, minute_name, percentile_from_histogram, status_field
from metrics.store import MetricsStore, RawMetrics, get_store
from metrics.tenants import TenantProfile, tenant_profile

DEFAULT_MINUTES = 60
MAX_MINUTES = 1440


@lru_cache(maxsize=4096)
def _minute_label(minute_epoch: int) -> str:
    """The ISO label of a minute bucket (a snapshot lists 60 of them; they change once a minute)."""
    return iso_utc(datetime.fromtimestamp(minute_epoch, UTC))


def _minutes_window(minutes: int, now: float) -> list[int]:
    current = int(now) // 60 * 60
    return [current - 60 * i for i in range(minutes - 1, -1, -1)]


def metrics_orders_per_minute(*, tenant_id: str, minutes: int = DEFAULT_MINUTES,
                              store: MetricsStore | None = None) -> list[dict]:
    """Oldest first, zero-filled, the current (partial) minute last."""
    store = store or get_store()
    window = _minutes_window(minutes, time.time())
    raw = store.read(str(tenant_id), counters=[minute_name(m) for m in window])
    return [{"minute": _minute_label(m), "count": raw.counters[minute_name(m)]} for m in window]


def metrics_snapshot(*, tenant_id, minutes: int = DEFAULT_MINUTES, store: MetricsStore | None = None) -> dict:
    return metrics_snapshots(tenant_ids=[tenant_id], minutes=minutes, store=store)[str(tenant_id)]


def metrics_snapshots(*, tenant_ids: Iterable, minutes: int = DEFAULT_MINUTES,
                      store: MetricsStore | None = None) -> dict[str, dict]:
    """The snapshots of several tenants from one store read (the live pusher sends many at once)."""
    store = store or get_store()
    now = time.time()
    window = _minutes_window(minutes, now)
    minute_names = [minute_name(m) for m in window]
    wanted = []
    for tid in dict.fromkeys(str(t) for t in tenant_ids):
        profile = tenant_profile(tid, store=store)
        today = day_name(datetime.fromtimestamp(now, profile.zone).date())
        wanted.append((tid, profile, today))
    raws = store.read_many([(tid, [*minute_names, today]) for tid, _profile, today in wanted])
    return {tid: _snapshot(tid, profile, raw, window, minute_names, today)
            for (tid, profile, today), raw in zip(wanted, raws, strict=True)}


def _snapshot(tenant_id: str, profile: TenantProfile, raw: RawMetrics, window: list[int], minute_names: list[str],
              today: str) -> dict:
    totals = raw.totals
    orders, cancelled = totals.get("orders", 0), totals.get("cancelled", 0)
    revenue = totals.get("revenue_cents", 0)
    counted = orders - cancelled
    average = (Decimal(revenue) / counted / 100).quantize(CENT, rounding=ROUND_HALF_UP) if counted > 0 else None
    prep_count = totals.get("prep_count", 0)
    counters = raw.counters
    return {
        "tenant_id": tenant_id,
        "total_orders": orders,
        "orders_per_minute": [{"minute": _minute_label(m), "count": counters[name]}
                              for m, name in zip(window, minute_names, strict=True)],
        "revenue_total": str(from_cents(revenue)),
        "revenue_today": str(from_cents(counters[today])),
        "currency": profile.currency,
        "average_order_value": str(average if average is not None else from_cents(0)),
        "avg_prep_time_seconds": round(totals.get("prep_seconds", 0) / prep_count, 1) if prep_count else None,
        "p90_prep_time_seconds": percentile_from_histogram(raw.prep_hist, 0.9),
        "status_counts": {s: totals.get(status_field(s), 0) for s in OPEN_STATUSES},
        "cancelled": cancelled,
        "last_updated": iso_utc(datetime.fromtimestamp(raw.last_updated, UTC)) if raw.last_updated else None,
    }
