"""Hands committed outbox events to their transport right after commit: the fast path.

`orders.outbox.outbox_event_create` registers `events_committed([id])` with `on_commit`.
- Embedded mode (no KAFKA_BOOTSTRAP_SERVERS): the events are applied in-process by
  `metrics.handlers.apply_events`, the handler the Kafka consumer runs too, and marked published.
- Kafka mode: the events are produced without waiting (`BackgroundProducer`, one per process,
  created lazily after any fork). Its poller thread marks a row published once its delivery is
  confirmed (`UPDATE ... WHERE published_at IS NULL`). A tenant that still has older unpublished
  rows is left to the relay, so the fast path never overtakes an older event of the same tenant.
  `manage.py relay_outbox` is the guarantee: whatever the fast path did not get confirmed (Kafka
  down, process killed) it publishes later; a duplicate that results is dropped by the consumer,
  which dedupes by event_id.

Never raises into the caller: a failure here only delays the event until the relay sends it.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connections
from django.db.models import F, Min
from django.utils import timezone

logger = logging.getLogger(__name__)

_publisher = None
_publisher_lock = threading.Lock()


def events_committed(event_ids: list[int]) -> None:
    if not event_ids:
        return
    try:
        if settings.KAFKA_BOOTSTRAP_SERVERS:
            _publish_fast(event_ids)
        else:
            _apply_in_process(event_ids)
    except Exception:
        logger.exception("dispatch of outbox events %s failed; the relay will publish them", event_ids)


def _apply_in_process(event_ids: list[int]) -> None:
    from metrics.handlers import apply_events
    from orders.models import OutboxEvent

    rows = list(OutboxEvent.objects.filter(id__in=event_ids, published_at__isnull=True)
                .order_by("id").values_list("id", "payload"))
    if not rows:
        return
    apply_events([payload for _, payload in rows])
    _mark_published([row_id for row_id, _ in rows])


def _mark_published(row_ids: list[int]) -> int:
    from orders.models import OutboxEvent

    return OutboxEvent.objects.filter(id__in=row_ids, published_at__isnull=True).update(
        published_at=timezone.now(), attempts=F("attempts") + 1)


def _publish_fast(event_ids: list[int]) -> None:
    from foodsys.events.schema import encode
    from foodsys.kafka.producer import OutgoingMessage
    from foodsys.tenancy.keys import kafka_key
    from orders.models import OutboxEvent

    rows = list(OutboxEvent.objects.filter(id__in=event_ids, published_at__isnull=True)
                .order_by("id").values_list("id", "tenant_id", "topic", "payload"))
    if not rows:
        return
    first_of_tenant: dict = {}
    for row_id, tenant_id, _topic, _payload in rows:
        first_of_tenant.setdefault(tenant_id, row_id)
    oldest_unpublished = dict(
        OutboxEvent.objects.filter(published_at__isnull=True, tenant_id__in=list(first_of_tenant))
        .values("tenant_id").annotate(first=Min("id")).values_list("tenant_id", "first"))
    publisher = _fast_publisher()
    for row_id, tenant_id, topic, payload in rows:
        if oldest_unpublished.get(tenant_id) != first_of_tenant[tenant_id]:
            continue  # an older event of this tenant is still unpublished: the relay keeps the order
        publisher.produce(OutgoingMessage(topic=topic, key=kafka_key(tenant_id), value=encode(payload), ref=row_id,
                                          headers=[("event_type", payload["type"].encode())]))


def _fast_publisher():
    global _publisher
    with _publisher_lock:
        if _publisher is None:
            from foodsys.kafka.producer import BackgroundProducer

            _publisher = BackgroundProducer(settings.KAFKA_BOOTSTRAP_SERVERS, _on_delivery_reports,
                                            on_idle=connections.close_all)
        return _publisher


def close_fast_publisher() -> None:
    """Flushes the fast path and releases its thread's database connection (tests, shutdown)."""
    global _publisher
    with _publisher_lock:
        publisher, _publisher = _publisher, None
    if publisher is not None:
        publisher.close()


def _on_delivery_reports(reports: list[tuple[int, str | None]]) -> None:
    """Runs on the producer's poller thread, which has its own database connection."""
    delivered = [ref for ref, error in reports if error is None]
    failed = len(reports) - len(delivered)
    if failed:
        logger.warning("fast path: %d deliveries failed; the relay will publish them", failed)
    try:
        if delivered:
            _mark_published(delivered)
    except Exception:
        logger.warning("fast path could not mark %d rows published; the relay will re-send them",
                       len(delivered), exc_info=True)
        connections.close_all()  # a broken connection is replaced on the next report; a healthy one is kept
