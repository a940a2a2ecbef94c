import pytest

from foodsys.testing import factories as f
from menu.selectors import menu_for_restaurant, menu_item_list

pytestmark = pytest.mark.django_db


def _menu(restaurant, size: int) -> None:
    for _ in range(size):
        category = f.CategoryFactory(tenant=restaurant)
        for _ in range(size):
            f.OptionFactory(group=f.OptionGroupFactory(item=f.MenuItemFactory(category=category)))


@pytest.mark.parametrize("size", [1, 4])
def test_menu_for_restaurant_takes_four_queries_whatever_its_size(restaurant, django_assert_num_queries, size):
    _menu(restaurant, size)

    with django_assert_num_queries(4):
        categories = menu_for_restaurant(restaurant=restaurant)
        options = [o for c in categories for i in c.items.all() for g in i.option_groups.all() for o in g.options.all()]

    assert len(options) == size * size


def test_menu_for_restaurant_never_mixes_tenants(restaurant, other_restaurant):
    _menu(restaurant, 1)
    _menu(other_restaurant, 2)

    categories = menu_for_restaurant(restaurant=restaurant)

    tenants = {c.tenant_id for c in categories} | {i.tenant_id for c in categories for i in c.items.all()}
    assert tenants == {restaurant.tenant_id}


def test_item_list_is_scoped_and_filterable(restaurant, other_restaurant):
    mine = f.MenuItemFactory(category=f.CategoryFactory(tenant=restaurant), is_available=False)
    f.MenuItemFactory(category=f.CategoryFactory(tenant=restaurant))
    f.MenuItemFactory(category=f.CategoryFactory(tenant=other_restaurant), is_available=False)

    assert list(menu_item_list(tenant=restaurant, is_available=False)) == [mine]
    assert menu_item_list(tenant=restaurant).count() == 2
