import logging
from decimal import Decimal

import pytest
from django.utils import timezone

from foodsys.common.cache import cache_stats
from foodsys.testing import factories as f
from restaurants.tests.api.fresh import fresh_menu_json

pytestmark = pytest.mark.django_db

UNREACHABLE_REDIS = {
    "BACKEND": "django_redis.cache.RedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient", "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1},
}
UNREACHABLE_CACHE = {"BACKEND": "menu.tests.broken_cache.UnreachableCache"}


def menu_url(restaurant) -> str:
    return f"/api/restaurants/{restaurant.id}/menu/"


def _prices(body) -> dict[int, str]:
    return {item["id"]: item["price"] for category in body["categories"] for item in category["items"]}


def _build_menu(restaurant, *, categories: int, items: int, options: int) -> None:
    for _ in range(categories):
        category = f.CategoryFactory(tenant=restaurant)
        for _ in range(items):
            group = f.OptionGroupFactory(item=f.MenuItemFactory(category=category))
            for _ in range(options):
                f.OptionFactory(group=group)


def test_menu_lists_categories_items_groups_and_options_in_order(api_client, restaurant):
    # given categories and items whose positions disagree with their creation order
    late = f.CategoryFactory(tenant=restaurant, name="Late", position=5)
    early = f.CategoryFactory(tenant=restaurant, name="Early", position=0)
    tie = f.CategoryFactory(tenant=restaurant, name="Tie", position=5)
    second = f.MenuItemFactory(category=early, name="Second", position=2)
    first = f.MenuItemFactory(category=early, name="First", position=1, is_available=False)
    group = f.OptionGroupFactory(item=first, name="Size", min_select=1, max_select=1)
    f.OptionFactory(group=group, name="Large", price_delta=Decimal("2.00"), position=1)
    f.OptionFactory(group=group, name="Small", price_delta=Decimal("0.00"), position=0, is_available=False)

    # when
    response = api_client.get(menu_url(restaurant))

    # then
    body = response.json()
    assert response.status_code == 200
    assert [c["id"] for c in body["categories"]] == [early.id, late.id, tie.id]
    items = body["categories"][0]["items"]
    assert [i["id"] for i in items] == [first.id, second.id]
    assert items[0]["is_available"] is False  # unavailable items are listed, flagged
    assert items[0]["option_groups"][0]["name"] == "Size"
    assert [(o["name"], o["is_available"]) for o in items[0]["option_groups"][0]["options"]] == [
        ("Small", False), ("Large", True)]
    assert body["restaurant"]["id"] == restaurant.id and body["restaurant"]["currency"] == "USD"
    assert body["restaurant"]["is_open_now"] is True and body["restaurant"]["is_paused"] is False


def test_menu_contains_only_its_own_tenants_rows(api_client, restaurant, other_restaurant):
    mine = f.MenuItemFactory(category=f.CategoryFactory(tenant=restaurant))
    f.MenuItemFactory(category=f.CategoryFactory(tenant=other_restaurant))

    body = api_client.get(menu_url(restaurant)).json()

    assert list(_prices(body)) == [mine.id]


@pytest.mark.parametrize("size", [(1, 1, 1), (4, 5, 3)])
def test_menu_takes_a_constant_number_of_queries(api_client, restaurant, django_assert_num_queries, size):
    # given a small or a larger menu, not cached yet
    categories, items, options = size
    _build_menu(restaurant, categories=categories, items=items, options=options)

    # when / then: tenant lookup, restaurant, categories, items, option groups, options
    with django_assert_num_queries(6):
        response = api_client.get(menu_url(restaurant))
    assert response.status_code == 200
    assert sum(len(c["items"]) for c in response.json()["categories"]) == categories * items


def test_repeated_menu_reads_come_from_the_cache(api_client, restaurant, django_assert_num_queries):
    _build_menu(restaurant, categories=2, items=2, options=2)
    first = api_client.get(menu_url(restaurant)).json()
    hits = cache_stats.hits["menu"]

    with django_assert_num_queries(0):
        second = api_client.get(menu_url(restaurant)).json()

    assert second == first
    assert cache_stats.hits["menu"] == hits + 1


def test_menu_of_unknown_or_inactive_restaurant_is_404(api_client, customer_client, owner, restaurant):
    from foodsys.testing.fixtures import bearer_client

    restaurant.is_active = False
    restaurant.save()

    assert api_client.get("/api/restaurants/999999/menu/").status_code == 404
    assert api_client.get(menu_url(restaurant)).status_code == 404
    assert customer_client.get(menu_url(restaurant)).status_code == 404
    assert bearer_client(owner).get(menu_url(restaurant)).status_code == 200


# --- freshness -------------------------------------------------------------------------------
def _assert_price_change_is_seen_immediately(owner_client, api_client, menu_item, restaurant, capture):
    # given a cached menu
    assert _prices(api_client.get(menu_url(restaurant)).json())[menu_item.id] == "10.00"
    assert _prices(api_client.get(menu_url(restaurant)).json())[menu_item.id] == "10.00"

    # when the owner changes the price (and the transaction commits)
    with capture(execute=True):
        response = owner_client.patch(f"/api/menu/items/{menu_item.id}/", {"price": "12.34"}, format="json")
    assert response.status_code == 200

    # then the very next public read shows it
    assert _prices(api_client.get(menu_url(restaurant)).json())[menu_item.id] == "12.34"


def test_price_change_is_visible_on_the_next_menu_read(owner_client, api_client, menu_item, restaurant,
                                                       django_capture_on_commit_callbacks):
    _assert_price_change_is_seen_immediately(owner_client, api_client, menu_item, restaurant,
                                             django_capture_on_commit_callbacks)


@pytest.mark.redis
def test_price_change_is_visible_on_the_next_menu_read_with_redis(owner_client, api_client, menu_item, restaurant,
                                                                  django_capture_on_commit_callbacks):
    _assert_price_change_is_seen_immediately(owner_client, api_client, menu_item, restaurant,
                                             django_capture_on_commit_callbacks)


@pytest.mark.django_db(transaction=True)
def test_price_change_is_visible_after_a_real_commit(api_client):
    # given real commits (no test transaction around the request)
    from foodsys.testing.fixtures import bearer_client

    restaurant = f.RestaurantFactory()
    owner = f.OwnerFactory()
    f.MembershipFactory(user=owner, tenant=restaurant)
    item = f.MenuItemFactory(category=f.CategoryFactory(tenant=restaurant))
    api_client.get(menu_url(restaurant))

    bearer_client(owner, restaurant).patch(f"/api/menu/items/{item.id}/", {"price": "7.77"}, format="json")

    assert _prices(api_client.get(menu_url(restaurant)).json())[item.id] == "7.77"


def test_without_the_commit_the_cached_menu_is_still_served(owner_client, api_client, menu_item, restaurant):
    """Shows invalidation is tied to the commit: inside the test transaction nothing is bumped."""
    api_client.get(menu_url(restaurant))

    owner_client.patch(f"/api/menu/items/{menu_item.id}/", {"price": "12.34"}, format="json")

    assert _prices(api_client.get(menu_url(restaurant)).json())[menu_item.id] == "10.00"


@pytest.mark.parametrize("write", ["staff_86", "option_off", "category_rename", "group_delete", "restaurant_pause",
                                   "item_create", "item_delete"])
def test_every_catalog_write_refreshes_the_menu(write, owner_client, staff_client, api_client, menu_item, restaurant,
                                                django_capture_on_commit_callbacks):
    group = f.OptionGroupFactory(item=menu_item)
    option = f.OptionFactory(group=group)
    before = api_client.get(menu_url(restaurant)).json()
    writes = {
        "staff_86": lambda: staff_client.patch(f"/api/menu/items/{menu_item.id}/", {"is_available": False},
                                               format="json"),
        "option_off": lambda: staff_client.patch(f"/api/menu/options/{option.id}/", {"is_available": False},
                                                 format="json"),
        "category_rename": lambda: owner_client.patch(f"/api/menu/categories/{menu_item.category_id}/",
                                                      {"name": "Renamed"}, format="json"),
        "group_delete": lambda: owner_client.delete(f"/api/menu/items/{menu_item.id}/option-groups/{group.id}/"),
        "restaurant_pause": lambda: owner_client.patch(f"/api/restaurants/{restaurant.id}/",
                                                       {"accepting_orders": False}, format="json"),
        "item_create": lambda: owner_client.post("/api/menu/items/", {
            "category": menu_item.category_id, "name": "New", "price": "3.00"}, format="json"),
        "item_delete": lambda: owner_client.delete(f"/api/menu/items/{menu_item.id}/"),
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = writes[write]()
    after = api_client.get(menu_url(restaurant)).json()

    assert response.status_code in (200, 201, 204), response.content
    assert after != before


# --- cache unavailable -----------------------------------------------------------------------
def _assert_catalog_still_served(api_client, owner_client, menu_item, restaurant, capture, caplog):
    errors_before = cache_stats.errors["menu"]
    with caplog.at_level(logging.WARNING):
        for _ in range(2):
            assert api_client.get(menu_url(restaurant)).status_code == 200
            assert api_client.get(f"/api/restaurants/{restaurant.id}/").status_code == 200
            assert api_client.get("/api/restaurants/").status_code == 200
        with capture(execute=True):
            patched = owner_client.patch(f"/api/menu/items/{menu_item.id}/", {"price": "11.00"}, format="json")
        menu = api_client.get(menu_url(restaurant)).json()

    assert patched.status_code == 200
    assert _prices(menu)[menu_item.id] == "11.00"
    assert any("using the database" in r.getMessage() for r in caplog.records)
    assert cache_stats.errors["menu"] > errors_before


def test_catalog_reads_fall_through_when_the_cache_is_unreachable(settings, api_client, owner_client, menu_item,
                                                                  restaurant, django_capture_on_commit_callbacks,
                                                                  caplog):
    settings.CACHES = {"default": UNREACHABLE_CACHE}
    _assert_catalog_still_served(api_client, owner_client, menu_item, restaurant,
                                 django_capture_on_commit_callbacks, caplog)


@pytest.mark.redis
def test_catalog_reads_fall_through_when_redis_is_down(settings, api_client, owner_client, menu_item, restaurant,
                                                       django_capture_on_commit_callbacks, caplog):
    settings.CACHES = {"default": UNREACHABLE_REDIS}
    _assert_catalog_still_served(api_client, owner_client, menu_item, restaurant,
                                 django_capture_on_commit_callbacks, caplog)


# --- the cached body -------------------------------------------------------------------------
def test_cached_menu_body_is_exactly_what_drf_rendered(api_client, restaurant):
    _build_menu(restaurant, categories=2, items=2, options=2)
    restaurant.name = 'Caf\u00e9 "Uno"\n\u2028'
    restaurant.save()

    responses = [api_client.get(menu_url(restaurant)) for _ in range(2)]  # built, then from the cache

    for response in responses:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response.content == fresh_menu_json(restaurant, now=timezone.now())


def test_cached_menu_recomputes_the_live_flags_at_response_time(api_client, restaurant):
    from datetime import timedelta
    from unittest import mock

    now = timezone.now()
    restaurant.accepting_orders, restaurant.paused_until = False, now + timedelta(hours=1)
    restaurant.save()
    assert api_client.get(menu_url(restaurant)).json()["restaurant"]["is_paused"] is True
    hits = cache_stats.hits["menu"]

    with mock.patch("django.utils.timezone.now", return_value=now + timedelta(hours=2)):
        body = api_client.get(menu_url(restaurant)).json()

    assert cache_stats.hits["menu"] == hits + 1
    assert body["restaurant"]["is_paused"] is False


@pytest.mark.redis
def test_a_cached_menu_costs_one_redis_round_trip_and_no_query(api_client, restaurant, django_assert_num_queries):
    from restaurants.tests.redis_round_trips import counting_redis

    _build_menu(restaurant, categories=2, items=2, options=1)
    first = api_client.get(menu_url(restaurant)).content

    with django_assert_num_queries(0), counting_redis() as redis:
        second = api_client.get(menu_url(restaurant)).content

    assert second == first
    assert redis["round_trips"] == 1  # the rate limit and the menu entry, pipelined


def test_a_wrongly_remembered_tenant_is_corrected_not_served(api_client, restaurant, other_restaurant):
    """Only a database that reuses ids could do this; the entry is still built for the right tenant."""
    from restaurants.api import catalog_bodies

    mine = f.MenuItemFactory(category=f.CategoryFactory(tenant=restaurant))
    f.MenuItemFactory(category=f.CategoryFactory(tenant=other_restaurant))
    catalog_bodies._known_tenants.set(restaurant.id, str(other_restaurant.tenant_id))

    body = api_client.get(menu_url(restaurant)).json()

    assert list(_prices(body)) == [mine.id]
    assert catalog_bodies._known_tenants.get(restaurant.id) == str(restaurant.tenant_id)
    assert api_client.get(menu_url(restaurant)).json() == body
