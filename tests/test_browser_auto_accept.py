"""Auto-accept, switched on in the settings page by the owner: a new order lands in Confirmed on
the board, and its timeline says it was accepted automatically (headless Chromium, real daphne)."""

import pytest

from tests.browser_support import (  # noqa: F401
    DESKTOP,
    LIVE_TIMEOUT_MS,
    PHONE,
    api_post,
    browser,
    log_in,
    open_page,
    order_body,
)
from tests.live_servers import seeded, server_database, start_servers  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_with_auto_accept_on_a_new_order_arrives_confirmed_and_says_so(  # noqa: F811
        seeded, start_servers, open_page, viewport):  # noqa: F811
    (server,) = start_servers(1)
    device = "desktop" if viewport is DESKTOP else "phone"
    owner = open_page(viewport)
    settings = f"/dashboard/{seeded['restaurant_id']}/settings/"
    log_in(owner, server, email=seeded["owner_email"], password=seeded["password"], next_path=settings)
    page = owner.page

    # given: the owner ticks "Accept new orders automatically" and saves
    page.check("input[name=auto_accept]")
    page.click('[data-testid="settings-form"] button[type=submit]')
    page.wait_for_selector(".message-success")
    assert page.is_checked("input[name=auto_accept]")
    owner.shot(f"auto-accept-settings-{device}")

    # when: on the board, an order comes in
    page.goto(f"{server.url}/dashboard/{seeded['restaurant_id']}/")
    page.wait_for_selector('[data-testid="conn-indicator"][data-state="live"]')
    order = api_post(server, "/api/orders/", order_body(seeded), token=seeded["customer_token"])

    # then: it is already confirmed, by the rule, and the timeline says so
    assert order["status"] == "confirmed"
    card = f'[data-column="confirmed"] [data-order-id="{order["id"]}"]'
    page.wait_for_selector(card, state="attached", timeout=4 * LIVE_TIMEOUT_MS)
    page.click(card + " .order-card__lines")
    page.wait_for_selector('[data-testid="detail-timeline"]:has-text("automatic")')
    owner.shot(f"auto-accept-board-{device}")
    assert owner.errors == []
