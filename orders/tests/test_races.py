"""Concurrency on the real PostgreSQL: racing transitions and racing idempotent placements.

A barrier inside the race window makes both threads read the same state before either writes,
so the race is forced rather than hoped for. Each thread closes its own database connection.
"""

import threading

import pytest

from foodsys.common.exceptions import ConflictError
from foodsys.testing import factories as f
from orders import locks, services
from orders.enums import OrderStatus
from orders.models import IdempotencyRecord, Order, OrderStatusChange, OutboxEvent
from orders.tests.concurrency import run_concurrently
from orders.tests.helpers import place, transition

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _wait_at(barrier, function):
    def wrapper(*args, **kwargs):
        barrier.wait(timeout=20)
        return function(*args, **kwargs)
    return wrapper


def test_two_conflicting_transitions_one_wins_one_conflicts(monkeypatch):
    # given: both threads have read the order as pending when they try to write
    restaurant = f.RestaurantFactory()
    owner, customer = f.OwnerFactory(), f.UserFactory()
    f.MembershipFactory(user=owner, tenant=restaurant)
    item = f.MenuItemFactory(category=f.CategoryFactory(tenant=restaurant))
    order = place(customer=customer, restaurant=restaurant, lines=[(item, 1)]).order
    barrier = threading.Barrier(2)
    monkeypatch.setattr(locks, "order_status_compare_and_set", _wait_at(barrier, locks.order_status_compare_and_set))

    # when
    results = run_concurrently(
        lambda: transition(order.pk, OrderStatus.CONFIRMED, by=owner),
        lambda: transition(order.pk, OrderStatus.CANCELLED, by=customer),
    )

    # then
    wins = [r for r in results if isinstance(r, Order)]
    conflicts = [r for r in results if isinstance(r, ConflictError)]
    assert len(wins) == 1 and len(conflicts) == 1, results
    assert conflicts[0].extra["current_status"] == wins[0].status
    assert Order.objects.get(pk=order.pk).status == wins[0].status
    assert OrderStatusChange.objects.filter(order=order).count() == 1
    assert OutboxEvent.objects.filter(payload__order_id=str(order.pk)).count() == 2  # created + one update


def test_two_requests_with_one_idempotency_key_place_one_order(monkeypatch):
    # given: both threads have found no record for the key when they start writing
    restaurant = f.RestaurantFactory()
    customer = f.UserFactory()
    item = f.MenuItemFactory(category=f.CategoryFactory(tenant=restaurant))
    barrier = threading.Barrier(2)
    monkeypatch.setattr(services, "_order_create", _wait_at(barrier, services._order_create))

    # when
    results = run_concurrently(*[
        lambda: place(customer=customer, restaurant=restaurant, lines=[(item, 2)], idempotency_key="race-1")
    ] * 2)

    # then
    assert all(isinstance(r, services.PlacedOrder) for r in results), results
    assert sorted(r.created for r in results) == [False, True]
    assert results[0].order.pk == results[1].order.pk
    assert Order.objects.count() == 1 and OutboxEvent.objects.count() == 1
    assert IdempotencyRecord.objects.count() == 1
    assert Order.objects.get().order_number.endswith("-0001")


def test_concurrent_orders_get_distinct_consecutive_numbers():
    # given
    restaurant = f.RestaurantFactory()
    item = f.MenuItemFactory(category=f.CategoryFactory(tenant=restaurant))
    customers = [f.UserFactory() for _ in range(4)]

    # when
    results = run_concurrently(*[
        (lambda c=c: place(customer=c, restaurant=restaurant, lines=[(item, 1)])) for c in customers])

    # then
    assert all(isinstance(r, services.PlacedOrder) for r in results), results
    suffixes = sorted(order_number.split("-")[1] for order_number in Order.objects.values_list("order_number",
                                                                                                 flat=True))
    assert suffixes == ["0001", "0002", "0003", "0004"]
