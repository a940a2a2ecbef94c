"""Slot capacity: usage counts (cancelled orders, other tenants and the other fulfilment type do not count),
load weights, and slot_reserve refusing the order that would overflow; the last unit raced on PostgreSQL."""

import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from foodsys.common.exceptions import ApplicationError, ConflictError
from foodsys.tenancy.actor import OWNER, Actor
from foodsys.testing import factories as f
from menu.services import menu_item_update
from orders import capacity
from orders.capacity import order_load, slot_reserve, slot_usage, slots_with_usage
from orders.enums import OrderStatus
from orders.models import Order
from orders.tests.concurrency import run_concurrently

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
NOON = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
QUARTER = timedelta(minutes=15)
LUNCH = {"monday": [{"open": "12:00", "close": "13:00"}]}


def _restaurant(**fields):
    fields.setdefault("opening_hours", LUNCH)
    return f.RestaurantFactory(timezone="UTC", **fields)


def _order(restaurant, *, at, load=1, fulfilment="delivery", status=OrderStatus.PENDING) -> Order:
    return Order.objects.create(
        tenant=restaurant, order_number=f"T-{uuid.uuid4().hex[:10]}", payment_method="cash", subtotal=0,
        delivery_fee=0, tax=0, total=0, currency="USD", fulfilment=fulfilment, status=status, scheduled_for=at,
        load=load)


def _reserve(restaurant, start, *, load=1, fulfilment="delivery"):
    with transaction.atomic():
        reserved = slot_reserve(restaurant, start, fulfilment, load, now=NOW, lead_minutes=0)
        return _order(restaurant, at=reserved, load=load, fulfilment=fulfilment)


# --- usage -----------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_usage_counts_live_orders_of_this_restaurant_and_fulfilment_in_one_query():
    restaurant, other = _restaurant(), _restaurant()
    _order(restaurant, at=NOON, load=3)
    _order(restaurant, at=NOON, load=4, status=OrderStatus.CONFIRMED)
    _order(restaurant, at=NOON, load=50, status=OrderStatus.CANCELLED)
    _order(restaurant, at=NOON, load=7, fulfilment="pickup")
    _order(restaurant, at=NOON + QUARTER, load=2)
    _order(restaurant, at=None, load=9)  # ASAP: no slot
    _order(other, at=NOON, load=100)

    with CaptureQueriesContext(connection) as queries:
        usage = slot_usage(restaurant, [NOON, NOON + QUARTER, NOON + 2 * QUARTER], "delivery")

    assert usage == {NOON: (2, 7), NOON + QUARTER: (1, 2)}
    assert len(queries) == 1
    assert slot_usage(restaurant, [NOON], "pickup") == {NOON: (1, 7)}
    assert slot_usage(restaurant, [], "delivery") == {}


@pytest.mark.django_db
def test_slots_with_usage_show_what_is_left():
    restaurant = _restaurant(slot_capacity_orders=2, slot_capacity_load=10)
    _order(restaurant, at=NOON, load=4)
    _order(restaurant, at=NOON, load=1)
    _order(restaurant, at=NOON + QUARTER, load=10)

    slots = slots_with_usage(restaurant, NOON.date(), fulfilment="delivery", now=NOW, lead_minutes=0)

    assert [(s.label, s.orders_left, s.load_left, s.available) for s in slots] == [
        ("12:00", 0, 5, False), ("12:15", 1, 0, False), ("12:30", 2, 10, True), ("12:45", 2, 10, True)]
    assert all(s.available for s in slots_with_usage(restaurant, NOON.date(), fulfilment="pickup", now=NOW,
                                                     lead_minutes=0))


# --- load weights --------------------------------------------------------------------------------------
def test_twenty_pizzas_weigh_twenty_times_a_coffee():
    pizza, coffee = 1, 1
    assert order_load([(20, pizza)]) == 20 * order_load([(1, coffee)])
    assert order_load([(20, 3), (2, 1)]) == 62  # an owner weighting a pizza 3


@pytest.mark.django_db
def test_a_big_order_fills_the_load_a_coffee_still_fits_elsewhere():
    restaurant = _restaurant(slot_capacity_load=20)
    _reserve(restaurant, NOON, load=order_load([(20, 1)]))

    with pytest.raises(ConflictError) as caught:
        _reserve(restaurant, NOON, load=order_load([(1, 1)]))

    assert caught.value.code == "slot_full"
    assert _reserve(restaurant, NOON + QUARTER, load=1).scheduled_for == NOON + QUARTER


@pytest.mark.django_db
def test_item_load_is_validated_like_the_other_fields(owner, restaurant, menu_item):
    actor = Actor(user=owner, role=OWNER)

    assert menu_item_update(item=menu_item, data={"load": 4}, actor=actor).load == 4
    for bad in (0, 101):
        with pytest.raises(DjangoValidationError) as caught:
            menu_item_update(item=menu_item, data={"load": bad}, actor=actor)
        assert "load" in caught.value.message_dict
    menu_item.refresh_from_db()
    assert menu_item.load == 4


# --- slot_reserve --------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_reserve_refuses_the_order_that_would_exceed_and_offers_the_next_slots():
    restaurant = _restaurant(slot_capacity_orders=2)
    _reserve(restaurant, NOON)
    _reserve(restaurant, NOON)
    _order(restaurant, at=NOON + QUARTER, load=1)
    _order(restaurant, at=NOON + QUARTER, load=1)

    with pytest.raises(ConflictError) as caught:
        _reserve(restaurant, NOON)

    error = caught.value
    assert error.status_code == 409 and error.code == "slot_full"
    assert list(error.fields) == ["fulfilment.scheduled_for"]
    assert error.extra["next_slots"] == [(NOON + 2 * QUARTER).isoformat(), (NOON + 3 * QUARTER).isoformat()]
    assert Order.objects.filter(scheduled_for=NOON).count() == 2


@pytest.mark.django_db
def test_next_slots_run_into_the_following_days():
    restaurant = _restaurant(slot_capacity_orders=1, opening_hours={
        "monday": [{"open": "12:00", "close": "12:15"}], "tuesday": [{"open": "12:00", "close": "13:00"}]})
    _reserve(restaurant, NOON)

    with pytest.raises(ConflictError) as caught:
        _reserve(restaurant, NOON)

    tuesday = NOON + timedelta(days=1)
    assert caught.value.extra["next_slots"] == [t.isoformat() for t in (tuesday, tuesday + QUARTER,
                                                                           tuesday + 2 * QUARTER)]


@pytest.mark.django_db
def test_cancelled_orders_and_the_other_fulfilment_free_capacity():
    restaurant = _restaurant(slot_capacity_orders=1)
    _order(restaurant, at=NOON, status=OrderStatus.CANCELLED)
    _order(restaurant, at=NOON, fulfilment="pickup")

    assert _reserve(restaurant, NOON).scheduled_for == NOON


@pytest.mark.django_db
def test_reserve_checks_the_slot_first(restaurant):
    with pytest.raises(ApplicationError) as caught:
        _reserve(restaurant, datetime(2026, 12, 7, 12, 0))  # naive

    assert caught.value.code == "scheduled_for_naive" and caught.value.status_code == 400


@pytest.mark.django_db
def test_reserve_reads_the_capacity_as_committed():
    restaurant = _restaurant(slot_capacity_orders=5)
    _order(restaurant, at=NOON)
    type(restaurant).objects.filter(pk=restaurant.pk).update(slot_capacity_orders=1)  # lowered meanwhile

    with pytest.raises(ConflictError):
        _reserve(restaurant, NOON)  # `restaurant` in memory still says 5


def test_reserve_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        capacity.restaurant_slot_lock(f.RestaurantFactory.build(pk=1))


# --- the race, on PostgreSQL ---------------------------------------------------------------------------------
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_customers_race_for_the_last_unit_exactly_one_wins(monkeypatch):
    # given: one unit of load left at noon, and both threads past the check's inputs before either locks
    restaurant = _restaurant(slot_capacity_load=10)
    _order(restaurant, at=NOON, load=9)
    barrier = threading.Barrier(2)
    lock = capacity.restaurant_slot_lock

    def lock_after_both_arrive(restaurant):
        barrier.wait(timeout=20)
        return lock(restaurant)

    monkeypatch.setattr(capacity, "restaurant_slot_lock", lock_after_both_arrive)

    # when
    results = run_concurrently(lambda: _reserve(restaurant, NOON), lambda: _reserve(restaurant, NOON))

    # then
    wins = [r for r in results if isinstance(r, Order)]
    refusals = [r for r in results if isinstance(r, ConflictError)]
    assert len(wins) == 1 and len(refusals) == 1, results
    assert refusals[0].code == "slot_full"
    assert refusals[0].extra["next_slots"] == [(NOON + k * QUARTER).isoformat() for k in (1, 2, 3)]
    assert sum(Order.objects.filter(scheduled_for=NOON).values_list("load", flat=True)) == 10
