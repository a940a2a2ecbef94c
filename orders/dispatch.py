"""Hands committed outbox events to their transport right after commit: the fast path.

`orders.outbox.outbox_event_create` registers `events_committed([id])` with `on_commit`.
- Embedded mode (no KAFKA_BOOTSTRAP_SERVERS): the events go to the in-process sinks the apps
  registered (`foodsys.events.sinks`; metrics applies them with the handler the Kafka consumer
  runs too), and are marked published.
- Kafka mode: the events are produced without waiting (`BackgroundProducer`, one per process,
  created lazily after any fork). Its poller thread marks a row published once its delivery is
  confirmed (`UPDATE ... WHERE published_at IS NULL`). A tenant that still has older unpublished
  rows which this process's producer does not have in flight is left to the relay, so the fast path
  never overtakes an older event of the same tenant. The writer passes its rows (`known`), so
  the only read is that check.
  `manage.py relay_outbox` is the guarantee: whatever the fast path did not get confirmed (Kafka
  down, process killed) it publishes later; a duplicate that results is dropped by the consumer,
  which dedupes by event_id.

Never raises into the caller: a failure here only delays the event until the relay sends it.
`outbox_message` is the one builder of a row's Kafka message, for this fast path and the relay.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import F
from django.utils import timezone

from foodsys.events.schema import encode
from foodsys.events.sinks import deliver_in_process
from foodsys.kafka.producer import BackgroundProducer, OutgoingMessage
from foodsys.tenancy.keys import kafka_key
from orders.models import OutboxEvent

logger = logging.getLogger(__name__)

OLDER_SCAN_LIMIT = 100
_publisher: BackgroundProducer | None = None
_publisher_lock = threading.Lock()


@dataclass(frozen=True)
class CommittedEvent:
    """An outbox row as its writer holds it in memory, so the fast path need not read it back."""

    id: int
    tenant_id: Any
    topic: str
    payload: dict


def outbox_message(*, row_id: int, tenant_id: Any, topic: str, payload: dict) -> OutgoingMessage:
    """The Kafka message of one outbox row: keyed by tenant (one partition per tenant, in order)."""
    return OutgoingMessage(topic=topic, key=kafka_key(tenant_id), value=encode(payload), ref=row_id,
                           headers=[("event_type", payload["type"].encode())])


def events_committed(event_ids: list[int], *, known: list[CommittedEvent] | None = None) -> None:
    """`known`: the same rows in memory (the outbox writer passes them); without it they are read."""
    if not event_ids:
        return
    try:
        if settings.KAFKA_BOOTSTRAP_SERVERS:
            _publish_fast(known if known is not None and {e.id for e in known} == set(event_ids)
                          else _unpublished(event_ids))
        else:
            _apply_in_process(event_ids)
    except Exception:
        logger.exception("dispatch of outbox events %s failed; the relay will publish them", event_ids)


def _apply_in_process(event_ids: list[int]) -> None:
    rows = list(OutboxEvent.objects.filter(id__in=event_ids, published_at__isnull=True)
                .order_by("id").values_list("id", "payload"))
    if not rows:
        return
    deliver_in_process([payload for _, payload in rows])
    _mark_published([row_id for row_id, _ in rows])


def _mark_published(row_ids: list[int]) -> int:
    return OutboxEvent.objects.filter(id__in=row_ids, published_at__isnull=True).update(
        published_at=timezone.now(), attempts=F("attempts") + 1)


def _unpublished(event_ids: list[int]) -> list[CommittedEvent]:
    return [CommittedEvent(*row) for row in OutboxEvent.objects.filter(id__in=event_ids, published_at__isnull=True)
            .order_by("id").values_list("id", "tenant_id", "topic", "payload")]


def _older_unpublished(tenant_id, before_id: int) -> list[int]:
    return list(OutboxEvent.objects.for_tenant(tenant_id).filter(published_at__isnull=True, id__lt=before_id)
                .order_by("id").values_list("id", flat=True)[:OLDER_SCAN_LIMIT])


def _publish_fast(events: list[CommittedEvent]) -> None:
    if not events:
        return
    publisher = _fast_publisher()
    first_of_tenant: dict = {}
    for event in sorted(events, key=lambda e: e.id):
        first_of_tenant.setdefault(event.tenant_id, event.id)
    # An older unpublished event of the tenant that this process has not produced yet means the
    # relay has it: leave the tenant to the relay, so the fast path never overtakes it. Older events
    # already in this producer's flight are fine: same producer, same key, same partition, in order.
    blocked = set()
    for tenant_id, first in first_of_tenant.items():
        older = _older_unpublished(tenant_id, first)
        if len(older) >= OLDER_SCAN_LIMIT or not publisher.all_in_flight(older):
            blocked.add(tenant_id)
    for event in sorted(events, key=lambda e: e.id):
        if event.tenant_id in blocked:
            continue
        publisher.produce(outbox_message(row_id=event.id, tenant_id=event.tenant_id, topic=event.topic,
                                         payload=event.payload))


def _fast_publisher() -> BackgroundProducer:
    global _publisher
    with _publisher_lock:
        if _publisher is None:
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
