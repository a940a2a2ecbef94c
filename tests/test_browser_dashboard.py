"""The owner's live dashboard and a customer's tracking page, in headless Chromium against a real
daphne server (WebSockets included)."""

import pytest
from django.conf import settings

from tests.browser_support import LIVE_TIMEOUT_MS, api_post, browser, log_in, open_page, order_body  # noqa: F401
from tests.live_servers import seeded, server_database, start_servers, stop_server  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _card(order_id: str, status: str) -> str:
    return f'[data-column="{status}"] [data-order-id="{order_id}"]'


def _wait_status(watched, status: str) -> None:
    watched.page.wait_for_selector(f'[data-testid="tracking-status"][data-status="{status}"]', timeout=LIVE_TIMEOUT_MS)


def test_orders_appear_and_move_live_on_the_board_and_the_tracking_page(seeded, start_servers, open_page):  # noqa: F811
    # given: the owner on the dashboard, live
    (server,) = start_servers(1)
    owner = open_page()
    log_in(owner, server, email=seeded["owner_email"], password=seeded["password"], next_path="/dashboard/")
    owner.page.click(f'a[href="/dashboard/{seeded["restaurant_id"]}/"]')
    owner.page.wait_for_selector('[data-testid="conn-indicator"][data-state="live"]')
    owner.page.wait_for_selector('[data-testid="kpi-orders-today"]:text-is("0")')

    # when: a customer places an order through the API
    order = api_post(server, "/api/orders/", order_body(seeded), token=seeded["customer_token"])

    # then: its card appears highlighted, and KPIs and chart update, without a reload
    owner.page.wait_for_selector(_card(order["id"], "pending") + ".order-card--new", timeout=LIVE_TIMEOUT_MS)
    owner.page.wait_for_selector('[data-testid="kpi-orders-today"]:text-is("1")', timeout=LIVE_TIMEOUT_MS)
    owner.page.wait_for_selector('[data-testid="orders-chart"][data-points="1"]', state="attached",
                                 timeout=LIVE_TIMEOUT_MS)
    card_text = owner.page.inner_text(_card(order["id"], "pending"))
    assert f"#{order['order_number']}" in card_text
    assert "Tiramisu" in card_text and "Ring twice" in card_text
    owner.shot("dashboard-new-order")

    # given: the customer follows the order
    customer = open_page()
    log_in(customer, server, email=seeded["customer_email"], password=seeded["password"],
           next_path=f"/store/orders/{order['id']}/")
    customer.page.wait_for_selector('[data-testid="conn-indicator"][data-state="live"]')
    _wait_status(customer, "pending")

    # when / then: the owner confirms, then starts preparing; both screens follow live
    owner.page.click(_card(order["id"], "pending") + ' [data-action="confirmed"]')
    owner.page.wait_for_selector(_card(order["id"], "confirmed"), timeout=LIVE_TIMEOUT_MS)
    _wait_status(customer, "confirmed")
    owner.page.click(_card(order["id"], "confirmed") + ' [data-action="preparing"]')
    owner.page.wait_for_selector(_card(order["id"], "preparing"), timeout=LIVE_TIMEOUT_MS)
    _wait_status(customer, "preparing")

    # when / then: a change made elsewhere (the API, another screen) moves the card too
    api_post(server, f"/api/orders/{order['id']}/status/", {"status": "ready"}, token=seeded["owner_token"],
             tenant_id=seeded["tenant_id"])
    owner.page.wait_for_selector(_card(order["id"], "ready"), timeout=LIVE_TIMEOUT_MS)
    _wait_status(customer, "ready")
    owner.page.wait_for_selector('[data-testid="kpi-open-orders"]:has-text("Ready: 1")', timeout=LIVE_TIMEOUT_MS)
    assert owner.page.locator('[data-testid="order-card"]').count() == 1
    owner.shot("dashboard-order-ready")
    customer.shot("tracking-ready")
    assert owner.errors == []
    assert customer.errors == []


def test_the_owner_cancels_with_a_reason_and_the_card_leaves_the_board(seeded, start_servers, open_page):  # noqa: F811
    # given
    (server,) = start_servers(1)
    order = api_post(server, "/api/orders/", order_body(seeded), token=seeded["customer_token"])
    api_post(server, f"/api/orders/{order['id']}/status/", {"status": "confirmed"}, token=seeded["owner_token"],
             tenant_id=seeded["tenant_id"])
    owner = open_page()
    log_in(owner, server, email=seeded["owner_email"], password=seeded["password"],
           next_path=f"/dashboard/{seeded['restaurant_id']}/")
    owner.page.wait_for_selector(_card(order["id"], "confirmed"))  # from the snapshot, not a live event
    # when
    owner.page.click(_card(order["id"], "confirmed") + ' [data-action="cancel"]')
    owner.page.fill(_card(order["id"], "confirmed") + ' [data-testid="cancel-reason"]', "Out of dough")
    owner.page.click(_card(order["id"], "confirmed") + ' [data-testid="cancel-confirm"]')
    # then
    owner.page.wait_for_selector(f'[data-order-id="{order["id"]}"]', state="detached", timeout=LIVE_TIMEOUT_MS)
    assert owner.page.locator('[data-testid="board-error"]').is_hidden()
    assert owner.errors == []


def test_a_card_without_notes_shows_no_notes_line(seeded, start_servers, open_page):  # noqa: F811
    # given: an order placed without notes (append(null) used to print the text "null" on the card)
    (server,) = start_servers(1)
    body = {key: value for key, value in order_body(seeded).items() if key != "notes"}
    order = api_post(server, "/api/orders/", body, token=seeded["customer_token"])
    owner = open_page()
    # when
    log_in(owner, server, email=seeded["owner_email"], password=seeded["password"],
           next_path=f"/dashboard/{seeded['restaurant_id']}/")
    card = owner.page.wait_for_selector(_card(order["id"], "pending"))
    # then
    assert "null" not in card.inner_text()
    assert card.query_selector(".order-card__notes") is None
    owner.shot("dashboard-card-without-notes")
    assert owner.errors == []


def test_a_staff_member_sees_the_board_but_other_tenants_get_404(seeded, start_servers, open_page):  # noqa: F811
    # given: the customer is no member of the restaurant
    (server,) = start_servers(1)
    customer = open_page()
    log_in(customer, server, email=seeded["customer_email"], password=seeded["password"], next_path="/store/")
    # when
    response = customer.page.goto(f"{server.url}/dashboard/{seeded['restaurant_id']}/")
    # then
    assert response.status == 404


def test_after_a_reconnect_the_board_catches_up_on_what_it_missed(seeded, start_servers, open_page):  # noqa: F811
    # given: the dashboard is live on server A; server B shares the database
    server_a, server_b = start_servers(2)
    owner = open_page()
    log_in(owner, server_a, email=seeded["owner_email"], password=seeded["password"],
           next_path=f"/dashboard/{seeded['restaurant_id']}/")
    indicator = '[data-testid="conn-indicator"]'
    owner.page.wait_for_selector(f'{indicator}[data-state="live"]')
    # when: server A goes away, an order arrives through server B, and A comes back
    stop_server(server_a)
    owner.page.wait_for_selector(f'{indicator}[data-state="offline"]')
    order = api_post(server_b, "/api/orders/", order_body(seeded), token=seeded["customer_token"])
    start_servers.restart(server_a)
    # then: the page reconnects by itself (backoff) and its snapshot shows the order it never heard of
    owner.page.wait_for_selector(f'{indicator}[data-state="live"]', timeout=20000)
    owner.page.wait_for_selector(_card(order["id"], "pending"), timeout=LIVE_TIMEOUT_MS)
    if settings.REDIS_URL:  # embedded metrics live in each process's own cache: A never counted B's order
        owner.page.wait_for_selector('[data-testid="kpi-orders-today"]:text-is("1")', timeout=LIVE_TIMEOUT_MS)
    owner.shot("dashboard-after-reconnect")
    assert owner.page.locator('[data-testid="board-error"]').is_hidden()
    # Chromium logs the requests the outage refused (sockets, snapshot fetches); which network error it
    # names depends on how far the restart had got (refused, or not connected while the port re-opened).
    # Nothing else may fail.
    outage = ("WebSocket connection to", "net::ERR_CONNECTION_REFUSED", "net::ERR_SOCKET_NOT_CONNECTED",
              "net::ERR_CONNECTION_RESET", "net::ERR_EMPTY_RESPONSE")
    assert [e for e in owner.errors if not any(sign in e for sign in outage)] == []
