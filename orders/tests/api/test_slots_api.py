"""GET /api/restaurants/{id}/slots/: the day's slots with remaining capacity; bad query fields are 400s naming them."""

import uuid
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from foodsys.testing import factories as f
from foodsys.testing.fixtures import bearer_client
from orders.enums import OrderStatus
from orders.models import Order

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # Monday 10:00 in Berlin
DINNER = {day: [{"open": "18:00", "close": "20:00"}] for day in ("monday", "tuesday", "wednesday")}


@pytest.fixture(autouse=True)
def _frozen_now(monkeypatch):
    monkeypatch.setattr("orders.api.slots.timezone", SimpleNamespace(now=lambda: NOW))


@pytest.fixture
def berlin(db):
    return f.RestaurantFactory(timezone="Europe/Berlin", opening_hours=DINNER, slot_minutes=30,
                               schedule_days_ahead=1, slot_capacity_orders=2, slot_capacity_load=10)


def _get(client, restaurant, **query):
    return client.get(f"/api/restaurants/{restaurant.pk}/slots/", query)


def _order(restaurant, at, *, load=1, fulfilment="pickup", status=OrderStatus.PENDING):
    Order.objects.create(tenant=restaurant, order_number=f"T-{uuid.uuid4().hex[:10]}", payment_method="cash",
                         subtotal=0, delivery_fee=0, tax=0, total=0, currency="EUR", fulfilment=fulfilment,
                         status=status, scheduled_for=at, load=load)


def _field_error(response, field: str) -> list[str]:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["error"]["code"] == "validation_error"
    assert list(body["error"]["fields"]) == [field], body
    return body["error"]["fields"][field]


def test_anyone_gets_the_days_slots_in_local_labels_with_utc_starts(api_client, berlin):
    _order(berlin, datetime(2026, 12, 8, 17, 0, tzinfo=UTC))  # Tuesday 18:00 Berlin, pickup
    _order(berlin, datetime(2026, 12, 8, 17, 0, tzinfo=UTC), load=2)
    _order(berlin, datetime(2026, 12, 8, 17, 30, tzinfo=UTC), load=9, status=OrderStatus.CONFIRMED)
    _order(berlin, datetime(2026, 12, 8, 18, 0, tzinfo=UTC), load=9, status=OrderStatus.CANCELLED)

    response = _get(api_client, berlin, fulfilment="pickup", date="2026-12-08")

    assert response.status_code == 200, response.content
    body = response.json()
    assert {k: body[k] for k in ("date", "timezone", "fulfilment", "slot_minutes")} == {
        "date": "2026-12-08", "timezone": "Europe/Berlin", "fulfilment": "pickup", "slot_minutes": 30}
    assert [s["label"] for s in body["slots"]] == ["18:00", "18:30", "19:00", "19:30"]
    first = body["slots"][0]
    assert first["start"].startswith("2026-12-08T17:00:00") and first["end"].startswith("2026-12-08T17:30:00")
    assert [(s["orders_left"], s["load_left"], s["available"]) for s in body["slots"]] == [
        (0, 7, False), (1, 1, True), (2, 10, True), (2, 10, True)]


def test_capacity_is_per_fulfilment_type(api_client, berlin):
    _order(berlin, datetime(2026, 12, 8, 17, 0, tzinfo=UTC), fulfilment="pickup")
    _order(berlin, datetime(2026, 12, 8, 17, 0, tzinfo=UTC), fulfilment="pickup")

    delivery = _get(api_client, berlin, fulfilment="delivery", date="2026-12-08").json()

    assert delivery["slots"][0]["orders_left"] == 2 and delivery["slots"][0]["available"] is True


def test_defaults_are_delivery_and_the_restaurants_local_today(api_client, berlin):
    response = _get(api_client, berlin)

    body = response.json()
    assert response.status_code == 200
    assert (body["date"], body["fulfilment"]) == ("2026-12-07", "delivery")
    assert [s["label"] for s in body["slots"]] == ["18:00", "18:30", "19:00", "19:30"]


def test_the_lead_time_hides_slots_too_soon(api_client, berlin, monkeypatch):
    monkeypatch.setattr("orders.api.slots.timezone", SimpleNamespace(
        now=lambda: datetime(2026, 12, 7, 16, 50, tzinfo=UTC)))  # 17:50 Berlin; pickup lead 20 min (target prep)

    labels = [s["label"] for s in _get(api_client, berlin, fulfilment="pickup").json()["slots"]]

    assert labels == ["18:30", "19:00", "19:30"]


def test_usage_is_one_query(api_client, berlin):
    with CaptureQueriesContext(connection) as queries:
        assert _get(api_client, berlin, fulfilment="pickup", date="2026-12-08").status_code == 200

    assert len([q for q in queries if '"orders_order"' in q["sql"]]) == 1


@pytest.mark.parametrize(("query", "field"), [
    ({"fulfilment": "drone"}, "fulfilment"),
    ({"date": "2026-13-01"}, "date"),
    ({"date": "tomorrow"}, "date"),
    ({"date": "2026-12-09"}, "date"),  # beyond today + schedule_days_ahead (1)
    ({"date": "2026-12-06"}, "date"),  # yesterday
])
def test_bad_query_fields_are_400s_naming_them(api_client, berlin, query, field):
    _field_error(_get(api_client, berlin, **query), field)


def test_a_switched_off_fulfilment_is_a_400_on_fulfilment(api_client, berlin):
    berlin.pickup_enabled = False
    berlin.save()

    messages = _field_error(_get(api_client, berlin, fulfilment="pickup"), "fulfilment")

    assert "pickup" in messages[0]


def test_inactive_and_unknown_restaurants_are_404_even_for_their_owner(berlin):
    owner = f.OwnerFactory()
    f.MembershipFactory(user=owner, tenant=berlin)
    berlin.is_active = False
    berlin.save()

    assert _get(bearer_client(owner, berlin), berlin).status_code == 404
    assert bearer_client().get("/api/restaurants/999999/slots/").status_code == 404


# --- the settings through the restaurant API -----------------------------------------------------------
@pytest.mark.parametrize(("field", "value"), [
    ("slot_minutes", 4), ("schedule_days_ahead", 15), ("slot_capacity_orders", 0), ("slot_capacity_load", -1),
    ("pickup_enabled", "maybe"),
])
def test_bad_slot_settings_through_the_api_are_400s_naming_the_field(owner_client, restaurant, field, value):
    response = owner_client.patch(f"/api/restaurants/{restaurant.pk}/", {field: value}, format="json")

    _field_error(response, field)


def test_slot_settings_round_trip_through_the_api(owner_client, restaurant):
    response = owner_client.patch(f"/api/restaurants/{restaurant.pk}/", {
        "slot_minutes": 20, "slot_capacity_orders": None, "slot_capacity_load": 30, "delivery_enabled": False},
        format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["slot_minutes"], body["slot_capacity_orders"], body["slot_capacity_load"],
            body["delivery_enabled"], body["pickup_enabled"], body["schedule_days_ahead"]) == (20, None, 30, False,
                                                                                                True, 2)


def test_item_load_through_the_menu_api(owner_client, menu_item):
    bad = owner_client.patch(f"/api/menu/items/{menu_item.pk}/", {"load": 0}, format="json")
    good = owner_client.patch(f"/api/menu/items/{menu_item.pk}/", {"load": 5}, format="json")

    _field_error(bad, "load")
    assert good.status_code == 200 and good.json()["load"] == 5
