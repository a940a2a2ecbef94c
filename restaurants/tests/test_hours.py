from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from restaurants.hours import is_open_at, validate_opening_hours

UTC_ZONE = ZoneInfo("UTC")
# 2024-01-01 is a Monday.
LUNCH_AND_LATE = {
    "monday": [{"open": "11:00", "close": "15:00"}, {"open": "18:00", "close": "02:00"}],
    "tuesday": [{"open": "11:00", "close": "15:00"}],
}


def _utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2024, 1, day, hour, minute, tzinfo=UTC)


@pytest.mark.parametrize(("when", "expected"), [
    (_utc(1, 10, 59), False),  # monday before lunch
    (_utc(1, 11, 0), True),  # opening minute is open
    (_utc(1, 14, 59), True),
    (_utc(1, 15, 0), False),  # closing minute is closed
    (_utc(1, 16, 30), False),  # between the two intervals
    (_utc(1, 18, 0), True),
    (_utc(1, 23, 59), True),
    (_utc(2, 0, 30), True),  # tuesday night: still monday's late interval, across midnight
    (_utc(2, 1, 59), True),
    (_utc(2, 2, 0), False),
    (_utc(2, 12, 0), True),  # tuesday lunch
    (_utc(2, 20, 0), False),  # tuesday has no late interval
    (_utc(3, 0, 30), False),  # ...so nothing carries into wednesday
    (_utc(3, 12, 0), False),  # wednesday is missing: closed all day
])
def test_is_open_at_handles_multiple_intervals_and_midnight(when, expected):
    # given LUNCH_AND_LATE hours in UTC / when / then
    assert is_open_at(LUNCH_AND_LATE, UTC_ZONE, when) is expected


def test_an_empty_weekday_is_closed_all_day():
    hours = {"monday": []}

    assert not any(is_open_at(hours, UTC_ZONE, _utc(1, hour)) for hour in range(24))


def test_no_hours_means_open_around_the_clock():
    assert all(is_open_at(None, UTC_ZONE, _utc(day, hour)) for day in (1, 6, 7) for hour in range(24))


def test_an_empty_object_means_closed_every_day():
    assert not any(is_open_at({}, UTC_ZONE, _utc(day, 12)) for day in range(1, 8))


def test_hours_are_read_in_the_restaurants_time_zone():
    # given lunch 11:00-15:00 on monday in New York (UTC-5 in January)
    hours = {"monday": [{"open": "11:00", "close": "15:00"}]}
    new_york = ZoneInfo("America/New_York")

    # when / then: 15:30 UTC is 10:30 in New York (closed), 16:30 UTC is 11:30 (open)
    assert is_open_at(hours, new_york, _utc(1, 15, 30)) is False
    assert is_open_at(hours, new_york, _utc(1, 16, 30)) is True
    assert is_open_at(hours, UTC_ZONE, _utc(1, 16, 30)) is False


def test_late_interval_crosses_midnight_in_local_time_not_utc():
    # given friday 20:00-01:00 in Tokyo (UTC+9): saturday 00:30 Tokyo is friday 15:30 UTC
    hours = {"friday": [{"open": "20:00", "close": "01:00"}]}
    tokyo = ZoneInfo("Asia/Tokyo")

    assert is_open_at(hours, tokyo, datetime(2024, 1, 5, 15, 30, tzinfo=UTC)) is True
    assert is_open_at(hours, tokyo, datetime(2024, 1, 5, 16, 30, tzinfo=UTC)) is False


def test_closing_at_2400_covers_the_last_minute_of_the_day():
    hours = {"monday": [{"open": "22:00", "close": "24:00"}]}

    assert is_open_at(hours, UTC_ZONE, _utc(1, 23, 59)) is True
    assert is_open_at(hours, UTC_ZONE, _utc(2, 0, 0)) is False


def test_validate_accepts_and_returns_the_documented_format():
    assert validate_opening_hours(LUNCH_AND_LATE) == LUNCH_AND_LATE
    assert validate_opening_hours(None) is None


@pytest.mark.parametrize("bad", [
    [],
    "monday 9-5",
    {"funday": []},
    {"monday": {"open": "11:00", "close": "15:00"}},
    {"monday": [{"open": "11:00"}]},
    {"monday": [{"open": "11:00", "close": "15:00", "note": "x"}]},
    {"monday": [{"open": "25:00", "close": "26:00"}]},
    {"monday": [{"open": "11:60", "close": "15:00"}]},
    {"monday": [{"open": "1100", "close": "1500"}]},
    {"monday": [{"open": 11, "close": 15}]},
    {"monday": [{"open": "11:00", "close": "11:00"}]},
    {"monday": [{"open": "01:00", "close": "02:00"}] * 7},
])
def test_validate_rejects_malformed_hours(bad):
    with pytest.raises(ValueError):
        validate_opening_hours(bad)
