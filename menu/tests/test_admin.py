from decimal import Decimal

import pytest

from foodsys.common import cache
from foodsys.tenancy import keys
from foodsys.testing import factories as f
from menu.models import Category, MenuItem, Option, OptionGroup

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_web(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.mark.parametrize("model", ["category", "menuitem", "optiongroup"])
def test_changelists_filter_by_restaurant(admin_web, menu_item, other_restaurant, model):
    f.OptionGroupFactory(item=menu_item)
    f.OptionGroupFactory(item=f.MenuItemFactory(category=f.CategoryFactory(tenant=other_restaurant)))

    everything = admin_web.get(f"/admin/menu/{model}/")
    one_tenant = admin_web.get(f"/admin/menu/{model}/", {"tenant": str(menu_item.tenant_id)})

    assert everything.status_code == 200 and one_tenant.status_code == 200
    assert everything.context["cl"].result_count == 2
    assert one_tenant.context["cl"].result_count == 1


def test_menu_item_changelist_filters_by_availability_and_searches(admin_web, menu_item):
    f.MenuItemFactory(category=menu_item.category, name="Sold out soup", is_available=False)

    unavailable = admin_web.get("/admin/menu/menuitem/", {"is_available__exact": "0"})
    searched = admin_web.get("/admin/menu/menuitem/", {"q": "soup"})

    assert unavailable.context["cl"].result_count == 1
    assert searched.context["cl"].result_count == 1


def test_inline_options_take_the_groups_tenant_and_retire_the_cached_menu(admin_web, menu_item,
                                                                          django_capture_on_commit_callbacks):
    group = f.OptionGroupFactory(item=menu_item)
    version = cache.current_version(keys.tenant_version_key(menu_item.tenant_id))
    form = {
        "item": menu_item.id, "name": "Size", "min_select": 0, "max_select": 1, "position": 0,
        "options-TOTAL_FORMS": 1, "options-INITIAL_FORMS": 0, "options-MIN_NUM_FORMS": 0,
        "options-MAX_NUM_FORMS": 1000,
        "options-0-name": "Large", "options-0-price_delta": "2.00", "options-0-is_available": "on",
        "options-0-position": 0, "options-0-group": group.id,
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_web.post(f"/admin/menu/optiongroup/{group.id}/change/", form)

    assert response.status_code == 302, response.content[:2000]
    option = Option.objects.get(group=group)
    assert option.tenant_id == menu_item.tenant_id and option.price_delta == Decimal("2.00")
    assert cache.current_version(keys.tenant_version_key(menu_item.tenant_id)) == version + 1


def test_item_form_refuses_a_category_of_another_restaurant(admin_web, menu_item, other_restaurant):
    theirs = f.CategoryFactory(tenant=other_restaurant)
    form = {"tenant": str(menu_item.tenant_id), "category": theirs.id, "name": "X", "price": "5.00", "position": 0,
            "spicy_level": 0, "preparation_time": 10, "allergens": "[]", "description": "", "image_url": ""}

    response = admin_web.post(f"/admin/menu/menuitem/{menu_item.id}/change/", form)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"category": ["This category belongs to another restaurant."]}
    menu_item.refresh_from_db()
    assert menu_item.category.tenant_id == menu_item.tenant_id


# --- writes go through the menu services (actor: the admin user, role "admin") ---------------------
def _menu_version(tenant_id) -> int:
    return cache.current_version(keys.tenant_version_key(tenant_id))


def _item_form(item, **changes) -> dict:
    form = {"category": item.category_id, "name": item.name, "description": "", "price": str(item.price),
            "position": item.position, "image_url": "", "is_available": "on", "spicy_level": 0,
            "preparation_time": 15, "calories": "", "allergens": "[]"}
    form.update(changes)
    return form


def test_an_item_changed_in_the_admin_retires_the_cached_menu(admin_web, menu_item,
                                                              django_capture_on_commit_callbacks):
    version = _menu_version(menu_item.tenant_id)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_web.post(f"/admin/menu/menuitem/{menu_item.id}/change/", _item_form(menu_item, price="11.50"))

    assert response.status_code == 302, response.content[:2000]
    menu_item.refresh_from_db()
    assert menu_item.price == Decimal("11.50")
    assert _menu_version(menu_item.tenant_id) == version + 1


def test_a_category_added_and_deleted_in_the_admin_retires_the_cached_menu(admin_web, restaurant,
                                                                           django_capture_on_commit_callbacks):
    version = _menu_version(restaurant.tenant_id)

    with django_capture_on_commit_callbacks(execute=True):
        added = admin_web.post("/admin/menu/category/add/", {"tenant": str(restaurant.tenant_id), "name": "Soups",
                                                             "position": 3})
    category = Category.objects.for_tenant(restaurant).get(name="Soups")
    with django_capture_on_commit_callbacks(execute=True):
        deleted = admin_web.post(f"/admin/menu/category/{category.id}/delete/", {"post": "yes"})

    assert (added.status_code, deleted.status_code) == (302, 302)
    assert not Category.objects.filter(id=category.id).exists()
    assert _menu_version(restaurant.tenant_id) == version + 2


def test_the_admin_cannot_move_a_row_to_another_tenant(admin_web, menu_item, other_restaurant):
    category = menu_item.category
    form = {"tenant": str(other_restaurant.tenant_id), "name": "Moved", "position": 0}

    response = admin_web.post(f"/admin/menu/category/{category.id}/change/", form)

    assert response.status_code == 302
    category.refresh_from_db()
    assert category.tenant_id == menu_item.tenant_id and category.name == "Moved"


def test_a_group_the_services_refuse_is_reported_and_nothing_is_saved(admin_web, menu_item):
    # min_select 2 with one option: the service's rule, which the admin used to skip.
    form = {
        "item": menu_item.id, "name": "Sauce", "min_select": 2, "max_select": 3, "position": 0,
        "options-TOTAL_FORMS": 1, "options-INITIAL_FORMS": 0, "options-MIN_NUM_FORMS": 0,
        "options-MAX_NUM_FORMS": 1000,
        "options-0-name": "Mayo", "options-0-price_delta": "0", "options-0-is_available": "on",
        "options-0-position": 0,
    }

    response = admin_web.post("/admin/menu/optiongroup/add/", form, follow=True)

    assert "min_select is 2 but the group has 1 option(s)" in response.content.decode()
    assert not OptionGroup.objects.exists() and not Option.objects.exists()


def test_an_option_group_added_in_the_admin_gets_its_items_tenant_and_options(admin_web, menu_item,
                                                                              django_capture_on_commit_callbacks):
    version = _menu_version(menu_item.tenant_id)
    form = {
        "item": menu_item.id, "name": "Size", "min_select": 1, "max_select": 1, "position": 0,
        "options-TOTAL_FORMS": 1, "options-INITIAL_FORMS": 0, "options-MIN_NUM_FORMS": 0,
        "options-MAX_NUM_FORMS": 1000,
        "options-0-name": "Small", "options-0-price_delta": "0", "options-0-is_available": "on",
        "options-0-position": 0,
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_web.post("/admin/menu/optiongroup/add/", form)

    assert response.status_code == 302, response.content[:2000]
    group = OptionGroup.objects.get(name="Size")
    assert group.tenant_id == menu_item.tenant_id
    assert [(o.name, o.tenant_id) for o in group.options.all()] == [("Small", menu_item.tenant_id)]
    assert _menu_version(menu_item.tenant_id) == version + 1


def test_an_item_added_in_the_admin_is_created_by_the_service(admin_web, menu_item, django_capture_on_commit_callbacks):
    version = _menu_version(menu_item.tenant_id)
    form = {**_item_form(menu_item, name="Soup", allergens='["celery "]'), "tenant": str(menu_item.tenant_id)}

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_web.post("/admin/menu/menuitem/add/", form)

    assert response.status_code == 302, response.content[:2000]
    soup = MenuItem.objects.get(name="Soup")
    assert soup.tenant_id == menu_item.tenant_id and soup.allergens == ["celery"]  # the service's cleaning
    assert _menu_version(menu_item.tenant_id) == version + 1
