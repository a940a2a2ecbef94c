from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from metrics.handlers import apply_events
from metrics.selectors import metrics_snapshot
from metrics.services import metrics_rebuild
from metrics.tests.builders import move, order_with_event
from orders.models import OutboxEvent
from orders.relay import InProcessSink, OutboxRelay

pytestmark = pytest.mark.django_db


def _history(restaurant):
    """Five orders in assorted states (one cancelled, one ready after 5 minutes), every event applied."""
    orders = [order_with_event(restaurant, total=total)[0] for total in ("10.00", "20.00", "30.00", "5.50", "4.50")]
    move(orders[0], "cancelled")
    move(orders[1], "confirmed")
    move(orders[2], "confirmed", at=timezone.now() - timedelta(minutes=10))
    move(orders[2], "preparing", at=timezone.now() - timedelta(minutes=5))
    move(orders[2], "ready")
    OutboxRelay(sink=InProcessSink()).drain()
    return orders


def _comparable(snapshot):
    return {k: v for k, v in snapshot.items() if k != "last_updated"}


def test_rebuild_after_losing_the_store_restores_every_aggregate(restaurant):
    # given
    _history(restaurant)
    live = metrics_snapshot(tenant_id=restaurant.tenant_id)
    cache.clear()

    # when
    result = metrics_rebuild(tenant_id=restaurant.tenant_id)

    # then
    rebuilt = metrics_snapshot(tenant_id=restaurant.tenant_id)
    assert result.orders == 5
    assert _comparable(rebuilt) == _comparable(live)
    assert rebuilt["total_orders"] == 5 and rebuilt["cancelled"] == 1 and rebuilt["revenue_total"] == "60.00"
    assert rebuilt["avg_prep_time_seconds"] == 300.0


def test_replaying_events_the_rebuild_reflects_does_not_count_them_twice(restaurant):
    # given
    _history(restaurant)
    cache.clear()
    metrics_rebuild(tenant_id=restaurant.tenant_id)
    before = _comparable(metrics_snapshot(tenant_id=restaurant.tenant_id))

    # when: Kafka redelivers every event
    result = apply_events(list(OutboxEvent.objects.order_by("id").values_list("payload", flat=True)))

    # then
    assert result.applied == 0
    assert _comparable(metrics_snapshot(tenant_id=restaurant.tenant_id)) == before


def test_an_event_applied_before_the_rebuild_but_committed_after_its_snapshot_counts_once(restaurant, monkeypatch):
    # given: the consumer applies a new order between the rebuild's read and its swap
    import metrics.services

    _history(restaurant)
    real_read = metrics.services._read_snapshot
    late = {}

    def read_then_new_order(tenant_id):
        snapshot = real_read(tenant_id)
        late["order"], late["event"] = order_with_event(restaurant, total="100.00")
        apply_events([late["event"].payload])
        return snapshot

    monkeypatch.setattr(metrics.services, "_read_snapshot", read_then_new_order)

    # when
    result = metrics_rebuild(tenant_id=restaurant.tenant_id)
    apply_events([late["event"].payload])  # and Kafka delivers it again afterwards

    # then
    assert result.caught_up_events == 1
    snapshot = metrics_snapshot(tenant_id=restaurant.tenant_id)
    assert snapshot["total_orders"] == 6
    assert snapshot["revenue_total"] == "160.00"


def test_rebuild_metrics_command_for_one_tenant(restaurant, other_restaurant):
    # given
    order_with_event(restaurant, total="7.00")
    order_with_event(other_restaurant, total="9.00")

    # when
    call_command("rebuild_metrics", "--tenant", str(restaurant.tenant_id))

    # then
    assert metrics_snapshot(tenant_id=restaurant.tenant_id)["revenue_total"] == "7.00"
    assert metrics_snapshot(tenant_id=other_restaurant.tenant_id)["total_orders"] == 0
