import json
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from accounts.models import Membership, MembershipRole
from foodsys.common.cache import cache_stats
from foodsys.testing import factories as f
from foodsys.testing.fixtures import bearer_client
from restaurants.models import Restaurant
from restaurants.tests.api.fresh import fresh_restaurant_json

pytestmark = pytest.mark.django_db

LIST_URL = "/api/restaurants/"

NEW_RESTAURANT = {
    "name": "Trattoria Uno",
    "description": "Fresh pasta.",
    "cuisines": ["Italian", "Pasta"],
    "phone": "+1 555 0100",
    "email": "hello@trattoria.example",
    "address": {"street": "1 Via Roma", "city": "Springfield", "state": "IL", "zip_code": "62701",
                "lat": "39.781721", "lng": "-89.650148"},
    "timezone": "America/Chicago",
    "opening_hours": {"monday": [{"open": "11:00", "close": "15:00"}, {"open": "18:00", "close": "02:00"}]},
    "delivery_fee": "2.50",
    "minimum_order": "10.00",
    "tax_rate": "0.0800",
    "currency": "USD",
    "estimated_delivery_minutes": 35,
}


def detail_url(restaurant) -> str:
    return f"/api/restaurants/{restaurant.id}/"


def _owner_client_of(restaurant):
    user = f.OwnerFactory()
    f.MembershipFactory(user=user, tenant=restaurant, role=MembershipRole.OWNER)
    return bearer_client(user)


# --- list ------------------------------------------------------------------------------------
def test_list_is_public_paginated_and_shows_only_active_restaurants(api_client):
    active = f.RestaurantFactory(name="Alpha")
    f.RestaurantFactory(name="Hidden", is_active=False)

    response = api_client.get(LIST_URL)

    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"count", "next", "previous", "results"}
    assert [r["id"] for r in body["results"]] == [active.id]
    result = body["results"][0]
    assert result["tenant_id"] == str(active.tenant_id)
    assert result["address"]["city"] == "Springfield"
    assert result["is_open_now"] is True and result["is_paused"] is False


def test_list_pages_link_to_each_other(api_client):
    for n in range(3):
        f.RestaurantFactory(name=f"R{n}")

    first = api_client.get(LIST_URL, {"page_size": 2}).json()
    second = api_client.get(first["next"]).json()

    assert first["count"] == 3 and len(first["results"]) == 2 and first["previous"] is None
    assert len(second["results"]) == 1 and second["next"] is None and second["previous"] is not None


def test_list_page_out_of_range_is_a_json_404(api_client):
    response = api_client.get(LIST_URL, {"page": 99})

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_list_filters_by_city_case_insensitively(api_client):
    berlin = f.RestaurantFactory(city="Berlin")
    f.RestaurantFactory(city="Paris")

    body = api_client.get(LIST_URL, {"city": "berlin"}).json()

    assert [r["id"] for r in body["results"]] == [berlin.id]


def test_list_filters_by_cuisine_as_a_whole_tag_case_insensitively(api_client):
    thai = f.RestaurantFactory(cuisines=["Thai", "Noodles"])
    f.RestaurantFactory(cuisines=["Thaiish fusion"])
    f.RestaurantFactory(cuisines=["Italian"])

    body = api_client.get(LIST_URL, {"cuisine": "THAI"}).json()

    assert [r["id"] for r in body["results"]] == [thai.id]


def test_list_searches_name_and_description(api_client):
    by_name = f.RestaurantFactory(name="Burger Barn", description="")
    by_description = f.RestaurantFactory(name="Corner", description="Best burgers in town")
    f.RestaurantFactory(name="Sushi", description="Fish")

    body = api_client.get(LIST_URL, {"q": "burger"}).json()

    assert {r["id"] for r in body["results"]} == {by_name.id, by_description.id}


def test_list_open_now_keeps_only_restaurants_open_by_their_hours(api_client):
    always = f.RestaurantFactory(opening_hours=None)
    f.RestaurantFactory(opening_hours={})  # closed every day

    body = api_client.get(LIST_URL, {"open_now": "true"}).json()

    assert [r["id"] for r in body["results"]] == [always.id]
    assert body["count"] == 1


def test_list_rejects_an_overlong_search(api_client):
    response = api_client.get(LIST_URL, {"q": "x" * 500})

    assert response.status_code == 400
    assert "q" in response.json()["error"]["fields"]


def test_list_is_served_from_the_cache_on_repeat(api_client, django_assert_num_queries):
    f.RestaurantFactory()
    api_client.get(LIST_URL)

    with django_assert_num_queries(0):
        response = api_client.get(LIST_URL)

    assert response.status_code == 200 and response.json()["count"] == 1


# --- detail ----------------------------------------------------------------------------------
def test_detail_is_public(api_client, restaurant):
    response = api_client.get(detail_url(restaurant))

    body = response.json()
    assert response.status_code == 200
    assert body["id"] == restaurant.id and body["tenant_id"] == str(restaurant.tenant_id)
    assert body["address"] == {"street": "1 Main St", "city": "Springfield", "state": "IL", "zip_code": "62701",
                               "lat": None, "lng": None}
    assert body["tax_rate"] == "0.080000" and body["currency"] == "USD"


def test_detail_of_unknown_restaurant_is_404(api_client):
    response = api_client.get("/api/restaurants/424242/")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_inactive_restaurant_is_404_for_the_public_but_visible_to_its_owner(api_client, customer_client, owner,
                                                                            restaurant):
    restaurant.is_active = False
    restaurant.save()

    assert api_client.get(detail_url(restaurant)).status_code == 404
    assert customer_client.get(detail_url(restaurant)).status_code == 404
    owner_view = bearer_client(owner).get(detail_url(restaurant))
    assert owner_view.status_code == 200 and owner_view.json()["is_active"] is False


def test_paused_until_in_the_future_reports_paused(api_client):
    paused = f.RestaurantFactory(accepting_orders=False, paused_until=timezone.now() + timedelta(hours=1))

    assert api_client.get(detail_url(paused)).json()["is_paused"] is True


def test_pause_ends_by_itself_once_paused_until_passes(api_client):
    resumed = f.RestaurantFactory(accepting_orders=False, paused_until=timezone.now() - timedelta(minutes=1))

    assert api_client.get(detail_url(resumed)).json()["is_paused"] is False


def test_cached_detail_recomputes_time_dependent_flags_at_response_time(api_client):
    # given a restaurant paused for one more hour, whose detail is now cached
    now = timezone.now()
    paused = f.RestaurantFactory(accepting_orders=False, paused_until=now + timedelta(hours=1),
                                 opening_hours={day: [{"open": "00:00", "close": "24:00"}]
                                                for day in ("monday", "tuesday", "wednesday", "thursday", "friday",
                                                            "saturday", "sunday")})
    assert api_client.get(detail_url(paused)).json()["is_paused"] is True
    hits_before = cache_stats.hits["restaurant_detail"]

    # when two hours pass
    with mock.patch("django.utils.timezone.now", return_value=now + timedelta(hours=2)):
        body = api_client.get(detail_url(paused)).json()

    # then the cached entry was used, and the pause is over
    assert cache_stats.hits["restaurant_detail"] == hits_before + 1
    assert body["is_paused"] is False


# --- create ----------------------------------------------------------------------------------
def test_restaurant_owner_creates_a_restaurant_and_becomes_its_owner(db):
    user = f.OwnerFactory()

    response = bearer_client(user).post(LIST_URL, NEW_RESTAURANT, format="json")

    body = response.json()
    assert response.status_code == 201, body
    restaurant = Restaurant.objects.get(tenant_id=body["tenant_id"])
    assert Membership.objects.for_tenant(restaurant).get(user=user).role == MembershipRole.OWNER
    assert body["address"]["city"] == "Springfield" and body["address"]["lat"] == "39.781721"
    assert body["cuisines"] == ["Italian", "Pasta"]
    assert body["opening_hours"] == NEW_RESTAURANT["opening_hours"]
    assert body["is_active"] is True and body["is_paused"] is False


def test_admin_may_create_a_restaurant(admin_client_api):
    response = admin_client_api.post(LIST_URL, {"name": "Admin's"}, format="json")

    assert response.status_code == 201


def test_customer_cannot_create_a_restaurant(customer_client):
    response = customer_client.post(LIST_URL, NEW_RESTAURANT, format="json")

    assert response.status_code == 403
    assert not Restaurant.objects.filter(name=NEW_RESTAURANT["name"]).exists()


def test_anonymous_cannot_create_a_restaurant(api_client):
    response = api_client.post(LIST_URL, NEW_RESTAURANT, format="json")

    assert response.status_code == 401


@pytest.mark.parametrize(("field", "value"), [
    ("timezone", "Mars/Olympus_Mons"),
    ("timezone", "../../etc/passwd"),
    ("currency", "XYZ"),
    ("currency", "DOLLARS"),
    ("opening_hours", {"monday": [{"open": "25:00", "close": "26:00"}]}),
    ("opening_hours", {"someday": []}),
    ("opening_hours", "always"),
    ("name", "x" * 10_000),
    ("name", ""),
    ("tax_rate", "1.5"),
    ("tax_rate", "-0.1"),
    ("delivery_fee", "-1.00"),
    ("cuisines", "italian"),
    ("estimated_delivery_minutes", -5),
    ("email", "not-an-email"),
])
def test_create_rejects_invalid_fields_naming_them(field, value):
    user = f.OwnerFactory()

    response = bearer_client(user).post(LIST_URL, {**NEW_RESTAURANT, field: value}, format="json")

    body = response.json()
    assert response.status_code == 400, body
    assert field in body["error"]["fields"]
    assert not Restaurant.objects.exists()
    assert not Membership.objects.filter(user=user).exists()


def test_create_rejects_out_of_range_coordinates():
    user = f.OwnerFactory()
    data = {**NEW_RESTAURANT, "address": {**NEW_RESTAURANT["address"], "lat": "91"}}

    response = bearer_client(user).post(LIST_URL, data, format="json")

    assert response.status_code == 400
    assert "lat" in json.dumps(response.json()["error"]["fields"])


def test_create_rejects_malformed_json():
    user = f.OwnerFactory()

    response = bearer_client(user).post(LIST_URL, data='{"name": ', content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_create_normalises_currency_case():
    response = bearer_client(f.OwnerFactory()).post(LIST_URL, {**NEW_RESTAURANT, "currency": "eur"}, format="json")

    assert response.status_code == 201 and response.json()["currency"] == "EUR"


# --- update / delete -------------------------------------------------------------------------
def test_owner_patches_settings_and_the_next_read_shows_them(owner, restaurant, api_client,
                                                             django_capture_on_commit_callbacks):
    api_client.get(detail_url(restaurant))  # warm the cache
    api_client.get(LIST_URL)

    with django_capture_on_commit_callbacks(execute=True):
        response = bearer_client(owner).patch(detail_url(restaurant), {
            "name": "Renamed", "address": {"city": "Shelbyville"}, "accepting_orders": False,
            "delivery_fee": "4.00"}, format="json")

    assert response.status_code == 200, response.json()
    detail = api_client.get(detail_url(restaurant)).json()
    assert detail["name"] == "Renamed" and detail["address"]["city"] == "Shelbyville"
    assert detail["address"]["street"] == "1 Main St"  # untouched by the partial address
    assert detail["delivery_fee"] == "4.00" and detail["is_paused"] is True
    assert api_client.get(LIST_URL).json()["results"][0]["name"] == "Renamed"


def test_owner_replaces_with_put(owner, restaurant):
    response = bearer_client(owner).put(detail_url(restaurant), {**NEW_RESTAURANT, "name": "Put"}, format="json")

    assert response.status_code == 200
    restaurant.refresh_from_db()
    assert restaurant.name == "Put" and restaurant.timezone == "America/Chicago"


def test_patch_with_invalid_hours_changes_nothing(owner, restaurant):
    response = bearer_client(owner).patch(detail_url(restaurant), {
        "name": "Changed", "opening_hours": {"monday": [{"open": "9", "close": "5"}]}}, format="json")

    assert response.status_code == 400
    assert "opening_hours" in response.json()["error"]["fields"]
    restaurant.refresh_from_db()
    assert restaurant.name != "Changed"


def test_patch_cannot_change_tenant_id_or_is_active(owner, restaurant):
    original = restaurant.tenant_id

    bearer_client(owner).patch(detail_url(restaurant), {"tenant_id": "00000000-0000-0000-0000-000000000001",
                                                        "is_active": False}, format="json")

    restaurant.refresh_from_db()
    assert restaurant.tenant_id == original and restaurant.is_active is True


@pytest.mark.parametrize("client_fixture", ["staff_client", "customer_client"])
def test_only_the_owner_may_patch(request, restaurant, client_fixture):
    client = request.getfixturevalue(client_fixture)

    response = client.patch(detail_url(restaurant), {"name": "Hijacked"}, format="json")

    assert response.status_code == 403 and response.json()["error"]["code"] == "not_owner"
    restaurant.refresh_from_db()
    assert restaurant.name != "Hijacked"


def test_another_restaurants_owner_cannot_patch_or_delete(other_owner, restaurant):
    client = bearer_client(other_owner)

    patched = client.patch(detail_url(restaurant), {"name": "Hijacked"}, format="json")
    deleted = client.delete(detail_url(restaurant))

    assert (patched.status_code, deleted.status_code) == (403, 403)  # an active restaurant is public: 403, not 404
    restaurant.refresh_from_db()
    assert restaurant.name != "Hijacked" and restaurant.is_active


def test_anonymous_patch_is_401(api_client, restaurant):
    assert api_client.patch(detail_url(restaurant), {"name": "x"}, format="json").status_code == 401


def test_admin_may_patch_any_restaurant(admin_client_api, restaurant):
    response = admin_client_api.patch(detail_url(restaurant), {"name": "By admin"}, format="json")

    assert response.status_code == 200 and response.json()["name"] == "By admin"


def test_owner_of_two_restaurants_patches_each_without_a_tenant_header(db):
    first, second = f.RestaurantFactory(), f.RestaurantFactory()
    user = f.OwnerFactory()
    for tenant in (first, second):
        f.MembershipFactory(user=user, tenant=tenant)

    response = bearer_client(user).patch(detail_url(second), {"name": "Second"}, format="json")

    assert response.status_code == 200
    second.refresh_from_db()
    assert second.name == "Second"


def test_owner_delete_deactivates_and_keeps_the_row(owner, restaurant, api_client,
                                                    django_capture_on_commit_callbacks):
    api_client.get(detail_url(restaurant))

    with django_capture_on_commit_callbacks(execute=True):
        response = bearer_client(owner).delete(detail_url(restaurant))

    assert response.status_code == 204
    restaurant.refresh_from_db()
    assert restaurant.is_active is False
    assert api_client.get(detail_url(restaurant)).status_code == 404
    assert api_client.get(LIST_URL).json()["count"] == 0


def test_staff_cannot_delete(staff_client, restaurant):
    response = staff_client.delete(detail_url(restaurant))

    assert response.status_code == 403
    restaurant.refresh_from_db()
    assert restaurant.is_active


def test_money_fields_are_decimal_strings(api_client):
    restaurant = f.RestaurantFactory(delivery_fee=Decimal("3.10"), minimum_order=Decimal("12.00"))

    body = api_client.get(detail_url(restaurant)).json()

    assert body["delivery_fee"] == "3.10" and body["minimum_order"] == "12.00"


# --- cached bodies ---------------------------------------------------------------------------
def _drf_rendered(data) -> bytes:
    from rest_framework.renderers import JSONRenderer

    return JSONRenderer().render(data)


def test_cached_list_and_detail_bodies_are_exactly_what_drf_rendered(api_client):
    first = f.RestaurantFactory(name="A \u2028 \"quoted\"", city="Berlin")
    f.RestaurantFactory(name="B", city="Berlin", accepting_orders=False)
    for _ in range(2):  # built, then from the cache
        listed = api_client.get(LIST_URL, {"city": "berlin", "page_size": 1})
        detail = api_client.get(detail_url(first))

        fresh_detail = fresh_restaurant_json(first, now=timezone.now())
        expected_list = {"count": 2, "next": listed.json()["next"], "previous": None,
                         "results": [json.loads(fresh_detail)]}
        assert listed["Content-Type"] == detail["Content-Type"] == "application/json"
        assert listed.content == _drf_rendered(expected_list)
        assert detail.content == fresh_detail
    assert "page=2" in listed.json()["next"]


@pytest.mark.redis
def test_cached_list_and_detail_cost_one_redis_round_trip_each(api_client, restaurant):
    from restaurants.tests.redis_round_trips import counting_redis

    first_list, first_detail = api_client.get(LIST_URL).content, api_client.get(detail_url(restaurant)).content

    with counting_redis() as redis:
        assert api_client.get(LIST_URL).content == first_list
        assert api_client.get(detail_url(restaurant)).content == first_detail

    assert redis["round_trips"] == 2
