import random
import threading
import time
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from foodsys.testing import factories as f
from metrics.selectors import metrics_snapshot
from metrics.tests.builders import move, order_with_event
from orders.models import OutboxEvent
from orders.relay import InProcessSink, OutboxRelay, relay_batch


class RecordingSink:
    """The transport edge: records what was sent, fails the row ids it is told to."""

    def __init__(self, fail_ids=(), pause=0.0):
        self.pause = pause  # widens the window in which two relays could overtake each other
        self.sent: list[OutboxEvent] = []
        self.fail_ids = set(fail_ids)
        self.lock = threading.Lock()

    def send(self, rows):
        time.sleep(random.uniform(0, self.pause))
        with self.lock:
            self.sent += rows
        return {row.id: ("broker unreachable" if row.id in self.fail_ids else None) for row in rows}

    def close(self):
        pass


@pytest.mark.django_db
def test_relay_applies_unpublished_events_in_process_and_marks_them(restaurant):
    # given: rows whose on-commit dispatch never ran
    order, _ = order_with_event(restaurant, total="8.00")
    move(order, "confirmed")

    # when
    result = OutboxRelay(sink=InProcessSink(), batch_size=1).drain()

    # then
    assert (result.published, result.failed) == (2, 0)
    assert not OutboxEvent.objects.filter(published_at__isnull=True).exists()
    snapshot = metrics_snapshot(tenant_id=restaurant.tenant_id)
    assert snapshot["total_orders"] == 1 and snapshot["status_counts"]["confirmed"] == 1


@pytest.mark.django_db
def test_the_in_process_relay_hands_rows_to_every_registered_sink_and_keeps_them_when_one_fails(restaurant):
    # given
    from foodsys.events.sinks import registered_sinks, replace_sinks

    order, created = order_with_event(restaurant)
    confirmed = move(order, "confirmed")
    received, broken = [], True

    def flaky(envelopes):
        if broken:
            raise ConnectionError("webhook endpoint down")
        received.extend(e["event_id"] for e in envelopes)

    with replace_sinks({**registered_sinks(), "flaky": flaky}):
        # when: one sink fails
        failed = OutboxRelay(sink=InProcessSink()).drain()
        # then: nothing is marked, so every sink gets the rows again
        assert (failed.published, failed.failed) == (0, 2)
        broken = False
        retried = OutboxRelay(sink=InProcessSink()).drain()

    assert (retried.published, retried.failed) == (2, 0)
    assert received == [str(created.event_id), str(confirmed.event_id)]
    assert metrics_snapshot(tenant_id=restaurant.tenant_id)["total_orders"] == 1  # metrics deduped the retry


@pytest.mark.django_db
def test_a_failed_delivery_stops_marking_that_tenants_later_events_only(restaurant, other_restaurant):
    # given
    order, first = order_with_event(restaurant)
    second = move(order, "confirmed")
    third = move(order, "preparing")
    _other_order, other = order_with_event(other_restaurant)
    sink = RecordingSink(fail_ids={second.id})

    # when
    result = relay_batch(sink=sink)

    # then
    published = set(OutboxEvent.objects.filter(published_at__isnull=False).values_list("id", flat=True))
    assert published == {first.id, other.id}
    assert (result.published, result.failed) == (2, 2)
    third.refresh_from_db()
    assert third.attempts == 1 and "older event" in third.last_error

    # and when the broker is back, the tenant resumes from its oldest unpublished event
    sink.fail_ids.clear()
    sink.sent.clear()
    relay_batch(sink=sink)
    assert [row.id for row in sink.sent] == [second.id, third.id]


@pytest.mark.django_db
def test_relay_command_once_drains_in_process_in_embedded_mode(restaurant, settings):
    # given
    settings.KAFKA_BOOTSTRAP_SERVERS = ""
    order_with_event(restaurant)

    # when
    call_command("relay_outbox", "--once", "--batch-size", "10")

    # then
    assert not OutboxEvent.objects.filter(published_at__isnull=True).exists()


@pytest.mark.django_db
def test_prune_outbox_deletes_only_old_published_rows(restaurant):
    # given
    _o1, old_published = order_with_event(restaurant)
    _o2, recent_published = order_with_event(restaurant)
    _o3, old_unpublished = order_with_event(restaurant)
    OutboxEvent.objects.filter(id=old_published.id).update(published_at=timezone.now() - timedelta(days=8))
    OutboxEvent.objects.filter(id=recent_published.id).update(published_at=timezone.now() - timedelta(days=1))
    OutboxEvent.objects.filter(id=old_unpublished.id).update(created_at=timezone.now() - timedelta(days=30))

    # when
    call_command("prune_outbox", "--days", "7")

    # then
    assert set(OutboxEvent.objects.values_list("id", flat=True)) == {recent_published.id, old_unpublished.id}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_relays_never_interleave_a_tenant_and_keep_its_order():
    # given: 4 tenants with 30 events each, committed
    tenants = [f.RestaurantFactory() for _ in range(4)]
    expected = {}
    for restaurant in tenants:
        ids = []
        for _ in range(10):
            order, created = order_with_event(restaurant)
            ids += [created.id, move(order, "confirmed").id, move(order, "preparing").id]
        expected[restaurant.tenant_id] = ids
    sink = RecordingSink(pause=0.03)
    barrier = threading.Barrier(2)

    def relay():
        from django.db import connection

        barrier.wait()
        try:
            OutboxRelay(sink=sink, batch_size=7).drain()
            while OutboxEvent.objects.filter(published_at__isnull=True).exists():
                OutboxRelay(sink=sink, batch_size=7).drain()
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=relay) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    # then: every event sent exactly once, each tenant's in commit order
    sent_ids = [row.id for row in sink.sent]
    assert sorted(sent_ids) == sorted(i for ids in expected.values() for i in ids)
    for tenant_id, ids in expected.items():
        assert [row.id for row in sink.sent if row.tenant_id == tenant_id] == ids
