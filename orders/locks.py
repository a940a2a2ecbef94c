"""Concurrency-sensitive writes, each a small named helper that must run inside a transaction."""

import datetime
import uuid
from typing import Any

from django.db import connection
from django.db.models import F

from orders.models import DailyOrderCounter, Order


def _require_transaction() -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("This lock helper must run inside transaction.atomic().")


def daily_counter_increment(*, tenant_id: uuid.UUID, day: datetime.date) -> int:
    """The next number of the tenant's day. The UPDATE's row lock is held until commit, so
    concurrent placements queue on it and get consecutive numbers (a rollback frees the number)."""
    _require_transaction()
    counter, _ = DailyOrderCounter.objects.get_or_create(tenant_id=tenant_id, day=day)
    DailyOrderCounter.objects.filter(pk=counter.pk).update(last_number=F("last_number") + 1)
    return DailyOrderCounter.objects.values_list("last_number", flat=True).get(pk=counter.pk)


def order_status_compare_and_set(*, order_id: uuid.UUID, from_status: str, to_status: str,
                                 changes: dict[str, Any]) -> bool:
    """`UPDATE order SET status=to, ... WHERE id=%s AND status=from`: of two racing transitions
    from the same status exactly one matches a row; the other gets False."""
    _require_transaction()
    return Order.objects.filter(pk=order_id, status=from_status).update(status=to_status, **changes) == 1
