import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from foodsys.tenancy import keys
from orders import realtime
from orders.enums import OrderStatus
from orders.tests.helpers import place, transition

# Broadcasts leave on commit; on channels-redis through a background loop, so they take a moment.
RECEIVE_TIMEOUT = 5.0


def _listen(group: str) -> str:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    return channel


def _receive(channel: str, timeout: float = RECEIVE_TIMEOUT) -> dict:
    """The next order message (the tenant group also carries the pipeline's metrics.update).

    Bounded: a layer's receive() waits forever, so without a timeout a missing broadcast would hang
    the run instead of failing the test."""
    async def next_order_message() -> dict:
        layer = get_channel_layer()
        while True:
            message = await layer.receive(channel)
            if message["type"].startswith("order."):
                return message

    async def within_timeout() -> dict:
        return await asyncio.wait_for(next_order_message(), timeout)

    try:
        return async_to_sync(within_timeout)()
    except TimeoutError:
        raise AssertionError(f"no order message arrived on {channel} within {timeout} s") from None


def test_a_placed_order_is_announced_to_the_tenant_and_the_customer(customer, restaurant, menu_item,
                                                                   django_capture_on_commit_callbacks):
    # given
    tenant_channel = _listen(keys.tenant_group(restaurant.tenant_id))
    customer_channel = _listen(keys.user_group(customer.id))

    # when
    with django_capture_on_commit_callbacks(execute=True):
        order = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 2)]).order

    # then
    for channel in (tenant_channel, customer_channel):
        message = _receive(channel)
        assert message["type"] == "order.created"
        assert message["payload"]["type"] == "order.created"
        assert message["payload"]["data"]["id"] == str(order.id)
        assert message["payload"]["data"]["status"] == "pending"
        assert message["payload"]["data"]["lines"][0]["quantity"] == 2
        assert message["payload"]["sent_at"].endswith("Z")


def test_each_group_gets_the_body_for_its_audience(customer, restaurant, menu_item,
                                                   django_capture_on_commit_callbacks):
    # given
    tenant_channel = _listen(keys.tenant_group(restaurant.tenant_id))
    customer_channel = _listen(keys.user_group(customer.id))

    # when
    with django_capture_on_commit_callbacks(execute=True):
        place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)])

    # then: the restaurant side may confirm or cancel a pending order, its customer may only cancel it
    assert _receive(tenant_channel)["payload"]["data"]["next_statuses"] == ["confirmed", "cancelled"]
    assert _receive(customer_channel)["payload"]["data"]["next_statuses"] == ["cancelled"]


def test_a_status_change_is_announced_as_an_update(pending_order, owner, restaurant,
                                                    django_capture_on_commit_callbacks):
    # given
    tenant_channel = _listen(keys.tenant_group(restaurant.tenant_id))

    # when
    with django_capture_on_commit_callbacks(execute=True):
        transition(pending_order.pk, OrderStatus.CONFIRMED, by=owner)

    # then
    message = _receive(tenant_channel)
    assert message["type"] == "order.updated"
    assert message["payload"]["type"] == "order.updated"
    assert message["payload"]["data"]["id"] == str(pending_order.pk)
    assert message["payload"]["data"]["status"] == "confirmed"
    assert message["payload"]["data"]["next_statuses"] == ["preparing", "cancelled"]


def test_nothing_is_sent_for_a_rolled_back_change(customer, restaurant, menu_item,
                                                  django_capture_on_commit_callbacks):
    # when
    with django_capture_on_commit_callbacks() as callbacks, pytest.raises(RuntimeError), transaction.atomic():
        place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)])
        raise RuntimeError("rolled back")

    # then: neither the broadcast nor the outbox hand-off was scheduled
    assert callbacks == []


def test_a_channel_layer_failure_does_not_reach_the_caller(pending_order, owner, monkeypatch,
                                                           django_capture_on_commit_callbacks):
    # given
    def broken_layer():
        raise ConnectionError("redis is down")

    monkeypatch.setattr(realtime, "get_channel_layer", broken_layer)

    # when
    with django_capture_on_commit_callbacks(execute=True):
        order = transition(pending_order.pk, OrderStatus.CONFIRMED, by=owner)

    # then
    assert order.status == OrderStatus.CONFIRMED


def test_an_unknown_message_type_is_a_programming_error(pending_order):
    with pytest.raises(ValueError):
        realtime.order_broadcast(order=pending_order, message_type="order.deleted")
