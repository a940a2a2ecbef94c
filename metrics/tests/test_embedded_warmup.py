"""Embedded mode keeps the aggregates in each process's local memory. A serving process rebuilds them
from the orders table once, when it starts (`make run`: seed_demo placed its orders in another
process); a GET never does (it reads only)."""

import ast
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Membership
from foodsys.testing.fixtures import bearer_client
from metrics.handlers import apply_events
from metrics.selectors import metrics_snapshot
from metrics.services import metrics_warm_at_start, metrics_warm_embedded
from metrics.store import CacheMetricsStore, RedisMetricsStore, get_store
from metrics.tests.builders import envelope, order_with_event
from orders.models import Order
from restaurants.models import Restaurant

pytestmark = pytest.mark.django_db

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@pytest.fixture
def embedded_store(settings):
    """The local-memory store of embedded mode (in the services pass too, over the Redis cache)."""
    settings.REDIS_URL = ""
    assert isinstance(get_store(), CacheMetricsStore)


def test_a_get_of_a_cold_process_writes_nothing(restaurant, owner_client, embedded_store):
    # given: orders this process never counted
    order_with_event(restaurant, total="12.50")
    order_with_event(restaurant, total="7.50")
    cache.clear()

    # when
    with CaptureQueriesContext(connection) as queries:
        body = owner_client.get("/api/metrics/").json()
    tenant_body = owner_client.get(f"/api/metrics/{restaurant.tenant_id}/").json()

    # then: no rebuild behind the read, in the store or the database
    assert body["total_orders"] == tenant_body["total_orders"] == 0
    assert get_store().read(str(restaurant.tenant_id), counters=[]).last_updated is None
    assert not [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


def test_the_serving_process_start_shows_what_seed_demo_placed_in_another_process(settings):
    # given: `make run` seeds in one process (its in-process metrics die with it) ...
    call_command("seed_demo")
    cache.clear()
    settings.REDIS_URL = ""  # after seeding: the serving process runs on the embedded store
    roma = Restaurant.objects.get(name="Pizzeria Roma")
    placed = Order.objects.for_tenant(roma).count()

    # when: ... then starts the server, which runs the start-up hook once
    settings.METRICS_WARM_AT_START = True
    metrics_warm_at_start()

    # then: the dashboard's GET sees the seeded orders
    owner = Membership.objects.get(tenant=roma, role="owner").user
    body = bearer_client(owner, roma).get("/api/metrics/").json()
    assert placed > 0
    assert body["total_orders"] == placed


def test_the_asgi_module_runs_the_start_up_hook_once_at_import():
    # Read, not imported again: re-running the ASGI module inside a test process disturbs later
    # WebSocket tests (a second django.setup() and application stack).
    tree = ast.parse((Path(settings.BASE_DIR) / "foodsys" / "asgi.py").read_text())
    guards = [node for node in tree.body if isinstance(node, ast.If)
              and "METRICS_WARM_AT_START" in ast.unparse(node.test)]
    calls = [node.func.id for guard in guards for node in ast.walk(guard)
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)]

    assert calls.count("metrics_warm_at_start") == 1  # once, at import, behind its setting


def test_the_start_up_hook_is_off_in_tests_and_leaves_the_store_alone(restaurant, embedded_store):
    order_with_event(restaurant, total="9.00")
    cache.clear()

    metrics_warm_at_start()  # METRICS_WARM_AT_START = False in the test settings

    assert get_store().read(str(restaurant.tenant_id), counters=[]).last_updated is None


def test_start_up_leaves_a_tenant_with_aggregates_alone(restaurant, embedded_store):
    # given: live events already counted here, and an order the table has but the events do not
    apply_events([envelope(restaurant.tenant_id, total="5.00")])
    order_with_event(restaurant, total="9.00")

    # when
    rebuilt = metrics_warm_embedded()

    # then
    assert rebuilt == []
    assert metrics_snapshot(tenant_id=restaurant.tenant_id)["revenue_total"] == "5.00"


def test_start_up_rebuilds_nothing_on_a_shared_store(restaurant):
    # given: Redis holds the aggregates for every process; a rebuild is `manage.py rebuild_metrics`
    order_with_event(restaurant, total="9.00")

    # when / then
    assert metrics_warm_embedded(store=RedisMetricsStore.__new__(RedisMetricsStore)) == []
