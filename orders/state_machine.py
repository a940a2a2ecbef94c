"""The order state machine, as data.

    pending -> confirmed -> preparing -> ready -> out_for_delivery -> delivered
    pending -> cancelled                      (customer or restaurant)
    confirmed | preparing -> cancelled        (restaurant only, reason required)

Roles are relative to one order: "customer" (who placed it), "owner" / "staff" (a member of its
tenant: the restaurant side, also named "restaurant" where no one member is meant, e.g. the tenant
group's broadcast), "admin" (platform staff: whatever the machine allows, like the restaurant).
"""

from foodsys.common.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from foodsys.tenancy.actor import ADMIN, CUSTOMER, OWNER, STAFF
from orders.enums import OrderStatus

RESTAURANT = "restaurant"
RESTAURANT_SIDE = (RESTAURANT, OWNER, STAFF, ADMIN)

FORWARD: dict[str, str] = {
    OrderStatus.PENDING: OrderStatus.CONFIRMED,
    OrderStatus.CONFIRMED: OrderStatus.PREPARING,
    OrderStatus.PREPARING: OrderStatus.READY,
    OrderStatus.READY: OrderStatus.OUT_FOR_DELIVERY,
    OrderStatus.OUT_FOR_DELIVERY: OrderStatus.DELIVERED,
}
RESTAURANT_CANCELLABLE = (OrderStatus.PENDING, OrderStatus.CONFIRMED, OrderStatus.PREPARING)
CUSTOMER_CANCELLABLE = (OrderStatus.PENDING,)

TIMESTAMP_FIELDS: dict[str, str] = {
    OrderStatus.CONFIRMED: "confirmed_at",
    OrderStatus.PREPARING: "preparing_at",
    OrderStatus.READY: "ready_at",
    OrderStatus.OUT_FOR_DELIVERY: "out_for_delivery_at",
    OrderStatus.DELIVERED: "delivered_at",
    OrderStatus.CANCELLED: "cancelled_at",
}


def next_statuses(status: str, role: str | None) -> list[str]:
    """The statuses `role` may move an order in `status` to (empty for an unrelated caller)."""
    if role == CUSTOMER:
        return [OrderStatus.CANCELLED.value] if status in CUSTOMER_CANCELLABLE else []
    if role not in RESTAURANT_SIDE:
        return []
    allowed = [FORWARD[status].value] if status in FORWARD else []
    if status in RESTAURANT_CANCELLABLE:
        allowed.append(OrderStatus.CANCELLED.value)
    return allowed


def reason_required(from_status: str, to_status: str) -> bool:
    return to_status == OrderStatus.CANCELLED and from_status != OrderStatus.PENDING


def check_transition(*, from_status: str, to_status: str, role: str, reason: str) -> None:
    """Raises 409 when the machine forbids the move, 403 when only the role does, 400 without a
    required reason."""
    if to_status not in next_statuses(from_status, RESTAURANT):
        raise transition_conflict(current_status=from_status, to_status=to_status, role=role)
    if to_status not in next_statuses(from_status, role):
        raise PermissionDeniedError(
            f"Your role may not move this order from '{from_status}' to '{to_status}'."
            + (" Customers may only cancel a pending order." if role == CUSTOMER else ""),
            code="transition_forbidden",
        )
    if reason_required(from_status, to_status) and not reason:
        raise ApplicationError("A reason is required to cancel an order once it is confirmed.",
                               code="reason_required", fields={"reason": ["This field is required."]})


def transition_conflict(*, current_status: str, to_status: str, role: str | None) -> ConflictError:
    allowed = next_statuses(current_status, role)
    return ConflictError(
        f"Cannot move the order from '{current_status}' to '{to_status}'; "
        f"allowed next: {', '.join(allowed) or 'none'}.",
        code="invalid_transition",
        extra={"current_status": current_status, "allowed": allowed},
    )
