"""Kafka stopped for several seconds while orders keep arriving over HTTP: every order is accepted, and
after recovery every event reaches the topic, in order per tenant, and is counted exactly once.
(tests/test_pipeline_kafka_down.py covers a single burst placed while the broker is down.)
Stops the shared broker for a few seconds: services pass only."""

import subprocess

import pytest
from django.conf import settings
from rest_framework_simplejwt.tokens import AccessToken

from foodsys.testing import factories as f
from foodsys.testing.topic import topic_sequences
from metrics.selectors import metrics_snapshot
from metrics.tests.pipeline import ROOT, consume_until_caught_up, subprocess_env, topic_end
from orders.models import OutboxEvent
from orders.tests.helpers import order_payload
from tests.faults.conftest import database_url, process_env, redis_url
from tests.faults.http import call, wait_for
from tests.faults.pipeline import (
    SteadyLoad,
    actual_metrics,
    expected_metrics,
    first_occurrences,
    outbox_sequence,
)

pytestmark = [pytest.mark.kafka, pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

OUTAGE_ORDERS = 30  # at least this many orders are placed while the broker is stopped


def services(command: str) -> None:
    subprocess.run(["bash", "scripts/services.sh", command], cwd=ROOT, check=True, timeout=180,
                   stdout=subprocess.DEVNULL)


def test_orders_keep_coming_while_kafka_is_down_and_every_event_arrives_once_in_order(
        daphne, manage, restaurant, other_restaurant, owner, other_owner, menu_item):
    # given: a web server and a relay, as in production, and two tenants' customers ordering steadily
    server = daphne(process_env(database=database_url(), redis=redis_url(), kafka=settings.KAFKA_BOOTSTRAP_SERVERS))
    other_item = f.MenuItemFactory(category=f.CategoryFactory(tenant=other_restaurant))
    lanes = [_lane(server, restaurant, menu_item, owner), _lane(server, other_restaurant, other_item, other_owner)]
    tenants = {str(restaurant.tenant_id), str(other_restaurant.tenant_id)}
    start = topic_end()
    relay = manage(subprocess_env(), "relay_outbox", "--poll-interval", "0.2", "--batch-size", "50")
    try:
        with SteadyLoad(lanes) as load:
            assert wait_for(lambda: load.placed_count() >= 6, timeout=20), load.result.refused

            # when: the broker goes away for a while under that load, then returns
            try:
                services("stop-kafka")
                load.outage.set()
                placed_at_stop = load.placed_count()
                # down until the relay has given up on a delivery (its 10 s message timeout), at least
                relay_failed = wait_for(lambda: load.placed_count() >= placed_at_stop + OUTAGE_ORDERS and OutboxEvent
                                        .objects.filter(tenant_id__in=tenants).exclude(last_error="").exists(),
                                        timeout=40, interval=0.5)
                unpublished_at_restart = OutboxEvent.objects.filter(tenant_id__in=tenants,
                                                                    published_at__isnull=True).count()
                load.outage.clear()
            finally:
                services("start-kafka")
            placed_at_restart = load.placed_count()
            wait_for(lambda: load.placed_count() >= placed_at_restart + 6, timeout=20)
        published = wait_for(lambda: not OutboxEvent.objects.filter(tenant_id__in=tenants,
                                                                    published_at__isnull=True).exists(), timeout=60)
    finally:
        relay_exit = relay.stop()
    in_topic = topic_sequences(start, topic_end(), tenants)
    consume_until_caught_up(start=start)

    # then: every order was accepted, including those placed while the broker was down
    result = load.result
    assert result.refused == []
    assert result.during_outage >= OUTAGE_ORDERS
    assert relay_failed, "the relay never recorded a failed delivery while Kafka was down"
    assert unpublished_at_restart > 0
    # every event reached the topic; first deliveries follow the outbox order per tenant (repeats are
    # re-sends of unconfirmed deliveries, which the consumer drops by event_id)
    assert published, relay.log()[-3000:]
    assert relay_exit == 0, relay.log()[-3000:]
    for tenant_id in tenants:
        assert first_occurrences(in_topic[tenant_id]) == outbox_sequence(tenant_id)
    # and the metrics count each order exactly once
    assert set(result.placed) == tenants
    for tenant_id, orders in result.placed.items():
        assert actual_metrics(metrics_snapshot(tenant_id=tenant_id)) == expected_metrics(orders,
                                                                                         result.confirmed[tenant_id])


def _lane(server, restaurant, item, owner):
    customer_token, owner_token = str(AccessToken.for_user(f.UserFactory())), str(AccessToken.for_user(owner))
    tenant_id = str(restaurant.tenant_id)

    def place():
        return call(f"{server.url}/api/orders/", method="POST", body=order_payload(restaurant, (item, 1)),
                    token=customer_token)

    def confirm(order_id):
        return call(f"{server.url}/api/orders/{order_id}/status/", method="POST", body={"status": "confirmed"},
                    token=owner_token, tenant_id=tenant_id)

    return tenant_id, place, confirm
