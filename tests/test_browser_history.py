"""The order history page (issue 13) in headless Chromium against a real daphne server: search,
status and local-date filters, the CSV export link following them, and the board's detail panel;
desktop and phone, axe-checked, no console errors."""

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest

from tests.browser_support import (  # noqa: F401
    DESKTOP,
    PHONE,
    api_post,
    assert_accessible,
    browser,
    log_in,
    open_page,
    order_body,
)
from tests.live_servers import base_env, run_module, seeded, server_database, start_servers  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ZONE = "America/Chicago"


def _rows(page) -> list[str]:
    return page.locator('[data-testid="history-row"]').evaluate_all("rows => rows.map(r => r.dataset.orderId)")


def _wait_ready(page, count: int) -> None:
    page.wait_for_selector(f'[data-testid="history"][data-state="ready"][data-count="{count}"]')


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_history_filters_export_and_detail(
        seeded, server_database, start_servers, open_page, viewport, name):  # noqa: F811
    # given: three orders in a Chicago restaurant: one delivered, one cancelled, one still pending
    run_module(base_env(server_database), "-c", "import django\ndjango.setup()\n"
               "from restaurants.models import Restaurant\n"
               f"Restaurant.objects.filter(pk={seeded['restaurant_id']}).update(timezone='{ZONE}')\n")
    (server,) = start_servers(1)
    owner_api = {"token": seeded["owner_token"], "tenant_id": seeded["tenant_id"]}
    delivered, cancelled, pending = (api_post(server, "/api/orders/", order_body(seeded),
                                              token=seeded["customer_token"]) for _ in range(3))
    for status in ("confirmed", "preparing", "ready", "out_for_delivery", "delivered"):
        api_post(server, f"/api/orders/{delivered['id']}/status/", {"status": status}, **owner_api)
    api_post(server, f"/api/orders/{cancelled['id']}/status/", {"status": "cancelled", "reason": "Out of dough"},
             **owner_api)
    owner = open_page(viewport)
    log_in(owner, server, email=seeded["owner_email"], password=seeded["password"],
           next_path=f"/dashboard/{seeded['restaurant_id']}/history/")
    page = owner.page

    # then: every order, newest first
    _wait_ready(page, 3)
    assert _rows(page) == [pending["id"], cancelled["id"], delivered["id"]]
    owner.shot(f"history-{name}-all")
    assert_accessible(owner)

    # when: filtered to delivered and cancelled
    page.check('[data-testid="history-status-delivered"]')
    page.check('[data-testid="history-status-cancelled"]')
    # then
    _wait_ready(page, 2)
    assert set(_rows(page)) == {delivered["id"], cancelled["id"]}
    export = urlparse(page.get_attribute('[data-testid="history-export"]', "href"))
    assert export.path == "/api/orders/export.csv/"
    assert parse_qs(export.query)["status"] == ["delivered,cancelled"]
    assert "status=delivered%2Ccancelled" in page.url  # the filters survive a reload

    # when: searching by the cancelled order's number as well
    page.fill('[data-testid="history-search"]', cancelled["order_number"])
    page.click('[data-testid="history-apply"]')
    # then
    _wait_ready(page, 1)
    assert _rows(page) == [cancelled["id"]]
    assert parse_qs(urlparse(page.get_attribute('[data-testid="history-export"]', "href")).query)["search"] == [
        cancelled["order_number"]]

    # when: the date range is a local day with no orders (yesterday in Chicago)
    page.click('[data-testid="history-reset"]')
    _wait_ready(page, 3)
    yesterday = (datetime.now(ZoneInfo(ZONE)) - timedelta(days=1)).date().isoformat()
    page.fill('[data-testid="history-from"]', yesterday)
    page.fill('[data-testid="history-to"]', yesterday)
    # then
    _wait_ready(page, 0)
    assert _rows(page) == []
    assert "0 orders" in page.inner_text('[data-testid="history-summary"]')
    today = datetime.now(ZoneInfo(ZONE)).date().isoformat()
    page.fill('[data-testid="history-to"]', today)
    _wait_ready(page, 3)

    # when: a row is opened
    page.click(f'[data-testid="history-row"][data-order-id="{cancelled["id"]}"]')
    # then: the board's detail panel, with the cancellation in the timeline
    page.wait_for_selector('[data-testid="detail-address"]')
    assert "null" not in page.inner_text('[data-testid="detail-body"]')  # no phone here: nothing, not "null"
    assert page.locator('[data-testid="detail-phone"]').count() == 0
    timeline = page.inner_text('[data-testid="detail-timeline"]')
    assert "Cancelled" in timeline and "Out of dough" in timeline and "by Olivia Owner" in timeline
    assert page.locator('[data-testid="detail-panel"] [data-detail-action]').count() == 0  # nothing follows
    owner.shot(f"history-{name}-detail")
    assert_accessible(owner)
    page.keyboard.press("Escape")
    assert page.locator('[data-testid="detail-panel"]').is_hidden()
    assert owner.errors == []


def test_a_too_short_search_says_which_field(seeded, start_servers, open_page):  # noqa: F811
    (server,) = start_servers(1)
    owner = open_page()
    log_in(owner, server, email=seeded["owner_email"], password=seeded["password"],
           next_path=f"/dashboard/{seeded['restaurant_id']}/history/")
    _wait_ready(owner.page, 0)
    # when: one character (the API wants two)
    owner.page.fill('[data-testid="history-search"]', "x")
    owner.page.click('[data-testid="history-apply"]')
    # then
    owner.page.wait_for_selector('[data-testid="history-error"]:has-text("search")')
    # the 400 itself is the one console line Chromium logs for it
    assert [e for e in owner.errors if "status of 400" not in e] == []
