"""The printable ticket page: members of the order's restaurant only, both roll widths."""

import pytest

from foodsys.testing import factories as f
from orders.services import OrderLineInput, order_place

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(restaurant, customer):
    item = f.MenuItemFactory(category=f.CategoryFactory(tenant=restaurant), name="Calzone")
    option = f.OptionFactory(group=f.OptionGroupFactory(item=item, name="Extras"), name="Chili oil")
    return order_place(customer=customer, restaurant_ref=restaurant.pk, payment_method="cash", notes="Gate code 42",
                       lines=[OrderLineInput(menu_item_id=item.pk, quantity=3, option_ids=(option.pk,))],
                       delivery_address={"street": "5 Elm St", "city": "Springfield"}).order


def _url(restaurant, order, query=""):
    return f"/dashboard/{restaurant.pk}/orders/{order.pk}/ticket/{query}"


def test_staff_see_the_ticket_with_everything_the_kitchen_needs(client, staff, restaurant, order):
    client.force_login(staff)

    page = client.get(_url(restaurant, order)).content.decode()

    call_number = order.order_number.rsplit("-", 1)[-1]
    for expected in (f"#{call_number}", "3 ×", "Calzone", "+ Chili oil", "Gate code 42", "5 Elm St", "Delivery",
                     "ticket--80"):
        assert expected in page, expected
    assert 'data-auto-print="0"' in page


def test_the_narrow_roll_and_auto_print_are_chosen_by_the_query(client, owner, restaurant, order):
    client.force_login(owner)

    page = client.get(_url(restaurant, order, "?width=58&print=1&copy=2")).content.decode()

    assert "ticket--58" in page and 'data-auto-print="1"' in page and "Reprint 2" in page


def test_outsiders_and_other_restaurants_orders_are_404(client, other_owner, owner, restaurant, other_restaurant,
                                                        order, customer):
    client.force_login(other_owner)
    assert client.get(_url(restaurant, order)).status_code == 404
    assert client.get(_url(other_restaurant, order)).status_code == 404  # A's order under B's board
    client.force_login(customer)
    assert client.get(_url(restaurant, order)).status_code == 404
    client.force_login(owner)
    assert client.get(f"/dashboard/{restaurant.pk}/orders/not-a-uuid/ticket/").status_code == 404
