"""PostgreSQL cut off from a server, the outbox relay and the metrics consumer (through a proxy), then back.

Orders placed before and after go through the server; while it is cut off, orders still reach the
database from another node (this test process, fast path off), so only the relay can publish them.
"""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from rest_framework_simplejwt.tokens import AccessToken

from foodsys.events.schema import encode
from foodsys.tenancy.keys import kafka_key
from foodsys.testing import factories as f
from metrics.selectors import metrics_snapshot
from metrics.tests.builders import envelope
from metrics.tests.pipeline import produce, topic_end
from orders.models import OutboxEvent
from orders.tests.helpers import order_payload, place
from tests.faults.conftest import database_url, process_env, redis_url
from tests.faults.http import call, wait_for

pytestmark = [pytest.mark.kafka, pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BEFORE, WHILE, AFTER, NEW_TENANT_EVENTS = 3, 4, 3, 5


def test_with_postgres_down_the_api_answers_503_json_and_the_pipeline_resumes_when_it_returns(
        pg_proxy, daphne, manage, monkeypatch, restaurant, owner, customer, menu_item):
    # given: a server, a relay and a consumer whose database is behind the proxy
    monkeypatch.setattr("orders.dispatch._publish_fast", lambda event_ids: None)
    newcomer = f.RestaurantFactory(timezone=_zone_where_today_is_not_utc_today(), currency="EUR")
    env = process_env(database=database_url(pg_proxy), redis=redis_url(), kafka=settings.KAFKA_BOOTSTRAP_SERVERS)
    start = topic_end()
    server = daphne(env)
    relay = manage(env, "relay_outbox", "--poll-interval", "0.2")
    consumer = manage(env, "consume_orders", "--group", f"faults-{restaurant.tenant_id}",
                             "--initial-offsets", _offsets(start), "--session-timeout-ms", "6000")
    customer_token, owner_token = str(AccessToken.for_user(customer)), str(AccessToken.for_user(owner))
    tenant_id = str(restaurant.tenant_id)

    def place_on_server():
        return call(f"{server.url}/api/orders/", method="POST", body=order_payload(restaurant, (menu_item, 1)),
                    token=customer_token)

    def counted(tenant, expected: int) -> bool:
        return metrics_snapshot(tenant_id=tenant)["total_orders"] >= expected

    before = [place_on_server() for _ in range(BEFORE)]
    assert wait_for(lambda: counted(tenant_id, BEFORE), timeout=30), consumer.log()[-3000:]

    # when: the database goes away
    pg_proxy.cut()
    try:
        while_down = {
            "orders list (DRF view)": call(f"{server.url}/api/orders/", token=customer_token),
            "order placement": place_on_server(),
            "tenant resolution (middleware)": call(f"{server.url}/api/orders/", token=owner_token, tenant_id=tenant_id),
        }
        ready_while_down, alive_while_down = call(f"{server.url}/readyz"), call(f"{server.url}/healthz")
        placed_elsewhere = [place(customer=customer, restaurant=restaurant, lines=[(menu_item, 2)])
                            for _ in range(WHILE)]
        newcomer_events = [envelope(newcomer.tenant_id, total="3.00", currency="EUR")
                           for _ in range(NEW_TENANT_EVENTS)]
        produce([(kafka_key(newcomer.tenant_id), encode(e)) for e in newcomer_events])
        relay_noticed = wait_for(lambda: "relay batch failed" in relay.log(), timeout=20)
        wait_for(lambda: str(newcomer.tenant_id) in consumer.log(), timeout=10)  # it tried to load the newcomer
        survived_outage = relay.alive() and consumer.alive()
    finally:
        pg_proxy.restore()

    # then: while it was away, every API answer was a JSON 503 and readiness said why
    for name, reply in while_down.items():
        assert reply.status == 503, (name, reply.status, reply.body[:500])
        assert reply.content_type.startswith("application/json"), (name, reply.body[:500])
        assert reply.json()["error"]["code"] == "service_unavailable", name
    assert ready_while_down.status == 503 and "database" in ready_while_down.json()["failed"]
    assert alive_while_down.status == 200
    assert relay_noticed, relay.log()[-3000:]
    assert survived_outage, relay.log()[-2000:] + consumer.log()[-2000:]

    # and when it is back: the server serves again, the relay publishes what piled up, the metrics are exact
    assert wait_for(lambda: call(f"{server.url}/api/orders/", token=customer_token).status == 200, timeout=30), \
        server.log()[-3000:]
    after = [place_on_server() for _ in range(AFTER)]
    assert [r.status for r in before + after] == [201] * (BEFORE + AFTER)
    total = BEFORE + WHILE + AFTER
    assert wait_for(lambda: not OutboxEvent.objects.filter(tenant_id=tenant_id, published_at__isnull=True).exists(),
                    timeout=30), relay.log()[-3000:]
    assert wait_for(lambda: counted(tenant_id, total) and counted(newcomer.tenant_id, NEW_TENANT_EVENTS),
                    timeout=30), consumer.log()[-3000:]
    assert relay.alive() and consumer.alive()
    assert (relay.stop(), consumer.stop()) == (0, 0), relay.log()[-2000:] + consumer.log()[-2000:]
    snapshot = metrics_snapshot(tenant_id=tenant_id)
    revenue = sum(Decimal(r.json()["total"]) for r in before + after) + sum(p.order.total for p in placed_elsewhere)
    assert snapshot["total_orders"] == total
    assert Decimal(snapshot["revenue_total"]) == revenue
    newcomer_snapshot = metrics_snapshot(tenant_id=newcomer.tenant_id)
    assert newcomer_snapshot["total_orders"] == NEW_TENANT_EVENTS
    # counted on the newcomer's own calendar day, which is not UTC's: its time zone came from the database
    assert newcomer_snapshot["revenue_today"] == newcomer_snapshot["revenue_total"] == f"{3 * NEW_TENANT_EVENTS:.2f}"


def _zone_where_today_is_not_utc_today() -> str:
    """A zone whose date differs from UTC's now and for the next minutes (UTC+14 or UTC-12)."""
    now = datetime.now(UTC)
    for zone in ("Pacific/Kiritimati", "Etc/GMT+12"):
        if all((now + timedelta(minutes=m)).astimezone(ZoneInfo(zone)).date() != (now + timedelta(minutes=m)).date()
               for m in (0, 5)):
            return zone
    raise AssertionError("unreachable: one of the two zones always differs from UTC's date")


def _offsets(start) -> str:
    return ",".join(f"{partition}={offset}" for (_topic, partition), offset in start.items())
