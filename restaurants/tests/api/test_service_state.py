"""Busy mode and pause from the board: members only, bounded, ending by themselves."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from foodsys.testing import factories as f
from foodsys.testing.fixtures import bearer_client
from orders.services import OrderLineInput, order_place
from restaurants.models import Restaurant

pytestmark = pytest.mark.django_db


def _url(restaurant, what: str) -> str:
    return f"/api/restaurants/{restaurant.pk}/{what}/"


@pytest.mark.parametrize("who", ["owner_client", "staff_client", "admin_client_api"])
def test_a_member_starts_busy_mode_for_the_stated_minutes(request, restaurant, who):
    client = request.getfixturevalue(who)
    before = timezone.now()

    response = client.post(_url(restaurant, "busy"), {"minutes": 30, "extra_prep_minutes": 15}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    busy_until = parse_datetime(body["busy_until"])
    assert before + timedelta(minutes=30) <= busy_until <= timezone.now() + timedelta(minutes=30)
    assert body["busy"] is True and body["busy_extra_prep_minutes"] == 15
    restaurant.refresh_from_db()
    assert restaurant.busy_until == busy_until and restaurant.busy_extra_prep_minutes == 15


def test_busy_mode_ends_by_itself_and_on_delete(owner_client, restaurant):
    restaurant.busy_until = timezone.now() - timedelta(seconds=1)
    restaurant.busy_extra_prep_minutes = 20
    restaurant.save()

    expired = owner_client.get(_url(restaurant, "service-state")).json()
    assert expired["busy"] is False and expired["busy_until"] is None and expired["busy_extra_prep_minutes"] == 0

    owner_client.post(_url(restaurant, "busy"), {"minutes": 60, "extra_prep_minutes": 10}, format="json")
    ended = owner_client.delete(_url(restaurant, "busy"))
    assert ended.status_code == 200 and ended.json()["busy"] is False
    restaurant.refresh_from_db()
    assert restaurant.busy_until is None


def test_busy_minutes_reach_the_quote_of_a_new_order(owner_client, restaurant, customer):
    item = f.MenuItemFactory(category=f.CategoryFactory(tenant=restaurant), price=Decimal("9.00"),
                             preparation_time=10)
    owner_client.post(_url(restaurant, "busy"), {"minutes": 30, "extra_prep_minutes": 25}, format="json")

    placed = order_place(customer=customer, restaurant_ref=restaurant.pk,
                         lines=[OrderLineInput(menu_item_id=item.pk, quantity=1)],
                         delivery_address={"street": "1 Main St", "city": "Town"}, payment_method="cash")

    ready_in = placed.order.estimated_ready_at - placed.order.created_at
    assert timedelta(minutes=35) - timedelta(seconds=5) <= ready_in <= timedelta(minutes=35) + timedelta(seconds=5)


@pytest.mark.parametrize(("body", "field"), [
    ({"minutes": 12 * 60 + 1, "extra_prep_minutes": 15}, "minutes"),
    ({"minutes": 0, "extra_prep_minutes": 15}, "minutes"),
    ({"minutes": 30, "extra_prep_minutes": -5}, "extra_prep_minutes"),
    ({"minutes": "soon"}, "minutes"),
    ({}, "minutes"),
])
def test_bad_busy_input_is_a_400_naming_the_field_and_changes_nothing(owner_client, restaurant, body, field):
    response = owner_client.post(_url(restaurant, "busy"), body, format="json")

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    restaurant.refresh_from_db()
    assert restaurant.busy_until is None


def test_pause_until_a_time_resumes_by_itself(staff_client, restaurant):
    response = staff_client.post(_url(restaurant, "pause"), {"minutes": 45}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["paused"] is True and body["accepting_orders"] is False
    until = parse_datetime(body["paused_until"])
    restaurant.refresh_from_db()
    assert restaurant.is_paused(until - timedelta(seconds=1)) is True
    assert restaurant.is_paused(until + timedelta(seconds=1)) is False


def test_pause_without_minutes_lasts_until_resumed(staff_client, restaurant):
    paused = staff_client.post(_url(restaurant, "pause"), {"minutes": None}, format="json").json()
    assert paused["paused"] is True and paused["paused_until"] is None

    resumed = staff_client.delete(_url(restaurant, "pause"))
    assert resumed.status_code == 200 and resumed.json()["paused"] is False
    assert Restaurant.objects.get(pk=restaurant.pk).accepting_orders is True


@pytest.mark.parametrize("what", ["busy", "pause", "service-state"])
def test_outsiders_get_a_404_and_change_nothing(restaurant, customer, other_owner, what):
    for user in (customer, other_owner):
        client = bearer_client(user)
        answer = (client.get(_url(restaurant, what)) if what == "service-state"
                  else client.post(_url(restaurant, what), {"minutes": 30}, format="json"))
        assert answer.status_code == 404, (user, answer.content)
    restaurant.refresh_from_db()
    assert restaurant.busy_until is None and restaurant.accepting_orders is True


def test_anonymous_callers_are_asked_to_log_in(api_client, restaurant):
    assert api_client.post(_url(restaurant, "busy"), {"minutes": 30}, format="json").status_code == 401
