"""General API limits of RateLimitedAPIMixin (hour windows, so no test straddles a window edge)."""

import logging

import pytest

from foodsys.testing import factories as f
from foodsys.testing.fixtures import bearer_client

pytestmark = pytest.mark.django_db

LIST_URL = "/api/restaurants/"
ITEMS_URL = "/api/menu/items/"


@pytest.fixture
def limits(settings):
    def set_limits(**rates):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_ip": "1000/h", "api_user": "1000/h",
                                "tenant": "1000/h", **rates}
    return set_limits


def test_per_ip_limit_answers_json_429_with_retry_after(limits, api_client, restaurant):
    limits(api_ip="2/h")

    statuses = [api_client.get(LIST_URL).status_code for _ in range(3)]
    refused = api_client.get(f"/api/restaurants/{restaurant.id}/")

    assert statuses == [200, 200, 429]
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    body = refused.json()
    assert body["status"] == 429 and body["error"]["code"] == "rate_limited"
    assert body["error"]["retry_after"] == int(refused["Retry-After"])


def test_per_ip_limit_counts_requests_that_fail_authentication(limits, api_client):
    limits(api_ip="2/h")
    api_client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    statuses = [api_client.get(ITEMS_URL).status_code for _ in range(3)]

    assert statuses == [401, 401, 429]


def test_per_user_limit_is_per_user(limits, db):
    limits(api_user="2/h")
    first, second = bearer_client(f.UserFactory()), bearer_client(f.UserFactory())

    first_statuses = [first.get(LIST_URL).status_code for _ in range(3)]
    second_status = second.get(LIST_URL).status_code

    assert first_statuses == [200, 200, 429]
    assert second_status == 200


def test_tenant_limit_is_shared_by_the_tenants_members(limits, owner_client, staff_client, menu_item,
                                                       other_owner, other_restaurant):
    limits(tenant="2/h")

    owner_statuses = [owner_client.get(ITEMS_URL).status_code for _ in range(2)]
    staff_status = staff_client.patch(f"{ITEMS_URL}{menu_item.id}/", {"is_available": False},
                                      format="json").status_code
    other_tenant_status = bearer_client(other_owner, other_restaurant).get(ITEMS_URL).status_code

    assert owner_statuses == [200, 200]
    assert staff_status == 429
    assert other_tenant_status == 200


def test_restaurant_settings_writes_spend_the_tenant_budget(limits, owner, restaurant):
    limits(tenant="1/h")
    client = bearer_client(owner)

    first = client.patch(f"/api/restaurants/{restaurant.id}/", {"name": "One"}, format="json")
    second = client.patch(f"/api/restaurants/{restaurant.id}/", {"name": "Two"}, format="json")

    assert (first.status_code, second.status_code) == (200, 429)
    restaurant.refresh_from_db()
    assert restaurant.name == "One"


def test_public_reads_do_not_spend_the_tenant_budget(limits, owner_client, restaurant):
    limits(tenant="1/h")

    statuses = [owner_client.get(f"/api/restaurants/{restaurant.id}/menu/").status_code for _ in range(3)]

    assert statuses == [200, 200, 200]


def test_limits_fail_open_when_the_cache_is_unreachable(limits, settings, api_client, restaurant, caplog):
    limits(api_ip="1/h", api_user="1/h")
    settings.CACHES = {"default": {"BACKEND": "menu.tests.broken_cache.UnreachableCache"}}

    with caplog.at_level(logging.WARNING):
        statuses = [api_client.get(LIST_URL).status_code for _ in range(3)]

    assert statuses == [200, 200, 200]
    assert any("not enforced" in record.getMessage() for record in caplog.records)


@pytest.mark.redis
def test_limits_fail_open_when_redis_is_down(limits, settings, api_client, restaurant, caplog):
    limits(api_ip="1/h")
    settings.CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0",
                                   "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 1, "SOCKET_TIMEOUT": 1}}}

    with caplog.at_level(logging.WARNING):
        statuses = [api_client.get(LIST_URL).status_code for _ in range(3)]

    assert statuses == [200, 200, 200]
    assert any("not enforced" in record.getMessage() for record in caplog.records)


@pytest.mark.redis
def test_per_ip_limit_on_real_redis(limits, api_client, restaurant):
    limits(api_ip="2/h")

    statuses = [api_client.get(LIST_URL).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
