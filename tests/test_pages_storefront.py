"""Server-rendered storefront pages: restaurant list with filters, menu, my orders, tracking."""

import json

import pytest
from django.test import Client

from foodsys.testing import factories as f
from orders.tests.helpers import place

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_the_home_page_leads_to_the_store():
    response = Client().get("/")
    assert (response.status_code, response["Location"]) == (302, "/store/")


def test_the_list_filters_by_city_cuisine_and_open_now(db):
    # given
    f.RestaurantFactory(name="Pizza Town", city="Springfield", cuisines=["Italian"])
    f.RestaurantFactory(name="Thai Garden", city="Springfield", cuisines=["thai"])
    f.RestaurantFactory(name="Far Pizza", city="Shelbyville", cuisines=["italian"])
    f.RestaurantFactory(name="Closed Pizza", city="Springfield", cuisines=["italian"], opening_hours={})
    f.RestaurantFactory(name="Gone Pizza", city="Springfield", cuisines=["italian"], is_active=False)
    # when
    html = Client().get("/store/", {"city": "springfield", "cuisine": "italian", "open_now": "1"}).content.decode()
    # then
    assert "Pizza Town" in html
    for hidden in ("Thai Garden", "Far Pizza", "Closed Pizza", "Gone Pizza"):
        assert hidden not in html


def test_the_menu_greys_out_unavailable_items_and_options(restaurant):
    # given
    category = f.CategoryFactory(tenant=restaurant)
    gone = f.MenuItemFactory(category=category, name="Sold Out Soup", is_available=False)
    pizza = f.MenuItemFactory(category=category, name="Pizza")
    f.OptionFactory(group=f.OptionGroupFactory(item=pizza), name="Anchovies", is_available=False)
    # when
    html = Client().get(f"/store/restaurants/{restaurant.pk}/").content.decode()
    # then
    assert f'class="menu-item menu-item--unavailable" data-item-id="{gone.pk}"' in html
    assert 'option option--unavailable' in html
    assert "Log in to order" in html
    config = json.loads(html.split('id="store-config" type="application/json">')[1].split("</script>")[0])
    assert config["taxRate"] == "0.080000" and config["deliveryFee"] == "2.50"


def test_an_inactive_restaurant_has_no_store_page(db):
    gone = f.RestaurantFactory(is_active=False)
    assert Client().get(f"/store/restaurants/{gone.pk}/").status_code == 404


def test_tracking_shows_the_customers_order(customer, restaurant, menu_item):
    # given
    order = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 2)]).order
    # when
    response = _client(customer).get(f"/store/orders/{order.pk}/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Order #{order.order_number}" in html
    assert 'data-status="pending"' in html


@pytest.mark.parametrize("order_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_tracking_unknown_orders_is_404(customer, order_id):
    assert _client(customer).get(f"/store/orders/{order_id}/").status_code == 404


def test_nobody_else_can_track_an_order(customer, other_owner, restaurant, menu_item, django_user_model):
    # given
    order = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)]).order
    stranger = django_user_model.objects.create_user(email="stranger@example.com")
    # then: neither another customer nor another tenant's owner sees it
    assert _client(stranger).get(f"/store/orders/{order.pk}/").status_code == 404
    assert _client(other_owner).get(f"/store/orders/{order.pk}/").status_code == 404


def test_my_orders_lists_only_mine(customer, restaurant, menu_item, django_user_model):
    mine = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)]).order
    other = django_user_model.objects.create_user(email="o@example.com")
    theirs = place(customer=other, restaurant=restaurant, lines=[(menu_item, 1)]).order
    html = _client(customer).get("/store/orders/").content.decode()
    assert str(mine.pk) in html and str(theirs.pk) not in html
