"""Outbox rows: written inside the caller's transaction, handed to their transport after commit."""

import uuid

from django.db import transaction
from django.utils import timezone

from foodsys.events.schema import build_envelope, iso_utc
from foodsys.kafka.topics import ORDER_EVENTS
from orders.dispatch import CommittedEvent, events_committed
from orders.models import Order, OutboxEvent


def order_event_data(*, order: Order, from_status: str | None) -> dict:
    return {
        "order_number": order.order_number,
        "status": order.status,
        "from_status": from_status,
        "to_status": order.status,
        "total": order.total,
        "currency": order.currency,
        "item_count": order.item_count,
        "preparation_seconds": order.preparation_seconds,
        "order_created_at": iso_utc(order.created_at),
    }


def outbox_event_create(*, order: Order, event_type: str, from_status: str | None) -> OutboxEvent:
    """`order` carries its new state; the row's payload is the validated envelope (InvalidEvent
    aborts the caller's transaction rather than storing an event nobody can consume)."""
    event_id = uuid.uuid4()
    envelope = build_envelope(event_type=event_type, tenant_id=order.tenant_id, order_id=order.id,
                              occurred_at=order.updated_at or timezone.now(),
                              data=order_event_data(order=order, from_status=from_status), event_id=event_id)
    event = OutboxEvent.objects.create(tenant_id=order.tenant_id, event_id=event_id, event_type=event_type,
                                       topic=ORDER_EVENTS, payload=envelope)
    committed = CommittedEvent(id=event.pk, tenant_id=event.tenant_id, topic=event.topic, payload=envelope)
    transaction.on_commit(lambda: events_committed([event.pk], known=[committed]), robust=True)
    return event
