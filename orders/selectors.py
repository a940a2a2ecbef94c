"""Order reads. Visibility rules:

- list, tenant view: when the request resolved a tenant (a member's only membership, or
  X-Tenant-ID for a member or admin) -> that tenant's orders.
- list, customer view: otherwise (or with `mine_only`) -> the caller's own orders; an admin without
  a tenant sees every order.
- one order (detail, status change): visible to its customer, to members of its tenant and to
  admins (`order_actor`); anyone else gets 404, never 403, so ids do not leak.

The caller's role for an order (an Actor: admin, else owner/staff of its tenant, else its customer)
is what the bodies' `next_statuses` / `allowed_transitions` and order_transition go by. A request's
TenantResolution, passed as `tenancy`, already knows some memberships and saves the query.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import Membership
from foodsys.common.exceptions import NotFoundError
from foodsys.tenancy.actor import ADMIN, CUSTOMER, Actor
from foodsys.tenancy.resolution import UNKNOWN, TenantResolution, is_admin
from orders.models import Order, OrderActivity, OrderStatusChange

ORDERINGS = ("created_at", "-created_at", "total", "-total")


@dataclass(frozen=True)
class OrderFilters:
    statuses: tuple[str, ...] = field(default_factory=tuple)
    created_after: datetime | None = None
    created_before: datetime | None = None
    restaurant_id: int | None = None
    ordering: str = "-created_at"
    search: str = ""  # order number, customer name/e-mail, contact name, phone (icontains)
    created_from: date | None = None  # local dates in `zone`, inclusive
    created_to: date | None = None
    zone: str = "UTC"


def local_day_start(day: date, zone: str) -> datetime:
    """The UTC instant the local day `day` starts in IANA `zone` (DST-correct via zoneinfo)."""
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(zone))


def local_day_bounds(created_from: date | None, created_to: date | None, zone: str):
    """[start, end) instants of the local days created_from..created_to (inclusive), either may be None."""
    start = local_day_start(created_from, zone) if created_from else None
    end = local_day_start(created_to + timedelta(days=1), zone) if created_to else None
    return start, end


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
    start, end = local_day_bounds(filters.created_from, filters.created_to, filters.zone)
    if start is not None:
        orders = orders.filter(created_at__gte=start)
    if end is not None:
        orders = orders.filter(created_at__lt=end)
    if filters.search:
        term = filters.search
        orders = orders.filter(Q(order_number__icontains=term) | Q(customer__name__icontains=term)
                               | Q(customer__email__icontains=term) | Q(contact_name__icontains=term)
                               | Q(contact_phone__icontains=term))
    if filters.ordering not in ORDERINGS:
        raise ValueError(f"Unknown ordering {filters.ordering!r}.")
    tie_breaker = "-id" if filters.ordering.startswith("-") else "id"
    return orders.order_by(filters.ordering, tie_breaker)


def order_actors(*, orders: Iterable[Order], user, tenancy: TenantResolution | None = None) -> list[Actor | None]:
    """The caller's Actor for each order (None: not theirs to see), with at most one membership query."""
    orders = list(orders)
    if user is None or not user.is_authenticated:
        return [None] * len(orders)
    if is_admin(user):
        return [Actor(user=user, role=ADMIN)] * len(orders)
    roles = {}
    for tenant_id in {order.tenant_id for order in orders}:
        roles[tenant_id] = tenancy.membership_role(user=user, tenant_id=tenant_id) if tenancy else UNKNOWN
    unknown = [tenant_id for tenant_id, role in roles.items() if role is UNKNOWN]
    if unknown:
        roles.update(dict.fromkeys(unknown))
        roles.update(Membership.objects.filter(user=user, tenant_id__in=unknown).values_list("tenant_id", "role"))
    actors = []
    for order in orders:
        role = roles[order.tenant_id] or (CUSTOMER if order.customer_id == user.pk else None)
        actors.append(Actor(user=user, role=role) if role else None)
    return actors


def order_actor(*, order: Order, user, tenancy: TenantResolution | None = None) -> Actor | None:
    """The caller's Actor for this order, or None when it is not theirs to see."""
    return order_actors(orders=[order], user=user, tenancy=tenancy)[0]


def parse_order_id(order_id) -> uuid.UUID:
    try:
        return uuid.UUID(str(order_id))
    except ValueError:
        raise NotFoundError("No such order.", code="order_not_found")


def order_get(*, user, order_id, tenancy: TenantResolution | None = None,
              with_history: bool = True) -> tuple[Order, Actor]:
    """The order with everything the detail needs (its status history unless `with_history` is
    False), and the caller's Actor for it; 404 when not visible."""
    orders = _summary_queryset()
    if with_history:
        orders = orders.prefetch_related(
            Prefetch("status_changes", queryset=OrderStatusChange.objects.select_related("by")),
            Prefetch("activities", queryset=OrderActivity.objects.select_related("by")))
    order = orders.filter(pk=parse_order_id(order_id)).first()
    actor = order_actor(order=order, user=user, tenancy=tenancy) if order is not None else None
    if actor is None:
        raise NotFoundError("No such order.", code="order_not_found")
    return order, actor


def order_status_history(*, order: Order) -> list[OrderStatusChange]:
    return list(OrderStatusChange.objects.for_tenant(order.tenant_id).filter(order=order).select_related("by")
                .order_by("at", "id"))


def order_activities(*, order: Order) -> list[OrderActivity]:
    return list(OrderActivity.objects.for_tenant(order.tenant_id).filter(order=order).select_related("by"))
