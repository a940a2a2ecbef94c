"""/dashboard/<id>/orders/new/: the phone and walk-in order page (members only; the API places the order)."""

import json
from decimal import Decimal

import pytest

from foodsys.testing import factories as f
from orders.models import Order

pytestmark = pytest.mark.django_db


def _url(restaurant) -> str:
    return f"/dashboard/{restaurant.pk}/orders/new/"


@pytest.fixture
def menu(restaurant):
    pizza = f.MenuItemFactory(category=f.CategoryFactory(tenant=restaurant, name="Pizza"), name="Margherita",
                              price=Decimal("9.50"))
    size = f.OptionGroupFactory(item=pizza, name="Size", min_select=1, max_select=1)
    f.OptionFactory(group=size, name="Large", price_delta=Decimal("3.00"))
    f.MenuItemFactory(category=pizza.category, name="Truffle Special", is_available=False)
    return pizza


@pytest.mark.parametrize("who", ["staff", "owner", "admin_user"])
def test_members_and_admins_get_the_page_with_the_menu(client, request, restaurant, menu, who):
    # given
    client.force_login(request.getfixturevalue(who))

    # when
    response = client.get(_url(restaurant))

    # then: the menu with its option rules, the API address, and no order written by the GET
    assert response.status_code == 200
    page = response.content.decode()
    assert "Margherita" in page and "Large" in page and 'data-min="1"' in page and 'data-max="1"' in page
    assert 'type="tel"' in page and 'value="pay_at_counter"' in page and 'value="card"' not in page
    config = json.loads(page.split('id="entry-config" type="application/json">')[1].split("</script>")[0])
    assert config["enterUrl"] == f"/api/restaurants/{restaurant.pk}/orders/"
    assert config["boardUrl"] == f"/dashboard/{restaurant.pk}/"
    assert Order.objects.count() == 0


def test_a_sold_out_item_cannot_be_added(client, staff, restaurant, menu):
    client.force_login(staff)
    page = client.get(_url(restaurant)).content.decode()
    truffle = page.split('data-name="Truffle Special"')[1].split("</section>", 1)[0]
    assert "sold out" in truffle and 'aria-label="Add Truffle Special" disabled' in truffle


@pytest.mark.parametrize("who", ["customer", "other_owner"])
def test_outsiders_get_404(client, request, restaurant, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(restaurant)).status_code == 404


def test_an_unknown_restaurant_is_404(client, staff):
    client.force_login(staff)
    assert client.get("/dashboard/987654/orders/new/").status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, restaurant):
    response = client.get(_url(restaurant))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
