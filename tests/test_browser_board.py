"""The live kitchen board (issue 13) in headless Chromium against a real daphne server: a new order
lands in view and alerts until acknowledged, the detail panel, keyboard advance, busy mode's
countdown and automatic end; at laptop/tablet sizes and on a phone; axe-checked, no console errors."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.browser_support import (  # noqa: F401
    LIVE_TIMEOUT_MS,
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
LAPTOP = {"width": 1366, "height": 768}
TABLET = {"width": 1280, "height": 800}  # a 10" tablet in landscape
ZONE = "America/Chicago"


def _card(order_id: str, status: str) -> str:
    return f'[data-column="{status}"] [data-order-id="{order_id}"]'


def _in_db(database: dict, code: str) -> str:
    """Runs `code` with Django set up against the servers' database (SQLite file or PostgreSQL)."""
    return run_module(base_env(database), "-c", "import django\ndjango.setup()\n" + code)


def _open_board(opener, server, seed, viewport):
    owner = opener(viewport)
    log_in(owner, server, email=seed["owner_email"], password=seed["password"],
           next_path=f"/dashboard/{seed['restaurant_id']}/")
    owner.page.wait_for_selector('[data-testid="conn-indicator"][data-state="live"]')
    owner.page.wait_for_selector('[data-testid="service-banner"]:visible')
    return owner


def _beeps(page) -> int:
    """How many new-order alerts the board has sounded (dashboard.js counts them in data-beeps)."""
    return int(page.get_attribute('[data-testid="dashboard"]', "data-beeps") or 0)


def _fully_in_viewport(page, selector: str, viewport: dict) -> bool:
    box = page.locator(selector).bounding_box()
    return (box is not None and box["y"] >= 0 and box["x"] >= 0 and box["y"] + box["height"] <= viewport["height"]
            and box["x"] + box["width"] <= viewport["width"])


@pytest.mark.parametrize(("viewport", "name"), [(LAPTOP, "laptop"), (TABLET, "tablet"), (PHONE, "phone")])
def test_a_new_order_lands_in_view_and_alerts_until_acknowledged(
        seeded, start_servers, open_page, viewport, name):  # noqa: F811
    # given: the board open; sound is on by default, but the browser needs one click first
    (server,) = start_servers(1)
    owner = _open_board(open_page, server, seeded, viewport)
    page = owner.page
    board = '[data-testid="dashboard"]'
    assert page.get_attribute(board, "data-sound") == "blocked"
    assert page.locator('[data-testid="sound-prompt"]').is_visible()
    assert page.is_checked('[data-testid="sound-toggle"]')
    page.click('[data-testid="sound-enable"]')
    page.wait_for_selector(f'{board}[data-sound="on"]')
    assert page.locator('[data-testid="sound-prompt"]').is_hidden()

    # when: an order arrives over the socket
    order = api_post(server, "/api/orders/", order_body(seeded), token=seeded["customer_token"])

    # then: its card is on screen without scrolling, the alarm rings, title and favicon count it
    card = _card(order["id"], "pending")
    page.wait_for_selector(card, timeout=LIVE_TIMEOUT_MS)
    if viewport is not PHONE:
        assert _fully_in_viewport(page, card, viewport)
        assert page.evaluate("document.documentElement.scrollHeight") <= viewport["height"] + 1  # no page scroll
    else:
        box = page.locator(card).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]  # the first column fits the phone
    page.wait_for_function("document.title.startsWith('(1) ')", timeout=LIVE_TIMEOUT_MS)
    assert page.get_attribute(board, "data-alarm") == "ringing"
    first = _beeps(page)
    page.wait_for_timeout(2300)
    assert _beeps(page) > first >= 1  # it sounded, and repeats (every 2 s) until acknowledged
    assert page.locator('[data-testid="alert-banner"]').is_visible()
    assert "1 new order" in page.inner_text('[data-testid="alert-banner"]')
    assert page.get_attribute('link[rel="icon"]', "href").startswith("data:image/png")
    text = page.inner_text(card)
    assert f"#{order['order_number']}" in text and "Carla Customer" in text
    assert "Size: Regular" in text and "Ring twice" in text
    assert "delivery" in text.lower() and "cash" in text.lower()
    owner.shot(f"board-{name}-new-order")
    assert_accessible(owner)

    # when: someone acknowledges
    page.click('[data-testid="acknowledge"]')

    # then: the title, favicon and banner calm down
    page.wait_for_function("!document.title.startsWith('(')")
    assert page.get_attribute(board, "data-alarm") == "quiet"
    silenced_at = _beeps(page)
    page.wait_for_timeout(2300)
    assert _beeps(page) == silenced_at  # silent now
    assert page.locator('[data-testid="alert-banner"]').is_hidden()
    assert not page.get_attribute('link[rel="icon"]', "href").startswith("data:")

    # when: the focused card gets "n", then Space (the help line says so)
    if viewport is not PHONE:
        assert "Space" in page.inner_text('[data-testid="board-help"]')
    page.focus(card)
    page.keyboard.press("n")
    page.wait_for_selector(_card(order["id"], "confirmed"), timeout=LIVE_TIMEOUT_MS)
    assert page.evaluate("document.activeElement.dataset.orderId") == order["id"]  # focus follows the card
    page.keyboard.press(" ")
    page.wait_for_selector(_card(order["id"], "preparing"), timeout=LIVE_TIMEOUT_MS)
    owner.shot(f"board-{name}-advanced")
    assert owner.errors == []


def test_the_trends_tab_holds_the_chart(seeded, start_servers, open_page):  # noqa: F811
    (server,) = start_servers(1)
    owner = _open_board(open_page, server, seeded, LAPTOP)
    api_post(server, "/api/orders/", order_body(seeded), token=seeded["customer_token"])
    assert owner.page.locator('[data-testid="orders-chart"]').is_hidden()
    owner.page.click('[data-testid="tab-trends"]')
    owner.page.wait_for_selector('[data-testid="orders-chart"][data-points="1"]', timeout=LIVE_TIMEOUT_MS)
    assert owner.page.locator('[data-testid="orders-chart"]').is_visible()
    assert owner.page.locator('[data-testid="board"]').is_hidden()
    owner.shot("board-laptop-trends")
    assert_accessible(owner)
    owner.page.click('[data-testid="tab-board"]')
    assert owner.page.locator('[data-testid="board"]').is_visible()
    assert owner.errors == []


@pytest.mark.parametrize(("viewport", "name"), [(LAPTOP, "laptop"), (PHONE, "phone")])
def test_the_detail_panel_shows_address_phone_options_and_the_local_timeline(
        seeded, server_database, start_servers, open_page, viewport, name):  # noqa: F811
    # given: a restaurant in Chicago, a customer with a phone, an order confirmed by the owner 45 min ago
    _in_db(server_database, f"""
from accounts.models import User
from restaurants.models import Restaurant
Restaurant.objects.filter(pk={seeded['restaurant_id']}).update(timezone="{ZONE}", target_prep_minutes=20)
User.objects.filter(email="{seeded['customer_email']}").update(phone="+1 (555) 010-0199")
""")
    (server,) = start_servers(1)
    body = order_body(seeded)
    body["items"][0]["special_instructions"] = "No basil please"
    order = api_post(server, "/api/orders/", body, token=seeded["customer_token"])
    confirmed = api_post(server, f"/api/orders/{order['id']}/status/", {"status": "confirmed"},
                         token=seeded["owner_token"], tenant_id=seeded["tenant_id"])
    _in_db(server_database, f"""
from datetime import timedelta
from django.utils import timezone
from orders.models import Order
Order.objects.filter(pk="{order['id']}").update(created_at=timezone.now() - timedelta(minutes=45))
""")
    owner = _open_board(open_page, server, seeded, viewport)
    page = owner.page
    card = _card(order["id"], "confirmed")
    page.wait_for_selector(card)
    # the card's age is red: past twice the 20-minute target
    assert "age--late" in page.get_attribute(card + ' [data-testid="card-age"]', "class")

    # when: the card is clicked
    page.click(card + " .order-card__lines")

    # then: a focused dialog with everything the kitchen and the driver need
    dialog = '[data-testid="detail-panel"]'
    page.wait_for_selector('[data-testid="detail-address"]')
    assert page.get_attribute(dialog, "role") == "dialog"
    assert page.evaluate(f"document.querySelector('{dialog}').contains(document.activeElement)")
    text = page.inner_text('[data-testid="detail-body"]')
    assert "1 Test St" in text and "Springfield" in text
    assert page.get_attribute('[data-testid="detail-phone"]', "href") == "tel:+15550100199"
    assert "Size: Regular" in text and "No basil please" in text and "Ring twice" in text
    assert "$23.56" in text  # total
    timeline = page.inner_text('[data-testid="detail-timeline"]')
    assert "Confirmed" in timeline and "by Olivia Owner" in timeline
    entry = next(e for e in confirmed["timeline"] if e.get("to_status") == "confirmed")
    local = datetime.fromisoformat(entry["at"].replace("Z", "+00:00")).astimezone(ZoneInfo(ZONE))
    assert local.strftime("%-I:%M") in timeline  # Chicago time, not UTC (hours differ by 5 or 6)
    ticket = page.get_attribute('[data-testid="print-ticket"]', "href")
    assert ticket == f"/dashboard/{seeded['restaurant_id']}/orders/{order['id']}/ticket/?print=1"
    owner.shot(f"board-{name}-detail")
    assert_accessible(owner)

    # when: the panel's next-status button is used, then Esc
    page.click('[data-testid="detail-panel"] [data-detail-action="preparing"]')
    page.wait_for_selector(_card(order["id"], "preparing"), timeout=LIVE_TIMEOUT_MS)
    page.wait_for_selector('[data-testid="detail-timeline"]:has-text("Preparing")')
    page.keyboard.press("Escape")

    # then: it closes
    assert page.locator(dialog).is_hidden()
    assert owner.errors == []


@pytest.mark.parametrize(("viewport", "name"), [(LAPTOP, "laptop"), (PHONE, "phone")])
def test_busy_mode_counts_down_and_ends_by_itself(
        seeded, server_database, start_servers, open_page, viewport, name):  # noqa: F811
    # given: busy mode that ends in a few seconds (set in the database: the API's minimum is 1 minute)
    _in_db(server_database, f"""
from datetime import timedelta
from django.utils import timezone
from restaurants.models import Restaurant
Restaurant.objects.filter(pk={seeded['restaurant_id']}).update(
    busy_until=timezone.now() + timedelta(seconds=10), busy_extra_prep_minutes=15)
""")
    (server,) = start_servers(1)
    owner = _open_board(open_page, server, seeded, viewport)
    page = owner.page
    banner = '[data-testid="service-banner"]'
    countdown = '[data-testid="busy-countdown"]'

    # then: the banner shows busy with its end time and minutes left
    page.wait_for_selector(f"{banner}[data-state='busy']")
    owner.shot(f"board-{name}-busy")
    text = page.inner_text(countdown)
    assert text.startswith("Busy — +15 min — ends ") and "min)" in text
    assert page.locator('[data-testid="busy-end"]').is_visible()
    assert_accessible(owner)

    # when: the end time passes, then: the board asks the server again and busy is gone
    page.wait_for_selector(countdown, state="hidden", timeout=20000)
    page.wait_for_selector(f"{banner}[data-state='open']")
    assert page.locator('[data-testid="busy-30"]').is_visible()

    # when: busy for 30 minutes by one tap, then ended
    page.click('[data-testid="busy-30"]')
    page.wait_for_selector(f"{banner}[data-state='busy']")
    assert "(30 min)" in page.inner_text(countdown)
    state = json.loads(page.evaluate(
        f"fetch('/api/restaurants/{seeded['restaurant_id']}/service-state/').then(r => r.text())"))
    assert state["busy"] is True and state["busy_extra_prep_minutes"] == 15
    page.click('[data-testid="busy-end"]')
    page.wait_for_selector(countdown, state="hidden")

    # when: paused until resumed, then resumed
    page.click('[data-testid="pause-open"]')
    page.wait_for_selector(f"{banner}[data-state='paused']")
    assert "Paused until you resume" in page.inner_text(banner)
    page.click('[data-testid="resume"]')
    page.wait_for_selector(f"{banner}[data-state='open']")
    assert owner.errors == []
