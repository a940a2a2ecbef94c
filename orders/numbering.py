"""Readable order numbers, unique per restaurant: `YYYYMMDD-NNNN` in the restaurant's local day."""

import datetime
from zoneinfo import ZoneInfo

from orders import locks


def local_day(*, timezone_name: str, at: datetime.datetime) -> datetime.date:
    return at.astimezone(ZoneInfo(timezone_name)).date()


def order_number_allocate(*, restaurant, at: datetime.datetime) -> str:
    """Runs inside the placing transaction (see locks.daily_counter_increment)."""
    day = local_day(timezone_name=restaurant.timezone, at=at)
    number = locks.daily_counter_increment(tenant_id=restaurant.tenant_id, day=day)
    return f"{day:%Y%m%d}-{number:04d}"
