"""Writes of restaurants (tenants). Every write retires the tenant's cached catalog on commit.

The role rules are `restaurants.roles`: creating needs a restaurant-owner account (or an admin);
settings, the pause switch and deactivation take the `actor` and need an owner or admin."""

import functools
import zoneinfo
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from accounts.models import Membership, MembershipRole, User
from accounts.verification import require_verified_email
from foodsys.common.cache import invalidate_catalog_on_commit
from foodsys.common.exceptions import ApplicationError, PermissionDeniedError
from foodsys.tenancy.actor import Actor
from restaurants.currencies import is_currency
from restaurants.hours import validate_opening_hours
from restaurants.models import CUISINE_TAG_SEPARATOR, Restaurant
from restaurants.roles import check_may_change_settings, may_create_restaurant

MAX_CUISINES = 20
MAX_CUISINE_LENGTH = 50

UPDATABLE_FIELDS = frozenset({
    "name", "description", "cuisines", "phone", "email", "image_url",
    "street", "city", "state", "zip_code", "lat", "lng",
    "timezone", "opening_hours", "delivery_fee", "minimum_order", "tax_rate", "currency",
    "estimated_delivery_minutes", "accepting_orders", "paused_until",
    "auto_accept", "target_prep_minutes", "busy_extra_prep_minutes",
    "pickup_enabled", "delivery_enabled", "slot_minutes", "schedule_days_ahead",
    "slot_capacity_orders", "slot_capacity_load",
})


@functools.cache
def _known_timezones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError(f"{field}: {message}", code="validation_error", fields={field: [message]})


def _normalised_cuisines(cuisines: Any) -> list[str]:
    if not isinstance(cuisines, list) or len(cuisines) > MAX_CUISINES:
        raise _invalid("cuisines", f"A list of at most {MAX_CUISINES} names is expected.")
    result: list[str] = []
    for cuisine in cuisines:
        if not isinstance(cuisine, str) or not cuisine.strip() or len(cuisine.strip()) > MAX_CUISINE_LENGTH:
            raise _invalid("cuisines", f"Each cuisine is a name of 1-{MAX_CUISINE_LENGTH} characters.")
        if CUISINE_TAG_SEPARATOR in cuisine:
            raise _invalid("cuisines", f"A cuisine name may not contain '{CUISINE_TAG_SEPARATOR}'.")
        if cuisine.strip().lower() not in {c.lower() for c in result}:
            result.append(cuisine.strip())
    return result


def _validate(restaurant: Restaurant) -> None:
    """Domain checks the model's field validators cannot express, then the model's own."""
    restaurant.cuisines = _normalised_cuisines(restaurant.cuisines)
    if restaurant.timezone not in _known_timezones():
        raise _invalid("timezone", f"'{restaurant.timezone}' is not an IANA time zone, e.g. 'Europe/Berlin'.")
    try:
        restaurant.opening_hours = validate_opening_hours(restaurant.opening_hours)
    except ValueError as exc:
        raise _invalid("opening_hours", str(exc))
    restaurant.currency = str(restaurant.currency or "").upper()
    if not is_currency(restaurant.currency):
        raise _invalid("currency", f"'{restaurant.currency}' is not an ISO 4217 currency code.")
    for field, bound in (("lat", 90), ("lng", 180)):
        value = getattr(restaurant, field)
        if value is not None and not -bound <= Decimal(value) <= bound:
            raise _invalid(field, f"Must be between -{bound} and {bound}.")
    if not restaurant.pickup_enabled and not restaurant.delivery_enabled:
        raise _invalid("delivery_enabled", "Offer pickup, delivery or both: with neither, nobody can order.")
    restaurant.full_clean(exclude=["tenant_id"])


@transaction.atomic
def restaurant_create(*, owner: User, name: str, description: str = "", cuisines: list[str] | None = None,
                      phone: str = "", email: str = "", image_url: str = "",
                      street: str = "", city: str = "", state: str = "", zip_code: str = "",
                      lat: Decimal | None = None, lng: Decimal | None = None,
                      timezone: str = "UTC", opening_hours: dict | None = None,
                      delivery_fee: Decimal = Decimal("0"), minimum_order: Decimal = Decimal("0"),
                      tax_rate: Decimal = Decimal("0"), currency: str = "USD",
                      estimated_delivery_minutes: int = 30, accepting_orders: bool = True,
                      paused_until: datetime | None = None, auto_accept: bool = False,
                      target_prep_minutes: int = 20, pickup_enabled: bool = True, delivery_enabled: bool = True,
                      slot_minutes: int = 15, schedule_days_ahead: int = 2,
                      slot_capacity_orders: int | None = None, slot_capacity_load: int | None = None) -> Restaurant:
    """Creates the tenant and makes `owner` its owner, in one transaction."""
    if not may_create_restaurant(owner):
        raise PermissionDeniedError("Only restaurant owners can create a restaurant.", code="role_forbidden")
    require_verified_email(owner, action="create a restaurant")  # an unverified account owns no tenant
    restaurant = Restaurant(
        name=name, description=description, cuisines=cuisines or [], phone=phone, email=email,
        image_url=image_url, street=street, city=city, state=state, zip_code=zip_code, lat=lat, lng=lng,
        timezone=timezone, opening_hours=opening_hours, delivery_fee=delivery_fee, minimum_order=minimum_order,
        tax_rate=tax_rate, currency=currency, estimated_delivery_minutes=estimated_delivery_minutes,
        accepting_orders=accepting_orders, paused_until=paused_until, auto_accept=auto_accept,
        target_prep_minutes=target_prep_minutes, pickup_enabled=pickup_enabled, delivery_enabled=delivery_enabled,
        slot_minutes=slot_minutes, schedule_days_ahead=schedule_days_ahead,
        slot_capacity_orders=slot_capacity_orders, slot_capacity_load=slot_capacity_load,
    )
    _validate(restaurant)
    restaurant.save()
    Membership.objects.create(tenant=restaurant, user=owner, role=MembershipRole.OWNER)
    invalidate_catalog_on_commit(restaurant.tenant_id, restaurant_changed=True)
    return restaurant


@transaction.atomic
def restaurant_update(*, restaurant: Restaurant, data: dict[str, Any], actor: Actor) -> Restaurant:
    """Applies the given fields (others untouched); unknown fields are refused. Pausing
    (`accepting_orders`, `paused_until`) is a setting like the others: owners and admins only."""
    check_may_change_settings(actor)
    unknown = set(data) - UPDATABLE_FIELDS
    if unknown:
        raise ApplicationError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.",
                               code="validation_error", fields={f: ["Not updatable."] for f in sorted(unknown)})
    restaurant = Restaurant.objects.select_for_update().get(pk=restaurant.pk)
    for field, value in data.items():
        setattr(restaurant, field, value)
    _validate(restaurant)
    restaurant.save()
    invalidate_catalog_on_commit(restaurant.tenant_id, restaurant_changed=True)
    return restaurant


@transaction.atomic
def restaurant_deactivate(*, restaurant: Restaurant, actor: Actor) -> Restaurant:
    """Soft delete: hidden from the public and closed for orders; its order history stays."""
    check_may_change_settings(actor)
    return _set_active(restaurant, False)


@transaction.atomic
def restaurant_reactivate(*, restaurant: Restaurant, actor: Actor) -> Restaurant:
    """Undoes `restaurant_deactivate` (the Django admin's is_active box)."""
    check_may_change_settings(actor)
    return _set_active(restaurant, True)


def _set_active(restaurant: Restaurant, is_active: bool) -> Restaurant:
    restaurant.is_active = is_active
    restaurant.save(update_fields=["is_active", "updated_at"])
    invalidate_catalog_on_commit(restaurant.tenant_id, restaurant_changed=True)
    return restaurant
