"""Slot capacity: what scheduled orders use of each slot, and the reservation made while placing one.

A slot's capacity holds per fulfilment type (`restaurants.slots`): delivery orders count against
delivery's capacity, pickup orders against pickup's. Cancelled orders free their share; ASAP orders
(`scheduled_for` null) use no slot. An order's `load` is the sum of line quantity x item load, written
on the order when it is placed (`order_load`), so a slot's load is one aggregate.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import Count, Sum

from foodsys.common.exceptions import ConflictError
from orders.enums import OrderStatus
from orders.models import Order
from restaurants import slots as s
from restaurants.models import Restaurant

NEXT_SLOTS = 3


def order_load(lines: Iterable[tuple[int, int]]) -> int:
    """Kitchen load of an order from its (quantity, item load) pairs: 20 pizzas of load 1 weigh 20."""
    return sum(quantity * max(1, item_load) for quantity, item_load in lines)


def slot_usage(restaurant: Restaurant, starts: list[datetime], fulfilment: str) -> s.Usage:
    """`{start: (orders, load)}` of the non-cancelled orders of `restaurant` scheduled at those starts for
    `fulfilment`, in ONE query. Starts without orders are absent. Keys are aware UTC datetimes."""
    if not starts:
        return {}
    rows = (Order.objects.for_tenant(restaurant)
            .filter(scheduled_for__in=starts, fulfilment=fulfilment)
            .exclude(status=OrderStatus.CANCELLED)
            .values("scheduled_for").order_by()
            .annotate(orders=Count("id"), load=Sum("load")))
    return {row["scheduled_for"].astimezone(UTC): (row["orders"], row["load"] or 0) for row in rows}


def slots_with_usage(restaurant: Restaurant, day: date, *, fulfilment: str, now: datetime,
                     lead_minutes: int) -> list[s.Slot]:
    """The day's slots with their remaining capacity (one query for the usage)."""
    if not s.fulfilment_enabled(restaurant, fulfilment):
        return []
    starts = s.slot_starts(restaurant, day, now=now, lead_minutes=lead_minutes)
    return s.slots_for_day(restaurant, day, fulfilment=fulfilment, now=now, lead_minutes=lead_minutes,
                           usage=slot_usage(restaurant, starts, fulfilment))


def next_free_slots(restaurant: Restaurant, *, after: datetime, fulfilment: str, load: int, now: datetime,
                    lead_minutes: int, limit: int = NEXT_SLOTS) -> list[datetime]:
    """The first `limit` starts later than `after` with room for an order of `load`, within the
    bookable days (one usage query for all of them)."""
    first, last = s.bookable_days(restaurant, now)
    day = max(first, after.astimezone(ZoneInfo(restaurant.timezone)).date())
    starts: list[datetime] = []
    while day <= last:
        starts += [start for start in s.slot_starts(restaurant, day, now=now, lead_minutes=lead_minutes)
                   if start > after]
        day += timedelta(days=1)
    usage = slot_usage(restaurant, starts, fulfilment)
    free = [start for start in starts if s.slot_build(restaurant, start, usage).has_room_for(load)]
    return free[:limit]


def restaurant_slot_lock(restaurant: Restaurant) -> tuple[int | None, int | None]:
    """Row lock on the restaurant until commit (slot reservations of one restaurant queue on it); returns
    the capacity (orders, load) as committed, so a change made meanwhile counts."""
    if not connection.in_atomic_block:
        raise RuntimeError("slot_reserve must run inside transaction.atomic().")
    return (Restaurant.objects.select_for_update().filter(pk=restaurant.pk)
            .values_list("slot_capacity_orders", "slot_capacity_load").get())


def slot_reserve(restaurant: Restaurant, start, fulfilment: str, load: int, *, now: datetime,
                 lead_minutes: int) -> datetime:
    """Checks the slot (`restaurants.slots.slot_check`: 400 naming `fulfilment.scheduled_for`) and that it
    has room for one more order of `load`, under a lock that makes the check and the order's insert atomic.

    How to call it: inside the placing transaction, BEFORE the order row (and any other lock, e.g. the
    daily number) is written, then store the returned UTC start and the load on the order::

        with transaction.atomic():
            scheduled_for = slot_reserve(restaurant, start, fulfilment, load, now=now, lead_minutes=lead)
            Order.objects.create(..., fulfilment=fulfilment, scheduled_for=scheduled_for, load=load)

    The restaurant row stays locked until that transaction ends, so a racing placement into the same
    restaurant waits here and then counts the committed order. A full slot raises 409 `slot_full`
    naming `fulfilment.scheduled_for`, with `next_slots`: up to three later ISO starts with room.
    """
    start = s.slot_check(restaurant, start, fulfilment, now, lead_minutes)
    capacity_orders, capacity_load = restaurant_slot_lock(restaurant)
    orders_used, load_used = slot_usage(restaurant, [start], fulfilment).get(start, (0, 0))
    orders_full = capacity_orders is not None and orders_used + 1 > capacity_orders
    load_full = capacity_load is not None and load_used + load > capacity_load
    if orders_full or load_full:
        following = next_free_slots(restaurant, after=start, fulfilment=fulfilment, load=load, now=now,
                                    lead_minutes=lead_minutes)
        message = ("This slot is full." if orders_full else
                   "This slot has no room left for an order this size.") + (
            " Choose another slot." if following else " No later slot has room.")
        raise ConflictError(message, code="slot_full", fields={s.FIELD: [message]},
                            extra={"next_slots": [start.isoformat() for start in following]})
    return start
