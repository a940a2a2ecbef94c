"""orders.dispatch: in embedded mode committed outbox events go to the registered in-process sinks
(metrics applies them); `outbox_message` is the one message builder of the fast path and the relay."""

import pytest
from django.db import transaction

from foodsys.events.sinks import registered_sinks, replace_sinks
from metrics.selectors import metrics_snapshot
from metrics.tests.builders import move, order_with_event
from orders.dispatch import events_committed
from orders.models import OutboxEvent
from orders.tests.helpers import advance, place

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _embedded(settings):
    """These are embedded-mode tests even in the services pass (then on the Redis store)."""
    settings.KAFKA_BOOTSTRAP_SERVERS = ""


def test_placing_and_moving_an_order_updates_the_live_metrics_after_commit(
        customer, owner, restaurant, menu_item, django_capture_on_commit_callbacks):
    # given / when
    with django_capture_on_commit_callbacks(execute=True):
        order = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 2)]).order
    with django_capture_on_commit_callbacks(execute=True):
        advance(order, "confirmed", "preparing", actor=owner)

    # then
    snapshot = metrics_snapshot(tenant_id=restaurant.tenant_id)
    assert snapshot["total_orders"] == 1
    assert snapshot["revenue_total"] == f"{order.total:.2f}"
    assert snapshot["status_counts"]["preparing"] == 1
    assert not OutboxEvent.objects.filter(published_at__isnull=True).exists()


def test_nothing_is_applied_when_the_transaction_rolls_back(restaurant, django_capture_on_commit_callbacks):
    # given / when
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        _order, event = order_with_event(restaurant, total="9.00")
        transaction.on_commit(lambda: events_committed([event.pk]))
        raise RuntimeError("rolled back")

    # then
    assert metrics_snapshot(tenant_id=restaurant.tenant_id)["total_orders"] == 0


def test_events_committed_is_idempotent_per_row(restaurant):
    # given
    _order, event = order_with_event(restaurant, total="9.00")

    # when
    events_committed([event.pk])
    events_committed([event.pk])

    # then
    event.refresh_from_db()
    assert event.published_at is not None and event.attempts == 1
    assert metrics_snapshot(tenant_id=restaurant.tenant_id)["total_orders"] == 1


def test_a_failing_sink_never_reaches_the_caller_and_leaves_the_row_for_the_relay(restaurant):
    # given
    order, _created = order_with_event(restaurant)
    event = move(order, "confirmed")

    def broken(envelopes):
        raise ConnectionError("store unreachable")

    # when
    with replace_sinks({**registered_sinks(), "broken": broken}):
        events_committed([event.pk])

    # then
    event.refresh_from_db()
    assert event.published_at is None


def test_every_registered_sink_gets_the_committed_events_in_order(restaurant):
    # given: a second app's sink next to the metrics one (how analytics or webhooks would plug in)
    order, created = order_with_event(restaurant)
    confirmed = move(order, "confirmed")
    received = []

    # when
    with replace_sinks({**registered_sinks(), "recorder": lambda envelopes: received.extend(envelopes)}):
        events_committed([confirmed.pk, created.pk])

    # then
    assert [e["event_id"] for e in received] == [str(created.event_id), str(confirmed.event_id)]
    assert metrics_snapshot(tenant_id=restaurant.tenant_id)["status_counts"]["confirmed"] == 1


def test_the_metrics_app_registers_its_sink_itself():
    assert "metrics" in registered_sinks()


def test_the_fast_path_and_the_relay_send_a_row_as_the_same_message(restaurant):
    # given
    from foodsys.events.schema import decode
    from foodsys.tenancy.keys import kafka_key
    from orders.dispatch import outbox_message

    _order, row = order_with_event(restaurant)

    # when
    message = outbox_message(row_id=row.id, tenant_id=row.tenant_id, topic=row.topic, payload=row.payload)

    # then: keyed by tenant (one partition, in order), the validated envelope, its type as a header
    assert message.key == kafka_key(restaurant.tenant_id)
    assert message.ref == row.id and message.topic == row.topic
    assert decode(message.value) == row.payload
    assert message.headers == [("event_type", row.event_type.encode())]
