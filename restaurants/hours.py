"""Opening hours: per weekday, several intervals, an interval may cross midnight.

Format: {"monday": [{"open": "11:00", "close": "15:00"}, {"open": "18:00", "close": "02:00"}], ...}
in the restaurant's local time. A missing or empty weekday is closed; `None` means always open.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_hhmm(value: str) -> time:
    if not isinstance(value, str) or len(value) != 5 or value[2] != ":":
        raise ValueError(f"'{value}' is not a HH:MM time.")
    hours, minutes = int(value[:2]), int(value[3:])
    if hours == 24 and minutes == 0:
        return time(23, 59, 59, 999999)
    return time(hours, minutes)


def validate_opening_hours(hours) -> dict | None:
    """Returns the normalised hours or raises ValueError naming the problem."""
    if hours is None:
        return None
    if not isinstance(hours, dict):
        raise ValueError("opening_hours must be an object keyed by weekday, or null.")
    normalised: dict[str, list[dict[str, str]]] = {}
    for day, intervals in hours.items():
        if day not in WEEKDAYS:
            raise ValueError(f"Unknown weekday '{day}'; use one of {', '.join(WEEKDAYS)}.")
        if not isinstance(intervals, list) or len(intervals) > 6:
            raise ValueError(f"{day}: a list of at most 6 intervals is expected.")
        cleaned = []
        for interval in intervals:
            if not isinstance(interval, dict) or set(interval) != {"open", "close"}:
                raise ValueError(f"{day}: each interval is {{'open': 'HH:MM', 'close': 'HH:MM'}}.")
            try:
                opens, closes = parse_hhmm(interval["open"]), parse_hhmm(interval["close"])
            except (ValueError, TypeError) as exc:
                raise ValueError(f"{day}: {exc}") from None
            if opens == closes:
                raise ValueError(f"{day}: an interval cannot open and close at the same time.")
            cleaned.append({"open": interval["open"], "close": interval["close"]})
        normalised[day] = cleaned
    return normalised


def _covers(day_intervals: list[dict], local: datetime, *, from_previous_day: bool) -> bool:
    now = local.time()
    for interval in day_intervals:
        opens, closes = parse_hhmm(interval["open"]), parse_hhmm(interval["close"])
        crosses_midnight = closes < opens
        if from_previous_day:
            if crosses_midnight and now < closes:
                return True
        elif crosses_midnight:
            if now >= opens:
                return True
        elif opens <= now < closes:
            return True
    return False


def is_open_at(hours: dict | None, tz: ZoneInfo, when: datetime) -> bool:
    if hours is None:
        return True
    local = when.astimezone(tz)
    today = WEEKDAYS[local.weekday()]
    yesterday = WEEKDAYS[(local - timedelta(days=1)).weekday()]
    return _covers(hours.get(today) or [], local, from_previous_day=False) or _covers(
        hours.get(yesterday) or [], local, from_previous_day=True
    )
