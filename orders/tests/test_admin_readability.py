"""The Django admin read by a person: lines as text, address and options as text, restaurant-local times."""

import zoneinfo
from decimal import Decimal

import pytest
from django.utils import timezone

from foodsys.testing import factories as f
from orders.tests.helpers import menu_item_in, place

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/orders/order/"


@pytest.fixture
def admin_browser(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def chicago(db):
    return f.RestaurantFactory(name="Chicago Slice", timezone="America/Chicago")


@pytest.fixture
def order(customer, chicago):
    pizza = menu_item_in(chicago, name="Margherita", price=Decimal("10.00"))
    size = f.OptionGroupFactory(item=pizza, name="Size", min_select=0, max_select=2)
    large = f.OptionFactory(group=size, name="Large", price_delta=Decimal("4.00"), position=0)
    cheese = f.OptionFactory(group=size, name="Extra cheese", price_delta=Decimal("0.00"), position=1)
    return place(customer=customer, restaurant=chicago, lines=[(pizza, 2, [large.pk, cheese.pk])]).order


def _chicago_time(moment) -> str:
    return timezone.localtime(moment, zoneinfo.ZoneInfo("America/Chicago")).strftime("%Y-%m-%d %H:%M %Z")


def test_an_order_line_reads_as_quantity_name_and_options(order):
    line = order.lines.get()
    assert str(line) == "2 × Margherita (Large, Extra cheese)"


def test_an_order_line_without_options_has_no_brackets(customer, chicago):
    order = place(customer=customer, restaurant=chicago, lines=[(menu_item_in(chicago, name="Tiramisu"), 1)]).order
    assert str(order.lines.get()) == "1 × Tiramisu"


def test_the_order_page_shows_lines_address_options_and_times_as_text(admin_browser, order):
    # when
    html = admin_browser.get(f"{CHANGELIST}{order.pk}/change/").content.decode()
    # then
    assert "2 × Margherita (Large, Extra cheese)" in html
    assert "OrderLine object" not in html
    assert "Size: Large (+4.00); Size: Extra cheese" in html
    assert "742 Evergreen Terrace, Springfield, IL 62704" in html
    assert "price_delta" not in html and "&quot;street&quot;" not in html  # no raw JSON
    assert "Placed (restaurant time)" in html and _chicago_time(order.created_at) in html
    assert _chicago_time(order.created_at).split()[-1] in {"CST", "CDT"}


def test_the_order_changelist_keeps_five_short_columns_in_restaurant_time(admin_browser, order):
    # when
    html = admin_browser.get(CHANGELIST).content.decode()
    # then
    columns = ("order_number", "restaurant", "status", "total_with_currency", "placed")
    assert all(f"column-{name}" in html for name in columns)
    assert "column-customer" not in html and "column-payment_status" not in html
    assert f"{order.total} USD" in html
    assert _chicago_time(order.created_at) in html


def test_the_users_list_shows_memberships_with_restaurant_and_role(admin_browser, owner, staff, restaurant):
    # given: the owner also owns a second place
    second = f.RestaurantFactory(name="Zeta Diner")
    f.MembershipFactory(user=owner, tenant=second, role="owner")
    # when
    html = admin_browser.get("/admin/accounts/user/").content.decode()
    # then
    assert f"owner of {restaurant.name}, Zeta Diner" in html
    assert f"staff of {restaurant.name}" in html


def test_the_restaurant_page_lists_its_members_and_local_times(admin_browser, owner, chicago):
    f.MembershipFactory(user=owner, tenant=chicago, role="owner")
    html = admin_browser.get(f"/admin/restaurants/restaurant/{chicago.pk}/change/").content.decode()
    assert f"{owner.email} (owner)" in html
    assert _chicago_time(chicago.created_at) in html
