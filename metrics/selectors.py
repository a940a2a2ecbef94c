"""Reads of the live aggregates (never the orders table): the GET /api/metrics/ body."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal

from foodsys.common.money import CENT, from_cents
from foodsys.events.schema import iso_utc
from metrics.handlers import OPEN_STATUSES, day_name, minute_name, percentile_from_histogram, status_field
from metrics.store import MetricsStore, get_store
from metrics.tenants import tenant_profile

DEFAULT_MINUTES = 60
MAX_MINUTES = 1440


def _minutes_window(minutes: int, now: float) -> list[int]:
    current = int(now) // 60 * 60
    return [current - 60 * i for i in range(minutes - 1, -1, -1)]


def metrics_orders_per_minute(*, tenant_id: str, minutes: int = DEFAULT_MINUTES,
                              store: MetricsStore | None = None) -> list[dict]:
    """Oldest first, zero-filled, the current (partial) minute last."""
    store = store or get_store()
    window = _minutes_window(minutes, time.time())
    raw = store.read(str(tenant_id), counters=[minute_name(m) for m in window])
    return [{"minute": iso_utc(datetime.fromtimestamp(m, UTC)), "count": raw.counters[minute_name(m)]} for m in window]


def metrics_snapshot(*, tenant_id, minutes: int = DEFAULT_MINUTES, store: MetricsStore | None = None) -> dict:
    tenant_id = str(tenant_id)
    store = store or get_store()
    now = time.time()
    profile = tenant_profile(tenant_id, store=store)
    window = _minutes_window(minutes, now)
    today = day_name(datetime.fromtimestamp(now, profile.zone).date())
    raw = store.read(tenant_id, counters=[*(minute_name(m) for m in window), today])
    totals = raw.totals
    orders, cancelled = totals.get("orders", 0), totals.get("cancelled", 0)
    revenue = totals.get("revenue_cents", 0)
    counted = orders - cancelled
    average = (Decimal(revenue) / counted / 100).quantize(CENT, rounding=ROUND_HALF_UP) if counted > 0 else None
    prep_count = totals.get("prep_count", 0)
    return {
        "tenant_id": tenant_id,
        "total_orders": orders,
        "orders_per_minute": [{"minute": iso_utc(datetime.fromtimestamp(m, UTC)), "count": raw.counters[minute_name(m)]}
                              for m in window],
        "revenue_total": str(from_cents(revenue)),
        "revenue_today": str(from_cents(raw.counters[today])),
        "currency": profile.currency,
        "average_order_value": str(average if average is not None else from_cents(0)),
        "avg_prep_time_seconds": round(totals.get("prep_seconds", 0) / prep_count, 1) if prep_count else None,
        "p90_prep_time_seconds": percentile_from_histogram(raw.prep_hist, 0.9),
        "status_counts": {s: totals.get(status_field(s), 0) for s in OPEN_STATUSES},
        "cancelled": cancelled,
        "last_updated": iso_utc(datetime.fromtimestamp(raw.last_updated, UTC)) if raw.last_updated else None,
    }
