"""Writes of delivery zones. Owners and admins only (`restaurants.roles.check_may_change_settings`);
the shape rules are `restaurants.zones.zone_validate`. A bad field is a 400 naming it, and nothing
is written."""

from typing import Any

from django.db import transaction

from foodsys.common.exceptions import ApplicationError, ConflictError
from foodsys.tenancy.actor import Actor
from restaurants.models import DeliveryZone, Restaurant
from restaurants.roles import check_may_change_settings
from restaurants.zones import zone_validate

MAX_ZONES = 50
ZONE_FIELDS = ("name", "kind", "postcodes", "radius_km", "polygon", "delivery_fee", "minimum_order",
               "free_delivery_over", "is_active", "position")


def _unknown_fields(data: dict[str, Any]) -> None:
    unknown = sorted(set(data) - set(ZONE_FIELDS))
    if unknown:
        raise ApplicationError(f"{unknown[0]}: not a delivery zone field.", code="validation_error",
                               fields={name: ["Not a delivery zone field."] for name in unknown})


@transaction.atomic
def zone_create(*, restaurant: Restaurant, actor: Actor | None, data: dict[str, Any]) -> DeliveryZone:
    check_may_change_settings(actor)
    _unknown_fields(data)
    clean = zone_validate(restaurant=restaurant, **{"name": None, "kind": None, **data})
    Restaurant.objects.select_for_update().filter(pk=restaurant.pk).first()  # counts zones one at a time
    if DeliveryZone.objects.for_tenant(restaurant).count() >= MAX_ZONES:
        raise ConflictError(f"A restaurant has at most {MAX_ZONES} delivery zones.", code="too_many_zones",
                            fields={"name": [f"Delete a zone first (at most {MAX_ZONES})."]})
    return DeliveryZone.objects.create(tenant=restaurant, **clean)


@transaction.atomic
def zone_update(*, zone: DeliveryZone, actor: Actor | None, data: dict[str, Any]) -> DeliveryZone:
    """Changes the given fields; the whole zone is validated again (e.g. a new kind needs its shape)."""
    check_may_change_settings(actor)
    _unknown_fields(data)
    current = {name: getattr(zone, name) for name in ZONE_FIELDS}
    clean = zone_validate(restaurant=zone.tenant, **{**current, **data})
    for name, value in clean.items():
        setattr(zone, name, value)
    zone.save()
    return zone


@transaction.atomic
def zone_delete(*, zone: DeliveryZone, actor: Actor | None) -> None:
    check_may_change_settings(actor)
    zone.delete()
