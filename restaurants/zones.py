"""Delivery zones: checking a zone's shape, reading a restaurant's zones, and matching an address.

- Shapes (`zone_validate`): a list of postcodes (upper-case, no spaces); a radius of 0 < r <= 100 km
  around the restaurant's `lat`/`lng` (which must be set); or a GeoJSON Polygon / MultiPolygon in
  `[lng, lat]` order that shapely calls valid (closed rings of >= 3 distinct points, no self-
  intersection, holes inside their shell), every coordinate in range. Errors name the field.
- Matching (`zone_match`): among the restaurant's active zones that contain the address, the lowest
  fee wins (tie: the lower position, then the older zone). Postcodes compare normalised; a radius
  compares the haversine distance (a sphere of the mean Earth radius, 6371.0088 km: under 0.5 %
  off the ellipsoid, far below what a delivery radius means) with the boundary inside; a polygon
  uses shapely's `covers` (`contains` that counts the boundary as inside).
- A restaurant without active zones keeps its one `delivery_fee` and `minimum_order` for any address
  (`ZoneMatch.uses_zones` is False). An address no zone takes is refused with a `reason`:
  `address_needs_coordinates` when it has no lat/lng and a radius or polygon zone might take it,
  else `outside_every_zone`.

Writes are `restaurants.zone_services`; this module only reads.
"""

import math
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from shapely.geometry import Point, shape
from shapely.validation import explain_validity

from foodsys.common.exceptions import ApplicationError, NotFoundError
from foodsys.common.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, quantize_money
from restaurants.models import DeliveryZone, Restaurant, ZoneKind

EARTH_RADIUS_KM = 6371.0088  # the IUGG mean radius
BOUNDARY_TOLERANCE_KM = Decimal("0.000001")  # 1 mm: float rounding never moves a boundary point outside
MAX_RADIUS_KM = Decimal(100)
RADIUS_STEP = Decimal("0.001")  # the column keeps metres
MAX_POSTCODES = 500
MAX_POSTCODE_LENGTH = 12
MAX_POLYGON_POINTS = 5000
MAX_NAME = 100
MAX_POSITION = 10_000
MAX_MONEY = Decimal(10) ** (MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES)
POSTCODE = re.compile(rf"[A-Z0-9-]{{1,{MAX_POSTCODE_LENGTH}}}")

OUTSIDE_EVERY_ZONE = "outside_every_zone"
ADDRESS_NEEDS_COORDINATES = "address_needs_coordinates"
REASON_MESSAGES = {
    OUTSIDE_EVERY_ZONE: "The restaurant does not deliver to this address.",
    ADDRESS_NEEDS_COORDINATES: "This restaurant delivers by distance or area: the address needs lat and lng.",
}


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError(f"{field}: {message}", code="validation_error", fields={field: [message]})


# --- shapes ----------------------------------------------------------------------------------
def normalise_postcode(value: Any) -> str:
    """'sw1a 1aa' -> 'SW1A1AA': upper-case, every space removed."""
    return "".join(str(value or "").split()).upper()


def _postcodes(value: Any) -> list[str]:
    if not isinstance(value, list | tuple) or not value:
        raise _invalid("postcodes", "A postcode zone needs a non-empty list of postcodes.")
    if len(value) > MAX_POSTCODES:
        raise _invalid("postcodes", f"At most {MAX_POSTCODES} postcodes per zone.")
    result: list[str] = []
    for index, raw in enumerate(value):
        code = normalise_postcode(raw) if isinstance(raw, str) else ""
        if not POSTCODE.fullmatch(code):
            raise _invalid("postcodes", f"Entry {index + 1} is not a postcode (letters, digits and '-', "
                                        f"at most {MAX_POSTCODE_LENGTH}).")
        if code not in result:
            result.append(code)
    return result


def _decimal(value: Any, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise _invalid(field, "A number is expected.")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise _invalid(field, "A number is expected.") from None
    if not number.is_finite():
        raise _invalid(field, "A finite number is expected.")
    return number


def _radius(value: Any, restaurant: Restaurant) -> Decimal:
    if value is None:
        raise _invalid("radius_km", "A radius zone needs radius_km.")
    radius = _decimal(value, "radius_km")
    if radius <= 0 or radius > MAX_RADIUS_KM:
        raise _invalid("radius_km", f"Must be more than 0 and at most {MAX_RADIUS_KM} km.")
    radius = radius.quantize(RADIUS_STEP, rounding=ROUND_HALF_UP)
    if radius <= 0:
        raise _invalid("radius_km", f"Must be at least {RADIUS_STEP} km.")
    if restaurant.lat is None or restaurant.lng is None:
        raise _invalid("radius_km", "Set the restaurant's location (lat and lng) before adding a radius zone.")
    return radius


def _position(value: Any, where: str) -> list[float]:
    if not isinstance(value, list | tuple) or len(value) not in (2, 3):
        raise _invalid("polygon", f"{where}: a position is [lng, lat].")
    if any(isinstance(c, bool) or not isinstance(c, int | float) for c in value):
        raise _invalid("polygon", f"{where}: coordinates are numbers.")
    lng, lat = float(value[0]), float(value[1])
    if not (math.isfinite(lng) and -180 <= lng <= 180):
        raise _invalid("polygon", f"{where}: longitude {value[0]} is outside -180..180.")
    if not (math.isfinite(lat) and -90 <= lat <= 90):
        raise _invalid("polygon", f"{where}: latitude {value[1]} is outside -90..90 (positions are [lng, lat]).")
    return [lng, lat]


def _ring(value: Any, where: str) -> list[list[float]]:
    if not isinstance(value, list | tuple) or not value:
        raise _invalid("polygon", f"{where}: a ring is a list of positions.")
    points = [_position(p, f"{where}, point {i + 1}") for i, p in enumerate(value)]
    if points[0] != points[-1]:
        raise _invalid("polygon", f"{where}: the ring is not closed (its last position must repeat the first).")
    if len({tuple(p) for p in points}) < 3:
        raise _invalid("polygon", f"{where}: a ring needs at least 3 distinct positions.")
    return points


def _rings(value: Any, where: str) -> list[list[list[float]]]:
    if not isinstance(value, list | tuple) or not value:
        raise _invalid("polygon", f"{where}: a polygon is a list of rings (the outline, then any holes).")
    return [_ring(ring, f"{where}, ring {i + 1}") for i, ring in enumerate(value)]


def _polygon(value: Any) -> dict:
    if not isinstance(value, dict) or value.get("type") not in ("Polygon", "MultiPolygon"):
        raise _invalid("polygon", "A GeoJSON object of type Polygon or MultiPolygon is expected.")
    kind, coordinates = value["type"], value.get("coordinates")
    if kind == "Polygon":
        clean: list = _rings(coordinates, "polygon")
        points = sum(len(ring) for ring in clean)
    else:
        if not isinstance(coordinates, list | tuple) or not coordinates:
            raise _invalid("polygon", "A MultiPolygon's coordinates are a non-empty list of polygons.")
        if len(coordinates) > MAX_POLYGON_POINTS:
            raise _invalid("polygon", f"At most {MAX_POLYGON_POINTS} positions per zone.")
        clean = [_rings(rings, f"polygon {i + 1}") for i, rings in enumerate(coordinates)]
        points = sum(len(ring) for rings in clean for ring in rings)
    if points > MAX_POLYGON_POINTS:
        raise _invalid("polygon", f"At most {MAX_POLYGON_POINTS} positions per zone.")
    geojson = {"type": kind, "coordinates": clean}
    geometry = shape(geojson)
    if not geometry.is_valid:
        raise _invalid("polygon", f"Not a valid area ({explain_validity(geometry)}); "
                                  "e.g. an outline that crosses itself.")
    return geojson


def _money(value: Any, field: str, *, nullable: bool = False) -> Decimal | None:
    if value is None:
        if nullable:
            return None
        raise _invalid(field, "An amount is required.")
    amount = _decimal(value, field)
    if amount < 0 or amount >= MAX_MONEY:
        raise _invalid(field, "Must be 0 or more (and below 10 billion).")
    return quantize_money(amount)


def zone_validate(*, restaurant: Restaurant, name: Any, kind: Any, postcodes: Any = None, radius_km: Any = None,
                  polygon: Any = None, delivery_fee: Any = 0, minimum_order: Any = 0,
                  free_delivery_over: Any = None, is_active: Any = True, position: Any = 0) -> dict[str, Any]:
    """The zone's fields, checked and normalised (only the shape of its `kind` is kept; the others are
    cleared). Raises ApplicationError (400) naming the first bad field."""
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_NAME:
        raise _invalid("name", f"A name of 1 to {MAX_NAME} characters is required.")
    if kind not in ZoneKind.values:
        raise _invalid("kind", f"Choose one of {', '.join(ZoneKind.values)}.")
    if not isinstance(is_active, bool):
        raise _invalid("is_active", "true or false is expected.")
    if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position <= MAX_POSITION:
        raise _invalid("position", f"A whole number from 0 to {MAX_POSITION} is expected.")
    return {
        "name": name.strip(), "kind": kind,
        "postcodes": _postcodes(postcodes) if kind == ZoneKind.POSTCODES else [],
        "radius_km": _radius(radius_km, restaurant) if kind == ZoneKind.RADIUS else None,
        "polygon": _polygon(polygon) if kind == ZoneKind.POLYGON else None,
        "delivery_fee": _money(delivery_fee, "delivery_fee"),
        "minimum_order": _money(minimum_order, "minimum_order"),
        "free_delivery_over": _money(free_delivery_over, "free_delivery_over", nullable=True),
        "is_active": is_active, "position": position,
    }


# --- reads -----------------------------------------------------------------------------------
def zone_list(*, restaurant: Restaurant, active_only: bool = False) -> list[DeliveryZone]:
    zones = DeliveryZone.objects.for_tenant(restaurant)
    return list(zones.filter(is_active=True) if active_only else zones)


def zone_get(*, restaurant: Restaurant, zone_id: int) -> DeliveryZone:
    zone = DeliveryZone.objects.for_tenant(restaurant).filter(pk=zone_id).select_related("tenant").first()
    if zone is None:
        raise NotFoundError("No such delivery zone.", code="delivery_zone_not_found")
    return zone


# --- matching --------------------------------------------------------------------------------
@dataclass(frozen=True)
class ZoneMatch:
    """What delivering to an address costs. `zone` is the winning zone (None: no zones, or refused);
    `reason` is set only when refused (then the amounts are None)."""

    zone: DeliveryZone | None
    delivery_fee: Decimal | None
    minimum_order: Decimal | None
    free_delivery_over: Decimal | None
    reason: str | None = None
    uses_zones: bool = True

    @property
    def refused(self) -> bool:
        return self.reason is not None

    @property
    def message(self) -> str | None:
        return REASON_MESSAGES.get(self.reason) if self.reason else None


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """The great-circle distance between two points in degrees, in km."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lng2 - lng1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _coordinate(address: dict, field: str, bound: int) -> float | None:
    value = address.get(field)
    if value is None or value == "":
        return None
    number = float(_decimal(value, f"address.{field}"))
    if not -bound <= number <= bound:
        raise _invalid(f"address.{field}", f"Must be between -{bound} and {bound}.")
    return number


def address_point(address: dict) -> tuple[float, float] | None:
    """(lat, lng) of an address, None without them; a bad or half-given pair is a 400 naming the field."""
    lat, lng = _coordinate(address, "lat", 90), _coordinate(address, "lng", 180)
    if (lat is None) != (lng is None):
        missing = "lng" if lng is None else "lat"
        raise _invalid(f"address.{missing}", "Send lat and lng together.")
    return None if lat is None else (lat, lng)


def _contains(zone: DeliveryZone, *, restaurant: Restaurant, postcode: str, point: tuple[float, float] | None) -> bool:
    if zone.kind == ZoneKind.POSTCODES:
        return bool(postcode) and postcode in (zone.postcodes or [])
    if point is None:
        return False
    lat, lng = point
    if zone.kind == ZoneKind.RADIUS:
        if zone.radius_km is None or restaurant.lat is None or restaurant.lng is None:
            return False
        distance = haversine_km(float(restaurant.lat), float(restaurant.lng), lat, lng)
        return Decimal(repr(distance)) <= zone.radius_km + BOUNDARY_TOLERANCE_KM
    if zone.kind == ZoneKind.POLYGON and zone.polygon:
        return shape(zone.polygon).covers(Point(lng, lat))
    return False


def zone_match(*, restaurant: Restaurant, address: dict, zones: list[DeliveryZone] | None = None) -> ZoneMatch:
    """The cheapest active zone of `restaurant` that takes `address` ({"zip_code", "lat", "lng", ...}).
    `zones` may pass the restaurant's active zones already read."""
    if not isinstance(address, dict):
        raise _invalid("address", "An address object is expected.")
    point = address_point(address)
    active = [z for z in (zones if zones is not None else zone_list(restaurant=restaurant, active_only=True))
              if z.is_active]
    if not active:
        return ZoneMatch(zone=None, delivery_fee=restaurant.delivery_fee, minimum_order=restaurant.minimum_order,
                         free_delivery_over=None, uses_zones=False)
    postcode = normalise_postcode(address.get("zip_code"))
    taking = [z for z in active if _contains(z, restaurant=restaurant, postcode=postcode, point=point)]
    if not taking:
        needs_point = point is None and any(z.kind != ZoneKind.POSTCODES for z in active)
        return ZoneMatch(zone=None, delivery_fee=None, minimum_order=None, free_delivery_over=None,
                         reason=ADDRESS_NEEDS_COORDINATES if needs_point else OUTSIDE_EVERY_ZONE)
    best = min(taking, key=lambda z: (z.delivery_fee, z.position, z.pk or 0))
    return ZoneMatch(zone=best, delivery_fee=best.delivery_fee, minimum_order=best.minimum_order,
                     free_delivery_over=best.free_delivery_over)
