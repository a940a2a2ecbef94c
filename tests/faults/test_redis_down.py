"""Redis (cache, rate-limit counters, channel layer) cut off from a running server, then back."""

import pytest
from rest_framework_simplejwt.tokens import AccessToken

from orders.tests.helpers import order_payload
from tests.faults.conftest import database_url, process_env, redis_url
from tests.faults.http import call, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

IP_LIMIT = 3  # per minute: with Redis up the 4th request of a minute is refused


def test_with_redis_down_the_public_api_answers_from_the_database(redis_proxy, daphne, restaurant, owner, customer,
                                                                  menu_item):
    # given: a server whose Redis is behind the proxy, its catalog cache warm
    server = daphne(process_env(database=database_url(), redis=redis_url(redis_proxy),
                                RATE_LIMIT_API_IP=f"{IP_LIMIT}/m", RATE_LIMIT_API_USER="1000/m"))
    api = f"{server.url}/api"
    assert call(f"{api}/restaurants/{restaurant.id}/menu/").status == 200
    owner_token, customer_token = str(AccessToken.for_user(owner)), str(AccessToken.for_user(customer))

    # when
    redis_proxy.cut()
    try:
        reads = [call(url) for _ in range(2) for url in (
            f"{api}/restaurants/", f"{api}/restaurants/{restaurant.id}/", f"{api}/restaurants/{restaurant.id}/menu/")]
        repriced = call(f"{api}/menu/items/{menu_item.id}/", method="PATCH", body={"price": "17.25"},
                        token=owner_token, tenant_id=str(restaurant.tenant_id))
        menu_after_write = call(f"{api}/restaurants/{restaurant.id}/menu/")
        order = call(f"{api}/orders/", method="POST", body=order_payload(restaurant, (menu_item, 2)),
                     token=customer_token)
        ready_while_down = call(f"{server.url}/readyz")
    finally:
        redis_proxy.restore()
    ready_again = wait_for(lambda: call(f"{server.url}/readyz").status == 200, timeout=20)
    limited_again = [call(f"{api}/restaurants/").status for _ in range(2 * IP_LIMIT + 2)]

    # then: every read was answered from the database, past the (failing-open) per-IP limit
    assert [r.status for r in reads] == [200] * 6, [r.body[:200] for r in reads]
    assert reads[0].json()["results"][0]["id"] == restaurant.id
    assert reads[1].json()["name"] == restaurant.name
    assert repriced.status == 200, repriced.body
    assert _prices(menu_after_write.json())[menu_item.id] == "17.25"
    assert order.status == 201, order.body
    assert order.json()["total"]
    assert ready_while_down.status == 503
    assert ready_while_down.json()["failed"] == ["cache"]
    assert ready_while_down.json()["checks"]["database"] == {"status": "ok"}
    assert "not enforced" in server.log()  # the fail-open warning
    assert "using the database" in server.log()  # the cache fall-through warning
    # and when Redis is back: ready again, and the limit is enforced again
    assert ready_again, server.log()[-3000:]
    assert 429 in limited_again, limited_again


def _prices(menu: dict) -> dict[int, str]:
    return {item["id"]: item["price"] for category in menu["categories"] for item in category["items"]}


@pytest.mark.xfail(strict=True, reason="known gap (foodsys/common/cache.py bump_version): a catalog write made while "
                                       "Redis is down cannot retire the cached entries, which are served again, "
                                       "stale, once Redis is back, until their TTL (CACHE_TTL_SECONDS) ends")
def test_a_catalog_write_made_while_redis_was_down_is_visible_once_it_is_back(redis_proxy, daphne, restaurant, owner,
                                                                               menu_item):
    # given: a warm menu cache
    server = daphne(process_env(database=database_url(), redis=redis_url(redis_proxy)))
    menu_url = f"{server.url}/api/restaurants/{restaurant.id}/menu/"
    assert call(menu_url).status == 200

    # when: the price changes during a Redis outage
    redis_proxy.cut()
    try:
        repriced = call(f"{server.url}/api/menu/items/{menu_item.id}/", method="PATCH", body={"price": "17.25"},
                        token=str(AccessToken.for_user(owner)), tenant_id=str(restaurant.tenant_id))
    finally:
        redis_proxy.restore()
    assert wait_for(lambda: call(f"{server.url}/readyz").status == 200, timeout=20)

    # then
    assert repriced.status == 200
    assert _prices(call(menu_url).json())[menu_item.id] == "17.25"
