"""Server-rendered dashboard and management pages (session login, Django forms over the catalog services)."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from foodsys.testing import factories as f
from menu.models import Category, MenuItem, OptionGroup
from restaurants.models import Restaurant

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- access ------------------------------------------------------------------------------------------
def test_the_dashboard_lists_only_the_users_restaurants(owner, restaurant, other_restaurant):
    # when
    response = _client(owner).get("/dashboard/")
    # then
    assert response.status_code == 200
    assert restaurant.name in response.content.decode()
    assert other_restaurant.name not in response.content.decode()


def test_pages_need_a_session_login(restaurant):
    response = Client().get(f"/dashboard/{restaurant.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("path", ["", "menu/", "settings/"])
def test_a_non_member_gets_404_on_every_restaurant_page(other_owner, restaurant, path):
    assert _client(other_owner).get(f"/dashboard/{restaurant.pk}/{path}").status_code == 404


def test_the_board_passes_its_config_as_json_not_inline_script(owner, restaurant):
    # when
    response = _client(owner).get(f"/dashboard/{restaurant.pk}/")
    # then
    html = response.content.decode()
    config = json.loads(html.split('id="dashboard-config" type="application/json">')[1].split("</script>")[0])
    assert config["tenantId"] == str(restaurant.tenant_id)
    assert config["wsPath"] == f"/ws/tenant/{restaurant.tenant_id}/"
    assert "<script>" not in html
    assert "/static/vendor/chartjs-4.5.1/chart.umd.min.js" in html


def test_an_admin_may_open_any_board(admin_user, restaurant):
    assert _client(admin_user).get(f"/dashboard/{restaurant.pk}/").status_code == 200


# --- staff: availability only -----------------------------------------------------------------------
def test_staff_see_the_menu_with_availability_toggles_only(staff, restaurant, menu_item):
    # when
    response = _client(staff).get(f"/dashboard/{restaurant.pk}/menu/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-testid="toggle-{menu_item.pk}"' in html
    assert "Add a category" not in html
    assert f"/menu/items/{menu_item.pk}/move/" not in html


def test_staff_may_86_an_item_but_not_edit_it(staff, restaurant, menu_item):
    client = _client(staff)
    # when
    toggled = client.post(f"/dashboard/{restaurant.pk}/menu/items/{menu_item.pk}/availability/")
    edited = client.post(f"/dashboard/{restaurant.pk}/menu/items/{menu_item.pk}/", {"name": "Hacked"})
    settings_page = client.get(f"/dashboard/{restaurant.pk}/settings/")
    # then
    menu_item.refresh_from_db()
    assert toggled.status_code == 302
    assert menu_item.is_available is False
    assert (edited.status_code, settings_page.status_code) == (404, 404)
    assert menu_item.name != "Hacked"


def test_an_option_can_be_switched_off(staff, restaurant, menu_item):
    option = f.OptionFactory(group=f.OptionGroupFactory(item=menu_item))
    _client(staff).post(f"/dashboard/{restaurant.pk}/menu/options/{option.pk}/availability/")
    option.refresh_from_db()
    assert option.is_available is False


def test_toggles_refuse_get(staff, restaurant, menu_item):
    assert _client(staff).get(f"/dashboard/{restaurant.pk}/menu/items/{menu_item.pk}/availability/").status_code == 405


# --- categories and items ------------------------------------------------------------------------------
def test_an_owner_adds_a_category_at_the_end(owner, restaurant):
    f.CategoryFactory(tenant=restaurant, name="Starters", position=0)
    # when
    response = _client(owner).post(f"/dashboard/{restaurant.pk}/menu/categories/new/", {"name": "Mains"})
    # then
    assert response.status_code == 302
    assert list(Category.objects.for_tenant(restaurant).values_list("name", flat=True)) == ["Starters", "Mains"]


def test_a_new_category_goes_after_the_last_even_when_positions_have_gaps(owner, restaurant):
    # Before, the page chose position = number of categories (1 here), which put "Mains" first.
    f.CategoryFactory(tenant=restaurant, name="Starters", position=10)  # e.g. set through the API
    # when
    response = _client(owner).post(f"/dashboard/{restaurant.pk}/menu/categories/new/", {"name": "Mains"})
    # then
    assert response.status_code == 302
    assert list(Category.objects.for_tenant(restaurant).values_list("name", flat=True)) == ["Starters", "Mains"]


def test_a_new_item_goes_last_in_its_category(owner, restaurant):
    category = f.CategoryFactory(tenant=restaurant)
    f.MenuItemFactory(category=category, name="Soup", position=4)
    form = {"category": category.pk, "name": "Stew", "price": "9.00", "spicy_level": 0, "preparation_time": 10}
    # when
    response = _client(owner).post(f"/dashboard/{restaurant.pk}/menu/items/new/", form)
    # then
    assert response.status_code == 302
    assert list(MenuItem.objects.for_tenant(restaurant).values_list("name", flat=True)) == ["Soup", "Stew"]


def test_items_and_option_groups_move_on_the_page(owner, restaurant, menu_item):
    below = f.MenuItemFactory(category=menu_item.category, position=1)
    size, extras = f.OptionGroupFactory(item=menu_item, position=0), f.OptionGroupFactory(item=menu_item, position=1)
    client = _client(owner)
    # when
    moved_item = client.post(f"/dashboard/{restaurant.pk}/menu/items/{below.pk}/move/up/")
    moved_group = client.post(f"/dashboard/{restaurant.pk}/menu/groups/{extras.pk}/move/up/")
    # then
    assert moved_item["Location"] == f"/dashboard/{restaurant.pk}/menu/"
    assert moved_group["Location"] == f"/dashboard/{restaurant.pk}/menu/items/{menu_item.pk}/"
    assert list(MenuItem.objects.for_tenant(restaurant).values_list("id", flat=True)) == [below.pk, menu_item.pk]
    assert list(OptionGroup.objects.for_tenant(restaurant).values_list("id", flat=True)) == [extras.pk, size.pk]


def test_a_blank_category_shows_the_error_next_to_the_field(owner, restaurant):
    # when
    response = _client(owner).post(f"/dashboard/{restaurant.pk}/menu/categories/new/", {"name": ""})
    # then
    assert response.status_code == 400
    assert 'id="id_name_error"' in response.content.decode()
    assert not Category.objects.for_tenant(restaurant).exists()


def test_categories_move_up_and_down(owner, restaurant):
    first, second, third = (f.CategoryFactory(tenant=restaurant, name=n, position=0) for n in "ABC")
    client = _client(owner)
    # when: all share position 0 (ordered by id); move C up, then A down
    client.post(f"/dashboard/{restaurant.pk}/menu/categories/{third.pk}/move/up/")
    client.post(f"/dashboard/{restaurant.pk}/menu/categories/{first.pk}/move/down/")
    # then
    assert list(Category.objects.for_tenant(restaurant).values_list("name", flat=True)) == ["C", "A", "B"]


def test_a_non_empty_category_is_not_deleted(owner, restaurant, menu_item):
    # when
    response = _client(owner).post(f"/dashboard/{restaurant.pk}/menu/categories/{menu_item.category_id}/",
                                   {"name": "x", "delete": "1"})
    # then
    assert response.status_code == 200
    assert "still has 1 item" in response.content.decode()
    assert Category.objects.filter(pk=menu_item.category_id).exists()


def test_an_owner_creates_and_edits_an_item(owner, restaurant):
    category = f.CategoryFactory(tenant=restaurant)
    client = _client(owner)
    form = {"category": category.pk, "name": "Lasagne", "description": "", "price": "12.50",
            "preparation_time": 20, "is_available": "on", "spicy_level": 1, "allergens": "gluten, milk"}
    # when
    created = client.post(f"/dashboard/{restaurant.pk}/menu/items/new/", form)
    item = MenuItem.objects.for_tenant(restaurant).get(name="Lasagne")
    edited = client.post(f"/dashboard/{restaurant.pk}/menu/items/{item.pk}/", {**form, "price": "13.00"})
    # then
    item.refresh_from_db()
    assert (created.status_code, edited.status_code) == (302, 302)
    assert item.price == Decimal("13.00")
    assert item.allergens == ["gluten", "milk"]


def test_a_bad_price_is_reported_next_to_the_price(owner, restaurant):
    category = f.CategoryFactory(tenant=restaurant)
    response = _client(owner).post(f"/dashboard/{restaurant.pk}/menu/items/new/",
                                   {"category": category.pk, "name": "Free lunch", "price": "0", "spicy_level": 0,
                                    "preparation_time": 5})
    assert response.status_code == 400
    assert 'id="id_price_error"' in response.content.decode()
    assert not MenuItem.objects.for_tenant(restaurant).exists()


def test_another_tenants_category_cannot_be_used(owner, restaurant, other_restaurant):
    f.CategoryFactory(tenant=restaurant)
    foreign = f.CategoryFactory(tenant=other_restaurant)
    response = _client(owner).post(f"/dashboard/{restaurant.pk}/menu/items/new/",
                                   {"category": foreign.pk, "name": "Sneaky", "price": "5", "spicy_level": 0,
                                    "preparation_time": 5})
    assert response.status_code == 400
    assert not MenuItem.objects.filter(name="Sneaky").exists()


def test_an_owner_creates_an_option_group_with_options(owner, restaurant, menu_item):
    # when
    response = _client(owner).post(f"/dashboard/{restaurant.pk}/menu/items/{menu_item.pk}/groups/new/", {
        "name": "Size", "min_select": 1, "max_select": 1,
        "options-TOTAL_FORMS": 3, "options-INITIAL_FORMS": 0,
        "options-0-name": "Small", "options-0-price_delta": "0", "options-0-is_available": "on",
        "options-1-name": "Large", "options-1-price_delta": "2.50", "options-1-is_available": "on",
        "options-2-name": "", "options-2-price_delta": "0", "options-2-is_available": "on",
    })
    # then
    group = OptionGroup.objects.for_tenant(restaurant).get(item=menu_item)
    assert response.status_code == 302
    assert [(o.name, o.price_delta) for o in group.options.all()] == [("Small", Decimal("0.00")),
                                                                       ("Large", Decimal("2.50"))]


def test_an_impossible_option_group_shows_the_service_error(owner, restaurant, menu_item):
    response = _client(owner).post(f"/dashboard/{restaurant.pk}/menu/items/{menu_item.pk}/groups/new/", {
        "name": "Toppings", "min_select": 2, "max_select": 3,
        "options-TOTAL_FORMS": 1, "options-INITIAL_FORMS": 0,
        "options-0-name": "Olives", "options-0-price_delta": "1", "options-0-is_available": "on",
    })
    assert response.status_code == 400
    assert 'id="id_min_select_error"' in response.content.decode()
    assert not OptionGroup.objects.filter(item=menu_item).exists()


# --- restaurant settings -------------------------------------------------------------------------------------
def _settings_form(restaurant, **changes) -> dict:
    form = {"name": restaurant.name, "description": "", "cuisines": "italian, pizza", "phone": "", "email": "",
            "street": "1 Main St", "city": "Springfield", "state": "IL", "zip_code": "62701", "timezone": "UTC",
            "currency": "USD", "delivery_fee": "3.00", "minimum_order": "10.00", "tax_percent": "8.25",
            "estimated_delivery_minutes": "35", "hours_monday": "11:00-15:00, 18:00-02:00"}
    form.update(changes)
    return form


def test_an_owner_saves_fees_tax_hours_and_a_pause(owner, restaurant):
    # when
    response = _client(owner).post(f"/dashboard/{restaurant.pk}/settings/", _settings_form(
        restaurant, paused="on", paused_until="2030-01-01T12:00", timezone="Europe/Berlin"))
    # then
    restaurant.refresh_from_db()
    assert response.status_code == 302
    assert (restaurant.delivery_fee, restaurant.tax_rate) == (Decimal("3.00"), Decimal("0.0825"))
    assert restaurant.opening_hours["monday"] == [{"open": "11:00", "close": "15:00"},
                                                  {"open": "18:00", "close": "02:00"}]
    assert restaurant.opening_hours["tuesday"] == []
    assert restaurant.accepting_orders is False
    assert restaurant.paused_until.isoformat() == "2030-01-01T11:00:00+00:00"  # 12:00 in Berlin
    assert restaurant.cuisines == ["italian", "pizza"]


def test_the_settings_form_shows_its_current_values(owner, restaurant):
    html = _client(owner).get(f"/dashboard/{restaurant.pk}/settings/").content.decode()
    assert 'name="tax_percent" value="8"' in html
    assert 'name="always_open" id="id_always_open" checked' in html


@pytest.mark.parametrize(("changes", "field"), [
    ({"hours_friday": "25:00-26:00"}, "always_open"),  # the service rejects the hours as a whole
    ({"hours_friday": "eleven till late"}, "hours_friday"),
    ({"timezone": "Mars/Olympus"}, "timezone"),
    ({"currency": "XXX"}, "currency"),
    ({"tax_percent": "150"}, "tax_percent"),
    ({"delivery_fee": "-1"}, "delivery_fee"),
])
def test_invalid_settings_are_reported_next_to_their_field_and_change_nothing(owner, restaurant, changes, field):
    # when
    response = _client(owner).post(f"/dashboard/{restaurant.pk}/settings/", _settings_form(restaurant, **changes))
    # then
    restaurant.refresh_from_db()
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    assert restaurant.delivery_fee == Decimal("2.50")


def test_an_owner_creates_a_restaurant_from_the_dashboard(owner):
    # when
    response = _client(owner).post("/dashboard/new/", {
        "name": "Second Place", "cuisines": "thai", "city": "Shelbyville", "timezone": "UTC", "currency": "EUR"})
    # then
    created = Restaurant.objects.get(name="Second Place")
    assert response.status_code == 302
    assert owner.memberships.filter(tenant=created, role="owner").exists()


def test_a_customer_cannot_create_a_restaurant(customer):
    assert _client(customer).get("/dashboard/new/").status_code == 404
