from decimal import Decimal

import pytest

from foodsys.common import cache
from foodsys.common.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from foodsys.tenancy import keys
from foodsys.tenancy.actor import Actor
from foodsys.testing import factories as f
from menu.models import Category, MenuItem, Option, OptionGroup
from menu.services import (
    category_create,
    category_delete,
    category_move,
    category_update,
    menu_item_create,
    menu_item_delete,
    menu_item_move,
    menu_item_set_availability,
    menu_item_update,
    option_group_create,
    option_group_delete,
    option_group_move,
    option_group_update,
    option_set_availability,
    option_update,
)

pytestmark = pytest.mark.django_db

OWNER = Actor(user=None, role="owner")
STAFF = Actor(user=None, role="staff")
ADMIN = Actor(user=None, role="admin")


def _menu_version(tenant_id) -> int:
    return cache.current_version(keys.tenant_version_key(tenant_id))


def test_item_create_checks_the_category_belongs_to_the_tenant(restaurant, other_restaurant):
    theirs = f.CategoryFactory(tenant=other_restaurant)

    with pytest.raises(ApplicationError) as raised:
        menu_item_create(tenant=restaurant, category=theirs.id, name="Soup", price=Decimal("4.00"), actor=OWNER)

    assert raised.value.code == "unknown_category" and "category" in raised.value.fields
    assert not MenuItem.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("price", Decimal("0")), ("spicy_level", 4), ("name", "x" * 201)])
def test_item_create_enforces_model_rules_even_without_the_api(restaurant, field, value):
    category = f.CategoryFactory(tenant=restaurant)
    kwargs = {"name": "Soup", "price": Decimal("4.00"), field: value}

    with pytest.raises(Exception) as raised:
        menu_item_create(tenant=restaurant, category=category.id, **kwargs, actor=OWNER)

    assert field in str(raised.value)
    assert not MenuItem.objects.exists()


def test_item_update_refuses_unknown_fields(menu_item):
    with pytest.raises(ApplicationError) as raised:
        menu_item_update(item=menu_item, data={"tenant": "x"}, actor=OWNER)

    assert "tenant" in raised.value.fields


def test_category_with_items_cannot_be_deleted(menu_item):
    with pytest.raises(ConflictError):
        category_delete(category=menu_item.category, actor=OWNER)

    assert Category.objects.filter(id=menu_item.category_id).exists()


def test_menu_writes_bump_only_the_tenant_version(restaurant, other_restaurant, django_capture_on_commit_callbacks):
    mine = cache.current_version(keys.tenant_version_key(restaurant.tenant_id))
    theirs = cache.current_version(keys.tenant_version_key(other_restaurant.tenant_id))
    listing = cache.current_version(keys.RESTAURANT_LIST_VERSION_KEY)

    with django_capture_on_commit_callbacks(execute=True):
        category_create(tenant=restaurant, name="Soups", actor=OWNER)

    assert cache.current_version(keys.tenant_version_key(restaurant.tenant_id)) == mine + 1
    assert cache.current_version(keys.tenant_version_key(other_restaurant.tenant_id)) == theirs
    assert cache.current_version(keys.RESTAURANT_LIST_VERSION_KEY) == listing


def test_option_group_create_copies_the_tenant_to_every_option(menu_item):
    group = option_group_create(item=menu_item, name="Size", min_select=1, max_select=1, actor=OWNER,
                                options=[{"name": "S"}, {"name": "L", "price_delta": Decimal("1.50")}])

    options = list(Option.objects.for_tenant(menu_item.tenant_id).filter(group=group))
    assert [(o.name, o.price_delta, o.position) for o in options] == [("S", Decimal("0"), 0),
                                                                      ("L", Decimal("1.50"), 1)]


def test_option_group_update_checks_bounds_against_the_stored_options(menu_item):
    group = option_group_create(item=menu_item, name="Extras", max_select=3, options=[{"name": "a"}], actor=OWNER)

    with pytest.raises(ApplicationError):
        option_group_update(group=group, data={"min_select": 2}, actor=OWNER)
    with pytest.raises(ApplicationError):
        option_group_update(group=group, data={"min_select": 2, "max_select": 1}, actor=OWNER,
                            options=[{"name": "a"}, {"name": "b"}])
    group.refresh_from_db()
    assert (group.min_select, group.max_select) == (0, 3)


def test_option_update_refuses_moving_it_to_another_group(menu_item):
    option = f.OptionFactory(group=f.OptionGroupFactory(item=menu_item))

    with pytest.raises(ApplicationError):
        option_update(option=option, data={"group": 1}, actor=OWNER)


# --- role rules (menu.roles), the same for every interface ------------------------------------
def test_staff_switch_items_and_options_off_and_on(menu_item):
    option = f.OptionFactory(group=f.OptionGroupFactory(item=menu_item))

    menu_item_set_availability(item=menu_item, is_available=False, actor=STAFF)
    option_set_availability(option=option, is_available=False, actor=STAFF)
    switched_off = MenuItem.objects.get(id=menu_item.id).is_available
    menu_item_update(item=menu_item, data={"is_available": True}, actor=STAFF)

    assert switched_off is False and Option.objects.get(id=option.id).is_available is False
    assert MenuItem.objects.get(id=menu_item.id).is_available is True


@pytest.mark.parametrize("write", [
    lambda item: category_create(tenant=item.tenant, name="New", actor=STAFF),
    lambda item: category_update(category=item.category, data={"name": "x"}, actor=STAFF),
    lambda item: category_move(category=item.category, direction="up", actor=STAFF),
    lambda item: category_delete(category=item.category, actor=STAFF),
    lambda item: menu_item_create(tenant=item.tenant, category=item.category_id, name="x", price=Decimal("1"),
                                  actor=STAFF),
    lambda item: menu_item_update(item=item, data={"price": Decimal("1.00")}, actor=STAFF),
    lambda item: menu_item_update(item=item, data={"is_available": False, "price": Decimal("1.00")}, actor=STAFF),
    lambda item: menu_item_update(item=item, data={"position": 5}, actor=STAFF),
    lambda item: menu_item_move(item=item, direction="down", actor=STAFF),
    lambda item: menu_item_delete(item=item, actor=STAFF),
    lambda item: option_group_create(item=item, name="x", actor=STAFF),
    lambda item: option_group_update(group=f.OptionGroupFactory(item=item), data={"name": "x"}, actor=STAFF),
    lambda item: option_group_move(group=f.OptionGroupFactory(item=item), direction="up", actor=STAFF),
    lambda item: option_group_delete(group=f.OptionGroupFactory(item=item), actor=STAFF),
    lambda item: option_update(option=f.OptionFactory(group=f.OptionGroupFactory(item=item)),
                               data={"price_delta": Decimal("9")}, actor=STAFF),
])
def test_staff_may_not_edit_create_delete_or_reorder(menu_item, django_capture_on_commit_callbacks, write):
    version = _menu_version(menu_item.tenant_id)

    with pytest.raises(PermissionDeniedError) as raised, django_capture_on_commit_callbacks(execute=True):
        write(menu_item)

    assert raised.value.code == "role_forbidden"
    menu_item.refresh_from_db()
    assert (menu_item.price, menu_item.position, menu_item.is_available) == (Decimal("10.00"), 0, True)
    assert _menu_version(menu_item.tenant_id) == version


@pytest.mark.parametrize("actor", [None, Actor(user=None, role="customer")])
def test_nobody_outside_the_tenant_roles_may_even_switch_availability(menu_item, actor):
    with pytest.raises(PermissionDeniedError):
        menu_item_set_availability(item=menu_item, is_available=False, actor=actor)


# --- positions and reordering -----------------------------------------------------------------
def test_new_rows_without_a_position_go_after_the_last_even_with_gaps(restaurant):
    f.CategoryFactory(tenant=restaurant, name="Drinks", position=10)
    f.CategoryFactory(tenant=restaurant, name="Mains", position=3)

    category = category_create(tenant=restaurant, name="Desserts", actor=OWNER)
    first = menu_item_create(tenant=restaurant, category=category.id, name="Cake", price=Decimal("3"), actor=OWNER)
    second = menu_item_create(tenant=restaurant, category=category.id, name="Pie", price=Decimal("3"), actor=OWNER)
    placed = category_create(tenant=restaurant, name="Sides", position=0, actor=ADMIN)

    names = list(Category.objects.for_tenant(restaurant).values_list("name", flat=True))
    assert names == ["Sides", "Mains", "Drinks", "Desserts"]
    assert (category.position, first.position, second.position, placed.position) == (11, 0, 1, 0)


def test_categories_move_one_place_and_are_renumbered(restaurant, django_capture_on_commit_callbacks):
    a, b, c = (f.CategoryFactory(tenant=restaurant, name=name, position=7) for name in "ABC")
    version = _menu_version(restaurant.tenant_id)

    with django_capture_on_commit_callbacks(execute=True):
        category_move(category=c, direction="up", actor=OWNER)
        category_move(category=a, direction="down", actor=OWNER)

    ordered = list(Category.objects.for_tenant(restaurant).values_list("name", "position"))
    assert ordered == [("C", 0), ("A", 1), ("B", 2)]
    assert _menu_version(restaurant.tenant_id) > version


def test_a_move_past_either_end_changes_nothing(restaurant, django_capture_on_commit_callbacks):
    first, last = f.CategoryFactory(tenant=restaurant, position=0), f.CategoryFactory(tenant=restaurant, position=1)
    version = _menu_version(restaurant.tenant_id)

    with django_capture_on_commit_callbacks(execute=True):
        category_move(category=first, direction="up", actor=OWNER)
        category_move(category=last, direction="down", actor=OWNER)

    assert list(Category.objects.for_tenant(restaurant).values_list("id", flat=True)) == [first.id, last.id]
    assert _menu_version(restaurant.tenant_id) == version


def test_items_and_groups_move_among_their_own_siblings_only(restaurant):
    mains, drinks = f.CategoryFactory(tenant=restaurant), f.CategoryFactory(tenant=restaurant)
    soup, stew = f.MenuItemFactory(category=mains, position=0), f.MenuItemFactory(category=mains, position=1)
    cola = f.MenuItemFactory(category=drinks, position=0)
    size, extras = f.OptionGroupFactory(item=soup, position=0), f.OptionGroupFactory(item=soup, position=1)
    f.OptionGroupFactory(item=stew, position=0)

    menu_item_move(item=stew, direction="up", actor=OWNER)
    option_group_move(group=extras, direction="up", actor=OWNER)

    assert list(MenuItem.objects.for_tenant(restaurant).filter(category=mains).values_list("id", flat=True)) == [
        stew.id, soup.id]
    assert MenuItem.objects.get(id=cola.id).position == 0
    assert list(OptionGroup.objects.for_tenant(restaurant).filter(item=soup).values_list("id", flat=True)) == [
        extras.id, size.id]


def test_an_unknown_direction_is_refused(menu_item):
    with pytest.raises(ApplicationError) as raised:
        menu_item_move(item=menu_item, direction="sideways", actor=OWNER)

    assert "direction" in raised.value.fields
