"""Test builders for the event pipeline: envelopes, outbox rows and orders without the order service."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from foodsys.events.schema import ORDER_CREATED, ORDER_STATUS_UPDATED, build_envelope, iso_utc
from foodsys.kafka.topics import ORDER_EVENTS
from foodsys.testing import factories as f
from orders.models import Order, OutboxEvent


def envelope(tenant_id, *, event_type: str = ORDER_CREATED, order_id=None, total: str = "10.00",
             from_status: str | None = None, to_status: str = "pending", preparation_seconds: int | None = None,
             created_at: datetime | None = None, occurred_at: datetime | None = None, currency: str = "USD") -> dict:
    created_at = created_at or datetime.now(UTC)
    return build_envelope(
        event_type=event_type, tenant_id=tenant_id, order_id=order_id or uuid.uuid4(),
        occurred_at=occurred_at or created_at,
        data={"order_number": "20250101-0001", "status": to_status, "from_status": from_status,
              "to_status": to_status, "total": total, "currency": currency, "item_count": 1,
              "preparation_seconds": preparation_seconds, "order_created_at": iso_utc(created_at)})


def transition(created: dict, *, from_status: str, to_status: str, preparation_seconds: int | None = None,
               occurred_at: datetime | None = None) -> dict:
    """The status-updated event that follows `created` (an envelope) for the same order."""
    data = created["data"]
    return envelope(created["tenant_id"], event_type=ORDER_STATUS_UPDATED, order_id=created["order_id"],
                    total=data["total"], from_status=from_status, to_status=to_status,
                    preparation_seconds=preparation_seconds, currency=data["currency"],
                    created_at=datetime.fromisoformat(data["order_created_at"].replace("Z", "+00:00")),
                    occurred_at=occurred_at)


def order_with_event(restaurant, *, total: str = "10.00", status: str = "pending",
                     **times) -> tuple[Order, OutboxEvent]:
    """An Order row plus its order_created outbox row, written like the order service does (no dispatch)."""
    with transaction.atomic():
        order = Order.objects.create(
            tenant=restaurant, order_number=f"T-{uuid.uuid4().hex[:12]}", customer=f.UserFactory(), status=status,
            payment_method="cash", subtotal=Decimal(total), delivery_fee=Decimal("0"), tax=Decimal("0"),
            total=Decimal(total), currency=restaurant.currency, item_count=1, **times)
        event = outbox_row(order, ORDER_CREATED, from_status=None)
    return order, event


def outbox_row(order: Order, event_type: str, *, from_status: str | None) -> OutboxEvent:
    payload = build_envelope(
        event_type=event_type, tenant_id=order.tenant_id, order_id=order.id, occurred_at=timezone.now(),
        data={"order_number": order.order_number, "status": order.status, "from_status": from_status,
              "to_status": order.status, "total": order.total, "currency": order.currency,
              "item_count": order.item_count, "preparation_seconds": order.preparation_seconds,
              "order_created_at": iso_utc(order.created_at)})
    return OutboxEvent.objects.create(tenant_id=order.tenant_id, event_id=payload["event_id"], event_type=event_type,
                                      topic=ORDER_EVENTS, payload=payload)


def move(order: Order, to_status: str, *, at: datetime | None = None) -> OutboxEvent:
    """Moves an order directly (no service) and writes its status event."""
    from orders.state_machine import TIMESTAMP_FIELDS

    from_status = order.status
    order.status = to_status
    setattr(order, TIMESTAMP_FIELDS[to_status], at or timezone.now())
    order.save()
    return outbox_row(order, ORDER_STATUS_UPDATED, from_status=from_status)


def ago(**kwargs) -> datetime:
    return timezone.now() - timedelta(**kwargs)
