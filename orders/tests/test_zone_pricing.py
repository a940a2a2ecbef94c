"""Delivery zones price the order: the zone's fee, minimum and free-delivery threshold, or a clear
refusal for an address outside every zone (nothing written). Totals are worked out by hand here."""

from decimal import Decimal

import pytest

from foodsys.common.exceptions import ApplicationError
from foodsys.tenancy.actor import OWNER, Actor
from foodsys.testing import factories as f
from orders.models import Order
from orders.services import OrderLineInput, order_enter, order_place
from restaurants.models import DeliveryZone

pytestmark = pytest.mark.django_db

CITY = {"street": "1 Main St", "city": "Springfield", "state": "IL"}


@pytest.fixture
def zoned(restaurant):
    restaurant.delivery_fee, restaurant.minimum_order, restaurant.tax_rate = Decimal("9.00"), Decimal("0.00"), 0
    restaurant.save()
    DeliveryZone.objects.create(tenant=restaurant, name="Centre", kind="postcodes", postcodes=["62701"],
                                delivery_fee=Decimal("1.50"), minimum_order=Decimal("10.00"),
                                free_delivery_over=Decimal("30.00"))
    DeliveryZone.objects.create(tenant=restaurant, name="Suburbs", kind="postcodes", postcodes=["62701", "62704"],
                                delivery_fee=Decimal("4.00"), minimum_order=Decimal("20.00"))
    return restaurant


def _place(customer, restaurant, item, quantity, zip_code):
    return order_place(customer=customer, restaurant_ref=restaurant.pk, payment_method="cash",
                       lines=[OrderLineInput(menu_item_id=item.pk, quantity=quantity)],
                       delivery_address={**CITY, "zip_code": zip_code}).order


def _item(restaurant, price):
    return f.MenuItemFactory(category=f.CategoryFactory(tenant=restaurant), price=Decimal(price))


def test_the_cheapest_matching_zone_sets_the_fee(zoned, customer):
    order = _place(customer, zoned, _item(zoned, "6.00"), 2, "62701")  # both zones match: Centre is cheaper

    assert (order.subtotal, order.delivery_fee, order.total) == (Decimal("12.00"), Decimal("1.50"), Decimal("13.50"))


def test_delivery_is_free_from_the_zones_threshold(zoned, customer):
    order = _place(customer, zoned, _item(zoned, "10.00"), 3, "62701")

    assert (order.delivery_fee, order.total) == (Decimal("0.00"), Decimal("30.00"))


def test_the_zones_own_minimum_applies(zoned, customer):
    item = _item(zoned, "6.00")
    with pytest.raises(ApplicationError) as below:
        _place(customer, zoned, item, 3, "62704")  # Suburbs: 18.00 < 20.00
    assert below.value.code == "below_minimum_order" and "20.00" in str(below.value)

    order = _place(customer, zoned, item, 4, "62704")
    assert (order.delivery_fee, order.total) == (Decimal("4.00"), Decimal("28.00"))


def test_an_address_outside_every_zone_is_refused_naming_the_address(zoned, customer):
    with pytest.raises(ApplicationError) as refused:
        _place(customer, zoned, _item(zoned, "6.00"), 5, "99999")

    assert refused.value.code == "outside_every_zone" and "delivery_address" in refused.value.fields
    assert not Order.objects.exists()


def test_the_api_answers_an_outside_address_with_a_400(customer_client, zoned):
    item = _item(zoned, "6.00")
    response = customer_client.post("/api/orders/", {
        "restaurant": zoned.pk, "payment_method": "cash",
        "items": [{"menu_item": item.pk, "quantity": 5}],
        "delivery_address": {**CITY, "zip_code": "10001"}}, format="json")

    assert response.status_code == 400
    assert "delivery_address" in response.json()["error"]["fields"]


def test_without_zones_the_restaurants_own_fee_applies(restaurant, customer):
    restaurant.delivery_fee, restaurant.minimum_order, restaurant.tax_rate = Decimal("2.75"), Decimal("0.00"), 0
    restaurant.save()

    order = _place(customer, restaurant, _item(restaurant, "5.00"), 1, "00000")

    assert (order.delivery_fee, order.total) == (Decimal("2.75"), Decimal("7.75"))


def test_a_phone_delivery_uses_the_zone_and_a_pickup_ignores_it(zoned, owner):
    item = _item(zoned, "6.00")
    actor = Actor(user=owner, role=OWNER)
    common = {"actor": actor, "restaurant": zoned, "channel": "phone", "payment_method": "cash",
              "contact_name": "Caller", "contact_phone": "555-0100",
              "lines": [OrderLineInput(menu_item_id=item.pk, quantity=2)]}

    delivered = order_enter(**common, fulfilment="delivery", delivery_address={**CITY, "zip_code": "62701"}).order
    picked_up = order_enter(**common, fulfilment="pickup").order  # 12.00, below no minimum; no fee

    assert (delivered.delivery_fee, delivered.total) == (Decimal("1.50"), Decimal("13.50"))
    assert (picked_up.delivery_fee, picked_up.total) == (Decimal("0.00"), Decimal("12.00"))
    with pytest.raises(ApplicationError):
        order_enter(**common, fulfilment="delivery", delivery_address={**CITY, "zip_code": "99999"})
