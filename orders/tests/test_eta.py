"""The measured ETA: throughput estimate, quote, selectors, and the accuracy simulation."""

import json
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from foodsys.testing import factories as f
from orders import eta, eta_selectors
from orders.enums import OrderStatus
from orders.eta import KitchenSample, OpenOrder, Throughput, eta_quote, queue_remaining_load, throughput_estimate
from orders.models import Order
from orders.tests.helpers import menu_item_in, place

T0 = datetime(2026, 3, 1, 18, 0, tzinfo=UTC)
LOADS = (1, 4, 2, 6, 3, 5, 2, 3)


def at(minute: float) -> datetime:
    return T0 + timedelta(minutes=minute)


def fifo_kitchen(*, loads, rates, arrival_every=0.25, start=0.0, noise=(1.0,)):
    """A saturated first-come first-served kitchen: order i arrives at start + i * arrival_every,
    its work (load * noise) is done at rates[i] units per minute once the previous one is ready.
    Returns the samples and the last ready minute."""
    samples, free = [], start
    for index, (load, rate) in enumerate(zip(loads, rates, strict=True)):
        arrival = start + index * arrival_every
        begin = max(arrival, free)
        free = begin + load * noise[index % len(noise)] / rate
        samples.append(KitchenSample(confirmed_at=at(arrival), ready_at=at(free), load=load))
    return samples, free


def steady(count=40, rate=2.0, **kwargs):
    loads = [LOADS[i % len(LOADS)] for i in range(count)]
    return fifo_kitchen(loads=loads, rates=[rate] * count, **kwargs)


def measured(load_per_minute: float) -> Throughput:
    return Throughput(load_per_minute=load_per_minute, basis=eta.MEASURED, samples_used=20)


# --- throughput -------------------------------------------------------------------------------------

def test_no_history_gives_the_default_basis():
    throughput = throughput_estimate([], at(0))

    assert throughput.basis == eta.DEFAULT
    assert throughput.load_per_minute is None
    assert throughput.samples_used == 0


def test_too_few_samples_give_the_default_basis():
    samples, end = steady(count=8)  # the first one follows nothing: 7 observations < min_samples 8

    assert throughput_estimate(samples, at(end)).basis == eta.DEFAULT
    assert throughput_estimate(samples, at(end), min_samples=7).basis == eta.MEASURED


def test_a_steady_kitchen_rate_is_recovered_within_ten_percent():
    # Given a busy kitchen whose per-order effort varies (+-20 %) around 2 units per minute
    samples, end = steady(count=40, rate=2.0, noise=(0.8, 1.2, 1.0, 0.9, 1.1))
    # by hand: the load finished after the first ticket, over the minutes from its ready to the last
    by_hand = sum(s.load for s in samples[1:]) / ((samples[-1].ready_at - samples[0].ready_at).total_seconds() / 60)

    throughput = throughput_estimate(samples, at(end), half_life_minutes=10_000)

    assert throughput.basis == eta.MEASURED
    assert throughput.samples_used == 39
    assert throughput.load_per_minute == pytest.approx(by_hand, rel=0.10)
    assert throughput.load_per_minute == pytest.approx(2.0, rel=0.10)


def test_queue_waiting_is_not_mistaken_for_slowness():
    # Orders pile up (confirmed every 6 s): their confirmed -> ready latency grows to many minutes,
    # but the kitchen still makes 2 units per minute.
    samples, end = steady(count=30, rate=2.0, arrival_every=0.1)
    latency_per_unit = sum((s.ready_at - s.confirmed_at).total_seconds() / 60 for s in samples) / sum(
        s.load for s in samples)

    throughput = throughput_estimate(samples, at(end))

    assert 1 / latency_per_unit < 1.0  # the naive reading would say under 1 unit per minute
    assert throughput.load_per_minute == pytest.approx(2.0, rel=0.01)


def test_a_rate_change_is_tracked_within_twenty_five_orders():
    # Given 40 orders at 2 units/min, then a cook leaves: 1 unit/min
    old, old_end = steady(count=40, rate=2.0)
    loads = [LOADS[i % len(LOADS)] for i in range(25)]
    new, new_end = fifo_kitchen(loads=loads, rates=[1.0] * 25, start=old_end)

    def after(count):
        return throughput_estimate(old + new[:count], new[count - 1].ready_at).load_per_minute

    assert after(2) > 1.8  # two slow tickets barely move it...
    assert after(10) < 1.5  # ...ten move it more than halfway (30 minutes, one half-life)...
    assert after(25) == pytest.approx(1.0, rel=0.15)  # ...and twenty-five have it


def test_older_orders_weigh_less():
    old, old_end = steady(count=30, rate=2.0)
    new, new_end = fifo_kitchen(loads=[3] * 10, rates=[1.0] * 10, start=old_end)

    short = throughput_estimate(old + new, at(new_end), half_life_minutes=5)
    long = throughput_estimate(old + new, at(new_end), half_life_minutes=10_000)

    assert short.load_per_minute < long.load_per_minute
    assert short.load_per_minute == pytest.approx(1.0, rel=0.10)


def test_outliers_do_not_move_the_estimate():
    # Given a steady 2 units/min kitchen where three tickets were marked ready 30 minutes late and
    # one ticket was forgotten over an idle hour
    clean, end = steady(count=40, rate=2.0)
    dirty = list(clean)
    for index in (10, 20, 30):
        dirty[index] = KitchenSample(confirmed_at=clean[index].confirmed_at,
                                     ready_at=clean[index].ready_at + timedelta(minutes=30), load=clean[index].load)
    forgotten = KitchenSample(confirmed_at=at(end - 1), ready_at=at(end + 60), load=1)
    quiet = [KitchenSample(confirmed_at=at(end + 60 + i), ready_at=at(end + 60 + i + 1.5), load=3) for i in range(2)]
    dirty += [forgotten, *quiet]
    naive = sum(s.load for s in dirty) / ((max(s.ready_at for s in dirty) - min(s.ready_at for s in dirty))
                                          .total_seconds() / 60)

    throughput = throughput_estimate(dirty, at(end + 63), half_life_minutes=10_000)

    assert naive < 1.2  # total load over total time would be fooled by the idle hour
    assert throughput.load_per_minute == pytest.approx(2.0, rel=0.10)


def test_tickets_tapped_ready_together_count_as_one_completion():
    samples, end = steady(count=30, rate=2.0)
    batched = list(samples)
    for index in (6, 15, 24):  # the cook taps three tickets ready when the last of them is done
        for earlier in (index - 2, index - 1):
            batched[earlier] = KitchenSample(confirmed_at=samples[earlier].confirmed_at,
                                             ready_at=samples[index].ready_at, load=samples[earlier].load)

    throughput = throughput_estimate(batched, at(end), half_life_minutes=10_000)

    assert throughput.load_per_minute == pytest.approx(2.0, rel=0.10)


def test_orders_into_an_idle_kitchen_are_not_throughput():
    # One order every 30 minutes, each ready 12 minutes later: prep time, not a rate
    samples = [KitchenSample(confirmed_at=at(30 * i), ready_at=at(30 * i + 12), load=2) for i in range(12)]

    assert throughput_estimate(samples, at(400)).basis == eta.DEFAULT


# --- quote ------------------------------------------------------------------------------------------

def test_the_default_basis_quotes_the_prep_time_plus_busy_extra_and_travel():
    throughput = throughput_estimate([], at(0))

    quote = eta_quote(queue=[OpenOrder(load=50)], own_load=3, throughput=throughput, own_prep_minutes_default=12,
                      busy_extra_minutes=10, travel_minutes=25, now=at(0))

    assert (quote.ready_in_minutes, quote.deliver_in_minutes, quote.basis) == (22, 47, eta.DEFAULT)


def test_the_quote_is_the_queue_ahead_at_the_measured_rate():
    queue = [OpenOrder(load=10), OpenOrder(load=6)]

    quote = eta_quote(queue=queue, own_load=4, throughput=measured(1.0), own_prep_minutes_default=8, now=at(0))

    assert quote.ready_in_minutes == 20  # (10 + 6 + 4) units at 1 unit per minute
    assert quote.basis == eta.MEASURED
    assert quote.deliver_in_minutes is None  # pickup: no travel


def test_the_quote_never_beats_the_slowest_item():
    quote = eta_quote(queue=[], own_load=1, throughput=measured(5.0), own_prep_minutes_default=15, now=at(0))

    assert quote.ready_in_minutes == 15


def test_the_quote_grows_with_the_queue():
    throughput = measured(2.0)
    quotes = [eta_quote(queue=[OpenOrder(load=3)] * length, own_load=2, throughput=throughput,
                        own_prep_minutes_default=10, now=at(0)).ready_in_minutes for length in range(15)]

    assert quotes == sorted(quotes)
    assert quotes[0] == 10 and quotes[-1] == 22  # (14 * 3 + 2) / 2 = 22


def test_busy_extra_and_travel_are_added_to_a_measured_quote():
    base = eta_quote(queue=[OpenOrder(load=20)], own_load=4, throughput=measured(1.0),
                     own_prep_minutes_default=10, now=at(0))

    busy = eta_quote(queue=[OpenOrder(load=20)], own_load=4, throughput=measured(1.0),
                     own_prep_minutes_default=10, busy_extra_minutes=15, travel_minutes=12.5, now=at(0))

    assert busy.ready_in_minutes == base.ready_in_minutes + 15 == 39
    assert busy.deliver_in_minutes == 39 + 13


def test_started_orders_share_the_work_done_since_the_first_started():
    # Two tickets started 4 minutes ago at 1 unit/min: 4 units done, first come first served
    queue = [OpenOrder(load=3, started_at=at(-4)), OpenOrder(load=3, started_at=at(-4)), OpenOrder(load=5)]

    assert queue_remaining_load(queue, now=at(0), load_per_minute=1.0) == pytest.approx(0 + 2 + 5)


# --- selectors --------------------------------------------------------------------------------------

def _order_at(restaurant, *, status, item_count, confirmed=None, preparing=None, ready=None):
    order = place(customer=f.UserFactory(), restaurant=restaurant, lines=[(menu_item_in(restaurant), 1)]).order
    Order.objects.filter(pk=order.pk).update(status=status, item_count=item_count, load=item_count,
                                             confirmed_at=confirmed, preparing_at=preparing, ready_at=ready)
    return order


@pytest.fixture
def kitchens(restaurant, other_restaurant):
    now = at(200)
    for rest, loads in ((restaurant, (2, 3)), (other_restaurant, (7, 8, 9))):
        for load in loads:
            _order_at(rest, status=OrderStatus.READY, item_count=load, confirmed=at(150), ready=at(160 + load))
        _order_at(rest, status=OrderStatus.PREPARING, item_count=loads[0] + 10, confirmed=at(190), preparing=at(195))
        _order_at(rest, status=OrderStatus.PENDING, item_count=loads[-1] + 20)
    # ours, but outside the window or not a kitchen sample
    _order_at(restaurant, status=OrderStatus.DELIVERED, item_count=4, confirmed=at(-100), ready=at(-90))
    _order_at(restaurant, status=OrderStatus.CANCELLED, item_count=5, confirmed=at(150))
    return now


def test_kitchen_samples_are_the_tenants_recent_ready_orders(kitchens, restaurant, django_assert_num_queries):
    with django_assert_num_queries(1):
        samples = eta_selectors.kitchen_samples(restaurant=restaurant, now=kitchens)

    assert [(s.load, s.confirmed_at, s.ready_at) for s in samples] == [(2, at(150), at(162)), (3, at(150), at(163))]


def test_open_queue_is_the_tenants_unfinished_orders(kitchens, restaurant, django_assert_num_queries):
    with django_assert_num_queries(1):
        queue = eta_selectors.open_queue(restaurant=restaurant)

    assert sorted((o.load, o.started_at) for o in queue) == [(12, at(195)), (23, None)]


def test_the_other_tenant_sees_only_its_own(kitchens, other_restaurant):
    assert sorted(s.load for s in eta_selectors.kitchen_samples(restaurant=other_restaurant, now=kitchens)) == [7, 8, 9]
    assert sorted(o.load for o in eta_selectors.open_queue(restaurant=other_restaurant)) == [17, 29]


# --- the simulation ---------------------------------------------------------------------------------

def _simulate(*args) -> dict:
    out = StringIO()
    call_command("eta_simulation", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_simulation_reports_sane_deterministic_numbers():
    first, second = _simulate("--seed", "42"), _simulate("--seed", "42")

    assert first == second
    assert first["orders"] > 50
    assert first["fixed"]["p90"] > 0 and first["fixed"]["lead_minutes"] == 20
    assert 0 <= first["estimator"]["p50"] <= first["estimator"]["p90"]
    assert first["measured_quotes"] > first["orders"] / 2
    # the rush is real: by the end, orders wait far longer than the fixed lead time
    assert first["actual_ready_minutes"]["max"] > 40
    assert first["goal_met"] is (first["estimator"]["p90"] <= 0.5 * first["fixed"]["p90"])


def test_the_estimator_beats_the_fixed_lead_time_on_the_default_rush():
    result = _simulate()

    assert result["goal_met"], result


def test_the_seed_and_the_fixed_lead_change_the_run():
    base = _simulate("--seed", "42")

    assert _simulate("--seed", "7") != base
    assert _simulate("--seed", "42", "--fixed-lead", "45")["fixed"] != base["fixed"]


def test_the_simulation_refuses_a_nonsense_lead_time():
    with pytest.raises(CommandError, match="--fixed-lead"):
        call_command("eta_simulation", "--fixed-lead", "0", stdout=StringIO())


def test_the_simulation_prints_a_readable_summary():
    out = StringIO()
    call_command("eta_simulation", stdout=out)

    assert "estimator" in out.getvalue() and "p90" in out.getvalue() and "goal" in out.getvalue()
