import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from foodsys.events.dispatch import events_committed
from foodsys.tenancy.keys import tenant_group
from metrics.live import MetricsPusher
from metrics.tests.builders import order_with_event

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
