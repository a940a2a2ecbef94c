"""The settings page's "Pickup, delivery and scheduling" section, the read-only zone list, and the item
form's kitchen load: every value goes through the services, bad ones come back next to their field."""

import re
from decimal import Decimal

import pytest
from django.test import Client

from foodsys.testing import factories as f
from menu.models import MenuItem
from restaurants.models import DeliveryZone, ZoneKind

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(**changes) -> dict:
    form = {"name": "Trattoria", "description": "", "cuisines": "italian", "phone": "", "email": "",
            "street": "1 Main St", "city": "Springfield", "state": "IL", "zip_code": "62701",
            "timezone": "UTC", "currency": "USD", "delivery_fee": "2.50", "minimum_order": "0",
            "tax_percent": "8", "estimated_delivery_minutes": "30", "target_prep_minutes": "20",
            "always_open": "on", "fulfilment_section": "True", "pickup_enabled": "on", "delivery_enabled": "on",
            "slot_minutes": "15", "schedule_days_ahead": "2", "slot_capacity_orders": "", "slot_capacity_load": ""}
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def _fulfilment(restaurant) -> tuple:
    restaurant.refresh_from_db()
    return (restaurant.pickup_enabled, restaurant.delivery_enabled, restaurant.slot_minutes,
            restaurant.schedule_days_ahead, restaurant.slot_capacity_orders, restaurant.slot_capacity_load)


def _settings(restaurant) -> str:
    return f"/dashboard/{restaurant.pk}/settings/"


def test_the_section_shows_the_current_values(owner, restaurant):
    # given
    restaurant.slot_minutes, restaurant.slot_capacity_load, restaurant.pickup_enabled = 30, 40, False
    restaurant.save()
    # when
    html = _client(owner).get(_settings(restaurant)).content.decode()
    # then
    assert "Pickup, delivery and scheduling" in html
    assert not re.search(r'name="pickup_enabled"[^>]* checked', html)
    assert re.search(r'name="delivery_enabled"[^>]* checked', html)
    lengths = re.search(r'<select name="slot_minutes"[^>]*>(.*?)</select>', html, re.S).group(1)
    assert re.findall(r'<option value="(\d+)"', lengths) == ["10", "15", "20", "30", "60"]
    assert '<option value="30" selected>' in lengths
    assert 'name="slot_capacity_load" value="40"' in html
    assert "quantity × item load" in html


@pytest.mark.parametrize(("changes", "expected"), [
    ({"pickup_enabled": None}, (False, True, 15, 2, None, None)),
    ({"delivery_enabled": None}, (True, False, 15, 2, None, None)),
    ({"slot_minutes": "20"}, (True, True, 20, 2, None, None)),
    ({"schedule_days_ahead": "14"}, (True, True, 15, 14, None, None)),
    ({"schedule_days_ahead": "0"}, (True, True, 15, 0, None, None)),
    ({"slot_capacity_orders": "8"}, (True, True, 15, 2, 8, None)),
    ({"slot_capacity_load": "40"}, (True, True, 15, 2, None, 40)),
])
def test_each_field_is_saved(owner, restaurant, changes, expected):
    # when
    response = _client(owner).post(_settings(restaurant), _form(**changes))
    # then
    assert response.status_code == 302
    assert _fulfilment(restaurant) == expected


def test_an_emptied_capacity_means_unlimited_again(owner, restaurant):
    # given
    restaurant.slot_capacity_orders, restaurant.slot_capacity_load = 5, 50
    restaurant.save()
    # when
    response = _client(owner).post(_settings(restaurant), _form())
    # then
    assert response.status_code == 302
    assert _fulfilment(restaurant)[4:] == (None, None)


def test_pickup_and_delivery_both_off_is_refused_next_to_the_field(owner, restaurant):
    # when
    response = _client(owner).post(_settings(restaurant), _form(pickup_enabled=None, delivery_enabled=None,
                                                                slot_minutes="30"))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_delivery_enabled_error"' in html and "Offer pickup, delivery or both" in html
    assert _fulfilment(restaurant) == (True, True, 15, 2, None, None)  # nothing saved, slot length included


@pytest.mark.parametrize(("field", "value"), [
    ("slot_capacity_orders", "0"), ("slot_capacity_load", "0"), ("slot_capacity_orders", "-3"),
    ("slot_capacity_load", "many"), ("schedule_days_ahead", "15"), ("schedule_days_ahead", "-1"),
    ("schedule_days_ahead", ""), ("slot_minutes", "45"), ("slot_minutes", ""),
])
def test_a_bad_value_is_a_field_error_not_a_500(owner, restaurant, field, value):
    # when
    response = _client(owner).post(_settings(restaurant), _form(**{field: value}))
    # then
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    assert _fulfilment(restaurant) == (True, True, 15, 2, None, None)


def test_a_post_without_the_section_leaves_it_unchanged(owner, restaurant):
    # given: an older form (or a script) that does not know the section
    restaurant.delivery_enabled, restaurant.slot_minutes = False, 30
    restaurant.save()
    form = {key: value for key, value in _form(name="Renamed").items()
            if key not in {"fulfilment_section", "pickup_enabled", "delivery_enabled", "slot_minutes",
                           "schedule_days_ahead", "slot_capacity_orders", "slot_capacity_load"}}
    # when
    response = _client(owner).post(_settings(restaurant), form)
    # then
    assert response.status_code == 302
    assert _fulfilment(restaurant) == (True, False, 30, 2, None, None)
    assert restaurant.name == "Renamed"


def test_an_unusual_slot_length_set_through_the_api_is_offered_and_kept(owner, restaurant):
    # given
    restaurant.slot_minutes = 45
    restaurant.save()
    # when
    html = _client(owner).get(_settings(restaurant)).content.decode()
    response = _client(owner).post(_settings(restaurant), _form(slot_minutes="45", slot_capacity_orders="3"))
    # then
    assert '<option value="45" selected>' in html
    assert response.status_code == 302
    assert _fulfilment(restaurant)[2:5] == (45, 2, 3)


def test_the_zones_are_listed_read_only_with_the_api_note(owner, restaurant, other_restaurant):
    # given
    DeliveryZone.objects.create(tenant=restaurant, name="Centre", kind=ZoneKind.POSTCODES, postcodes=["62701"],
                                delivery_fee=Decimal("1.50"), minimum_order=Decimal("10.00"),
                                free_delivery_over=Decimal("30.00"))
    DeliveryZone.objects.create(tenant=restaurant, name="Suburbs", kind=ZoneKind.RADIUS, radius_km=Decimal("5"),
                                delivery_fee=Decimal("4.00"), minimum_order=Decimal("20.00"))
    DeliveryZone.objects.create(tenant=other_restaurant, name="Elsewhere", kind=ZoneKind.POSTCODES,
                                postcodes=["99999"])
    # when
    html = _client(owner).get(_settings(restaurant)).content.decode()
    # then
    table = re.search(r'<table class="table" data-testid="zones-table">(.*?)</table>', html, re.S).group(1)
    rows = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
            for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)][1:]
    assert rows == ["Centre A list of postcodes 1.50 USD 10.00 USD 30.00 USD",
                    "Suburbs A radius around the restaurant 4.00 USD 20.00 USD —"]
    assert "Elsewhere" not in html
    assert f"/api/restaurants/{restaurant.pk}/delivery-zones/" in html
    assert "<form" not in table  # read-only


def test_without_zones_the_page_says_the_one_fee_applies(owner, restaurant):
    html = _client(owner).get(_settings(restaurant)).content.decode()
    assert 'data-testid="zones-empty"' in html and 'data-testid="zones-table"' not in html


def test_staff_get_404_on_the_settings_page(staff, restaurant):
    client = _client(staff)
    assert client.get(_settings(restaurant)).status_code == 404
    assert client.post(_settings(restaurant), _form(slot_capacity_orders="1")).status_code == 404
    assert _fulfilment(restaurant)[4] is None


def test_another_restaurants_owner_gets_404(other_owner, restaurant):
    assert _client(other_owner).post(_settings(restaurant), _form(slot_minutes="60")).status_code == 404
    assert _fulfilment(restaurant)[2] == 15


# --- the item form's kitchen load -------------------------------------------------------------------
def _item_form(category, **changes) -> dict:
    form = {"category": str(category.pk), "name": "Pizza", "description": "", "price": "9.50",
            "preparation_time": "12", "is_available": "on", "spicy_level": "0", "allergens": "", "load": "3"}
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def test_an_item_is_created_and_edited_with_its_kitchen_load(owner, restaurant):
    # given
    category = f.CategoryFactory(tenant=restaurant)
    client = _client(owner)
    # when
    created = client.post(f"/dashboard/{restaurant.pk}/menu/items/new/", _item_form(category))
    # then
    item = MenuItem.objects.get(tenant=restaurant, name="Pizza")
    assert created.status_code == 302 and item.load == 3
    # when
    edited = client.post(f"/dashboard/{restaurant.pk}/menu/items/{item.pk}/", _item_form(category, load="7"))
    html = client.get(f"/dashboard/{restaurant.pk}/menu/items/{item.pk}/").content.decode()
    # then
    item.refresh_from_db()
    assert edited.status_code == 302 and item.load == 7
    assert 'name="load" value="7"' in html and "Kitchen load" in html and "a coffee 1, a pizza 3" in html


@pytest.mark.parametrize("load", ["0", "101", "heavy", "2.5"])
def test_a_bad_kitchen_load_is_refused_next_to_the_field(owner, restaurant, menu_item, load):
    # when
    response = _client(owner).post(f"/dashboard/{restaurant.pk}/menu/items/{menu_item.pk}/",
                                   _item_form(menu_item.category, load=load))
    # then
    menu_item.refresh_from_db()
    assert response.status_code == 400
    assert 'id="id_load_error"' in response.content.decode()
    assert menu_item.load == 1


def test_an_item_posted_without_a_load_keeps_it(owner, restaurant, menu_item):
    # given
    menu_item.load = 4
    menu_item.save()
    # when
    response = _client(owner).post(f"/dashboard/{restaurant.pk}/menu/items/{menu_item.pk}/",
                                   _item_form(menu_item.category, load=None, name="Renamed"))
    # then
    menu_item.refresh_from_db()
    assert response.status_code == 302
    assert (menu_item.name, menu_item.load) == ("Renamed", 4)
