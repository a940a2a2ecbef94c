"""The measured kitchen ETA: throughput from the kitchen's own timestamps, and the quote built on it.

Pure functions over small dataclasses: no ORM in here (orders/eta_selectors.py reads the rows), so
the same code answers a live quote and the accuracy simulation (`manage.py eta_simulation`).

Model. The kitchen is a queue of *load* (today an order's load is its item count; see
`eta_selectors.load_of`) worked off at some rate, in load units per minute. An order is ready when
the load ahead of it and its own load are done, but never before its slowest item's preparation
time (an oven does not go faster because the kitchen is quiet). So

    ready_in = max(longest prep time, (remaining load ahead + own load) / rate) + busy-mode extra

and with too little history the quote is today's: the longest prep time (+ busy extra).
"""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

MEASURED = "measured"
DEFAULT = "default"

# Batch taps: orders marked ready within this many seconds of each other are one completion event.
BATCH_SECONDS = 15
# A minute per load unit outside this range is a recording accident, not a kitchen.
MIN_MINUTES_PER_UNIT = 0.02
MAX_MINUTES_PER_UNIT = 60.0
# Per-event minutes-per-unit further than this factor from the weighted median are left out.
TRIM_FACTOR = 3.0


@dataclass(frozen=True)
class KitchenSample:
    """One finished order: when the kitchen got it, when it was marked ready, and its load."""

    confirmed_at: datetime
    ready_at: datetime
    load: float


@dataclass(frozen=True)
class Throughput:
    load_per_minute: float | None  # None with the default basis
    basis: str  # MEASURED | DEFAULT
    samples_used: int  # completion events that carried information about the rate

    @property
    def minutes_per_unit(self) -> float | None:
        return None if not self.load_per_minute else 1.0 / self.load_per_minute


@dataclass(frozen=True)
class OpenOrder:
    """An order the kitchen has not finished: its load, and when work on it started (None: not yet)."""

    load: float
    started_at: datetime | None = None
    confirmed_at: datetime | None = None


@dataclass(frozen=True)
class Quote:
    ready_in_minutes: int
    deliver_in_minutes: int | None
    basis: str


def _minutes(delta) -> float:
    return delta.total_seconds() / 60.0


def _clip(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def weighted_median(pairs: Sequence[tuple[float, float]]) -> float:
    """The value at which half the weight lies on either side; pairs are (value, weight > 0)."""
    ordered = sorted(pairs)
    half = sum(weight for _, weight in ordered) / 2.0
    running = 0.0
    for value, weight in ordered:
        running += weight
        if running >= half:
            return value
    return ordered[-1][0]


def _completion_events(samples: Iterable[KitchenSample], now: datetime) -> list[tuple[datetime, float, datetime]]:
    """(ready_at, load, earliest confirmed_at) per completion event, oldest first; orders marked ready
    within BATCH_SECONDS of the previous one join its event (a cook tapping three tickets at once)."""
    usable = sorted((s for s in samples if s.load > 0 and s.confirmed_at <= s.ready_at <= now),
                    key=lambda s: s.ready_at)
    events: list[list] = []
    for sample in usable:
        if events and (sample.ready_at - events[-1][0]).total_seconds() <= BATCH_SECONDS:
            events[-1][0] = sample.ready_at
            events[-1][1] += sample.load
            events[-1][2] = min(events[-1][2], sample.confirmed_at)
        else:
            events.append([sample.ready_at, sample.load, sample.confirmed_at])
    return [tuple(event) for event in events]


def throughput_estimate(samples: Iterable[KitchenSample], now: datetime, half_life_minutes: float = 30,
                        min_samples: int = 8) -> Throughput:
    """The kitchen's current rate (load units per minute), from its finished orders.

    What is measured. An order's own confirmed -> ready time is *latency*: in a rush it is mostly
    waiting behind other tickets, so dividing it by the order's load would count the queue twice
    (once here, once as the load ahead in the quote). The kitchen's *rate* shows in the spacing of
    its completions while it is busy: when an order arrived before the previous one was ready, the
    time from that previous completion to its own is the time the kitchen spent on it. So each
    completion event (see `_completion_events`) that followed a still-busy kitchen gives one
    observation, minutes per load unit = gap / load; an event whose orders all came in to an idle
    kitchen is skipped (its time is prep time, not throughput).

    Weights. Each observation weighs its load (a 6-item order says more than a coffee) times
    0.5 ** (age / half_life), its age counted from its completion to `now`. The price of a steady
    estimate is lag: when a kitchen halves its rate, the estimate has moved more than halfway after
    one half-life and is within 15 % after about two and a half (tests/test_eta.py pins both).

    Known bias. While the kitchen is not the bottleneck (tickets wait for the oven, not for hands)
    completions are spaced by arrivals, and skipping the idle gaps makes the kitchen look up to
    ~20 % faster than it is; the quote's prep-time floor covers that regime, and the estimate
    corrects itself once a queue forms.

    Outliers. A ticket marked ready half an hour late, or one forgotten over a quiet spell, makes
    one huge gap. The estimate is therefore a trimmed mean: the weighted median of the observations
    (which such a gap cannot move), then the weighted mean of the observations within TRIM_FACTOR
    of that median, which is sum(weight * minutes) / sum(weight * load) over them, i.e. "minutes
    worked per unit of load" over the recent past. (Clipping outliers to the bounds instead of
    dropping them was tried in the simulation and did slightly worse; the median alone tracks a
    step change sooner but is noisier and biased for skewed effort.) Batched taps are merged first
    so their zero-length gaps do not drag the median to zero.

    Fewer than `min_samples` observations: basis "default" (the caller quotes from prep times).
    """
    events = _completion_events(samples, now)
    observations: list[tuple[float, float]] = []  # (minutes per unit, weight)
    previous_ready = None
    for ready_at, load, earliest_confirmed in events:
        if previous_ready is not None and earliest_confirmed < previous_ready:
            per_unit = _clip(_minutes(ready_at - previous_ready) / load, MIN_MINUTES_PER_UNIT, MAX_MINUTES_PER_UNIT)
            weight = load * 0.5 ** (max(0.0, _minutes(now - ready_at)) / half_life_minutes)
            if weight > 0:
                observations.append((per_unit, weight))
        previous_ready = ready_at
    if len(observations) < min_samples:
        return Throughput(load_per_minute=None, basis=DEFAULT, samples_used=len(observations))
    median = weighted_median(observations)
    low, high = median / TRIM_FACTOR, median * TRIM_FACTOR
    kept = [(value, weight) for value, weight in observations if low <= value <= high]  # the median's own is kept
    per_unit = sum(value * weight for value, weight in kept) / sum(weight for _, weight in kept)
    return Throughput(load_per_minute=1.0 / per_unit, basis=MEASURED, samples_used=len(observations))


def queue_remaining_load(queue: Iterable[OpenOrder], *, now: datetime, load_per_minute: float) -> float:
    """The load still to be worked off among the open orders.

    Orders not started count whole. Started orders share the work done since the earliest of them
    started, (now - earliest start) * rate, applied first-come first-served: five tickets started
    together five minutes ago are not each credited five minutes (that would count the kitchen
    five times), and a ticket whose work is done but still waits in the oven counts zero.
    """
    queue = list(queue)
    started = sorted((o for o in queue if o.started_at is not None and o.started_at <= now),
                     key=lambda o: o.started_at)
    remaining = sum(o.load for o in queue if o.started_at is None or o.started_at > now)
    if started:
        credit = max(0.0, _minutes(now - started[0].started_at)) * load_per_minute
        for order in started:
            done = min(order.load, credit)
            credit -= done
            remaining += order.load - done
    return remaining


def eta_quote(*, queue: Iterable[OpenOrder], own_load: float, throughput: Throughput,
              own_prep_minutes_default: float, busy_extra_minutes: float = 0, travel_minutes: float | None = None,
              now: datetime) -> Quote:
    """The minutes until a new ASAP order is ready (and delivered, with `travel_minutes`).

    Measured: max(own_prep_minutes_default, (remaining load ahead + own_load) / rate) — the queue
    at the measured rate, never less than the slowest item's prep time. Default basis: the slowest
    item's prep time, as before there was any history. Busy-mode extra on top of either; minutes
    are rounded up (a promise kept beats one a minute short).
    """
    if throughput.basis == MEASURED and throughput.load_per_minute:
        ahead = queue_remaining_load(queue, now=now, load_per_minute=throughput.load_per_minute)
        kitchen_minutes = (ahead + own_load) / throughput.load_per_minute
        minutes = max(float(own_prep_minutes_default), kitchen_minutes)
        basis = MEASURED
    else:
        minutes = float(own_prep_minutes_default)
        basis = DEFAULT
    ready = math.ceil(minutes + busy_extra_minutes - 1e-9)
    deliver = None if travel_minutes is None else ready + math.ceil(travel_minutes - 1e-9)
    return Quote(ready_in_minutes=ready, deliver_in_minutes=deliver, basis=basis)
