"""Reads of restaurants (tenants)."""

import uuid
import zoneinfo
from datetime import datetime

from django.db.models import Q, QuerySet

from accounts.models import Membership, MembershipRole
from foodsys.common.exceptions import NotFoundError
from foodsys.tenancy.resolution import is_admin
from restaurants.hours import is_open_at
from restaurants.models import CUISINE_TAG_SEPARATOR, Restaurant, is_paused_at


def restaurant_list(*, city: str | None = None, cuisine: str | None = None, q: str | None = None,
                    ) -> QuerySet[Restaurant]:
    """Active restaurants, filtered in the database (cuisine via the lower-cased `cuisine_tags`)."""
    restaurants = Restaurant.objects.active()
    if city and city.strip():
        restaurants = restaurants.filter(city__iexact=city.strip())
    if cuisine and cuisine.strip():
        tag = cuisine.strip().lower()
        restaurants = restaurants.filter(cuisine_tags__contains=f"{CUISINE_TAG_SEPARATOR}{tag}{CUISINE_TAG_SEPARATOR}")
    if q and q.strip():
        restaurants = restaurants.filter(Q(name__icontains=q.strip()) | Q(description__icontains=q.strip()))
    return restaurants.order_by("name", "id")


def restaurant_admin_list(*, q: str = "") -> QuerySet[Restaurant]:
    """Every restaurant, inactive ones included (for an admin's dashboard), by name."""
    restaurants = Restaurant.objects.all()
    if q.strip():
        restaurants = restaurants.filter(name__icontains=q.strip())
    return restaurants.order_by("name", "id")


def restaurant_open_at(*, restaurants: QuerySet[Restaurant], when: datetime) -> QuerySet[Restaurant]:
    """Narrows to restaurants open at `when`.

    Opening hours are JSON in each restaurant's own time zone, so this is decided in Python over
    the candidates (one query reading only id, hours and zone) and applied back as an id filter.
    """
    open_ids = [
        pk for pk, hours, tz in restaurants.values_list("id", "opening_hours", "timezone")
        if Restaurant(opening_hours=hours, timezone=tz).is_open_at(when)
    ]
    return restaurants.filter(id__in=open_ids)


def _is_member(*, restaurant: Restaurant, user, roles: tuple[str, ...]) -> bool:
    if not (user and user.is_authenticated):
        return False
    return Membership.objects.for_tenant(restaurant).filter(user=user, role__in=roles).exists()


def restaurant_get(*, restaurant_id: int, user=None) -> Restaurant:
    """A restaurant as the public sees it: inactive ones exist only for their members and admins."""
    restaurant = Restaurant.objects.filter(id=restaurant_id).first()
    if restaurant is None:
        raise NotFoundError("No such restaurant.")
    if not restaurant.is_active and not (
        is_admin(user) or _is_member(restaurant=restaurant, user=user, roles=tuple(MembershipRole.values))
    ):
        raise NotFoundError("No such restaurant.")
    return restaurant


def restaurant_tenant_id(*, restaurant_id: int) -> uuid.UUID | None:
    """The tenant UUID of an active restaurant, or None."""
    return Restaurant.objects.active().filter(id=restaurant_id).values_list("tenant_id", flat=True).first()


def restaurant_live_flags(*, opening_hours: dict | None, timezone: str, accepting_orders: bool,
                          paused_until: datetime | None, now: datetime) -> dict[str, bool]:
    """The time-dependent flags, computed at response time (never cached), by the rules the model's
    `is_open_at` / `is_paused` apply, from the four fields they read (no instance: cached list pages
    compute 20 of these per response)."""
    return {"is_open_now": is_open_at(opening_hours, zoneinfo.ZoneInfo(timezone), now),
            "is_paused": is_paused_at(accepting_orders=accepting_orders, paused_until=paused_until, now=now)}
