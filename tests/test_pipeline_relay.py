"""`manage.py relay_outbox` as a process on the real services: publishes, and exits cleanly on SIGTERM."""

import signal

import pytest

from metrics.selectors import metrics_snapshot
from metrics.tests.builders import move, order_with_event
from metrics.tests.pipeline import consume_until_caught_up, start_relay_process, topic_end, wait_for
from orders.models import OutboxEvent

pytestmark = [pytest.mark.kafka, pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_relay_process_publishes_in_order_and_stops_on_sigterm(restaurant):
    # given: committed rows that no on-commit dispatch published
    start = topic_end()
    order, _created = order_with_event(restaurant, total="15.00")
    move(order, "confirmed")
    move(order, "cancelled")
    relay = start_relay_process("--poll-interval", "0.2", "--batch-size", "2")

    # when
    try:
        published = wait_for(lambda: not OutboxEvent.objects.filter(published_at__isnull=True,
                                                                    tenant_id=restaurant.tenant_id).exists(),
                             timeout=60)
    finally:
        relay.send_signal(signal.SIGTERM)
        output = relay.communicate(timeout=60)[0]
    consume_until_caught_up(start=start)

    # then
    assert published, output
    assert relay.returncode == 0, output
    snapshot = metrics_snapshot(tenant_id=restaurant.tenant_id)
    assert (snapshot["total_orders"], snapshot["cancelled"], snapshot["revenue_total"]) == (1, 1, "0.00")
    assert snapshot["status_counts"] == {"pending": 0, "confirmed": 0, "preparing": 0, "ready": 0,
                                         "out_for_delivery": 0}


def test_relay_once_exits_after_draining(restaurant):
    # given
    order_with_event(restaurant)

    # when
    relay = start_relay_process("--once")
    output = relay.communicate(timeout=120)[0]

    # then
    assert relay.returncode == 0, output
    assert "published" in output
    assert not OutboxEvent.objects.filter(published_at__isnull=True, tenant_id=restaurant.tenant_id).exists()
