from decimal import Decimal

import pytest

from foodsys.common import cache
from foodsys.common.exceptions import ApplicationError, ConflictError
from foodsys.testing import factories as f
from menu.models import Category, MenuItem, Option
from menu.services import (
    category_create,
    category_delete,
    menu_item_create,
    menu_item_update,
    option_group_create,
    option_group_update,
    option_update,
)

pytestmark = pytest.mark.django_db


def test_item_create_checks_the_category_belongs_to_the_tenant(restaurant, other_restaurant):
    theirs = f.CategoryFactory(tenant=other_restaurant)

    with pytest.raises(ApplicationError) as raised:
        menu_item_create(tenant=restaurant, category=theirs.id, name="Soup", price=Decimal("4.00"))

    assert raised.value.code == "unknown_category" and "category" in raised.value.fields
    assert not MenuItem.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("price", Decimal("0")), ("spicy_level", 4), ("name", "x" * 201)])
def test_item_create_enforces_model_rules_even_without_the_api(restaurant, field, value):
    category = f.CategoryFactory(tenant=restaurant)
    kwargs = {"name": "Soup", "price": Decimal("4.00"), field: value}

    with pytest.raises(Exception) as raised:
        menu_item_create(tenant=restaurant, category=category.id, **kwargs)

    assert field in str(raised.value)
    assert not MenuItem.objects.exists()


def test_item_update_refuses_unknown_fields(menu_item):
    with pytest.raises(ApplicationError) as raised:
        menu_item_update(item=menu_item, data={"tenant": "x"})

    assert "tenant" in raised.value.fields


def test_category_with_items_cannot_be_deleted(menu_item):
    with pytest.raises(ConflictError):
        category_delete(category=menu_item.category)

    assert Category.objects.filter(id=menu_item.category_id).exists()


def test_menu_writes_bump_only_the_tenant_version(restaurant, other_restaurant, django_capture_on_commit_callbacks):
    mine, theirs = cache.tenant_catalog_version(restaurant.tenant_id), cache.tenant_catalog_version(
        other_restaurant.tenant_id)
    listing = cache.restaurant_list_version()

    with django_capture_on_commit_callbacks(execute=True):
        category_create(tenant=restaurant, name="Soups")

    assert cache.tenant_catalog_version(restaurant.tenant_id) == mine + 1
    assert cache.tenant_catalog_version(other_restaurant.tenant_id) == theirs
    assert cache.restaurant_list_version() == listing


def test_option_group_create_copies_the_tenant_to_every_option(menu_item):
    group = option_group_create(item=menu_item, name="Size", min_select=1, max_select=1,
                                options=[{"name": "S"}, {"name": "L", "price_delta": Decimal("1.50")}])

    options = list(Option.objects.for_tenant(menu_item.tenant_id).filter(group=group))
    assert [(o.name, o.price_delta, o.position) for o in options] == [("S", Decimal("0"), 0),
                                                                      ("L", Decimal("1.50"), 1)]


def test_option_group_update_checks_bounds_against_the_stored_options(menu_item):
    group = option_group_create(item=menu_item, name="Extras", max_select=3, options=[{"name": "a"}])

    with pytest.raises(ApplicationError):
        option_group_update(group=group, data={"min_select": 2})
    with pytest.raises(ApplicationError):
        option_group_update(group=group, data={"min_select": 2, "max_select": 1},
                            options=[{"name": "a"}, {"name": "b"}])
    group.refresh_from_db()
    assert (group.min_select, group.max_select) == (0, 3)


def test_option_update_refuses_moving_it_to_another_group(menu_item):
    option = f.OptionFactory(group=f.OptionGroupFactory(item=menu_item))

    with pytest.raises(ApplicationError):
        option_update(option=option, data={"group": 1})
