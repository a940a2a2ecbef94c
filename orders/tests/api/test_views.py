"""POST/GET /api/orders/, GET /api/orders/{id}/, POST|PUT|PATCH /api/orders/{id}/status/."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from foodsys.testing import factories as f
from foodsys.testing.fixtures import bearer_client
from orders import outbox
from orders.enums import OrderStatus
from orders.models import Order, OrderLine, OrderStatusChange, OutboxEvent
from orders.tests.helpers import advance, menu_item_in, order_payload, place

URL = "/api/orders/"

DETAIL_KEYS = {
    "id", "order_number", "restaurant", "customer_id", "customer_name", "status", "payment_method",
    "payment_status", "lines", "subtotal", "delivery_fee", "tax", "total", "currency", "item_count",
    "delivery_address", "notes", "estimated_ready_at", "estimated_delivery_at", "created_at", "updated_at",
    "confirmed_at", "preparing_at", "ready_at", "out_for_delivery_at", "delivered_at", "cancelled_at",
    "cancel_reason", "preparation_seconds", "allowed_transitions", "status_history",
    "contact_phone", "channel", "entered_by_id", "fulfilment", "timeline", "eta", "eta_basis",
}
SUMMARY_KEYS = {
    "id", "order_number", "restaurant_id", "tenant_id", "restaurant_name", "customer_id", "customer_name",
    "status", "payment_method", "payment_status", "total", "currency", "item_count", "lines", "notes",
    "created_at", "updated_at", "estimated_ready_at", "next_statuses", "channel", "fulfilment",
}


def _status_url(order) -> str:
    return f"{URL}{order.pk}/status/"


def _assert_error(response, status: int, code: str | None = None, field: str | None = None):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["status"] == status
    if code:
        assert body["error"]["code"] == code, body
    if field:
        assert field in body["error"]["fields"], body
        assert field in body["error"]["message"] or body["error"]["fields"][field], body
    return body


def _nothing_written() -> bool:
    return not (Order.objects.exists() or OutboxEvent.objects.exists() or OrderLine.objects.exists())


# --- placing ---------------------------------------------------------------------------------------
def test_placing_returns_the_full_order(customer_client, customer, priced_restaurant, monkeypatch,
                                        django_capture_on_commit_callbacks):
    # given
    handed_on = []
    monkeypatch.setattr(outbox, "events_committed", lambda ids, **known: handed_on.append(ids))
    item = menu_item_in(priced_restaurant, name="Pad thai", price=Decimal("12.00"))
    spice = f.OptionGroupFactory(item=item, name="Spice", min_select=1, max_select=2)
    hot = f.OptionFactory(group=spice, name="Hot", price_delta=Decimal("0.50"))
    body = order_payload(priced_restaurant, (item, 2, [hot.id]), payment_method="card", notes="Ring twice")
    body["items"][0]["special_instructions"] = "No peanuts"

    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(URL, body, format="json")

    # then
    assert response.status_code == 201, response.content
    order = response.json()
    assert set(order) == DETAIL_KEYS
    assert order["restaurant"] == {"id": priced_restaurant.id, "tenant_id": str(priced_restaurant.tenant_id),
                                   "name": priced_restaurant.name, "timezone": priced_restaurant.timezone,
                                   "phone": priced_restaurant.phone}
    assert (order["channel"], order["fulfilment"], order["entered_by_id"], order["timeline"]) == (
        "online", "delivery", None, [])
    assert order["customer_id"] == customer.id
    assert (order["status"], order["payment_method"], order["payment_status"]) == ("pending", "card", "pending")
    assert (order["subtotal"], order["delivery_fee"], order["tax"], order["total"]) == (
        "25.00", "3.00", "2.06", "30.06")
    assert order["item_count"] == 2 and order["currency"] == "USD"
    assert order["lines"] == [{
        "id": order["lines"][0]["id"], "menu_item_id": item.id, "name": "Pad thai", "quantity": 2,
        "unit_price": "12.50", "options": [{"id": hot.id, "group": "Spice", "name": "Hot", "price_delta": "0.50"}],
        "special_instructions": "No peanuts", "line_total": "25.00"}]
    assert order["delivery_address"]["city"] == "Springfield" and order["notes"] == "Ring twice"
    assert order["allowed_transitions"] == ["cancelled"] and order["status_history"] == []
    assert order["created_at"].endswith("Z") and order["estimated_delivery_at"] > order["estimated_ready_at"]
    assert Order.objects.get().order_number == order["order_number"]
    assert handed_on == [[OutboxEvent.objects.get(event_type="order_created").pk]]


def test_client_prices_are_ignored(customer_client, restaurant, menu_item):
    # given
    body = order_payload(restaurant, (menu_item, 1), total="0.01", subtotal="0.01")
    body["items"][0].update(price="0.01", unit_price="0.01", line_total="0.01")

    # when
    response = customer_client.post(URL, body, format="json")

    # then
    assert response.status_code == 201
    assert response.json()["subtotal"] == "10.00"


def test_an_owner_may_order_as_a_customer(owner_client, owner, other_restaurant):
    # given
    item = menu_item_in(other_restaurant)

    # when
    response = owner_client.post(URL, order_payload(other_restaurant, (item, 1)), format="json")

    # then
    assert response.status_code == 201
    assert response.json()["customer_id"] == owner.id


def test_the_restaurant_may_be_its_tenant_uuid(customer_client, restaurant, menu_item):
    body = order_payload(restaurant, (menu_item, 1), restaurant=str(restaurant.tenant_id))
    assert customer_client.post(URL, body, format="json").status_code == 201


def test_anonymous_placement_is_refused(api_client, restaurant, menu_item):
    _assert_error(api_client.post(URL, order_payload(restaurant, (menu_item, 1)), format="json"), 401)
    assert _nothing_written()


def _item_mutation(**changes):
    def mutate(body):
        body["items"][0].update(changes)
    return mutate


def _drop(*path):
    def mutate(body):
        target = body
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]
    return mutate


def _set(*path, value):
    def mutate(body):
        target = body
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return mutate


@pytest.mark.parametrize(("mutate", "field"), [
    (_item_mutation(quantity=0), "items[0].quantity"),
    (_item_mutation(quantity=51), "items[0].quantity"),
    (_item_mutation(quantity="2"), "items[0].quantity"),
    (_item_mutation(quantity=True), "items[0].quantity"),
    (_item_mutation(quantity=2.0), "items[0].quantity"),
    (_item_mutation(quantity=None), "items[0].quantity"),
    (_drop("items", 0, "quantity"), "items[0].quantity"),
    (_item_mutation(menu_item="1"), "items[0].menu_item"),
    (_item_mutation(menu_item=True), "items[0].menu_item"),
    (_item_mutation(menu_item=2**70), "items[0].menu_item"),
    (_item_mutation(options="1"), "items[0].options"),
    (_item_mutation(options=[1, 1]), "items[0].options"),
    (_item_mutation(options=["x"]), "items[0].options[0]"),
    (_item_mutation(special_instructions="x" * 501), "items[0].special_instructions"),
    (_set("items", value=[]), "items"),
    (_set("items", value="pizza"), "items"),
    (_set("items", value=[7]), "items[0]"),
    (_drop("items"), "items"),
    (_drop("restaurant"), "restaurant"),
    (_set("restaurant", value="abc"), "restaurant"),
    (_set("restaurant", value=True), "restaurant"),
    (_set("restaurant", value=12.5), "restaurant"),
    (_set("payment_method", value="bitcoin"), "payment_method"),
    (_drop("payment_method"), "payment_method"),
    (_set("notes", value="x" * 1001), "notes"),
    (_drop("delivery_address"), "delivery_address"),
    (_set("delivery_address", value="742 Evergreen"), "delivery_address"),
    (_drop("delivery_address", "street"), "delivery_address.street"),
    (_set("delivery_address", "zip_code", value=""), "delivery_address.zip_code"),
    (_set("delivery_address", "city", value="x" * 101), "delivery_address.city"),
    (_set("delivery_address", "lat", value=91), "delivery_address.lat"),
    (_set("delivery_address", "lng", value="12.5"), "delivery_address.lng"),
])
def test_malformed_requests_name_the_field_and_write_nothing(customer_client, restaurant, menu_item, mutate, field):
    # given
    body = order_payload(restaurant, (menu_item, 1))
    mutate(body)

    # when
    response = customer_client.post(URL, body, format="json")

    # then
    _assert_error(response, 400, "validation_error", field)
    assert _nothing_written()


def test_more_than_a_hundred_lines_are_refused(customer_client, restaurant, menu_item):
    body = order_payload(restaurant, *[(menu_item, 1)] * 101)
    _assert_error(customer_client.post(URL, body, format="json"), 400, "validation_error", "items")
    assert _nothing_written()


def test_a_hundred_lines_are_fine(customer_client, restaurant, menu_item):
    body = order_payload(restaurant, *[(menu_item, 1)] * 100)
    response = customer_client.post(URL, body, format="json")
    assert response.status_code == 201 and response.json()["item_count"] == 100


@pytest.mark.parametrize("raw", [b'{"restaurant": 1, "items": [', b"not json", b'"a string"', b"[1, 2]"])
def test_a_body_that_is_not_a_json_object_is_a_bad_request(customer_client, restaurant, raw):
    response = customer_client.generic("POST", URL, raw, content_type="application/json")
    _assert_error(response, 400)
    assert _nothing_written()


@pytest.mark.parametrize("restaurant_ref", [987654, "2f1c0e4e-5d7a-4b43-9a43-1e0f9e0d7b11"])
def test_an_unknown_restaurant_is_named(customer_client, restaurant, menu_item, restaurant_ref):
    body = order_payload(restaurant, (menu_item, 1), restaurant=restaurant_ref)
    _assert_error(customer_client.post(URL, body, format="json"), 400, "restaurant_not_found", "restaurant")
    assert _nothing_written()


@pytest.mark.parametrize(("changes", "code", "word"), [
    ({"is_active": False}, "restaurant_inactive", "not taking orders"),
    ({"accepting_orders": False}, "restaurant_paused", "paused"),
    ({"accepting_orders": False, "paused_until": timezone.now() + timedelta(hours=1)}, "restaurant_paused", "paused"),
    ({"opening_hours": {}}, "restaurant_closed", "closed"),
])
def test_a_restaurant_not_taking_orders_is_a_conflict(customer_client, restaurant, menu_item, changes, code, word):
    # given
    for name, value in changes.items():
        setattr(restaurant, name, value)
    restaurant.save()

    # when
    response = customer_client.post(URL, order_payload(restaurant, (menu_item, 1)), format="json")

    # then
    body = _assert_error(response, 409, code, "restaurant")
    assert word in body["error"]["message"]
    assert _nothing_written()


def test_hours_that_exclude_now_close_the_restaurant(customer_client, restaurant, menu_item):
    # given: open only on the weekday after today (local time UTC)
    tomorrow = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")[
        (timezone.now().weekday() + 1) % 7]
    restaurant.opening_hours = {tomorrow: [{"open": "10:00", "close": "11:00"}]}
    restaurant.save()

    # when / then
    response = customer_client.post(URL, order_payload(restaurant, (menu_item, 1)), format="json")
    _assert_error(response, 409, "restaurant_closed")
    assert _nothing_written()


def test_a_pause_that_has_ended_resumes_ordering(customer_client, restaurant, menu_item):
    restaurant.accepting_orders = False
    restaurant.paused_until = timezone.now() - timedelta(minutes=5)
    restaurant.save()
    assert customer_client.post(URL, order_payload(restaurant, (menu_item, 1)), format="json").status_code == 201


def test_unknown_and_foreign_items_are_refused(customer_client, restaurant, menu_item, other_restaurant):
    # given
    foreign = menu_item_in(other_restaurant)
    body = order_payload(restaurant, (menu_item, 1), (foreign, 1))

    # when / then
    _assert_error(customer_client.post(URL, body, format="json"), 400, "item_not_found", "items[1].menu_item")
    body["items"][1]["menu_item"] = 987654
    _assert_error(customer_client.post(URL, body, format="json"), 400, "item_not_found", "items[1].menu_item")
    assert _nothing_written()


def test_an_unavailable_item_is_refused(customer_client, restaurant, menu_item):
    menu_item.is_available = False
    menu_item.save()
    response = customer_client.post(URL, order_payload(restaurant, (menu_item, 1)), format="json")
    _assert_error(response, 409, "item_unavailable", "items[0].menu_item")
    assert _nothing_written()


@pytest.fixture
def sized_item(restaurant):
    """A burger with Size (choose exactly 1) and Extras (choose up to 2)."""
    item = menu_item_in(restaurant, name="Burger")
    size = f.OptionGroupFactory(item=item, name="Size", min_select=1, max_select=1)
    extras = f.OptionGroupFactory(item=item, name="Extras", min_select=0, max_select=2)
    return {
        "item": item,
        "small": f.OptionFactory(group=size, name="Small", price_delta=Decimal("0")),
        "large": f.OptionFactory(group=size, name="Large", price_delta=Decimal("2.00")),
        "extras": [f.OptionFactory(group=extras, name=name) for name in ("Bacon", "Cheese", "Egg")],
    }


@pytest.mark.parametrize(("choose", "status", "code"), [
    (lambda s: [], 400, "option_group_min"),
    (lambda s: [s["small"].id, s["large"].id], 400, "option_group_max"),
    (lambda s: [s["small"].id, *[o.id for o in s["extras"]]], 400, "option_group_max"),
    (lambda s: [s["small"].id, f.OptionFactory().id], 400, "invalid_option"),
    (lambda s: [s["small"].id, 987654], 400, "invalid_option"),
])
def test_option_choices_must_fit_the_items_groups(customer_client, restaurant, sized_item, choose, status, code):
    # given
    body = order_payload(restaurant, (sized_item["item"], 1, choose(sized_item)))

    # when / then
    _assert_error(customer_client.post(URL, body, format="json"), status, code, "items[0].options")
    assert _nothing_written()


def test_an_unavailable_option_is_refused(customer_client, restaurant, sized_item):
    sized_item["large"].is_available = False
    sized_item["large"].save()
    body = order_payload(restaurant, (sized_item["item"], 1, [sized_item["large"].id]))
    _assert_error(customer_client.post(URL, body, format="json"), 409, "option_unavailable", "items[0].options")
    assert _nothing_written()


def test_valid_options_are_priced(customer_client, restaurant, sized_item):
    body = order_payload(restaurant, (sized_item["item"], 2, [sized_item["large"].id, sized_item["extras"][0].id]))
    response = customer_client.post(URL, body, format="json")
    assert response.status_code == 201
    assert response.json()["lines"][0]["unit_price"] == "13.00"  # 10.00 + 2.00 + 1.00


def test_below_the_minimum_order_names_the_minimum(customer_client, priced_restaurant):
    # given
    item = menu_item_in(priced_restaurant, price=Decimal("4.99"))

    # when
    response = customer_client.post(URL, order_payload(priced_restaurant, (item, 3)), format="json")

    # then
    body = _assert_error(response, 400, "below_minimum_order")
    assert "15.00" in body["error"]["message"] and body["error"]["minimum_order"] == "15.00"
    assert _nothing_written()


# --- idempotency -----------------------------------------------------------------------------------
def test_the_same_key_returns_the_same_order(customer_client, restaurant, menu_item):
    # given
    body = order_payload(restaurant, (menu_item, 1))

    # when
    first = customer_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="abc-123")
    again = customer_client.post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="abc-123")

    # then
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 1 and OutboxEvent.objects.count() == 1


def test_the_same_key_with_another_body_is_a_conflict(customer_client, restaurant, menu_item):
    customer_client.post(URL, order_payload(restaurant, (menu_item, 1)), format="json", HTTP_IDEMPOTENCY_KEY="k")
    response = customer_client.post(URL, order_payload(restaurant, (menu_item, 2)), format="json",
                                    HTTP_IDEMPOTENCY_KEY="k")
    _assert_error(response, 409, "idempotency_key_reused")
    assert Order.objects.count() == 1


@pytest.mark.parametrize("key", ["x" * 256, "   "])
def test_an_unusable_key_is_a_bad_request(customer_client, restaurant, menu_item, key):
    response = customer_client.post(URL, order_payload(restaurant, (menu_item, 1)), format="json",
                                    HTTP_IDEMPOTENCY_KEY=key)
    _assert_error(response, 400, "invalid_idempotency_key", "Idempotency-Key")
    assert _nothing_written()


def test_a_255_character_key_is_fine(customer_client, restaurant, menu_item):
    response = customer_client.post(URL, order_payload(restaurant, (menu_item, 1)), format="json",
                                    HTTP_IDEMPOTENCY_KEY="k" * 255)
    assert response.status_code == 201


# --- rate limit ------------------------------------------------------------------------------------
def test_placing_is_rate_limited_per_customer_counting_every_attempt(customer_client, restaurant, menu_item,
                                                                   settings):
    # given: 2 attempts an hour; the first attempt is invalid and still counts
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "order_place": "2/h"}
    body = order_payload(restaurant, (menu_item, 1))
    assert customer_client.post(URL, {**body, "payment_method": "x"}, format="json").status_code == 400
    assert customer_client.post(URL, body, format="json").status_code == 201

    # when
    response = customer_client.post(URL, body, format="json")

    # then
    _assert_error(response, 429, "rate_limited")
    assert int(response["Retry-After"]) > 0
    assert Order.objects.count() == 1
    assert bearer_client(f.UserFactory()).post(URL, body, format="json").status_code == 201


# --- reading ---------------------------------------------------------------------------------------
@pytest.fixture
def orders_of_two_tenants(customer, restaurant, menu_item, other_restaurant):
    ours = [place(customer=customer, restaurant=restaurant, lines=[(menu_item, n)]).order for n in (1, 3)]
    theirs = place(customer=f.UserFactory(), restaurant=other_restaurant,
                   lines=[(menu_item_in(other_restaurant), 1)]).order
    return ours, theirs


def _listed_ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


def test_the_list_item_is_the_order_summary(customer_client, orders_of_two_tenants, restaurant):
    # when
    body = customer_client.get(URL, {"ordering": "total"}).json()

    # then
    assert body["count"] == 2 and {"next", "previous"} <= set(body)
    item = body["results"][0]
    assert set(item) == SUMMARY_KEYS
    assert (item["restaurant_id"], item["tenant_id"], item["restaurant_name"]) == (
        restaurant.id, str(restaurant.tenant_id), restaurant.name)
    assert item["lines"] == [{"name": item["lines"][0]["name"], "quantity": 1, "options": [], "option_detail": [],
                              "special_instructions": ""}]
    assert item["next_statuses"] == ["cancelled"] and item["total"] == "13.30"  # a customer may only cancel


# What each viewer may do next, written from the state machine's table (orders/state_machine.py):
# customers may only cancel a pending order; the restaurant side (owner, staff, admin) moves it on
# and may cancel it until it is being prepared.
RESTAURANT_NEXT = {"pending": ["confirmed", "cancelled"], "confirmed": ["preparing", "cancelled"],
                   "ready": ["out_for_delivery"]}
NEXT_STATUSES = {"customer": {"pending": ["cancelled"], "confirmed": [], "ready": []},
                 "owner": RESTAURANT_NEXT, "staff": RESTAURANT_NEXT, "admin": RESTAURANT_NEXT}
VIEWER_CLIENTS = {"customer": "customer_client", "owner": "owner_client", "staff": "staff_client",
                  "admin": "admin_client_api"}


def _summary_read_off(detail: dict) -> dict:
    """The list item the detail body implies: the same fields, under the summary's names."""
    return {
        "id": detail["id"], "order_number": detail["order_number"], "restaurant_id": detail["restaurant"]["id"],
        "tenant_id": detail["restaurant"]["tenant_id"], "restaurant_name": detail["restaurant"]["name"],
        "customer_id": detail["customer_id"], "customer_name": detail["customer_name"], "status": detail["status"],
        "payment_method": detail["payment_method"], "payment_status": detail["payment_status"],
        "total": detail["total"], "currency": detail["currency"], "item_count": detail["item_count"],
        "lines": [{"name": line["name"], "quantity": line["quantity"],
                   "options": [option["name"] for option in line["options"]],
                   "option_detail": [{"group": option["group"], "name": option["name"]} for option in line["options"]],
                   "special_instructions": line["special_instructions"]} for line in detail["lines"]],
        "channel": detail["channel"], "fulfilment": detail["fulfilment"],
        "notes": detail["notes"], "created_at": detail["created_at"], "updated_at": detail["updated_at"],
        "estimated_ready_at": detail["estimated_ready_at"], "next_statuses": detail["allowed_transitions"],
    }


@pytest.mark.parametrize("status", ["pending", "confirmed", "ready"])
@pytest.mark.parametrize("viewer", list(VIEWER_CLIENTS))
def test_the_list_item_and_the_detail_agree_for_every_viewer(pending_order, owner, viewer, status, request):
    # given
    path = {"pending": [], "confirmed": ["confirmed"], "ready": ["confirmed", "preparing", "ready"]}[status]
    advance(pending_order, *path, actor=owner)
    client = request.getfixturevalue(VIEWER_CLIENTS[viewer])

    # when
    listed = client.get(URL).json()["results"]
    detail = client.get(f"{URL}{pending_order.pk}/").json()

    # then
    assert [item["id"] for item in listed] == [str(pending_order.pk)]
    assert listed[0] == _summary_read_off(detail)
    assert listed[0]["next_statuses"] == NEXT_STATUSES[viewer][status]


def test_customers_list_their_own_orders(customer_client, orders_of_two_tenants):
    ours, _ = orders_of_two_tenants
    assert _listed_ids(customer_client.get(URL)) == {str(o.pk) for o in ours}
    assert _listed_ids(bearer_client(f.UserFactory()).get(URL)) == set()


@pytest.mark.parametrize("client_fixture", ["owner_client", "staff_client"])
def test_members_list_their_tenants_orders(orders_of_two_tenants, client_fixture, request):
    ours, _ = orders_of_two_tenants
    assert _listed_ids(request.getfixturevalue(client_fixture).get(URL)) == {str(o.pk) for o in ours}


def test_another_tenants_owner_sees_none_of_ours(orders_of_two_tenants, other_owner, other_restaurant):
    _, theirs = orders_of_two_tenants
    assert _listed_ids(bearer_client(other_owner, other_restaurant).get(URL)) == {str(theirs.pk)}
    assert _listed_ids(bearer_client(other_owner).get(URL)) == {str(theirs.pk)}  # its only membership


def test_an_owner_asks_for_their_own_orders_with_scope_mine(owner, owner_client, orders_of_two_tenants,
                                                            other_restaurant):
    own = place(customer=owner, restaurant=other_restaurant, lines=[(menu_item_in(other_restaurant), 1)]).order
    assert _listed_ids(owner_client.get(URL, {"scope": "mine"})) == {str(own.pk)}


def test_admins_see_all_or_the_tenant_they_name(admin_user, orders_of_two_tenants, other_restaurant):
    ours, theirs = orders_of_two_tenants
    assert _listed_ids(bearer_client(admin_user).get(URL)) == {str(o.pk) for o in [*ours, theirs]}
    assert _listed_ids(bearer_client(admin_user, other_restaurant).get(URL)) == {str(theirs.pk)}


def test_list_filters(owner, owner_client, orders_of_two_tenants, restaurant, other_restaurant):
    # given
    first, second = orders_of_two_tenants[0]
    advance(first, OrderStatus.CONFIRMED, actor=owner)
    Order.objects.filter(pk=second.pk).update(created_at=timezone.now() - timedelta(days=3))
    yesterday = (timezone.now() - timedelta(days=1)).isoformat()

    # when / then
    assert _listed_ids(owner_client.get(URL, {"status": "confirmed"})) == {str(first.pk)}
    assert _listed_ids(owner_client.get(URL, {"status": "pending,confirmed"})) == {str(first.pk), str(second.pk)}
    assert _listed_ids(owner_client.get(URL, {"created_after": yesterday})) == {str(first.pk)}
    assert _listed_ids(owner_client.get(URL, {"created_before": yesterday})) == {str(second.pk)}
    assert _listed_ids(owner_client.get(URL, {"restaurant": restaurant.id})) == {str(first.pk), str(second.pk)}
    assert _listed_ids(owner_client.get(URL, {"restaurant": other_restaurant.id})) == set()
    totals = [item["total"] for item in owner_client.get(URL, {"ordering": "-total"}).json()["results"]]
    assert totals == sorted(totals, key=Decimal, reverse=True)


@pytest.mark.parametrize(("params", "field"), [
    ({"status": "eaten"}, "status"),
    ({"status": "pending,eaten"}, "status"),
    ({"created_after": "yesterday"}, "created_after"),
    ({"created_before": "2024-13-45T99:00"}, "created_before"),
    ({"ordering": "customer__password"}, "ordering"),
    ({"restaurant": "abc"}, "restaurant"),
    ({"scope": "everything"}, "scope"),
])
def test_bad_list_parameters_are_named(customer_client, params, field):
    _assert_error(customer_client.get(URL, params), 400, "validation_error", field)


def test_the_list_is_paginated(customer_client, orders_of_two_tenants):
    body = customer_client.get(URL, {"page_size": 1}).json()
    assert body["count"] == 2 and len(body["results"]) == 1 and body["next"]


def test_listing_costs_the_same_queries_for_more_orders(owner_client, restaurant, menu_item):
    # given
    def queries_for_listing() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert owner_client.get(URL).status_code == 200
        return len(captured)

    place(customer=f.UserFactory(), restaurant=restaurant, lines=[(menu_item, 1)])
    with_one = queries_for_listing()
    for _ in range(5):
        place(customer=f.UserFactory(), restaurant=restaurant, lines=[(menu_item, 1), (menu_item, 2)])

    # when
    with_six = queries_for_listing()

    # then
    assert with_six == with_one


def test_the_detail_is_visible_to_the_customer_and_the_tenant(pending_order, customer_client, owner_client,
                                                              staff_client, admin_client_api):
    url = f"{URL}{pending_order.pk}/"
    mine = customer_client.get(url).json()
    assert set(mine) == DETAIL_KEYS and mine["allowed_transitions"] == ["cancelled"]
    assert owner_client.get(url).json()["allowed_transitions"] == ["confirmed", "cancelled"]
    assert staff_client.get(url).status_code == 200
    assert admin_client_api.get(url).status_code == 200


def test_the_detail_is_hidden_from_everyone_else(pending_order, other_owner, other_restaurant, api_client):
    url = f"{URL}{pending_order.pk}/"
    _assert_error(bearer_client(f.UserFactory()).get(url), 404, "order_not_found")
    _assert_error(bearer_client(other_owner, other_restaurant).get(url), 404, "order_not_found")
    _assert_error(api_client.get(url), 401)


@pytest.mark.parametrize("order_id", ["not-a-uuid", "1", str(uuid.uuid4()), "%20"])
def test_a_malformed_or_unknown_id_is_a_json_404(customer_client, order_id):
    _assert_error(customer_client.get(f"{URL}{order_id}/"), 404)


# --- status changes --------------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["post", "put", "patch"])
def test_the_restaurant_confirms_an_order(pending_order, owner_client, owner, method,
                                          django_capture_on_commit_callbacks):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(owner_client, method)(_status_url(pending_order), {"status": "confirmed"}, format="json")

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "confirmed" and body["confirmed_at"]
    assert body["allowed_transitions"] == ["preparing", "cancelled"]
    assert body["status_history"] == [{"from_status": "pending", "to_status": "confirmed", "by_id": owner.id,
                                       "at": body["status_history"][0]["at"], "reason": "", "automatic": False}]
    assert OutboxEvent.objects.filter(event_type="order_status_updated").count() == 1


def test_staff_move_orders_forward(pending_order, staff_client):
    for status in ("confirmed", "preparing", "ready"):
        assert staff_client.post(_status_url(pending_order), {"status": status}, format="json").status_code == 200
    assert Order.objects.get(pk=pending_order.pk).ready_at is not None


def test_a_customer_may_not_move_their_order_forward(pending_order, customer_client):
    response = customer_client.post(_status_url(pending_order), {"status": "confirmed"}, format="json")
    _assert_error(response, 403, "transition_forbidden")
    assert Order.objects.get(pk=pending_order.pk).status == "pending"
    assert not OrderStatusChange.objects.exists()


def test_a_customer_cancels_their_pending_order(pending_order, customer_client):
    response = customer_client.post(_status_url(pending_order), {"status": "cancelled"}, format="json")
    assert response.status_code == 200 and response.json()["cancelled_at"]


def test_strangers_get_404_on_status_changes(pending_order, other_owner, other_restaurant):
    for client in (bearer_client(f.UserFactory()), bearer_client(other_owner, other_restaurant)):
        _assert_error(client.post(_status_url(pending_order), {"status": "cancelled"}, format="json"), 404)
    assert Order.objects.get(pk=pending_order.pk).status == "pending"


def test_a_disallowed_transition_names_the_current_status_and_options(pending_order, owner_client):
    response = owner_client.post(_status_url(pending_order), {"status": "delivered"}, format="json")
    body = _assert_error(response, 409, "invalid_transition")
    assert body["error"]["current_status"] == "pending"
    assert body["error"]["allowed"] == ["confirmed", "cancelled"]
    assert "pending" in body["error"]["message"]


@pytest.mark.parametrize("payload", [{"status": "eaten"}, {}, {"status": 3}, {"status": "cancelled",
                                                                               "reason": "x" * 501}])
def test_bad_status_input_is_a_bad_request(pending_order, owner_client, payload):
    _assert_error(owner_client.post(_status_url(pending_order), payload, format="json"), 400, "validation_error")
    assert Order.objects.get(pk=pending_order.pk).status == "pending"


def test_cancelling_a_confirmed_order_needs_a_reason(pending_order, owner, owner_client):
    advance(pending_order, OrderStatus.CONFIRMED, actor=owner)
    _assert_error(owner_client.post(_status_url(pending_order), {"status": "cancelled"}, format="json"),
                  400, "reason_required", "reason")
    response = owner_client.post(_status_url(pending_order), {"status": "cancelled", "reason": "Oven broke"},
                                 format="json")
    assert response.status_code == 200 and response.json()["cancel_reason"] == "Oven broke"
