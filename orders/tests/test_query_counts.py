"""Query-count guards for the hot order endpoints, and the in-memory bodies they now render.

The counts were measured on SQLite (embedded) and PostgreSQL (services pass): the same on both.
In tests the outer transaction makes `atomic()` a SAVEPOINT / RELEASE pair, which is counted; in
production those two are BEGIN / COMMIT. On-commit work (Kafka fast path, in-process metrics,
broadcasts) is not run here: it happens after the response's transaction and is not counted.
"""

from decimal import Decimal

import pytest

from foodsys.testing import factories as f
from orders.models import IdempotencyRecord, Order, OutboxEvent
from orders.tests.helpers import menu_item_in, order_payload

URL = "/api/orders/"

# user (JWT), customer's memberships (tenant resolution; the role reuses them), restaurant, delivery zones,
# menu items with options (one query), SAVEPOINT, the kitchen history for the ETA (orders.eta_selectors.
# kitchen_samples; the open queue is a second read only once that history gives a measured rate, not here),
# daily number upsert, INSERT order, idempotency claim, INSERT lines, INSERT outbox, the restaurant's print
# devices (printing: one job per device, none here), RELEASE
PLACE_QUERIES = 14
# the placement's first 10 up to the colliding claim (zones, SAVEPOINT, kitchen history, number, order, claim),
# ROLLBACK TO, RELEASE, then the idempotency record, and the detail: order (+tenant, customer), lines, status
# changes (+by), activities
REPLAY_QUERIES = 17
# user (JWT), X-Tenant-ID restaurant, owner's membership (the role reuses it), SAVEPOINT, order (+tenant,
# customer), lines, conditional UPDATE, INSERT status change, INSERT outbox, RELEASE, status history (+by),
# timeline activities
STATUS_QUERIES = 12
# user (JWT), customer's memberships (the role reuses them), order (+tenant, customer), lines, status changes
# (+by), timeline activities
DETAIL_QUERIES = 6


@pytest.fixture
def burger(restaurant):
    """Burger 9.00 with Size (exactly one: Large +2.00 / Small) and Extras (up to two: Bacon +1.25)."""
    item = menu_item_in(restaurant, name="Burger", price=Decimal("9.00"))
    size = f.OptionGroupFactory(item=item, name="Size", min_select=1, max_select=1)
    extras = f.OptionGroupFactory(item=item, name="Extras", min_select=0, max_select=2)
    large = f.OptionFactory(group=size, name="Large", price_delta=Decimal("2.00"))
    f.OptionFactory(group=size, name="Small", price_delta=Decimal("0"))
    bacon = f.OptionFactory(group=extras, name="Bacon", price_delta=Decimal("1.25"))
    return {"item": item, "large": large, "bacon": bacon}


@pytest.fixture
def order_body(restaurant, burger, menu_item):
    body = order_payload(restaurant, (burger["item"], 2, [burger["large"].id, burger["bacon"].id]), (menu_item, 1),
                         notes="Leave at the door")
    body["items"][0]["special_instructions"] = "No pickles"
    return body


@pytest.fixture
def placed(customer_client, order_body):
    response = customer_client.post(URL, order_body, format="json", HTTP_IDEMPOTENCY_KEY="placed-1")
    assert response.status_code == 201, response.content
    return response.json()


def _detail(client, order_id) -> dict:
    response = client.get(f"{URL}{order_id}/")
    assert response.status_code == 200, response.content
    return response.json()


def test_placing_an_order_with_options_and_a_key(customer_client, customer, order_body, burger, menu_item,
                                                django_assert_max_num_queries):
    # when
    with django_assert_max_num_queries(PLACE_QUERIES):
        response = customer_client.post(URL, order_body, format="json", HTTP_IDEMPOTENCY_KEY="new-1")

    # then: 2 x (9.00 + 2.00 + 1.25) + 1 x 10.00 = 34.50; the factory restaurant has no tax or fee
    assert response.status_code == 201, response.content
    body = response.json()
    order = Order.objects.get()
    assert body["id"] == str(order.pk) and body["customer_id"] == customer.id
    burger_line, dish_line = body["lines"]
    assert [line["id"] for line in body["lines"]] == list(order.lines.order_by("id").values_list("id", flat=True))
    assert (burger_line["menu_item_id"], burger_line["quantity"], burger_line["unit_price"],
            burger_line["line_total"], burger_line["special_instructions"]) == (
        burger["item"].id, 2, "12.25", "24.50", "No pickles")
    assert [option["name"] for option in burger_line["options"]] == ["Large", "Bacon"]
    assert (dish_line["menu_item_id"], dish_line["quantity"], dish_line["line_total"]) == (menu_item.id, 1, "10.00")
    assert (body["subtotal"], body["delivery_fee"], body["tax"], body["total"]) == (
        f"{order.subtotal:.2f}", f"{order.delivery_fee:.2f}", f"{order.tax:.2f}", f"{order.total:.2f}")
    assert body["subtotal"] == "34.50" and body["item_count"] == 3
    assert body["allowed_transitions"] == ["cancelled"] and body["status_history"] == []
    assert IdempotencyRecord.objects.get(key="new-1").order_id == order.pk

    # and the body rendered from memory is the one GET renders from the database
    assert body == _detail(customer_client, body["id"])


def test_an_idempotent_replay(customer_client, order_body, placed, django_assert_max_num_queries):
    # when
    with django_assert_max_num_queries(REPLAY_QUERIES):
        response = customer_client.post(URL, order_body, format="json", HTTP_IDEMPOTENCY_KEY="placed-1")

    # then
    assert response.status_code == 200, response.content
    assert response["Idempotent-Replayed"] == "true"
    assert response.json() == placed
    assert Order.objects.count() == 1 and OutboxEvent.objects.count() == 1


def test_the_owner_confirms_an_order(owner_client, owner, placed, django_assert_max_num_queries):
    # when
    with django_assert_max_num_queries(STATUS_QUERIES):
        response = owner_client.post(f"{URL}{placed['id']}/status/", {"status": "confirmed"}, format="json")

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "confirmed" and body["confirmed_at"]
    assert body["allowed_transitions"] == ["preparing", "cancelled"]
    assert [(change["from_status"], change["to_status"], change["by_id"]) for change in body["status_history"]] == [
        ("pending", "confirmed", owner.id)]
    assert body["lines"] == placed["lines"]
    assert Order.objects.get().status == "confirmed"

    # and the body rendered from memory is the one GET renders from the database
    assert body == _detail(owner_client, placed["id"])


def test_reading_an_order(customer_client, placed, django_assert_max_num_queries):
    # when
    with django_assert_max_num_queries(DETAIL_QUERIES):
        body = _detail(customer_client, placed["id"])

    # then
    assert body == placed
