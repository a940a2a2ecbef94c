"""Live order updates for dashboards (tenant group) and the customer (user group), sent on commit."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction
from django.utils import timezone

from foodsys.common.background_loop import BackgroundSender
from foodsys.events.schema import iso_utc
from foodsys.tenancy import keys
from orders.models import Order
from orders.presenters import order_summary

logger = logging.getLogger(__name__)

MESSAGE_TYPES = ("order.created", "order.updated")
_sender = BackgroundSender("order-broadcast")


async def _send_to_groups(layer, groups: list[str], message: dict) -> None:
    for group in groups:
        await layer.group_send(group, message)


def order_broadcasts_wait(timeout: float = 5.0) -> bool:
    """Blocks until every queued broadcast of this process went out (tests; shutdown)."""
    return _sender.wait_idle(timeout)


def order_broadcast(*, order: Order, message_type: str, lines=None) -> None:
    """Snapshots the summary now (inside the transaction) and sends it once the transaction
    commits; a rolled-back change is never announced. A channel-layer failure is logged only.

    `lines`: the order's lines when the caller has them in memory (saves a query).
    On channels-redis the send is queued to a process-wide background loop (in order, reusing its
    connections) and the request does not wait for Redis; the in-memory layer (embedded mode) is
    bound to the caller's loop, so there it is sent before returning."""
    if message_type not in MESSAGE_TYPES:
        raise ValueError(f"Unknown order message type {message_type!r}.")
    data = order_summary(order, lines=lines)
    groups = [keys.tenant_group(order.tenant_id), keys.user_group(order.customer_id)]

    def send() -> None:
        message = {"type": message_type, "payload": {"type": message_type, "data": data,
                                                      "sent_at": iso_utc(timezone.now())}}
        try:
            layer = get_channel_layer()
            if isinstance(layer, InMemoryChannelLayer):
                async_to_sync(_send_to_groups)(layer, groups, message)
            else:
                _sender.submit(lambda: _send_to_groups(layer, groups, message))
        except Exception:
            logger.exception("Could not broadcast %s for order %s", message_type, order.id)

    transaction.on_commit(send, robust=True)
