"""A placed order stores the ETA its quote gave a moment before, and how it was computed (`eta_basis`);
the order detail shows both."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from orders.models import Order
from orders.tests.helpers import ADDRESS, menu_item_in, order_payload, place
from orders.tests.test_query_counts import PLACE_QUERIES

pytestmark = pytest.mark.django_db


def _at(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


@pytest.fixture
def kitchen(restaurant):
    """Delivery 25 minutes' travel; a 12-minute dish."""
    restaurant.estimated_delivery_minutes = 25
    restaurant.save()
    return restaurant


@pytest.fixture
def dish(kitchen):
    return menu_item_in(kitchen, name="Ramen", price=Decimal("11.00"), preparation_time=12)


def _busy_history(restaurant, customer, item, *, count=12, minutes_apart=5):
    """A kitchen never idle over the last hour, marking a one-item order ready every `minutes_apart` minutes."""
    now = timezone.now()
    for index in range(count):
        order = place(customer=customer, restaurant=restaurant, lines=[(item, 1)]).order
        Order.objects.filter(pk=order.pk).update(
            status="delivered", confirmed_at=now - timedelta(minutes=100) + timedelta(seconds=index),
            ready_at=now - timedelta(minutes=58) + timedelta(minutes=minutes_apart * index))


def _quote_then_place(api_client, customer_client, restaurant, dish, quantity):
    items = [{"menu_item": dish.pk, "quantity": quantity, "options": [], "special_instructions": ""}]
    quote = api_client.post(f"/api/restaurants/{restaurant.pk}/quote/",
                            {"items": items, "fulfilment": {"type": "delivery", "address": ADDRESS}}, format="json")
    placed = customer_client.post("/api/orders/", order_payload(restaurant, (dish, quantity)), format="json")
    assert quote.status_code == 200, quote.content
    assert placed.status_code == 201, placed.content
    return quote.json(), placed.json()


def _assert_same_eta(quote: dict, detail: dict):
    order = Order.objects.get(pk=detail["id"])
    assert abs(order.estimated_ready_at - _at(quote["eta"]["ready_at"])) < timedelta(minutes=1)
    assert abs(order.estimated_delivery_at - _at(quote["eta"]["deliver_at"])) < timedelta(minutes=1)
    assert order.eta_basis == quote["eta_basis"] == detail["eta_basis"]
    assert detail["eta"] == {"ready_at": detail["estimated_ready_at"], "deliver_at": detail["estimated_delivery_at"],
                             "minutes": quote["eta"]["minutes"]}
    return order


def test_a_placed_order_keeps_the_default_eta_it_was_quoted(api_client, customer_client, kitchen, dish):
    # when
    quote, detail = _quote_then_place(api_client, customer_client, kitchen, dish, 2)

    # then: 12 minutes' prep, then 25 minutes' travel
    order = _assert_same_eta(quote, detail)
    assert (quote["eta_basis"], quote["eta"]["minutes"]) == ("default", 37)
    assert order.estimated_delivery_at - order.estimated_ready_at == timedelta(minutes=25)


def test_a_placed_order_keeps_the_measured_eta_it_was_quoted(api_client, customer_client, customer, kitchen, dish):
    # given: 5 minutes per item, and two open orders of 3 items ahead
    _busy_history(kitchen, customer, dish)
    for _ in range(2):
        place(customer=customer, restaurant=kitchen, lines=[(dish, 3)])

    # when
    quote, detail = _quote_then_place(api_client, customer_client, kitchen, dish, 2)

    # then: (6 ahead + 2 own) x 5 = 40 minutes (above the 12-minute floor), then 25 minutes' travel
    order = _assert_same_eta(quote, detail)
    assert (order.eta_basis, quote["eta"]["minutes"]) == ("measured", 65)
    assert round((order.estimated_ready_at - order.created_at).total_seconds() / 60) == 40


def test_the_detail_of_a_pickup_order_has_no_delivery_time(owner_client, kitchen, dish):
    # when: a walk-in pickup entered by the owner
    response = owner_client.post(f"/api/restaurants/{kitchen.pk}/orders/", {
        "channel": "walk_in", "fulfilment": "pickup", "payment_method": "cash", "contact_name": "Guest",
        "items": [{"menu_item_id": dish.pk, "quantity": 1}]}, format="json")

    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["eta"]["deliver_at"] is None and body["eta"]["minutes"] == 12 and body["eta_basis"] == "default"
    assert Order.objects.get(pk=body["id"]).eta_basis == "default"


def test_a_measured_eta_reads_the_open_queue_too(customer_client, customer, kitchen, dish, django_assert_num_queries):
    # given: enough history for a measured rate
    _busy_history(kitchen, customer, dish)

    # when / then: placing reads the kitchen history and the open queue, one query each (PLACE_QUERIES has the
    # history only: without a measured rate the queue is not read)
    with django_assert_num_queries(PLACE_QUERIES + 1):
        response = customer_client.post("/api/orders/", order_payload(kitchen, (dish, 1)), format="json",
                                        HTTP_IDEMPOTENCY_KEY="measured-1")
    assert response.status_code == 201, response.content
    assert response.json()["eta_basis"] == "measured"
