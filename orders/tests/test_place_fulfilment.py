"""POST /api/orders/ with a fulfilment object: pickup online, and orders for a slot whose capacity
holds (the last unit goes to one order; the next gets 409 with the next slots)."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import Order
from orders.tests.helpers import menu_item_in

pytestmark = pytest.mark.django_db
URL = "/api/orders/"


@pytest.fixture
def kitchen(restaurant):
    restaurant.delivery_fee, restaurant.tax_rate, restaurant.timezone = Decimal("3.00"), Decimal("0"), "UTC"
    restaurant.slot_capacity_orders = 1
    restaurant.save()
    return restaurant


def _slot(hours: int):
    start = (timezone.now() + timedelta(hours=hours)).replace(second=0, microsecond=0)
    return start + timedelta(minutes=(-start.minute) % 15)


def _body(restaurant, item, fulfilment, **extra):
    return {"restaurant": restaurant.pk, "payment_method": "cash",
            "items": [{"menu_item": item.pk, "quantity": 2}], "fulfilment": fulfilment, **extra}


def test_a_pickup_order_online_has_no_fee_and_no_address(customer_client, kitchen):
    item = menu_item_in(kitchen, price=Decimal("7.00"))

    response = customer_client.post(URL, _body(kitchen, item, {"type": "pickup"}), format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["fulfilment"], body["delivery_fee"], body["total"]) == ("pickup", "0.00", "14.00")
    assert body["eta"]["deliver_at"] is None


def test_a_delivery_needs_an_address_named_in_the_fulfilment_object(customer_client, kitchen):
    item = menu_item_in(kitchen)

    response = customer_client.post(URL, _body(kitchen, item, {"type": "delivery"}), format="json")

    assert response.status_code == 400
    assert "fulfilment.address" in response.json()["error"]["fields"]
    assert not Order.objects.exists()


def test_an_order_for_a_slot_stores_it_and_the_slots_last_place_goes_once(customer_client, kitchen):
    item = menu_item_in(kitchen, preparation_time=10)
    start = _slot(4)
    fulfilment = {"type": "pickup", "scheduled_for": start.isoformat()}

    first = customer_client.post(URL, _body(kitchen, item, fulfilment), format="json")
    second = customer_client.post(URL, _body(kitchen, item, fulfilment), format="json")

    assert first.status_code == 201, first.content
    order = Order.objects.get()
    assert order.scheduled_for == start and order.estimated_ready_at == start
    assert second.status_code == 409
    error = second.json()["error"]
    assert error["code"] == "slot_full" and "fulfilment.scheduled_for" in error["fields"]
    assert Order.objects.count() == 1


def test_a_closed_restaurant_takes_an_order_for_later_but_not_for_now(customer_client, kitchen, monkeypatch):
    monday_morning = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: monday_morning)
    item = menu_item_in(kitchen)
    kitchen.opening_hours = {"monday": [{"open": "13:00", "close": "23:30"}]}
    kitchen.save()

    now_order = customer_client.post(URL, _body(kitchen, item, {"type": "pickup"}), format="json")
    later = customer_client.post(URL, _body(kitchen, item, {
        "type": "pickup", "scheduled_for": "2026-03-02T13:00:00+00:00"}), format="json")

    assert now_order.status_code == 409 and now_order.json()["error"]["code"] == "restaurant_closed"
    assert later.status_code == 201, later.content
