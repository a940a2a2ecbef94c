"""Real sales-tax rates have three decimals in percent (New York City 8.875 %): the settings page and
the API accept them, and each order's tax is the subtotal times the rate rounded half-up to cents.
Expected taxes are worked out by hand."""

from decimal import Decimal

import pytest
from django.test import Client

from foodsys.testing import factories as f
from foodsys.testing.fixtures import bearer_client
from orders.services import OrderLineInput, order_place

pytestmark = pytest.mark.django_db

ADDRESS = {"street": "1 Main St", "city": "Springfield", "state": "IL", "zip_code": "62701"}


def _tax_for(customer, restaurant, rate: str, price: str) -> Decimal:
    restaurant.tax_rate, restaurant.delivery_fee, restaurant.minimum_order = Decimal(rate), 0, 0
    restaurant.save()
    item = f.MenuItemFactory(category=f.CategoryFactory(tenant=restaurant), price=Decimal(price))
    order = order_place(customer=customer, restaurant_ref=restaurant.pk, payment_method="cash",
                        lines=[OrderLineInput(menu_item_id=item.pk, quantity=1)], delivery_address=ADDRESS).order
    order.refresh_from_db()
    return order.tax


@pytest.mark.parametrize(("rate", "price", "tax"), [
    ("0.08875", "20.00", "1.78"),   # New York City: 1.775 -> 1.78 (half-up)
    ("0.08875", "10.00", "0.89"),   # 0.8875 -> 0.89
    ("0.1025", "19.99", "2.05"),    # Chicago 10.25 %: 2.048975 -> 2.05
    ("0.04712", "50.00", "2.36"),   # Honolulu 4.712 %: 2.356 -> 2.36
    ("0.0725", "3.00", "0.22"),     # California base 7.25 %: 0.2175 -> 0.22
])
def test_three_decimal_rates_round_half_up_per_order(customer, restaurant, rate, price, tax):
    assert _tax_for(customer, restaurant, rate, price) == Decimal(tax)


def test_the_settings_page_accepts_new_york_citys_rate(owner, restaurant):
    client = Client()
    client.force_login(owner)
    form = {"name": restaurant.name, "description": "", "cuisines": "", "phone": "", "email": "",
            "street": "1 Main St", "city": "New York", "state": "NY", "zip_code": "10001",
            "timezone": "America/New_York", "currency": "USD", "delivery_fee": "0", "minimum_order": "0",
            "tax_percent": "8.875", "estimated_delivery_minutes": "30", "target_prep_minutes": "20",
            "pickup_enabled": "on", "delivery_enabled": "on", "slot_minutes": "15", "schedule_days_ahead": "2"}

    response = client.post(f"/dashboard/{restaurant.pk}/settings/", form)

    assert response.status_code == 302, response.content.decode()[:2000]
    restaurant.refresh_from_db()
    assert restaurant.tax_rate == Decimal("0.08875")


def test_the_api_accepts_three_decimals_in_percent_and_refuses_more_than_it_stores(owner, restaurant):
    client = bearer_client(owner, restaurant)
    url = f"/api/restaurants/{restaurant.pk}/"

    accepted = client.patch(url, {"tax_rate": "0.08875"}, format="json")
    refused = client.patch(url, {"tax_rate": "0.0887501"}, format="json")

    assert accepted.status_code == 200, accepted.content
    assert refused.status_code == 400 and "tax_rate" in refused.json()["error"]["fields"]
    restaurant.refresh_from_db()
    assert restaurant.tax_rate == Decimal("0.08875")
