"""Embedded mode: committed outbox events are applied in-process by the metrics handler."""

import pytest
from django.db import transaction

from foodsys.events.dispatch import events_committed
from metrics.selectors import metrics_snapshot
from metrics.tests.builders import move, order_with_event
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


def test_a_failing_handler_never_reaches_the_caller_and_leaves_the_row_for_the_relay(restaurant, monkeypatch):
    # given
    import metrics.handlers

    order, _created = order_with_event(restaurant)
    event = move(order, "confirmed")

    def broken(*args, **kwargs):
        raise ConnectionError("store unreachable")

    monkeypatch.setattr(metrics.handlers, "apply_events", broken)

    # when
    events_committed([event.pk])

    # then
    event.refresh_from_db()
    assert event.published_at is None
