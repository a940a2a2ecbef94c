"""HTTP -> order service -> outbox -> relay -> Kafka -> consumer -> Redis -> metrics API, on the real services."""

from decimal import Decimal

import pytest

from foodsys.testing.fixtures import bearer_client
from metrics.tests.pipeline import consume_until_caught_up, place_orders_http, relay_until_published, topic_end
from orders.models import OutboxEvent

pytestmark = [pytest.mark.kafka, pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ORDERS = 12


def test_orders_placed_over_http_show_up_exactly_once_in_the_metrics_api(customer_client, owner, restaurant,
                                                                          menu_item):
    # given
    start = topic_end()
    placed = place_orders_http(customer_client, restaurant, menu_item, ORDERS)
    owner_client = bearer_client(owner, restaurant)
    for order in placed[:3]:
        response = owner_client.post(f"/api/orders/{order['id']}/status/", {"status": "confirmed"}, format="json")
        assert response.status_code == 200, response.json()

    # when
    relay_until_published([restaurant.tenant_id])
    consume_until_caught_up(start=start)

    # then
    assert not OutboxEvent.objects.filter(tenant_id=restaurant.tenant_id, published_at__isnull=True).exists()
    response = owner_client.get(f"/api/metrics/{restaurant.tenant_id}/")
    body = response.json()
    assert response.status_code == 200, body
    assert body["total_orders"] == ORDERS
    expected_revenue = sum(Decimal(order["total"]) for order in placed)
    assert Decimal(body["revenue_total"]) == expected_revenue
    assert Decimal(body["revenue_today"]) == expected_revenue
    assert sum(m["count"] for m in body["orders_per_minute"]) == ORDERS
    assert body["status_counts"]["pending"] == ORDERS - 3 and body["status_counts"]["confirmed"] == 3
    per_minute = owner_client.get(f"/api/metrics/{restaurant.tenant_id}/orders-per-minute/?minutes=5").json()
    assert sum(m["count"] for m in per_minute["orders_per_minute"]) == ORDERS
