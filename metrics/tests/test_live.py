import asyncio
import io

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from foodsys.tenancy.keys import tenant_group
from metrics.live import MetricsPusher
from metrics.tests.builders import order_with_event
from orders.dispatch import events_committed

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _embedded_transport(settings):
    """Embedded mode on purpose (in-process dispatch), with the in-memory layer: channels_redis
    re-delivers to a test that receives from a fresh event loop on every call."""
    settings.KAFKA_BOOTSTRAP_SERVERS = ""
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def _listen(tenant_id) -> tuple:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(tenant_group(tenant_id), channel)
    return layer, channel


def test_dispatch_pushes_the_fresh_snapshot_to_the_tenant_group(restaurant):
    # given
    layer, channel = _listen(restaurant.tenant_id)
    _order, event = order_with_event(restaurant, total="11.00")

    # when
    events_committed([event.pk])

    # then
    message = async_to_sync(layer.receive)(channel)
    assert message["type"] == "metrics.update"
    assert message["payload"]["type"] == "metrics.update"
    assert message["payload"]["data"]["total_orders"] == 1
    assert message["payload"]["data"]["revenue_total"] == "11.00"
    assert message["payload"]["sent_at"].endswith("Z")


def test_pushes_are_coalesced_and_the_last_state_is_always_sent(restaurant):
    # given
    layer, channel = _listen(restaurant.tenant_id)
    pusher = MetricsPusher(min_interval=3600)
    tid = str(restaurant.tenant_id)

    # when: three changes inside one interval
    pusher.notify([tid])
    pusher.notify([tid])
    pusher.notify([tid])
    pusher.flush_due()
    first = async_to_sync(layer.receive)(channel)
    pusher.flush_all()  # the consumer's exit (or the interval ending) sends the trailing state

    # then: one immediate push, one trailing push, nothing else
    trailing = async_to_sync(layer.receive)(channel)
    assert first["type"] == trailing["type"] == "metrics.update"
    with pytest.raises(asyncio.TimeoutError):
        async_to_sync(asyncio.wait_for)(layer.receive(channel), timeout=0.2)


def _nothing_more(layer, channel) -> bool:
    try:
        async_to_sync(asyncio.wait_for)(layer.receive(channel), timeout=0.2)
    except TimeoutError:
        return True
    return False


def test_a_tenant_not_pushed_within_the_interval_is_pushed_at_once(restaurant, other_restaurant):
    # given: the restaurant was pushed inside the interval, the other one never
    layer, channel = _listen(restaurant.tenant_id)
    other_layer, other_channel = _listen(other_restaurant.tenant_id)
    pusher = MetricsPusher(min_interval=3600)
    pusher.notify([str(restaurant.tenant_id)])
    async_to_sync(layer.receive)(channel)

    # when
    pusher.notify([str(restaurant.tenant_id), str(other_restaurant.tenant_id)])

    # then: the leading edge of the other tenant goes out without waiting; the first one's change waits
    message = async_to_sync(other_layer.receive)(other_channel)
    assert message["payload"]["data"]["tenant_id"] == str(other_restaurant.tenant_id)
    assert _nothing_more(layer, channel)
    pusher.flush_all()
    assert async_to_sync(layer.receive)(channel)["type"] == "metrics.update"


def test_a_backlog_stretches_the_interval_and_the_trailing_push_still_goes_out(restaurant):
    # given: a consumer that is behind
    layer, channel = _listen(restaurant.tenant_id)
    pusher = MetricsPusher(min_interval=0, backlog_interval=3600)
    pusher.backlogged = True
    tid = str(restaurant.tenant_id)

    # when: a first change, then more while still behind
    pusher.notify([tid])
    first = async_to_sync(layer.receive)(channel)
    pusher.notify([tid])
    pusher.flush_due()
    held_back = _nothing_more(layer, channel)
    pusher.backlogged = False  # caught up
    pusher.flush_due()

    # then
    assert first["type"] == "metrics.update"
    assert held_back
    assert async_to_sync(layer.receive)(channel)["type"] == "metrics.update"
    assert _nothing_more(layer, channel)


def test_snapshots_of_several_tenants_read_together_match_one_by_one(restaurant, other_restaurant):
    # given
    from metrics.handlers import apply_events
    from metrics.selectors import metrics_snapshot, metrics_snapshots
    from metrics.tests.builders import envelope

    class Silent:
        def notify(self, tenant_ids):
            pass

    apply_events([envelope(restaurant.tenant_id, total="4.50"), envelope(other_restaurant.tenant_id, total="2.25"),
                  envelope(other_restaurant.tenant_id, total="1.00")], notifier=Silent())
    tenants = [str(restaurant.tenant_id), str(other_restaurant.tenant_id)]

    # when
    together = metrics_snapshots(tenant_ids=tenants)

    # then
    assert list(together) == tenants
    for tid in tenants:
        alone = metrics_snapshot(tenant_id=tid)
        assert {k: v for k, v in together[tid].items() if k != "orders_per_minute"} == \
            {k: v for k, v in alone.items() if k != "orders_per_minute"}
    assert together[tenants[1]]["revenue_total"] == "3.25"
    assert sum(b["count"] for b in together[tenants[1]]["orders_per_minute"]) == 2


def test_a_rebuild_pushes_nothing_unless_given_a_notifier(restaurant):
    # given
    from metrics.services import metrics_rebuild

    order_with_event(restaurant, total="6.00")
    layer, channel = _listen(restaurant.tenant_id)

    # when
    metrics_rebuild(tenant_id=restaurant.tenant_id)

    # then: no hidden push (it used to go through a process-wide pusher)
    assert _nothing_more(layer, channel)

    # and when asked, it pushes the rebuilt snapshot
    metrics_rebuild(tenant_id=restaurant.tenant_id, notifier=MetricsPusher(min_interval=0))
    assert async_to_sync(layer.receive)(channel)["payload"]["data"]["total_orders"] == 1


def test_applying_events_without_a_notifier_pushes_nothing(restaurant):
    # given
    from metrics.handlers import apply_events
    from metrics.tests.builders import envelope

    layer, channel = _listen(restaurant.tenant_id)

    # when
    result = apply_events([envelope(restaurant.tenant_id, total="3.00")])

    # then
    assert result.applied == 1
    assert _nothing_more(layer, channel)


def test_rebuild_metrics_pushes_only_with_push(restaurant):
    # given
    from django.core.management import call_command

    order_with_event(restaurant, total="6.00")
    layer, channel = _listen(restaurant.tenant_id)

    # when / then
    call_command("rebuild_metrics", "--tenant", str(restaurant.tenant_id), stdout=io.StringIO())
    assert _nothing_more(layer, channel)
    call_command("rebuild_metrics", "--tenant", str(restaurant.tenant_id), "--push", stdout=io.StringIO())
    assert async_to_sync(layer.receive)(channel)["payload"]["data"]["total_orders"] == 1
