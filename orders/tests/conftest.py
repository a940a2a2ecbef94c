from decimal import Decimal

import pytest

from foodsys.testing import factories as f
from orders.tests.helpers import place


@pytest.fixture
def pending_order(customer, restaurant, menu_item):
    return place(customer=customer, restaurant=restaurant, lines=[(menu_item, 2)]).order


@pytest.fixture
def priced_restaurant(db):
    """Tax 8.25 %, delivery 3.00, minimum 15.00, delivery estimate 25 minutes."""
    return f.RestaurantFactory(tax_rate=Decimal("0.0825"), delivery_fee=Decimal("3.00"),
                               minimum_order=Decimal("15.00"), estimated_delivery_minutes=25)
