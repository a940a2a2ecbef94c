"""Scheduled-order slots: the grid inside opening hours, DST days in two zones, lead time, the days-ahead window,
and the check of a chosen slot. Expected counts are worked out by hand in UTC (the comment of each case)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError

from foodsys.common.exceptions import ApplicationError
from foodsys.tenancy.actor import OWNER, Actor
from foodsys.testing import factories as f
from restaurants.services import restaurant_update
from restaurants.slots import bookable_days, slot_check, slots_for_day

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 12, 7)
EARLY_3H = {day: [{"open": "01:00", "close": "04:00"}] for day in ("sunday",)}


def _utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def _restaurant(**fields):
    fields.setdefault("timezone", "UTC")
    fields.setdefault("schedule_days_ahead", 2)
    return f.RestaurantFactory(**fields)


def _day_before_noon(restaurant, day: date) -> datetime:
    """Noon, local, the day before `day`: the whole of `day` is bookable and ahead."""
    return datetime.combine(day - timedelta(days=1), datetime.min.time().replace(hour=12),
                            tzinfo=ZoneInfo(restaurant.timezone)).astimezone(UTC)


def _slots(restaurant, day, *, now=None, lead=0, fulfilment="delivery"):
    return slots_for_day(restaurant, day, fulfilment=fulfilment, now=now or _day_before_noon(restaurant, day),
                         lead_minutes=lead)


def _assert_contiguous(starts: list[datetime], step_minutes: int):
    assert len(set(starts)) == len(starts)
    assert all(b - a == timedelta(minutes=step_minutes) for a, b in zip(starts, starts[1:], strict=False))


# --- the grid ------------------------------------------------------------------------------------
def test_slots_cover_the_opening_hours_on_the_grid():
    restaurant = _restaurant(opening_hours={"monday": [{"open": "11:00", "close": "15:00"}]}, slot_minutes=15)

    slots = _slots(restaurant, MONDAY)

    # 4 h open / 15 min = 16 slots, 11:00Z .. 14:45Z
    assert len(slots) == 16
    assert slots[0].start == _utc(2026, 12, 7, 11, 0) and slots[-1].start == _utc(2026, 12, 7, 14, 45)
    assert [s.label for s in slots[:3]] == ["11:00", "11:15", "11:30"]
    assert slots[-1].end == _utc(2026, 12, 7, 15, 0)
    _assert_contiguous([s.start for s in slots], 15)
    assert all(s.available and s.orders_left is None and s.load_left is None for s in slots)


def test_lunch_and_dinner_intervals_leave_the_afternoon_out():
    restaurant = _restaurant(slot_minutes=30, opening_hours={"monday": [
        {"open": "11:30", "close": "14:00"}, {"open": "18:00", "close": "22:00"}]})

    labels = [s.label for s in _slots(restaurant, MONDAY)]

    # 2.5 h / 30 = 5 lunch slots, 4 h / 30 = 8 dinner slots
    assert labels == ["11:30", "12:00", "12:30", "13:00", "13:30",
                      "18:00", "18:30", "19:00", "19:30", "20:00", "20:30", "21:00", "21:30"]


def test_a_slot_that_would_run_past_closing_is_not_offered():
    restaurant = _restaurant(slot_minutes=30, opening_hours={"monday": [{"open": "11:00", "close": "12:45"}]})

    assert [s.label for s in _slots(restaurant, MONDAY)] == ["11:00", "11:30", "12:00"]


def test_hours_that_cross_midnight_give_the_next_day_its_early_slots():
    restaurant = _restaurant(slot_minutes=15, opening_hours={
        "monday": [{"open": "18:00", "close": "02:00"}], "tuesday": [{"open": "12:00", "close": "13:00"}]})

    monday, tuesday = _slots(restaurant, MONDAY), _slots(restaurant, MONDAY + timedelta(days=1))

    # Monday 18:00-24:00 = 24 slots; Tuesday gets 00:00-02:00 (8) from Monday's interval, then 12:00-13:00 (4)
    assert len(monday) == 24 and monday[-1].label == "23:45"
    assert [s.label for s in tuesday][:8] == ["00:00", "00:15", "00:30", "00:45", "01:00", "01:15", "01:30", "01:45"]
    assert len(tuesday) == 12 and tuesday[8].label == "12:00"
    assert tuesday[0].start == _utc(2026, 12, 8, 0, 0)


def test_the_grid_is_local_time_of_the_restaurant():
    restaurant = _restaurant(timezone="America/New_York",
                             opening_hours={"monday": [{"open": "19:00", "close": "20:00"}]})

    slots = _slots(restaurant, MONDAY)

    # 19:00 EST = 00:00Z the next day
    assert [s.label for s in slots] == ["19:00", "19:15", "19:30", "19:45"]
    assert slots[0].start == _utc(2026, 12, 8, 0, 0)


# --- DST days: counts from the UTC length of the local day, worked out by hand --------------------
@pytest.mark.parametrize(("zone", "day", "first_utc", "open_minutes"), [
    # Berlin 2026-03-29: 00:00 CET = 03-28 23:00Z .. next midnight CEST = 03-29 22:00Z: 23 h
    ("Europe/Berlin", date(2026, 3, 29), _utc(2026, 3, 28, 23, 0), 23 * 60),
    # Berlin 2026-10-25: 00:00 CEST = 10-24 22:00Z .. next midnight CET = 10-25 23:00Z: 25 h
    ("Europe/Berlin", date(2026, 10, 25), _utc(2026, 10, 24, 22, 0), 25 * 60),
    # New York 2026-03-08: 00:00 EST = 05:00Z .. next midnight EDT = 03-09 04:00Z: 23 h
    ("America/New_York", date(2026, 3, 8), _utc(2026, 3, 8, 5, 0), 23 * 60),
    # New York 2026-11-01: 00:00 EDT = 04:00Z .. next midnight EST = 11-02 05:00Z: 25 h
    ("America/New_York", date(2026, 11, 1), _utc(2026, 11, 1, 4, 0), 25 * 60),
])
def test_a_dst_day_open_around_the_clock_has_one_slot_per_real_quarter_hour(zone, day, first_utc, open_minutes):
    restaurant = _restaurant(timezone=zone, opening_hours=None, slot_minutes=15)

    starts = [s.start for s in _slots(restaurant, day)]

    assert len(starts) == open_minutes // 15
    assert starts[0] == first_utc
    _assert_contiguous(starts, 15)


@pytest.mark.parametrize(("zone", "day", "expected_starts", "repeated_or_missing"), [
    # 01:00 CET = 00:00Z; 02:00-03:00 does not exist; 04:00 CEST = 02:00Z: 2 real hours, 8 slots from 00:00Z
    ("Europe/Berlin", date(2026, 3, 29), [_utc(2026, 3, 29, 0, 0) + timedelta(minutes=15 * k) for k in range(8)],
     "02:"),
    # 01:00 CEST = 10-24 23:00Z; 02:00-03:00 happens twice; 04:00 CET = 03:00Z: 4 h, 16 slots
    ("Europe/Berlin", date(2026, 10, 25),
     [_utc(2026, 10, 24, 23, 0) + timedelta(minutes=15 * k) for k in range(16)], "02:"),
    # 01:00 EST = 06:00Z; 02:00-03:00 does not exist; 04:00 EDT = 08:00Z: 2 h, 8 slots
    ("America/New_York", date(2026, 3, 8), [_utc(2026, 3, 8, 6, 0) + timedelta(minutes=15 * k) for k in range(8)],
     "02:"),
    # 01:00 EDT = 05:00Z; 01:00-02:00 happens twice; 04:00 EST = 09:00Z: 4 h, 16 slots
    ("America/New_York", date(2026, 11, 1), [_utc(2026, 11, 1, 5, 0) + timedelta(minutes=15 * k) for k in range(16)],
     "01:"),
])
def test_dst_days_skip_missing_times_and_keep_both_repeated_ones(zone, day, expected_starts, repeated_or_missing):
    restaurant = _restaurant(timezone=zone, opening_hours=EARLY_3H, slot_minutes=15)

    slots = _slots(restaurant, day)

    assert [s.start for s in slots] == expected_starts
    labels = [s.label for s in slots]
    affected = [label for label in labels if label.startswith(repeated_or_missing)]
    if len(expected_starts) == 8:  # spring forward: the missing hour has no slot
        assert affected == []
        assert labels[3:5] == ["01:45", "03:00"]
    else:  # fall back: each repeated label twice, at distinct instants an hour apart
        assert len(affected) == 8 and len(set(affected)) == 4
        first, second = (s for s in slots if s.label == f"{repeated_or_missing}15")
        assert second.start - first.start == timedelta(hours=1)


def test_every_offered_dst_slot_passes_the_slot_check():
    restaurant = _restaurant(timezone="Europe/Berlin", opening_hours=EARLY_3H)
    day = date(2026, 10, 25)
    now = _day_before_noon(restaurant, day)

    for slot in _slots(restaurant, day, now=now):
        assert slot_check(restaurant, slot.start, "pickup", now, 0) == slot.start


# --- now, lead time, window -----------------------------------------------------------------------
def test_past_slots_and_those_inside_the_lead_time_are_left_out():
    restaurant = _restaurant(opening_hours=None, slot_minutes=15)
    now = _utc(2026, 12, 7, 12, 7)

    slots = _slots(restaurant, MONDAY, now=now, lead=30)

    # the earliest start is 12:37 -> 12:45; the day then has 11 h 15 min left: 45 slots
    assert slots[0].start == _utc(2026, 12, 7, 12, 45)
    assert len(slots) == 45


def test_days_beyond_the_window_have_no_slots():
    restaurant = _restaurant(opening_hours=None, schedule_days_ahead=1)
    now = _utc(2026, 12, 7, 8, 0)

    assert bookable_days(restaurant, now) == (MONDAY, MONDAY + timedelta(days=1))
    assert _slots(restaurant, MONDAY + timedelta(days=1), now=now)
    assert _slots(restaurant, MONDAY + timedelta(days=2), now=now) == []
    assert _slots(restaurant, MONDAY - timedelta(days=1), now=now) == []


def test_the_window_counts_local_days():
    restaurant = _restaurant(timezone="Pacific/Auckland", schedule_days_ahead=0, opening_hours=None)
    now = _utc(2026, 12, 7, 20, 0)  # already Tuesday 09:00 in Auckland

    assert bookable_days(restaurant, now) == (date(2026, 12, 8), date(2026, 12, 8))


def test_a_switched_off_fulfilment_has_no_slots():
    restaurant = _restaurant(opening_hours=None, pickup_enabled=False)

    assert _slots(restaurant, MONDAY, fulfilment="pickup") == []
    assert _slots(restaurant, MONDAY, fulfilment="delivery")


def test_usage_passed_in_sets_what_is_left():
    restaurant = _restaurant(opening_hours={"monday": [{"open": "12:00", "close": "13:00"}]},
                             slot_capacity_orders=3, slot_capacity_load=10)
    full_by_orders, full_by_load = _utc(2026, 12, 7, 12, 0), _utc(2026, 12, 7, 12, 15)

    slots = slots_for_day(restaurant, MONDAY, fulfilment="delivery", now=_day_before_noon(restaurant, MONDAY),
                          lead_minutes=0, usage={full_by_orders: (3, 3), full_by_load: (1, 10),
                                                 _utc(2026, 12, 7, 12, 30): (1, 4)})

    assert [(s.orders_left, s.load_left, s.available) for s in slots] == [
        (0, 7, False), (2, 0, False), (2, 6, True), (3, 10, True)]
    assert slots[2].has_room_for(6) and not slots[2].has_room_for(7)


# --- slot_check ------------------------------------------------------------------------------------
@pytest.fixture
def dinner():
    return _restaurant(timezone="Europe/Berlin", schedule_days_ahead=2,
                       opening_hours={"monday": [{"open": "18:00", "close": "22:00"}],
                                      "tuesday": [{"open": "18:00", "close": "22:00"}]})


NOW = _utc(2026, 12, 7, 16, 0)  # Monday 17:00 in Berlin


def _check_error(restaurant, start, *, fulfilment="delivery", lead=30) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        slot_check(restaurant, start, fulfilment, NOW, lead)
    return caught.value


def test_a_good_slot_is_returned_in_utc(dinner):
    start = datetime(2026, 12, 7, 19, 15, tzinfo=ZoneInfo("Europe/Berlin"))

    assert slot_check(dinner, start, "delivery", NOW, 30) == _utc(2026, 12, 7, 18, 15)


@pytest.mark.parametrize(("start", "code"), [
    (datetime(2026, 12, 7, 19, 15), "scheduled_for_naive"),
    ("2026-12-07T19:15:00+01:00", "validation_error"),
    (datetime(2026, 12, 7, 19, 10, tzinfo=ZoneInfo("Europe/Berlin")), "slot_off_grid"),
    (datetime(2026, 12, 7, 19, 15, 30, tzinfo=ZoneInfo("Europe/Berlin")), "slot_off_grid"),
    (_utc(2026, 12, 7, 15, 0), "slot_in_past"),
    (_utc(2026, 12, 7, 16, 15), "slot_too_soon"),  # 17:15 local, inside the 30-minute lead
    (_utc(2026, 12, 7, 16, 45), "slot_closed"),  # 17:45 local, before opening
    (_utc(2026, 12, 7, 21, 0), "slot_closed"),  # 22:00 local, closing time
    (_utc(2026, 12, 10, 18, 0), "slot_too_far"),  # Thursday: beyond today + 2
])
def test_a_bad_slot_is_refused_naming_the_field(dinner, start, code):
    error = _check_error(dinner, start)

    assert error.code == code
    assert error.status_code == 400
    assert list(error.fields) == ["fulfilment.scheduled_for"]


def test_a_switched_off_fulfilment_is_refused_naming_the_type(dinner):
    dinner.pickup_enabled = False

    error = _check_error(dinner, _utc(2026, 12, 7, 18, 15), fulfilment="pickup")

    assert error.code == "fulfilment_unavailable" and list(error.fields) == ["fulfilment.type"]


# --- settings ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("field", "value"), [
    ("slot_minutes", 4), ("slot_minutes", 121), ("schedule_days_ahead", 15), ("slot_capacity_orders", 0),
    ("slot_capacity_load", 0),
])
def test_bad_slot_settings_are_refused_and_nothing_changes(owner, restaurant, field, value):
    before = getattr(restaurant, field)

    with pytest.raises(DjangoValidationError) as caught:
        restaurant_update(restaurant=restaurant, data={field: value}, actor=Actor(user=owner, role=OWNER))

    assert field in caught.value.message_dict
    restaurant.refresh_from_db()
    assert getattr(restaurant, field) == before


def test_slot_settings_are_updatable(owner, restaurant):
    updated = restaurant_update(restaurant=restaurant, actor=Actor(user=owner, role=OWNER), data={
        "slot_minutes": 20, "schedule_days_ahead": 0, "slot_capacity_orders": 5, "slot_capacity_load": 40,
        "pickup_enabled": False})

    updated.refresh_from_db()
    assert (updated.slot_minutes, updated.schedule_days_ahead, updated.slot_capacity_orders,
            updated.slot_capacity_load, updated.pickup_enabled, updated.delivery_enabled) == (20, 0, 5, 40, False, True)
