from decimal import Decimal

import pytest

from foodsys.common import cache
from foodsys.testing import factories as f
from menu.models import Option

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
    version = cache.tenant_catalog_version(menu_item.tenant_id)
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
    assert cache.tenant_catalog_version(menu_item.tenant_id) == version + 1


def test_item_form_refuses_a_category_of_another_restaurant(admin_web, menu_item, other_restaurant):
    theirs = f.CategoryFactory(tenant=other_restaurant)
    form = {"tenant": str(menu_item.tenant_id), "category": theirs.id, "name": "X", "price": "5.00", "position": 0,
            "spicy_level": 0, "preparation_time": 10, "allergens": "[]", "description": "", "image_url": ""}

    response = admin_web.post(f"/admin/menu/menuitem/{menu_item.id}/change/", form)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"category": ["This category belongs to another restaurant."]}
    menu_item.refresh_from_db()
    assert menu_item.category.tenant_id == menu_item.tenant_id
