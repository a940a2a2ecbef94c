"""order_place's Idempotency-Key paths now that the key is claimed inside the placing transaction
and looked up only when a request is refused or its claim collides.

Already pinned in test_services.py (not repeated here): a plain replay, a replay after closing
hours, a reused key with another body, keys per customer, an expired key placing a new order.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from foodsys.common.exceptions import ApplicationError, ConflictError
from foodsys.testing import factories as f
from orders.models import IdempotencyRecord, Order, OrderLine, OutboxEvent
from orders.tests.helpers import place

pytestmark = pytest.mark.django_db


def _written() -> tuple[int, int, int, int]:
    return (Order.objects.count(), OrderLine.objects.count(), IdempotencyRecord.objects.count(),
            OutboxEvent.objects.count())


def _close(restaurant):
    restaurant.opening_hours = {}
    restaurant.save()


def _pause(restaurant):
    restaurant.accepting_orders = False
    restaurant.save()


def _deactivate(restaurant):
    restaurant.is_active = False
    restaurant.save()


def _86(item):
    item.is_available = False
    item.save()


def _raise_minimum(restaurant):
    restaurant.minimum_order = Decimal("1000.00")
    restaurant.save()


# --- a replay answers whatever changed since ---------------------------------------------------------
@pytest.mark.parametrize("stop_taking_orders", [_pause, _deactivate], ids=["paused", "inactive"])
def test_a_replay_after_the_restaurant_stopped_taking_orders_returns_the_original(
        customer, restaurant, menu_item, stop_taking_orders):
    # given
    first = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)], idempotency_key="k-1")
    stop_taking_orders(restaurant)

    # when
    again = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)], idempotency_key="k-1")

    # then
    assert (again.created, again.order.pk) == (False, first.order.pk)
    assert _written() == (1, 1, 1, 1)


def test_a_replay_after_the_item_was_86d_returns_the_original(customer, restaurant, menu_item):
    # given
    first = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 2)], idempotency_key="k-1")
    _86(menu_item)

    # when
    again = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 2)], idempotency_key="k-1")

    # then
    assert (again.created, again.order.pk) == (False, first.order.pk)
    assert _written() == (1, 1, 1, 1)


def test_a_replay_after_an_option_was_86d_returns_the_original(customer, restaurant):
    # given
    item = f.MenuItemFactory(category=f.CategoryFactory(tenant=restaurant))
    size = f.OptionGroupFactory(item=item, name="Size", min_select=1, max_select=1)
    large = f.OptionFactory(group=size, name="Large")
    first = place(customer=customer, restaurant=restaurant, lines=[(item, 1, [large.id])], idempotency_key="k-1")
    large.is_available = False
    large.save()

    # when
    again = place(customer=customer, restaurant=restaurant, lines=[(item, 1, [large.id])], idempotency_key="k-1")

    # then
    assert (again.created, again.order.pk) == (False, first.order.pk)


def test_a_replay_after_a_price_change_returns_the_original_at_its_price(customer, restaurant, menu_item):
    # given
    first = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)], idempotency_key="k-1")
    menu_item.price = first.order.subtotal + Decimal("5.00")
    menu_item.save()

    # when
    again = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)], idempotency_key="k-1")

    # then
    assert (again.created, again.order.pk, again.order.subtotal) == (False, first.order.pk, first.order.subtotal)
    assert _written() == (1, 1, 1, 1)


def test_a_reused_key_with_another_body_is_a_conflict_even_when_the_restaurant_closed(customer, restaurant,
                                                                                      menu_item):
    # given
    place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)], idempotency_key="k-1")
    _close(restaurant)

    # when
    with pytest.raises(ConflictError) as caught:
        place(customer=customer, restaurant=restaurant, lines=[(menu_item, 3)], idempotency_key="k-1")

    # then
    assert (caught.value.status_code, caught.value.code) == (409, "idempotency_key_reused")
    assert _written() == (1, 1, 1, 1)


# --- expired keys ------------------------------------------------------------------------------------
def test_an_expired_key_is_not_replayed_when_the_request_is_refused(customer, restaurant, menu_item):
    # given
    place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)], idempotency_key="k-1")
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    _close(restaurant)

    # when
    with pytest.raises(ConflictError) as caught:
        place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)], idempotency_key="k-1")

    # then
    assert caught.value.code == "restaurant_closed"
    assert _written() == (1, 1, 1, 1)


def test_an_expired_key_taken_over_by_a_new_order_is_fresh_again(customer, restaurant, menu_item):
    # given: the same request again, a day later
    first = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)], idempotency_key="k-1")
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    later = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)], idempotency_key="k-1")

    # when
    replayed = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)], idempotency_key="k-1")

    # then
    assert later.created and later.order.pk != first.order.pk
    assert (replayed.created, replayed.order.pk) == (False, later.order.pk)
    record = IdempotencyRecord.objects.get()
    assert record.order_id == later.order.pk and record.created_at > timezone.now() - timedelta(minutes=5)
    assert Order.objects.count() == 2


# --- a refused request with a fresh key ----------------------------------------------------------------
@pytest.mark.parametrize(("refuse", "code"), [
    (lambda restaurant, item: _close(restaurant), "restaurant_closed"),
    (lambda restaurant, item: _pause(restaurant), "restaurant_paused"),
    (lambda restaurant, item: _86(item), "item_unavailable"),
    (lambda restaurant, item: item.delete(), "item_not_found"),
    (lambda restaurant, item: _raise_minimum(restaurant), "below_minimum_order"),
], ids=["closed", "paused", "86d", "deleted", "below-minimum"])
def test_a_refused_request_with_a_fresh_key_writes_nothing(customer, restaurant, menu_item, refuse, code):
    # given
    refuse(restaurant, menu_item)

    # when
    with pytest.raises(ApplicationError) as caught:
        place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)], idempotency_key="fresh-1")

    # then
    assert caught.value.code == code
    assert _written() == (0, 0, 0, 0)


def test_a_key_refused_once_places_the_order_when_retried_later(customer, restaurant, menu_item):
    # given
    _pause(restaurant)
    with pytest.raises(ConflictError):
        place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)], idempotency_key="k-1")
    restaurant.accepting_orders = True
    restaurant.save()

    # when
    placed = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)], idempotency_key="k-1")

    # then
    assert placed.created
    assert IdempotencyRecord.objects.get(key="k-1").order_id == placed.order.pk
    assert _written() == (1, 1, 1, 1)
