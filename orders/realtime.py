"""Live order updates for dashboards (tenant group) and the customer (user group), sent on commit."""

import logging

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.db import transaction
from django.utils import timezone

from foodsys.common.background_loop import BackgroundSender
from foodsys.events.schema import iso_utc
from foodsys.tenancy import keys
from foodsys.tenancy.actor import CUSTOMER
from orders.models import Order
from orders.presenters import order_summary
from orders.state_machine import RESTAURANT

logger = logging.getLogger(__name__)

MESSAGE_TYPES = ("order.created", "order.updated")
_sender = BackgroundSender("order-broadcast")


async def _send_to_groups(layer, messages: list[tuple[str, dict]]) -> None:
    for group, message in messages:
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
    # Each group gets the body for its audience: the tenant group is the restaurant side (owners,
    # staff, admins: the same next statuses), the user group is the order's customer.
    audiences = [(keys.tenant_group(order.tenant_id), order_summary(order, role=RESTAURANT, lines=lines))]
    if order.customer_id is not None:  # a phone or walk-in order has no customer account to tell
        audiences.append((keys.user_group(order.customer_id), order_summary(order, role=CUSTOMER, lines=lines)))

    def send() -> None:
        sent_at = iso_utc(timezone.now())
        messages = [(group, {"type": message_type, "payload": {"type": message_type, "data": data,
                                                                "sent_at": sent_at}})
                    for group, data in audiences]
        try:
            layer = get_channel_layer()
            if isinstance(layer, InMemoryChannelLayer):
                async_to_sync(_send_to_groups)(layer, messages)
            else:
                _sender.submit(lambda: _send_to_groups(layer, messages))
        except Exception:
            logger.exception("Could not broadcast %s for order %s", message_type, order.id)

    transaction.on_commit(send, robust=True)
