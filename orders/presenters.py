"""JSON-safe dicts for orders: the API's list item / detail bodies and the realtime payloads.

Money is a decimal string ("12.34") and times are ISO 8601 UTC ("...Z"), as everywhere in the API.
`order_summary` reads `order.tenant`, `order.customer` and `order.lines`, so querysets feeding it
use `select_related("tenant", "customer").prefetch_related("lines")` (orders.selectors does).
A caller that already holds the lines (or the status history) in memory passes them instead.

Both bodies are for one viewer: `role` is the viewer's role for the order (customer, owner, staff,
admin; "restaurant" for the tenant's broadcast audience), and decides `next_statuses` /
`allowed_transitions` (orders.state_machine), so a list item and the detail always agree.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from foodsys.events.schema import iso_utc
from orders import state_machine
from orders.models import Order, OrderLine


def _iso(moment: datetime | None) -> str | None:
    return iso_utc(moment) if moment else None


def _money(amount: Decimal) -> str:
    return f"{amount:.2f}"


def customer_display_name(user) -> str:
    return user.name or user.email


def order_customer_name(order: Order) -> str:
    """The name the kitchen calls out: the contact of a phone/walk-in order, else the customer's."""
    if order.contact_name:
        return order.contact_name
    return customer_display_name(order.customer) if order.customer_id else ""


def order_contact_phone(order: Order) -> str:
    if order.contact_phone:
        return order.contact_phone
    return (order.customer.phone if order.customer_id else "") or ""


def order_summary(order: Order, *, role: str, lines: list[OrderLine] | None = None) -> dict[str, Any]:
    """The list item of GET /api/orders/ and the `data` of order.created/order.updated messages."""
    restaurant = order.tenant
    return {
        "id": str(order.id),
        "order_number": order.order_number,
        "restaurant_id": restaurant.id,
        "tenant_id": str(order.tenant_id),
        "restaurant_name": restaurant.name,
        "customer_id": order.customer_id,
        "customer_name": order_customer_name(order),
        "channel": order.channel,
        "fulfilment": order.fulfilment,
        "status": order.status,
        "payment_method": order.payment_method,
        "payment_status": order.payment_status,
        "total": _money(order.total),
        "currency": order.currency,
        "item_count": order.item_count,
        "lines": [
            {
                "name": line.name,
                "quantity": line.quantity,
                "options": [option["name"] for option in line.options],
                "option_detail": [{"group": option.get("group", ""), "name": option["name"]}
                                  for option in line.options],
                "special_instructions": line.special_instructions,
            }
            for line in (order.lines.all() if lines is None else lines)
        ],
        "notes": order.notes,
        "created_at": _iso(order.created_at),
        "updated_at": _iso(order.updated_at),
        "estimated_ready_at": _iso(order.estimated_ready_at),
        "next_statuses": state_machine.next_statuses(order.status, role),
    }


def _line_detail(line: OrderLine) -> dict[str, Any]:
    return {
        "id": line.id,
        "menu_item_id": line.menu_item_id,
        "name": line.name,
        "quantity": line.quantity,
        "unit_price": _money(line.unit_price),
        "options": line.options,
        "special_instructions": line.special_instructions,
        "line_total": _money(line.line_total),
    }


def _person(user, *, restaurant_side: bool) -> str | None:
    """Who did it, named for the restaurant's members only (a customer sees no staff names)."""
    if user is None or not restaurant_side:
        return None
    return user.name or user.email


def order_timeline(*, status_changes: list, activities: list, role: str) -> list[dict[str, Any]]:
    """Status changes and other entries (reprints...) in the order they happened."""
    restaurant_side = role in state_machine.RESTAURANT_SIDE
    entries = [{"kind": "status", "at": change.at, "to_status": change.to_status, "from_status": change.from_status,
                "automatic": change.automatic, "by": _person(change.by, restaurant_side=restaurant_side),
                "detail": change.reason} for change in status_changes]
    if restaurant_side:
        entries += [{"kind": activity.kind, "at": activity.at, "automatic": False,
                     "by": _person(activity.by, restaurant_side=True), "detail": activity.detail}
                    for activity in activities]
    entries.sort(key=lambda entry: entry["at"])
    return [{**entry, "at": _iso(entry["at"])} for entry in entries]


def order_eta(order: Order) -> dict[str, Any]:
    """The ETA the order was given when placed: ready (and delivered) at, and the minutes from placing
    until the customer has the food (delivered, or ready for pickup); how it was computed is `eta_basis`."""
    until = order.estimated_delivery_at or order.estimated_ready_at
    minutes = round((until - order.created_at).total_seconds() / 60) if until and order.created_at else None
    return {"ready_at": _iso(order.estimated_ready_at), "deliver_at": _iso(order.estimated_delivery_at),
            "minutes": minutes}


def order_detail(order: Order, *, role: str, lines: list[OrderLine] | None = None,
                 status_changes: list | None = None, activities: list | None = None) -> dict[str, Any]:
    """The body of GET /api/orders/{id}/ (and of a placement or status change). Needs `lines`,
    `status_changes` (with `by`) and `activities` prefetched (orders.selectors.order_get does)
    unless they are passed."""
    restaurant = order.tenant
    if lines is None:
        lines = order.lines.all()
    if status_changes is None:
        status_changes = order.status_changes.all()
    if activities is None:
        activities = order.activities.all()
    return {
        "id": str(order.id),
        "order_number": order.order_number,
        "restaurant": {"id": restaurant.id, "tenant_id": str(restaurant.tenant_id), "name": restaurant.name,
                       "timezone": restaurant.timezone, "phone": restaurant.phone},
        "customer_id": order.customer_id,
        "customer_name": order_customer_name(order),
        "contact_phone": order_contact_phone(order),
        "channel": order.channel,
        "entered_by_id": order.entered_by_id,
        "fulfilment": order.fulfilment,
        "status": order.status,
        "payment_method": order.payment_method,
        "payment_status": order.payment_status,
        "lines": [_line_detail(line) for line in lines],
        "subtotal": _money(order.subtotal),
        "delivery_fee": _money(order.delivery_fee),
        "tax": _money(order.tax),
        "total": _money(order.total),
        "currency": order.currency,
        "item_count": order.item_count,
        "delivery_address": order.delivery_address,
        "notes": order.notes,
        "estimated_ready_at": _iso(order.estimated_ready_at),
        "estimated_delivery_at": _iso(order.estimated_delivery_at),
        "eta": order_eta(order),
        "eta_basis": order.eta_basis,
        "created_at": _iso(order.created_at),
        "updated_at": _iso(order.updated_at),
        "confirmed_at": _iso(order.confirmed_at),
        "preparing_at": _iso(order.preparing_at),
        "ready_at": _iso(order.ready_at),
        "out_for_delivery_at": _iso(order.out_for_delivery_at),
        "delivered_at": _iso(order.delivered_at),
        "cancelled_at": _iso(order.cancelled_at),
        "cancel_reason": order.cancel_reason,
        "preparation_seconds": order.preparation_seconds,
        "allowed_transitions": state_machine.next_statuses(order.status, role),
        "status_history": [
            {
                "from_status": change.from_status,
                "to_status": change.to_status,
                "by_id": change.by_id,
                "at": _iso(change.at),
                "reason": change.reason,
                "automatic": change.automatic,
            }
            for change in status_changes
        ],
        "timeline": order_timeline(status_changes=status_changes, activities=activities, role=role),
    }
