"""Delivery zones: matching an address (postcodes, radius, polygon, overlaps) and validating a zone's shape."""

import math
from decimal import Decimal

import pytest

from foodsys.common.exceptions import ApplicationError, PermissionDeniedError
from foodsys.tenancy.actor import OWNER, STAFF, Actor
from foodsys.testing import factories as f
from restaurants import zone_services
from restaurants.models import DeliveryZone
from restaurants.zones import (
    ADDRESS_NEEDS_COORDINATES,
    EARTH_RADIUS_KM,
    OUTSIDE_EVERY_ZONE,
    haversine_km,
    normalise_postcode,
    zone_match,
)

pytestmark = pytest.mark.django_db

BERLIN = (Decimal("52.520000"), Decimal("13.405000"))  # the restaurant's lat, lng
SQUARE = [[13.3, 52.5], [13.5, 52.5], [13.5, 52.6], [13.3, 52.6], [13.3, 52.5]]  # [lng, lat]
BOWTIE = [[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]


@pytest.fixture
def place(db):
    return f.RestaurantFactory(lat=BERLIN[0], lng=BERLIN[1], delivery_fee=Decimal("2.50"),
                               minimum_order=Decimal("10.00"))


@pytest.fixture
def owner_actor(owner):
    return Actor(user=owner, role=OWNER)


def _zone(restaurant, **data) -> DeliveryZone:
    """A zone written through the service, as an owner would (so every test zone passed validation)."""
    return zone_services.zone_create(restaurant=restaurant, actor=Actor(user=None, role=OWNER),
                                     data={"name": data.pop("name", "Zone"), **data})


def _north_of(lat: Decimal, km: float) -> float:
    """The latitude `km` due north (along a meridian the great-circle distance is R * dphi)."""
    return float(lat) + math.degrees(km / EARTH_RADIUS_KM)


# --- distance --------------------------------------------------------------------------------
def test_haversine_matches_the_published_paris_london_distance_and_the_law_of_cosines():
    # given Paris and London, about 343.5 km apart on a 6371 km sphere (the figure atlases quote)
    paris, london = (48.8566, 2.3522), (51.5074, -0.1278)
    # when measured
    distance = haversine_km(*paris, *london)
    # then it is that figure, and the spherical law of cosines (another formula) agrees to a metre
    lat1, lng1, lat2, lng2 = map(math.radians, (*paris, *london))
    cosines = EARTH_RADIUS_KM * math.acos(math.sin(lat1) * math.sin(lat2)
                                          + math.cos(lat1) * math.cos(lat2) * math.cos(lng2 - lng1))
    assert abs(distance - 343.5) < 0.5
    assert abs(distance - cosines) < 0.001
    assert haversine_km(*paris, *paris) == 0


# --- matching --------------------------------------------------------------------------------
def test_a_postcode_zone_takes_its_postcodes_however_they_are_written(place):
    zone = _zone(place, kind="postcodes", postcodes=["sw1a 1aa", "EC1A-1BB"], delivery_fee="3.00",
                 minimum_order="15.00", free_delivery_over="40.00")

    match = zone_match(restaurant=place, address={"zip_code": " Sw1A1aa "})
    elsewhere = zone_match(restaurant=place, address={"zip_code": "N1 9GU"})

    assert zone.postcodes == ["SW1A1AA", "EC1A-1BB"]
    assert match.zone == zone and match.delivery_fee == Decimal("3.00")
    assert match.minimum_order == Decimal("15.00") and match.free_delivery_over == Decimal("40.00")
    assert not match.refused and match.uses_zones
    assert elsewhere.zone is None and elsewhere.reason == OUTSIDE_EVERY_ZONE and elsewhere.delivery_fee is None


def test_a_radius_zone_takes_the_boundary_and_nothing_beyond_it(place):
    zone = _zone(place, kind="radius", radius_km="5", delivery_fee="4.00")

    def at(km: float):
        return zone_match(restaurant=place, address={"lat": _north_of(place.lat, km), "lng": float(place.lng)})

    assert at(0).zone == zone and at(4.99).zone == zone
    assert at(5.0).zone == zone  # exactly on the circle: inside
    assert at(5.002).zone is None and at(5.002).reason == OUTSIDE_EVERY_ZONE  # 2 m beyond it


def test_a_polygon_zone_counts_its_edges_and_corners_as_inside(place):
    zone = _zone(place, kind="polygon", polygon={"type": "Polygon", "coordinates": [SQUARE]}, delivery_fee="3.50")

    def at(lng: float, lat: float):
        return zone_match(restaurant=place, address={"lat": lat, "lng": lng}).zone

    assert at(13.4, 52.55) == zone  # inside
    assert at(13.5, 52.55) == zone  # on the east edge
    assert at(13.3, 52.6) == zone  # on a corner
    assert at(13.51, 52.55) is None and at(13.4, 52.61) is None


def test_a_multipolygon_with_a_hole_refuses_the_hole_and_takes_both_parts(place):
    shell = [[13.0, 52.0], [14.0, 52.0], [14.0, 53.0], [13.0, 53.0], [13.0, 52.0]]
    hole = [[13.4, 52.4], [13.6, 52.4], [13.6, 52.6], [13.4, 52.6], [13.4, 52.4]]
    island = [[15.0, 52.0], [15.2, 52.0], [15.2, 52.2], [15.0, 52.2], [15.0, 52.0]]
    zone = _zone(place, kind="polygon", polygon={"type": "MultiPolygon", "coordinates": [[shell, hole], [island]]})

    def at(lng: float, lat: float):
        return zone_match(restaurant=place, address={"lat": lat, "lng": lng})

    assert at(13.1, 52.1).zone == zone  # in the first part, outside the hole
    assert at(13.5, 52.5).zone is None and at(13.5, 52.5).reason == OUTSIDE_EVERY_ZONE  # in the hole
    assert at(13.4, 52.5).zone == zone  # on the hole's edge (a boundary of the area)
    assert at(15.1, 52.1).zone == zone  # in the second part
    assert at(14.5, 52.5).zone is None  # between the parts


def test_overlapping_zones_give_the_cheapest_and_a_tie_goes_to_the_lower_position(place):
    address = {"zip_code": "10117", "lat": 52.52, "lng": 13.41}
    _zone(place, name="Postcode", kind="postcodes", postcodes=["10117"], delivery_fee="5.00", position=0)
    polygon = _zone(place, name="Centre", kind="polygon", polygon={"type": "Polygon", "coordinates": [SQUARE]},
                    delivery_fee="2.00", position=2)
    radius = _zone(place, name="Near", kind="radius", radius_km="3", delivery_fee="2.00", position=1)
    _zone(place, name="Free but off", kind="radius", radius_km="50", delivery_fee="0.00", is_active=False)

    match = zone_match(restaurant=place, address=address)

    assert match.zone == radius and match.delivery_fee == Decimal("2.00")  # the inactive 0.00 zone is ignored
    radius.position = 3
    radius.save()
    assert zone_match(restaurant=place, address=address).zone == polygon


def test_a_restaurant_without_active_zones_keeps_its_own_fee_for_any_address(place):
    _zone(place, kind="postcodes", postcodes=["99999"], delivery_fee="9.00", is_active=False)

    match = zone_match(restaurant=place, address={"zip_code": "12345"})

    assert match.zone is None and not match.refused and match.uses_zones is False
    assert match.delivery_fee == Decimal("2.50") and match.minimum_order == Decimal("10.00")


def test_an_address_without_coordinates_is_told_why_when_zones_need_them(place):
    _zone(place, kind="polygon", polygon={"type": "Polygon", "coordinates": [SQUARE]})

    match = zone_match(restaurant=place, address={"street": "1 Unter den Linden", "zip_code": "10117"})

    assert match.zone is None and match.reason == ADDRESS_NEEDS_COORDINATES and "lat" in match.message


@pytest.mark.parametrize(("address", "field"), [({"lat": 91, "lng": 13}, "address.lat"),
                                                ({"lat": 52, "lng": -180.5}, "address.lng"),
                                                ({"lat": 52}, "address.lng"),
                                                ({"lat": "north", "lng": 13}, "address.lat")])
def test_bad_address_coordinates_are_a_400_naming_the_field(place, address, field):
    _zone(place, kind="radius", radius_km="5")

    with pytest.raises(ApplicationError) as error:
        zone_match(restaurant=place, address=address)

    assert error.value.status_code == 400 and field in error.value.fields


def test_normalised_postcodes_lose_spaces_and_case():
    assert normalise_postcode(" sw1a\t1aa ") == "SW1A1AA" and normalise_postcode(None) == ""


# --- validation ------------------------------------------------------------------------------
@pytest.mark.parametrize(("data", "field", "words"), [
    ({"kind": "polygon", "polygon": {"type": "Polygon", "coordinates": [BOWTIE]}}, "polygon", "Self-intersection"),
    ({"kind": "polygon", "polygon": {"type": "Polygon", "coordinates": [SQUARE[:-1]]}}, "polygon", "not closed"),
    ({"kind": "polygon", "polygon": {"type": "Polygon", "coordinates": [[[13, 52], [13, 91], [14, 52], [13, 52]]]}},
     "polygon", "latitude 91"),
    ({"kind": "polygon", "polygon": {"type": "Polygon", "coordinates": [[[13, 52], [14, 52], [13, 52], [13, 52]]]}},
     "polygon", "3 distinct"),
    ({"kind": "polygon", "polygon": {"type": "Point", "coordinates": [13, 52]}}, "polygon", "Polygon or MultiPolygon"),
    ({"kind": "polygon", "polygon": {"type": "Polygon", "coordinates": [[[13, True], [14, 52], [13, 53], [13, 52]]]}},
     "polygon", "numbers"),
    ({"kind": "radius", "radius_km": "0"}, "radius_km", "more than 0"),
    ({"kind": "radius", "radius_km": "100.5"}, "radius_km", "at most 100"),
    ({"kind": "postcodes", "postcodes": []}, "postcodes", "non-empty"),
    ({"kind": "postcodes", "postcodes": ["10117", "no/slash"]}, "postcodes", "Entry 2"),
    ({"kind": "circle"}, "kind", "Choose one of"),
    ({"kind": "postcodes", "postcodes": ["1"], "delivery_fee": "-1"}, "delivery_fee", "0 or more"),
    ({"kind": "postcodes", "postcodes": ["1"], "name": "  "}, "name", "name"),
])
def test_a_bad_zone_is_a_400_naming_the_field_and_nothing_is_written(place, owner_actor, data, field, words):
    with pytest.raises(ApplicationError) as error:
        zone_services.zone_create(restaurant=place, actor=owner_actor, data={"name": "Zone", **data})

    assert error.value.status_code == 400 and list(error.value.fields) == [field]
    assert words in error.value.fields[field][0]
    assert not DeliveryZone.objects.exists()


def test_a_radius_zone_needs_the_restaurants_location(owner_actor):
    nowhere = f.RestaurantFactory(lat=None, lng=None)

    with pytest.raises(ApplicationError) as error:
        zone_services.zone_create(restaurant=nowhere, actor=owner_actor,
                                  data={"name": "Near", "kind": "radius", "radius_km": "3"})

    assert "location" in error.value.fields["radius_km"][0]


def test_a_zone_keeps_only_the_shape_of_its_kind_and_an_update_is_validated_whole(place, owner_actor):
    zone = zone_services.zone_create(restaurant=place, actor=owner_actor, data={
        "name": "Near", "kind": "radius", "radius_km": "2.5", "postcodes": ["10117"]})
    assert zone.postcodes == [] and zone.radius_km == Decimal("2.500") and zone.polygon is None

    with pytest.raises(ApplicationError) as error:  # a new kind without its shape
        zone_services.zone_update(zone=zone, actor=owner_actor, data={"kind": "postcodes", "delivery_fee": "1.00"})

    zone.refresh_from_db()
    assert "postcodes" in error.value.fields and zone.kind == "radius" and zone.delivery_fee == Decimal("0.00")


def test_staff_may_not_change_zones(place, staff):
    with pytest.raises(PermissionDeniedError):
        zone_services.zone_create(restaurant=place, actor=Actor(user=staff, role=STAFF),
                                  data={"name": "Zone", "kind": "postcodes", "postcodes": ["10117"]})

    assert not DeliveryZone.objects.exists()
