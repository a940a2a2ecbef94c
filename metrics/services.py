"""Writes to the aggregates that are not event-driven: the rebuild from the orders table, and the
embedded-mode warm-up that runs it once when a serving process starts.

`metrics_rebuild` makes losing Redis lose nothing, and is safe to run while the consumer runs:
1. In one consistent read (REPEATABLE READ on PostgreSQL) it reads the tenant's orders and the
   event ids of every retained outbox row: exactly the events the orders already reflect.
2. It swaps the recomputed aggregates into the store atomically, bumping the tenant's dedupe
   generation, marking those event ids applied in the new generation, and setting a cutoff
   (oldest retained outbox row minus a margin): older events were pruned from the outbox long
   after being committed, so they are reflected too and a replay of them is ignored.
3. It applies the outbox events it did not see (committed after its read) through the normal
   dedupe path: an event applied before the swap (old generation) counts again once, one the
   consumer applies after the swap is not counted twice.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, connection, transaction

from foodsys.common.exceptions import NotFoundError
from metrics.handlers import DAYS_KEPT, MINUTE_TTL_SECONDS, Notifier, OrderState, apply_events, order_net_effect
from metrics.names import day_name, minute_name
from metrics.store import CacheMetricsStore, MetricsStore, RebuiltState, get_store
from metrics.tenants import TenantProfile, forget

logger = logging.getLogger(__name__)

CUTOFF_MARGIN_SECONDS = 300  # a transaction open longer than this at rebuild time is not expected


@dataclass(frozen=True)
class RebuildResult:
    tenant_id: str
    orders: int
    reflected_events: int
    caught_up_events: int


def _read_snapshot(tenant_id: str) -> tuple[TenantProfile, list[OrderState], dict[str, datetime]]:
    from orders.models import Order, OutboxEvent
    from restaurants.models import Restaurant

    outer = connection.in_atomic_block
    with transaction.atomic():
        if settings.USING_POSTGRES and not outer:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        restaurant = Restaurant.objects.filter(tenant_id=tenant_id).values_list("timezone", "currency").first()
        if restaurant is None:
            raise NotFoundError("No such tenant.", code="tenant_not_found")
        orders = [
            OrderState(status=o.status, total=o.total, created_at=o.created_at,
                       preparation_seconds=o.preparation_seconds)
            for o in Order.objects.for_tenant(tenant_id).only(
                "status", "total", "created_at", "confirmed_at", "preparing_at", "ready_at").iterator(chunk_size=2000)
        ]
        events = {str(e): created for e, created in
                  OutboxEvent.objects.for_tenant(tenant_id).values_list("event_id", "created_at")}
    return TenantProfile(timezone=restaurant[0], currency=restaurant[1]), orders, events


def _windows(now: float, profile: TenantProfile) -> list[str]:
    """Every counter name a rebuild owns: the 25 h of minutes and the kept local days."""
    current = int(now) // 60 * 60
    minutes = [minute_name(current - 60 * i) for i in range(MINUTE_TTL_SECONDS // 60 + 1)]
    today = datetime.fromtimestamp(now, profile.zone).date()
    return minutes + [day_name(today - timedelta(days=i)) for i in range(DAYS_KEPT + 1)]


def metrics_rebuild(*, tenant_id, store: MetricsStore | None = None, notifier: Notifier | None = None) -> RebuildResult:
    """Recomputes one tenant's aggregates. Pushes a `metrics.update` only through `notifier`, when given."""
    from orders.models import OutboxEvent

    tenant_id = str(tenant_id)
    store = store or get_store()
    profile, orders, reflected = _read_snapshot(tenant_id)
    now = time.time()
    effect = order_net_effect(orders, profile=profile, now=now)
    oldest = min(reflected.values()).timestamp() if reflected else now
    cutoff = min(oldest, now) - CUTOFF_MARGIN_SECONDS
    store.replace(tenant_id, RebuiltState(
        totals=effect.totals, prep_hist=effect.hist, counters=effect.counters,
        clear_counters=_windows(now, profile), reflected_event_ids=list(reflected), cutoff_ts=cutoff,
        profile=profile.as_dict(),
    ))
    forget(tenant_id)
    late = [payload for event_id, payload in OutboxEvent.objects.for_tenant(tenant_id)
            .filter(created_at__gte=datetime.fromtimestamp(cutoff, UTC)).order_by("id")
            .values_list("event_id", "payload") if str(event_id) not in reflected]
    caught_up = apply_events(late, store=store).applied if late else 0
    if notifier is not None:
        notifier.notify([tenant_id])
    return RebuildResult(tenant_id=tenant_id, orders=len(orders), reflected_events=len(reflected),
                         caught_up_events=caught_up)


def metrics_warm_embedded(*, store: MetricsStore | None = None) -> list[RebuildResult]:
    """Embedded mode keeps the aggregates in each process's local-memory cache, which starts empty
    (`make run`: `seed_demo` placed its orders in another process). Called once when a serving
    process starts (`foodsys/asgi.py`), never from a request: rebuilds every tenant this process
    holds no aggregates for. With Redis the aggregates are shared and outlive processes: nothing to do.
    """
    store = store or get_store()
    if not isinstance(store, CacheMetricsStore):
        return []
    from restaurants.models import Restaurant

    results = []
    for tenant_id in Restaurant.objects.order_by("id").values_list("tenant_id", flat=True):
        if not store.read(str(tenant_id), counters=[]).last_updated:
            results.append(metrics_rebuild(tenant_id=tenant_id, store=store))
    if results:
        logger.info("embedded metrics warmed for %d tenants", len(results))
    return results


def metrics_warm_at_start() -> None:
    """The serving process's start-up hook (`foodsys/asgi.py`): `metrics_warm_embedded` unless
    METRICS_WARM_AT_START is off (tests build the aggregates they read). A database that is not
    ready (not migrated yet) only leaves the aggregates to live events."""
    if not settings.METRICS_WARM_AT_START:
        return
    try:
        metrics_warm_embedded()
    except DatabaseError:
        logger.warning("embedded metrics warm-up skipped: the database is not ready", exc_info=True)
