"""Scheduled-order slots: the grid a customer picks from, and the check of a chosen slot. Pure: no queries.

The grid is local wall-clock time: a slot starts at every multiple of `slot_minutes` after local midnight
("19:00", "19:15", ...), so the labels are the same every day. On a spring-forward day the local times
that do not exist are skipped; on a fall-back day the repeated hour yields both of its UTC instants
(two "02:15" slots, one per offset), never the same instant twice. A slot is offered when the restaurant
is open at its start and just before its end (`restaurants.hours`, in the restaurant's time zone), it
starts no earlier than `now + lead_minutes`, and its local day is at most `schedule_days_ahead` days
after the restaurant's local today.

Capacity holds per fulfilment type: each slot has `slot_capacity_orders` orders and `slot_capacity_load`
load units for delivery AND, separately, for pickup (null: unlimited). The counts come in as `usage`
(`{start: (orders, load)}`), read by `orders.capacity.slot_usage` (restaurants may not import orders).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from foodsys.common.exceptions import ApplicationError
from restaurants.hours import is_open_at
from restaurants.models import Restaurant

FIELD = "fulfilment.scheduled_for"
FULFILMENT_FIELD = "fulfilment.type"
FULFILMENTS = ("delivery", "pickup")
_JUST_BEFORE = timedelta(microseconds=1)

Usage = dict[datetime, tuple[int, int]]


@dataclass(frozen=True)
class Slot:
    start: datetime  # aware, UTC
    end: datetime
    label: str  # local "19:15"
    orders_used: int
    load_used: int
    orders_left: int | None  # None: unlimited
    load_left: int | None
    available: bool  # room for one more order of load 1

    def has_room_for(self, load: int) -> bool:
        return (self.orders_left is None or self.orders_left >= 1) and (
            self.load_left is None or self.load_left >= max(1, load))


def _invalid(message: str, *, code: str, field: str = FIELD) -> ApplicationError:
    return ApplicationError(f"{field}: {message}", code=code, fields={field: [message]})


def _tz(restaurant: Restaurant) -> ZoneInfo:
    return ZoneInfo(restaurant.timezone)


def local_today(restaurant: Restaurant, now: datetime) -> date:
    return now.astimezone(_tz(restaurant)).date()


def bookable_days(restaurant: Restaurant, now: datetime) -> tuple[date, date]:
    """(first, last) local day a slot may be on: today and `schedule_days_ahead` days after it."""
    today = local_today(restaurant, now)
    return today, today + timedelta(days=restaurant.schedule_days_ahead)


def fulfilment_enabled(restaurant: Restaurant, fulfilment: str) -> bool:
    return {"delivery": restaurant.delivery_enabled, "pickup": restaurant.pickup_enabled}.get(fulfilment, False)


def fulfilment_check(restaurant: Restaurant, fulfilment: str) -> None:
    """400 naming `fulfilment.type` for an unknown type or one the restaurant has switched off."""
    if fulfilment not in FULFILMENTS:
        raise _invalid(f"Must be one of {', '.join(FULFILMENTS)}.", code="validation_error", field=FULFILMENT_FIELD)
    if not fulfilment_enabled(restaurant, fulfilment):
        raise _invalid(f"This restaurant does not offer {fulfilment} at the moment.", code="fulfilment_unavailable",
                       field=FULFILMENT_FIELD)


def default_lead_minutes(restaurant: Restaurant, fulfilment: str, now: datetime) -> int:
    """The lead time when no cart is known (the slot list): the target prep time, busy mode's extra and,
    for delivery, the delivery estimate. Placement may pass its cart's own (longer) prep instead."""
    lead = restaurant.target_prep_minutes + restaurant.busy_extra_minutes(now)
    if fulfilment == "delivery":
        lead += restaurant.estimated_delivery_minutes
    return lead


def _local_instants(day: date, tz: ZoneInfo, wall: time) -> list[datetime]:
    """The UTC instants at which local `day` shows `wall`: none (a spring-forward gap), one, or two (fall-back)."""
    found = []
    for fold in (0, 1):
        local = datetime.combine(day, wall, tzinfo=tz).replace(fold=fold)
        instant = local.astimezone(UTC)
        back = instant.astimezone(tz)
        if back.replace(tzinfo=None) == local.replace(tzinfo=None) and instant not in found:
            found.append(instant)
    return found


def grid_starts(restaurant: Restaurant, day: date) -> list[datetime]:
    """Every grid instant of local `day` (aware UTC, ascending), whether open or not."""
    tz, step = _tz(restaurant), restaurant.slot_minutes
    starts: list[datetime] = []
    for minute in range(0, 24 * 60, step):
        starts.extend(_local_instants(day, tz, time(minute // 60, minute % 60)))
    return sorted(starts)


def _is_open_for(restaurant: Restaurant, start: datetime) -> bool:
    tz, end = _tz(restaurant), start + timedelta(minutes=restaurant.slot_minutes)
    return is_open_at(restaurant.opening_hours, tz, start) and is_open_at(restaurant.opening_hours, tz,
                                                                         end - _JUST_BEFORE)


def slot_starts(restaurant: Restaurant, day: date, *, now: datetime, lead_minutes: int) -> list[datetime]:
    """The starts offered on local `day`: inside the hours, not before `now + lead_minutes`, inside the window."""
    first, last = bookable_days(restaurant, now)
    if not first <= day <= last:
        return []
    earliest = now + timedelta(minutes=lead_minutes)
    return [start for start in grid_starts(restaurant, day) if start >= earliest and _is_open_for(restaurant, start)]


def _left(capacity: int | None, used: int) -> int | None:
    return None if capacity is None else max(0, capacity - used)


def slot_build(restaurant: Restaurant, start: datetime, usage: Usage | None = None) -> Slot:
    orders_used, load_used = (usage or {}).get(start, (0, 0))
    orders_left = _left(restaurant.slot_capacity_orders, orders_used)
    load_left = _left(restaurant.slot_capacity_load, load_used)
    return Slot(
        start=start, end=start + timedelta(minutes=restaurant.slot_minutes),
        label=start.astimezone(_tz(restaurant)).strftime("%H:%M"),
        orders_used=orders_used, load_used=load_used, orders_left=orders_left, load_left=load_left,
        available=(orders_left is None or orders_left > 0) and (load_left is None or load_left > 0),
    )


def slots_for_day(restaurant: Restaurant, day: date, *, fulfilment: str, now: datetime, lead_minutes: int,
                  usage: Usage | None = None) -> list[Slot]:
    """The slots of local `day` for `fulfilment` with their remaining capacity (`usage` is that fulfilment's
    `{start: (orders, load)}`; missing starts are empty). A switched-off fulfilment has no slots."""
    if not fulfilment_enabled(restaurant, fulfilment):
        return []
    return [slot_build(restaurant, start, usage)
            for start in slot_starts(restaurant, day, now=now, lead_minutes=lead_minutes)]


def slot_check(restaurant: Restaurant, start, fulfilment: str, now: datetime, lead_minutes: int) -> datetime:
    """The chosen slot's start as an aware UTC datetime, or a 400 naming `fulfilment.scheduled_for`
    (`fulfilment.type` for a switched-off fulfilment). Capacity is not checked here: that is
    `orders.capacity.slot_reserve`, under the restaurant's lock."""
    fulfilment_check(restaurant, fulfilment)
    if not isinstance(start, datetime):
        raise _invalid("Give an ISO-8601 date and time with a time zone.", code="validation_error")
    if start.tzinfo is None or start.utcoffset() is None:
        raise _invalid("The time has no time zone; add one, e.g. '2026-12-02T19:15:00+01:00'.",
                       code="scheduled_for_naive")
    start = start.astimezone(UTC)
    local = start.astimezone(_tz(restaurant))
    minute_of_day = local.hour * 60 + local.minute
    if local.second or local.microsecond or minute_of_day % restaurant.slot_minutes:
        raise _invalid(f"Slots start every {restaurant.slot_minutes} minutes from midnight "
                       f"({restaurant.timezone}); {local:%H:%M:%S} is not one.", code="slot_off_grid")
    if start <= now:
        raise _invalid("This slot is in the past.", code="slot_in_past")
    if start < now + timedelta(minutes=lead_minutes):
        raise _invalid(f"Too soon: the earliest slot is {lead_minutes} minutes from now.", code="slot_too_soon")
    first, last = bookable_days(restaurant, now)
    if local.date() > last:
        raise _invalid(f"Slots can be chosen up to {restaurant.schedule_days_ahead} days ahead "
                       f"(until {last.isoformat()}).", code="slot_too_far")
    if not _is_open_for(restaurant, start):
        raise _invalid(f"The restaurant is closed at {local:%Y-%m-%d %H:%M} ({restaurant.timezone}).",
                       code="slot_closed")
    return start
