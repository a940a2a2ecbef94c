"""Reads for the measured ETA (orders/eta.py does the math): a restaurant's recent kitchen history
and its open queue, one query each, scoped to the restaurant's tenant.

The timestamps come from Order itself (`confirmed_at`, `preparing_at`, `ready_at`, written by
order_transition together with the OrderStatusChange rows), so no join on the audit trail is needed.
"""

from datetime import datetime, timedelta

from orders.enums import OrderStatus
from orders.eta import KitchenSample, OpenOrder
from orders.models import Order

HISTORY_WINDOW = timedelta(hours=3)
# Not yet ready: what the kitchen still has to make before a new order. Pending orders count, as
# they will be confirmed ahead of one placed now.
QUEUE_STATUSES = (OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.PREPARING)
_LOAD_FIELDS = ("load", "item_count")


def load_of(order: Order) -> float:
    """The kitchen load of an order: `Order.load` (quantity x item load, orders.capacity.order_load),
    or its item count for orders stored before loads were recorded."""
    return float(order.load or order.item_count)


def kitchen_samples(*, restaurant, now: datetime, window: timedelta = HISTORY_WINDOW) -> list[KitchenSample]:
    """Orders of `restaurant` marked ready within `window` before `now`, with their confirmation
    time and load (cancelled orders never reach ready, so they are not here)."""
    rows = (Order.objects.for_tenant(restaurant)
            .filter(ready_at__gt=now - window, ready_at__lte=now, confirmed_at__isnull=False)
            .only("confirmed_at", "ready_at", *_LOAD_FIELDS)
            .order_by("ready_at"))
    return [KitchenSample(confirmed_at=order.confirmed_at, ready_at=order.ready_at, load=load_of(order))
            for order in rows]


def open_queue(*, restaurant) -> list[OpenOrder]:
    """The orders of `restaurant` the kitchen has not finished, oldest first; `started_at` is when
    preparing began (None while pending or confirmed)."""
    rows = (Order.objects.for_tenant(restaurant)
            .filter(status__in=QUEUE_STATUSES)
            .only("confirmed_at", "preparing_at", *_LOAD_FIELDS)
            .order_by("created_at"))
    return [OpenOrder(load=load_of(order), started_at=order.preparing_at, confirmed_at=order.confirmed_at)
            for order in rows]
