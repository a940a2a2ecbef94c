"""The delivery-zone API: who may read and write a restaurant's zones, and the public address check."""

from decimal import Decimal

import pytest

from foodsys.testing import factories as f
from foodsys.testing.fixtures import bearer_client
from restaurants.models import DeliveryZone

pytestmark = pytest.mark.django_db

SQUARE = {"type": "Polygon", "coordinates": [[[13.3, 52.5], [13.5, 52.5], [13.5, 52.6], [13.3, 52.6], [13.3, 52.5]]]}


def _zones_url(restaurant) -> str:
    return f"/api/restaurants/{restaurant.pk}/delivery-zones/"


def _zone(restaurant, **fields) -> DeliveryZone:
    return DeliveryZone.objects.create(tenant=restaurant, **{"name": "Centre", "kind": "polygon",
                                                             "polygon": SQUARE, **fields})


def test_an_owner_creates_a_zone_and_staff_read_it_but_may_not_write(owner_client, staff_client, restaurant):
    created = owner_client.post(_zones_url(restaurant), {"name": "Mitte", "kind": "postcodes",
                                                         "postcodes": ["10117", "10 115"], "delivery_fee": "2.90",
                                                         "minimum_order": "12.00"}, format="json")
    refused = staff_client.post(_zones_url(restaurant), {"name": "Staff zone", "kind": "postcodes",
                                                         "postcodes": ["10119"]}, format="json")
    listed = staff_client.get(_zones_url(restaurant))

    assert created.status_code == 201
    body = created.json()
    assert body["postcodes"] == ["10117", "10115"] and body["delivery_fee"] == "2.90"
    assert body["free_delivery_over"] is None and body["radius_km"] is None
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_owner"
    assert listed.status_code == 200 and [z["name"] for z in listed.json()] == ["Mitte"]
    assert DeliveryZone.objects.for_tenant(restaurant).count() == 1


def test_an_owner_patches_and_deletes_a_zone(owner_client, staff_client, restaurant):
    restaurant.lat, restaurant.lng = Decimal("52.52"), Decimal("13.405")  # a radius needs the location
    restaurant.save()
    zone = _zone(restaurant)
    url = f"{_zones_url(restaurant)}{zone.pk}/"

    patched = owner_client.patch(url, {"kind": "radius", "radius_km": "4.5", "free_delivery_over": "30"},
                                 format="json")
    staff_delete = staff_client.delete(url)
    deleted = owner_client.delete(url)

    assert patched.status_code == 200
    assert patched.json()["kind"] == "radius" and patched.json()["radius_km"] == "4.500"
    assert patched.json()["polygon"] is None and patched.json()["free_delivery_over"] == "30.00"
    assert staff_delete.status_code == 403
    assert deleted.status_code == 204 and owner_client.get(url).status_code == 404


@pytest.mark.parametrize(("body", "field"), [
    ({"name": "Bow", "kind": "polygon",
      "polygon": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}}, "polygon"),
    ({"name": "Open", "kind": "polygon",
      "polygon": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}}, "polygon"),
    ({"name": "Pole", "kind": "polygon",
      "polygon": {"type": "Polygon", "coordinates": [[[0, 0], [1, 91], [1, 0], [0, 0]]]}}, "polygon"),
    ({"name": "Dot", "kind": "radius", "radius_km": "0"}, "radius_km"),
    ({"name": "None", "kind": "postcodes", "postcodes": []}, "postcodes"),
    ({"name": "Str", "kind": "polygon", "polygon": "not geojson"}, "polygon"),
    ({"name": "Pos", "kind": "postcodes", "postcodes": ["1"], "position": -1}, "position"),
])
def test_a_bad_zone_is_a_400_naming_the_field_and_nothing_changes(owner_client, restaurant, body, field):
    restaurant.lat, restaurant.lng = Decimal("52.52"), Decimal("13.405")
    restaurant.save()

    response = owner_client.post(_zones_url(restaurant), body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()["error"]["fields"]
    assert not DeliveryZone.objects.exists()


def test_a_bad_patch_leaves_the_zone_as_it_was(owner_client, restaurant):
    zone = _zone(restaurant, delivery_fee=Decimal("3.00"))

    response = owner_client.patch(f"{_zones_url(restaurant)}{zone.pk}/",
                                  {"delivery_fee": "1.00", "polygon": {"type": "Polygon", "coordinates": []}},
                                  format="json")

    zone.refresh_from_db()
    assert response.status_code == 400 and "polygon" in response.json()["error"]["fields"]
    assert zone.delivery_fee == Decimal("3.00") and zone.polygon == SQUARE


def test_another_tenants_members_and_customers_get_404(restaurant, other_restaurant, other_owner, customer_client):
    zone = _zone(restaurant)
    other = bearer_client(other_owner, other_restaurant)
    own_zone_elsewhere = _zone(other_restaurant, name="Theirs")

    assert other.get(_zones_url(restaurant)).status_code == 404
    assert other.get(f"{_zones_url(restaurant)}{zone.pk}/").status_code == 404
    assert other.patch(f"{_zones_url(restaurant)}{zone.pk}/", {"name": "Mine"}, format="json").status_code == 404
    # their own restaurant's URL with A's zone id: still no such zone
    assert other.get(f"{_zones_url(other_restaurant)}{zone.pk}/").status_code == 404
    assert other.get(f"{_zones_url(other_restaurant)}{own_zone_elsewhere.pk}/").status_code == 200
    assert customer_client.get(_zones_url(restaurant)).status_code == 404
    assert bearer_client().get(_zones_url(restaurant)).status_code == 401
    zone.refresh_from_db()
    assert zone.name == "Centre"


def test_anyone_checks_an_address_and_gets_the_cheapest_zone(api_client, restaurant):
    _zone(restaurant, name="Wide", delivery_fee=Decimal("4.00"))
    cheap = _zone(restaurant, name="Core", kind="postcodes", polygon=None, postcodes=["10117"],
                  delivery_fee=Decimal("1.50"), minimum_order=Decimal("20.00"), free_delivery_over=Decimal("45.00"))
    url = f"{_zones_url(restaurant)}check/"

    both = api_client.post(url, {"address": {"zip_code": "10117", "lat": 52.55, "lng": 13.4}}, format="json")
    outside = api_client.post(url, {"address": {"zip_code": "80331", "lat": 48.1, "lng": 11.6}}, format="json")
    no_point = api_client.post(url, {"address": {"zip_code": "80331"}}, format="json")
    bad = api_client.post(url, {"address": {"lat": 91, "lng": 13.4}}, format="json")

    assert both.status_code == 200
    assert both.json() == {"zone": {"id": cheap.pk, "name": "Core", "kind": "postcodes"}, "delivers": True,
                           "uses_zones": True, "delivery_fee": "1.50", "minimum_order": "20.00",
                           "free_delivery_over": "45.00", "currency": "USD"}
    assert outside.status_code == 200 and outside.json()["zone"] is None and outside.json()["delivers"] is False
    assert outside.json()["reason"] == "outside_every_zone" and outside.json()["delivery_fee"] is None
    assert no_point.json()["reason"] == "address_needs_coordinates"
    assert bad.status_code == 400 and "address.lat" in bad.json()["error"]["fields"]


def test_a_restaurant_without_zones_answers_with_its_own_fee(api_client):
    plain = f.RestaurantFactory(delivery_fee=Decimal("2.50"), minimum_order=Decimal("8.00"))

    response = api_client.post(f"{_zones_url(plain)}check/", {"address": {"zip_code": "1"}}, format="json")

    assert response.status_code == 200
    assert response.json()["uses_zones"] is False and response.json()["delivers"] is True
    assert response.json()["delivery_fee"] == "2.50" and response.json()["minimum_order"] == "8.00"


def test_an_inactive_restaurants_check_is_404_for_the_public(api_client):
    closed = f.RestaurantFactory(is_active=False)

    assert api_client.post(f"{_zones_url(closed)}check/", {"address": {}}, format="json").status_code == 404
