"""Embedded mode: a process whose local-memory aggregates are empty rebuilds them from the orders table."""

import pytest
from django.core.cache import cache

from metrics import services
from metrics.tests.builders import order_with_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def cold_process(settings, monkeypatch):
    settings.REDIS_URL = ""
    monkeypatch.setattr(services, "_warmed_in_process", set())


def test_the_metrics_api_of_a_cold_process_rebuilds_from_the_orders_table(restaurant, owner_client, cold_process):
    order_with_event(restaurant, total="12.50")
    order_with_event(restaurant, total="7.50")
    cache.clear()  # the orders were counted in "another process"

    body = owner_client.get("/api/metrics/").json()

    assert body["total_orders"] == 2
    assert body["revenue_total"] == "20.00"


def test_warming_happens_once_per_tenant_per_process(restaurant, owner_client, cold_process):
    owner_client.get("/api/metrics/")
    order_with_event(restaurant, total="5.00")
    cache.clear()

    body = owner_client.get("/api/metrics/").json()

    assert body["total_orders"] == 0  # no second rebuild: live events, not the table, feed it from now on


def test_a_process_with_aggregates_is_not_rebuilt(restaurant, cold_process):
    services.metrics_warm_if_cold(tenant_id=restaurant.tenant_id)

    assert services.metrics_warm_if_cold(tenant_id=restaurant.tenant_id) is False
