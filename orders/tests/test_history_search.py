"""GET /api/orders/ history filters: search, created_from/created_to (local dates, DST-correct)."""

from datetime import UTC, datetime

import pytest

from foodsys.testing import factories as f
from foodsys.testing.fixtures import bearer_client
from orders.models import Order
from orders.tests.helpers import menu_item_in, place

URL = "/api/orders/"
pytestmark = pytest.mark.django_db


def _ids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["results"]}


def _order_at(restaurant, item, at: datetime, **fields) -> Order:
    order = place(customer=fields.pop("customer", None) or f.UserFactory(), restaurant=restaurant,
                  lines=[(item, 1)]).order
    Order.objects.filter(pk=order.pk).update(created_at=at, **fields)
    order.refresh_from_db()
    return order


@pytest.fixture
def berlin(restaurant):
    restaurant.timezone = "Europe/Berlin"
    restaurant.save(update_fields=["timezone"])
    return restaurant


def test_local_days_across_the_spring_dst_change(owner_client, berlin):
    # given: Berlin's 2026-03-29 runs 23:00Z (28th) to 22:00Z (29th): 23 hours (independently worked out)
    item = menu_item_in(berlin)
    at = {name: datetime(*parts, tzinfo=UTC) for name, parts in {
        "28_late": (2026, 3, 28, 22, 59, 59), "29_first": (2026, 3, 28, 23, 0, 0),
        "29_gap": (2026, 3, 29, 1, 30, 0), "29_last": (2026, 3, 29, 21, 59, 59),
        "30_first": (2026, 3, 29, 22, 0, 0)}.items()}
    orders = {name: str(_order_at(berlin, item, when).pk) for name, when in at.items()}

    def listed(**params):
        return _ids(owner_client.get(URL, params))

    # then
    assert listed(created_from="2026-03-29", created_to="2026-03-29") == {
        orders["29_first"], orders["29_gap"], orders["29_last"]}
    assert listed(created_from="2026-03-28", created_to="2026-03-28") == {orders["28_late"]}
    assert listed(created_from="2026-03-30") == {orders["30_first"]}
    assert listed(created_to="2026-03-28") == {orders["28_late"]}
    assert listed(created_from="2026-03-28", created_to="2026-03-30") == set(orders.values())


def test_local_day_in_autumn_is_25_hours(owner_client, berlin):
    item = menu_item_in(berlin)
    # 2026-10-25 local = [2026-10-24T22:00Z, 2026-10-25T23:00Z)
    inside = [_order_at(berlin, item, datetime(2026, 10, 24, 22, 0, tzinfo=UTC)),
              _order_at(berlin, item, datetime(2026, 10, 25, 22, 59, 59, tzinfo=UTC))]
    _order_at(berlin, item, datetime(2026, 10, 24, 21, 59, 59, tzinfo=UTC))
    _order_at(berlin, item, datetime(2026, 10, 25, 23, 0, tzinfo=UTC))
    assert _ids(owner_client.get(URL, {"created_from": "2026-10-25", "created_to": "2026-10-25"})) == {
        str(o.pk) for o in inside}


def test_search_by_each_field(owner_client, restaurant):
    item = menu_item_in(restaurant)
    when = datetime(2026, 5, 1, 12, tzinfo=UTC)
    by_name = _order_at(restaurant, item, when, customer=f.UserFactory(name="Zelda Quorn", email="zq@example.com"))
    by_email = _order_at(restaurant, item, when, customer=f.UserFactory(name="Al", email="hungry.hippo@example.org"))
    by_contact = _order_at(restaurant, item, when, contact_name="Marvin Phoneorder", contact_phone="+49 30 5550199")
    by_number = _order_at(restaurant, item, when, order_number="20260501-9876")

    def found(term):
        return _ids(owner_client.get(URL, {"search": term}))

    assert found("zelda qu") == {str(by_name.pk)}
    assert found("HUNGRY.hippo") == {str(by_email.pk)}
    assert found("phoneORDER") == {str(by_contact.pk)}
    assert found("5550199") == {str(by_contact.pk)}
    assert found("-9876") == {str(by_number.pk)}
    assert found("no-such-thing") == set()


def test_search_combines_with_status_and_stays_paginated(owner_client, restaurant):
    item = menu_item_in(restaurant)
    kept = _order_at(restaurant, item, datetime(2026, 5, 1, tzinfo=UTC), contact_name="Needle")
    _order_at(restaurant, item, datetime(2026, 5, 1, tzinfo=UTC), contact_name="Needle", status="cancelled")
    response = owner_client.get(URL, {"search": "needle", "status": "pending", "created_from": "2026-05-01",
                                      "created_to": "2026-05-01"})
    assert _ids(response) == {str(kept.pk)}
    assert {"count", "results"} <= set(response.json())


def test_another_tenants_orders_never_appear(owner_client, restaurant, other_restaurant, other_owner):
    when = datetime(2026, 5, 1, 12, tzinfo=UTC)
    ours = _order_at(restaurant, menu_item_in(restaurant), when, contact_name="Shared Name")
    theirs = _order_at(other_restaurant, menu_item_in(other_restaurant), when, contact_name="Shared Name")
    params = {"search": "shared", "created_from": "2026-05-01", "created_to": "2026-05-01"}
    assert _ids(owner_client.get(URL, params)) == {str(ours.pk)}
    assert _ids(bearer_client(other_owner).get(URL, params)) == {str(theirs.pk)}
    assert bearer_client(other_owner, restaurant).get(URL, params).status_code in (403, 404)


@pytest.mark.parametrize(("params", "field"), [
    ({"search": "a"}, "search"),
    ({"search": "x" * 101}, "search"),
    ({"created_from": "2026-13-01"}, "created_from"),
    ({"created_from": "yesterday"}, "created_from"),
    ({"created_to": "2026-03-29T10:00"}, "created_to"),
    ({"created_from": "2026-03-30", "created_to": "2026-03-29"}, "created_from"),
])
def test_bad_history_filters_are_400s_naming_the_field(owner_client, params, field):
    response = owner_client.get(URL, params)
    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"], response.json()
