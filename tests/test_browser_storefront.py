"""The customer storefront in headless Chromium: restaurant list -> menu -> cart -> order -> live tracking."""

import pytest

from tests.browser_support import LIVE_TIMEOUT_MS, api_post, browser, log_in, open_page  # noqa: F401
from tests.live_servers import seeded, server_database, start_servers  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_customer_orders_from_the_storefront_and_tracks_it_live(seeded, start_servers, open_page):  # noqa: F811
    # given: a signed-in customer on the restaurant list, filtered
    (server,) = start_servers(1)
    customer = open_page()
    page = customer.page
    log_in(customer, server, email=seeded["customer_email"], password=seeded["password"], next_path="/store/")
    page.fill("#f-city", "Springfield")
    page.fill("#f-cuisine", "Italian")
    page.check("input[name=open_now]")
    page.click('[data-testid="store-filters"] button[type=submit]')
    page.wait_for_url("**/store/?city=Springfield&cuisine=Italian&open_now=1")
    customer.shot("storefront-list")

    # when: they open the menu and fill the cart
    page.click('[data-testid="store-restaurant"]:has-text("E2E Bistro")')
    page.wait_for_url(f"**/store/restaurants/{seeded['restaurant_id']}/")
    sold_out = page.locator('[data-testid="menu-item"]:has-text("Truffle Special")')
    pizza = page.locator('[data-testid="menu-item"]:has-text("Margherita")')
    tiramisu = page.locator('[data-testid="menu-item"]:has-text("Tiramisu")')
    pizza.locator('[data-testid="add-to-cart"]').click()  # no size chosen yet
    size_error = pizza.locator('[data-role="item-error"]').inner_text()
    pizza.locator('input[data-name="Large"]').check()
    pizza.locator("input[name=quantity]").fill("2")
    pizza.locator('[data-testid="add-to-cart"]').click()
    tiramisu.locator('[data-testid="add-to-cart"]').click()

    # then: the sold-out item is greyed out and the cart total is live: (9.50 + 3.00) x 2 + 5.00 = 30.00,
    # delivery 2.50, tax 8% of 30.00 = 2.40, total 34.90
    assert "menu-item--unavailable" in sold_out.get_attribute("class")
    assert sold_out.locator('[data-testid="add-to-cart"]').is_disabled()
    assert "Size: choose 1." in size_error
    assert page.locator('[data-testid="cart-line"]').count() == 2
    assert page.inner_text('[data-testid="cart-total"]') == "$34.90"

    # when: they place the order
    page.fill("#addr-street", "1 Test St")
    page.fill("#addr-zip", "62701")
    customer.shot("storefront-cart")
    page.click('[data-testid="place-order"]')

    # then: the tracking page shows the server-priced order, live
    page.wait_for_url("**/store/orders/*/")
    order_id = page.url.rstrip("/").rsplit("/", 1)[1]
    page.wait_for_selector('[data-testid="conn-indicator"][data-state="live"]')
    assert page.get_attribute('[data-testid="tracking-status"]', "data-status") == "pending"
    assert "34.90 USD" in page.inner_text('[data-testid="tracking"]')

    # when: the restaurant confirms it
    api_post(server, f"/api/orders/{order_id}/status/", {"status": "confirmed"}, token=seeded["owner_token"],
             tenant_id=seeded["tenant_id"])
    # then
    page.wait_for_selector('[data-testid="tracking-status"][data-status="confirmed"]', timeout=LIVE_TIMEOUT_MS)
    customer.shot("storefront-tracking-confirmed")
    assert customer.errors == []
