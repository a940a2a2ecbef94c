"""Measures the ETA's accuracy: a simulated dinner rush, quoted by orders/eta.py and by a fixed lead time.

No database: the kitchen below is a discrete-event model, the estimator is fed only what the
restaurant could have seen at each quote (tickets marked ready by then, the open tickets, which of
them were started), and each quote is compared with when the order was really ready.

The kitchen (units made explicit). Load is counted in items. Capacity is given in orders per hour
*of average load* (MEAN_LOAD items): 40 orders/h = 40 * 3.5 / 60 = 2.33 items per minute, dropping
to 25 orders/h (1.46 items/min) at minute 75 when a cook leaves. The kitchen works its tickets
first-come first-served at that rate (each ticket's true work is its load times a log-normal
factor, sigma 0.3: some dishes are fiddlier than others), and a ticket is never ready before its
slowest item's preparation time (5-12 minutes, known to the quote as the items' preparation_time).
Arrivals are Poisson, 35/h for 3 hours, loads 1-6 items, each order confirmed on arrival. 4 % of
tickets are marked ready 10-40 minutes late (forgotten on the pass): the history, not the kitchen,
sees that.
"""

import json
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core.management.base import BaseCommand, CommandError

from orders.eta import KitchenSample, OpenOrder, eta_quote, throughput_estimate

MEAN_LOAD = 3.5  # uniform 1-6 items
PREP_TIMES = (5, 8, 10, 12)  # minutes, per item; an order's floor is its slowest item's
LATE_TAP_SHARE = 0.04
HISTORY_WINDOW_MINUTES = 180


@dataclass(frozen=True)
class Scenario:
    seed: int = 42
    fixed_lead_minutes: float = 20
    duration_minutes: float = 180
    arrivals_per_hour: float = 35
    capacity_per_hour_before: float = 40
    capacity_per_hour_after: float = 25
    capacity_change_at_minute: float = 75
    work_sigma: float = 0.3
    half_life_minutes: float = 30


@dataclass(frozen=True)
class SimOrder:
    arrival: float
    load: int
    prep_floor: int
    work: float  # load units the kitchen really has to do
    started: float = 0.0
    ready: float = 0.0  # true
    recorded_ready: float = 0.0  # what the history shows


def _rate(scenario: Scenario, minute: float) -> float:
    """Items per minute at `minute`."""
    per_hour = (scenario.capacity_per_hour_before if minute < scenario.capacity_change_at_minute
                else scenario.capacity_per_hour_after)
    return per_hour * MEAN_LOAD / 60.0


def _work_done_at(scenario: Scenario, start: float, work: float) -> float:
    """When `work` load units started at `start` are done, across the capacity change."""
    change = scenario.capacity_change_at_minute
    if start < change:
        before = (change - start) * _rate(scenario, start)
        if work <= before:
            return start + work / _rate(scenario, start)
        work, start = work - before, change
    return start + work / _rate(scenario, start)


def _kitchen(scenario: Scenario, rng: random.Random) -> list[SimOrder]:
    orders, clock, kitchen_free = [], 0.0, 0.0
    while True:
        clock += rng.expovariate(scenario.arrivals_per_hour / 60.0)
        if clock >= scenario.duration_minutes:
            return orders
        load = rng.randint(1, 6)
        floor = max(rng.choice(PREP_TIMES) for _ in range(load))
        work = load * rng.lognormvariate(-scenario.work_sigma ** 2 / 2, scenario.work_sigma)
        started = max(clock, kitchen_free)
        kitchen_free = _work_done_at(scenario, started, work)
        ready = max(kitchen_free, clock + floor)
        recorded = ready + (rng.uniform(10, 40) if rng.random() < LATE_TAP_SHARE else 0.0)
        orders.append(SimOrder(arrival=clock, load=load, prep_floor=floor, work=work, started=started,
                               ready=ready, recorded_ready=recorded))


def _percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def simulate(scenario: Scenario) -> dict:
    rng = random.Random(scenario.seed)
    orders = _kitchen(scenario, rng)
    epoch = datetime(2026, 1, 1, 18, 0, tzinfo=UTC)

    def at(minute: float) -> datetime:
        return epoch + timedelta(minutes=minute)

    estimator_errors, fixed_errors, measured_quotes = [], [], 0
    for index, order in enumerate(orders):
        now = order.arrival
        earlier = orders[:index]
        samples = [KitchenSample(confirmed_at=at(o.arrival), ready_at=at(o.recorded_ready), load=o.load)
                   for o in earlier if o.recorded_ready <= now and now - o.recorded_ready <= HISTORY_WINDOW_MINUTES]
        queue = [OpenOrder(load=o.load, started_at=at(o.started) if o.started <= now else None,
                           confirmed_at=at(o.arrival))
                 for o in earlier if o.recorded_ready > now]
        throughput = throughput_estimate(samples, at(now), half_life_minutes=scenario.half_life_minutes)
        quote = eta_quote(queue=queue, own_load=order.load, throughput=throughput,
                          own_prep_minutes_default=order.prep_floor, busy_extra_minutes=0, travel_minutes=None,
                          now=at(now))
        measured_quotes += quote.basis == "measured"
        actual = order.ready - now
        estimator_errors.append(abs(quote.ready_in_minutes - actual))
        fixed_errors.append(abs(scenario.fixed_lead_minutes - actual))

    def summary(errors: list[float]) -> dict:
        return {"p50": round(_percentile(errors, 0.5), 2), "p90": round(_percentile(errors, 0.9), 2),
                "mean": round(sum(errors) / len(errors), 2)}

    estimator, fixed = summary(estimator_errors), summary(fixed_errors)
    waits = [o.ready - o.arrival for o in orders]
    return {
        "seed": scenario.seed,
        "orders": len(orders),
        "measured_quotes": measured_quotes,
        "actual_ready_minutes": {"p50": round(_percentile(waits, 0.5), 2), "p90": round(_percentile(waits, 0.9), 2),
                                 "max": round(max(waits), 2)},
        "estimator": estimator,
        "fixed": {**fixed, "lead_minutes": scenario.fixed_lead_minutes},
        "goal": "p90 estimator <= 0.5 * p90 fixed",
        "goal_met": estimator["p90"] <= 0.5 * fixed["p90"],
    }


class Command(BaseCommand):
    help = "Simulate a dinner rush and report ETA error (p50/p90 minutes) of the estimator vs a fixed lead time."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--fixed-lead", type=float, default=20, help="the fixed lead time, in minutes")
        parser.add_argument("--json", dest="as_json", action="store_true", help="machine-readable output")

    def handle(self, *args, seed, fixed_lead, as_json=False, **options):
        if not 0 < fixed_lead <= 24 * 60:
            raise CommandError("--fixed-lead must be between 0 and 1440 minutes")
        result = simulate(Scenario(seed=seed, fixed_lead_minutes=fixed_lead))
        if as_json:
            self.stdout.write(json.dumps(result, sort_keys=True))
            return
        estimator, fixed, waits = result["estimator"], result["fixed"], result["actual_ready_minutes"]
        self.stdout.write("\n".join([
            f"{result['orders']} orders (seed {seed}), {result['measured_quotes']} quoted from measured throughput; "
            f"actual ready p50 {waits['p50']} / p90 {waits['p90']} min",
            f"  estimator      |quoted - actual| p50 {estimator['p50']} min, p90 {estimator['p90']} min",
            f"  fixed {fixed_lead:g} min  |quoted - actual| p50 {fixed['p50']} min, p90 {fixed['p90']} min",
            f"  goal (p90 estimator <= 0.5 * p90 fixed): {'met' if result['goal_met'] else 'NOT met'}",
        ]))

