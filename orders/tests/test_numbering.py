from datetime import UTC, datetime

import pytest
from django.db import transaction

from foodsys.testing import factories as f
from orders.models import DailyOrderCounter
from orders.numbering import order_number_allocate


def _allocate(restaurant, at):
    with transaction.atomic():
        return order_number_allocate(restaurant=restaurant, at=at)


def test_numbers_count_up_per_restaurant_and_local_day(db):
    # given
    restaurant, other = f.RestaurantFactory(), f.RestaurantFactory()
    noon = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)

    # when
    numbers = [_allocate(restaurant, noon) for _ in range(3)]
    other_number = _allocate(other, noon)
    next_day = _allocate(restaurant, datetime(2026, 11, 26, 12, 0, tzinfo=UTC))

    # then
    assert numbers == ["20261125-0001", "20261125-0002", "20261125-0003"]
    assert other_number == "20261125-0001"
    assert next_day == "20261126-0001"


def test_the_day_is_the_restaurants_local_day(db):
    # given: 23:30 UTC on the 25th is already the 26th in Auckland and still the 25th in Los Angeles
    late_utc = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)
    auckland = f.RestaurantFactory(timezone="Pacific/Auckland")
    los_angeles = f.RestaurantFactory(timezone="America/Los_Angeles")

    # when / then
    assert _allocate(auckland, late_utc) == "20261126-0001"
    assert _allocate(los_angeles, late_utc) == "20261125-0001"


def test_numbers_grow_past_four_digits(db):
    # given
    restaurant = f.RestaurantFactory()
    at = datetime(2026, 1, 2, 9, 0, tzinfo=UTC)
    DailyOrderCounter.objects.create(tenant=restaurant, day=at.date(), last_number=9999)

    # when / then
    assert _allocate(restaurant, at) == "20260102-10000"


def test_allocation_outside_a_transaction_is_refused(transactional_db):
    restaurant = f.RestaurantFactory()
    with pytest.raises(RuntimeError):
        order_number_allocate(restaurant=restaurant, at=datetime(2026, 1, 2, tzinfo=UTC))
