"""The vocabulary shared by the writers (handlers, rebuild) and the readers (selectors) of the
aggregates: counter names, the open statuses, the minute and preparation-time buckets, and the
percentile estimate over those buckets. It imports nothing of metrics, so both sides can use it
without an import circle.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from datetime import date, datetime

from orders.enums import OPEN_STATUSES as _OPEN_ORDER_STATUSES
from orders.enums import OrderStatus

OPEN_STATUSES: tuple[str, ...] = tuple(status.value for status in _OPEN_ORDER_STATUSES)
CANCELLED: str = OrderStatus.CANCELLED.value
READY: str = OrderStatus.READY.value

# Preparation-time histogram: upper bounds in seconds (30 s wide up to 1 h, then 5 min up to 2 h).
PREP_BUCKETS: tuple[int, ...] = (*range(30, 3601, 30), *range(3900, 7201, 300))
OVERFLOW_BUCKET = "inf"


# --- names (the store turns them into keys via keys.metrics_key) -------------------------------
def minute_name(minute_epoch: int) -> str:
    return f"opm:{int(minute_epoch)}"


def day_name(day: date) -> str:
    return f"revenue_day:{day.isoformat()}"


def status_field(status: str) -> str:
    return f"status:{status}"


def minute_of(moment: datetime) -> int:
    return int(moment.timestamp()) // 60 * 60


def prep_bucket(seconds: int) -> str:
    i = bisect_left(PREP_BUCKETS, seconds)  # the first bound >= seconds
    return str(PREP_BUCKETS[i]) if i < len(PREP_BUCKETS) else OVERFLOW_BUCKET


def percentile_from_histogram(hist: dict[str, int], q: float) -> int | None:
    """Estimate of the q-quantile, interpolated linearly inside the bucket that holds it."""
    counts = {k: n for k, n in hist.items() if n > 0}
    total = sum(counts.values())
    if total == 0:
        return None
    rank = max(1, math.ceil(q * total))
    seen = 0
    lower = 0
    for upper in PREP_BUCKETS:
        n = counts.get(str(upper), 0)
        if n and seen + n >= rank:
            return round(lower + (upper - lower) * (rank - seen) / n)
        seen += n
        lower = upper
    return PREP_BUCKETS[-1]  # in the overflow bucket: "at least the last bound"
