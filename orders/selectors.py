"""Order reads. Visibility rules:

- list, tenant view: when the request resolved a tenant (a member's only membership, or
  X-Tenant-ID for a member or admin) -> that tenant's orders.
- list, customer view: otherwise (or with `mine_only`) -> the caller's own orders; an admin without
  a tenant sees every order.
- one order (detail, status change): visible to its customer, to members of its tenant and to
  admins (`order_actor_role`); anyone else gets 404, never 403, so ids do not leak.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet

from accounts.models import Membership
from foodsys.common.exceptions import NotFoundError
from foodsys.tenancy.resolution import UNKNOWN, is_admin, remembered_membership
from orders import state_machine
from orders.models import Order, OrderStatusChange

ORDERINGS = ("created_at", "-created_at", "total", "-total")


@dataclass(frozen=True)
class OrderFilters:
    statuses: tuple[str, ...] = field(default_factory=tuple)
    created_after: datetime | None = None
    created_before: datetime | None = None
    restaurant_id: int | None = None
    ordering: str = "-created_at"


def _summary_queryset() -> QuerySet[Order]:
    return Order.objects.select_related("tenant", "customer").prefetch_related("lines")


def order_list(*, user, tenant, filters: OrderFilters, mine_only: bool = False) -> QuerySet[Order]:
    if tenant is not None and not mine_only:
        orders = _summary_queryset().for_tenant(tenant)
    elif is_admin(user) and not mine_only:
        orders = _summary_queryset()
    else:
        orders = _summary_queryset().filter(customer=user)
    if filters.statuses:
        orders = orders.filter(status__in=filters.statuses)
    if filters.created_after:
        orders = orders.filter(created_at__gte=filters.created_after)
    if filters.created_before:
        orders = orders.filter(created_at__lt=filters.created_before)
    if filters.restaurant_id is not None:
        orders = orders.filter(tenant__id=filters.restaurant_id)
    if filters.ordering not in ORDERINGS:
        raise ValueError(f"Unknown ordering {filters.ordering!r}.")
    tie_breaker = "-id" if filters.ordering.startswith("-") else "id"
    return orders.order_by(filters.ordering, tie_breaker)


def order_actor_role(*, order: Order, user) -> str | None:
    """The caller's role for this order (see state_machine), or None when it is not theirs to see."""
    if user is None or not user.is_authenticated:
        return None
    if is_admin(user):
        return state_machine.ADMIN
    known = remembered_membership(user, order.tenant_id)  # the tenant middleware may know already
    if known is UNKNOWN:
        known = Membership.objects.filter(user=user, tenant_id=order.tenant_id).exists() or None
    if known:
        return state_machine.RESTAURANT
    if order.customer_id == user.id:
        return state_machine.CUSTOMER
    return None


def parse_order_id(order_id) -> uuid.UUID:
    try:
        return uuid.UUID(str(order_id))
    except ValueError:
        raise NotFoundError("No such order.", code="order_not_found")


def order_get(*, user, order_id) -> tuple[Order, str]:
    """The order with everything the detail needs, and the caller's role; 404 when not visible."""
    order = (_summary_queryset().prefetch_related("status_changes")
             .filter(pk=parse_order_id(order_id)).first())
    role = order_actor_role(order=order, user=user) if order is not None else None
    if role is None:
        raise NotFoundError("No such order.", code="order_not_found")
    return order, role


def order_status_history(*, order: Order) -> list[OrderStatusChange]:
    return list(OrderStatusChange.objects.for_tenant(order.tenant_id).filter(order=order).order_by("at", "id"))


def order_allowed_transitions(*, order: Order, role: str | None) -> list[str]:
    return state_machine.next_statuses(order.status, role)
