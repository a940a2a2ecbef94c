"""Kafka stopped: orders are still accepted; the relay backs off, catches up when Kafka returns, and
every event is counted exactly once. Stops the shared broker for a few seconds: services pass only."""

import subprocess
import threading
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection

from metrics.selectors import metrics_snapshot
from metrics.tests.pipeline import ROOT, consume_until_caught_up, place_orders_http, topic_end, wait_for
from orders.models import OutboxEvent
from orders.relay import KafkaSink, OutboxRelay

pytestmark = [pytest.mark.kafka, pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ORDERS = 8


def services(command: str) -> None:
    subprocess.run(["bash", "scripts/services.sh", command], cwd=ROOT, check=True, timeout=180,
                   stdout=subprocess.DEVNULL)


def test_orders_placed_while_kafka_is_down_arrive_once_after_it_returns(customer_client, restaurant, menu_item):
    # given: a relay running in the background, as in production
    start = topic_end()
    relay = OutboxRelay(sink=KafkaSink(settings.KAFKA_BOOTSTRAP_SERVERS, message_timeout_ms=2000), batch_size=50,
                        poll_interval=0.2)
    relay_thread = threading.Thread(target=lambda: _run_and_close(relay), daemon=True)
    relay_thread.start()
    try:
        services("stop-kafka")

        # when
        placed = place_orders_http(customer_client, restaurant, menu_item, ORDERS)
        unpublished_while_down = OutboxEvent.objects.filter(tenant_id=restaurant.tenant_id,
                                                            published_at__isnull=True).count()
        relay_failed = wait_for(lambda: OutboxEvent.objects.filter(tenant_id=restaurant.tenant_id)
                                .exclude(last_error="").exists(), timeout=30)
    finally:
        services("start-kafka")
    try:
        published = wait_for(lambda: not OutboxEvent.objects.filter(tenant_id=restaurant.tenant_id,
                                                                    published_at__isnull=True).exists(), timeout=120)
    finally:
        relay.stop()
        relay_thread.join(timeout=60)
    consume_until_caught_up(start=start)

    # then
    assert unpublished_while_down == ORDERS  # all 201, nothing could be published
    assert relay_failed, "the relay never recorded a failed delivery while Kafka was down"
    assert published, "the relay did not catch up after Kafka returned"
    snapshot = metrics_snapshot(tenant_id=restaurant.tenant_id)
    assert snapshot["total_orders"] == ORDERS
    assert Decimal(snapshot["revenue_total"]) == sum(Decimal(order["total"]) for order in placed)


def _run_and_close(relay: OutboxRelay) -> None:
    try:
        relay.run()
    finally:
        relay.close()
        connection.close()
