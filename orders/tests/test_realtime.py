import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from foodsys.tenancy import keys
from orders import realtime, services
from orders.enums import OrderStatus
from orders.tests.helpers import place


def _listen(group: str) -> str:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    return channel


def _receive(channel: str) -> dict:
    """The next order message (the tenant group also carries the pipeline's metrics.update)."""
    for _ in range(5):
        message = async_to_sync(get_channel_layer().receive)(channel)
        if message["type"].startswith("order."):
            return message
    raise AssertionError("no order message arrived")


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


def test_a_status_change_is_announced_as_an_update(pending_order, owner, restaurant,
                                                    django_capture_on_commit_callbacks):
    # given
    tenant_channel = _listen(keys.tenant_group(restaurant.tenant_id))

    # when
    with django_capture_on_commit_callbacks(execute=True):
        services.order_transition(order_id=pending_order.pk, actor=owner, to_status=OrderStatus.CONFIRMED)

    # then
    message = _receive(tenant_channel)
    assert message["type"] == "order.updated"
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
        order = services.order_transition(order_id=pending_order.pk, actor=owner, to_status=OrderStatus.CONFIRMED)

    # then
    assert order.status == OrderStatus.CONFIRMED


def test_an_unknown_message_type_is_a_programming_error(pending_order):
    with pytest.raises(ValueError):
        realtime.order_broadcast(order=pending_order, message_type="order.deleted")
