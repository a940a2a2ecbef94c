"""One role rule per action, whichever interface asks: the dashboard pages and the API agree
(the rules are `menu.roles` and `restaurants.roles`, enforced by the services).

The pages answer 404 where the role may not go (they hide what one cannot use), the API 403."""

from decimal import Decimal

import pytest
from django.test import Client

from accounts.models import MembershipRole
from foodsys.testing import factories as f
from foodsys.testing.fixtures import bearer_client
from menu.models import Category, MenuItem

pytestmark = pytest.mark.django_db


def _page_client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin_on_staff(restaurant):
    """A platform admin who also holds a staff membership of the restaurant."""
    user = f.UserFactory(is_staff=True, is_superuser=True)
    f.MembershipFactory(user=user, tenant=restaurant, role=MembershipRole.STAFF)
    return user


def test_a_platform_admin_who_is_also_staff_acts_as_admin_on_the_pages_and_both_apis(admin_on_staff, restaurant,
                                                                                    menu_item):
    # Before: the pages and the menu API took the staff membership (404 / 403 on any edit) while the
    # restaurants API took the admin (settings changed). Now one rule: an admin is an admin everywhere.
    pages, api = _page_client(admin_on_staff), bearer_client(admin_on_staff, restaurant)
    # when
    edit_page = pages.get(f"/dashboard/{restaurant.pk}/menu/items/{menu_item.pk}/")
    settings_page = pages.get(f"/dashboard/{restaurant.pk}/settings/")
    repriced = api.patch(f"/api/menu/items/{menu_item.pk}/", {"price": "12.00"}, format="json")
    renamed = api.patch(f"/api/restaurants/{restaurant.pk}/", {"name": "Renamed"}, format="json")
    # then
    assert (edit_page.status_code, settings_page.status_code) == (200, 200)
    assert (repriced.status_code, renamed.status_code) == (200, 200)
    menu_item.refresh_from_db()
    assert menu_item.price == Decimal("12.00")


def test_staff_may_switch_availability_on_the_pages_and_the_api(staff, restaurant, menu_item):
    option = f.OptionFactory(group=f.OptionGroupFactory(item=menu_item))
    pages, api = _page_client(staff), bearer_client(staff, restaurant)
    # when
    page_item = pages.post(f"/dashboard/{restaurant.pk}/menu/items/{menu_item.pk}/availability/")
    page_option = pages.post(f"/dashboard/{restaurant.pk}/menu/options/{option.pk}/availability/")
    api_item = api.patch(f"/api/menu/items/{menu_item.pk}/", {"is_available": True}, format="json")
    api_option = api.patch(f"/api/menu/options/{option.pk}/", {"is_available": True}, format="json")
    # then
    assert (page_item.status_code, page_option.status_code) == (302, 302)
    assert (api_item.status_code, api_option.status_code) == (200, 200)


def test_staff_may_not_reorder_on_the_pages_or_the_api(staff, restaurant):
    first, second = f.CategoryFactory(tenant=restaurant, position=0), f.CategoryFactory(tenant=restaurant, position=1)
    item = f.MenuItemFactory(category=first, position=0)
    f.MenuItemFactory(category=first, position=1)
    pages, api = _page_client(staff), bearer_client(staff, restaurant)
    # when
    page_category = pages.post(f"/dashboard/{restaurant.pk}/menu/categories/{second.pk}/move/up/")
    page_item = pages.post(f"/dashboard/{restaurant.pk}/menu/items/{item.pk}/move/down/")
    api_category = api.patch(f"/api/menu/categories/{second.pk}/", {"position": 0}, format="json")
    api_item = api.patch(f"/api/menu/items/{item.pk}/", {"position": 5}, format="json")
    # then
    assert (page_category.status_code, page_item.status_code) == (404, 404)
    assert (api_category.status_code, api_item.status_code) == (403, 403)
    assert api_item.json()["error"]["code"] == "role_forbidden"
    assert list(Category.objects.for_tenant(restaurant).values_list("id", flat=True)) == [first.id, second.id]
    assert MenuItem.objects.get(id=item.id).position == 0


def test_staff_may_not_change_settings_or_pause_on_the_pages_or_the_api(staff, restaurant):
    # when
    page = _page_client(staff).post(f"/dashboard/{restaurant.pk}/settings/", {"name": "x", "paused": "on"})
    api = bearer_client(staff, restaurant).patch(f"/api/restaurants/{restaurant.pk}/", {"accepting_orders": False},
                                                 format="json")
    # then
    assert page.status_code == 404
    assert api.status_code == 403 and api.json()["error"]["code"] == "not_owner"
    restaurant.refresh_from_db()
    assert restaurant.accepting_orders is True


def test_an_unknown_move_direction_is_not_a_page(owner, restaurant):
    category = f.CategoryFactory(tenant=restaurant)

    response = _page_client(owner).post(f"/dashboard/{restaurant.pk}/menu/categories/{category.pk}/move/sideways/")

    assert response.status_code == 404
