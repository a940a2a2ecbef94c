"""A tablet on the board prints each kitchen ticket once: on two tabs, after a reload, and a reprint
only when someone asks for it (headless Chromium against a real daphne server)."""

import pytest

from tests.browser_support import DESKTOP, PHONE, api_post, browser, log_in, open_page, order_body  # noqa: F401
from tests.live_servers import seeded, server_database, start_servers  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PRINT_WAIT_MS = 15_000  # the device claims every 5 s, and at once when the board starts
# Every frame's window.print() (the ticket iframe's included) counts into the device's localStorage.
COUNT_PRINTS = """
window.print = function () {
  var n = Number(localStorage.getItem("test.prints") || "0") + 1;
  localStorage.setItem("test.prints", String(n));
  var ids = JSON.parse(localStorage.getItem("test.printed") || "[]");
  ids.push(location.pathname + location.search);
  localStorage.setItem("test.printed", JSON.stringify(ids));
};
"""


def _wait_until(condition, page, timeout_ms: int = PRINT_WAIT_MS) -> None:
    """Polls from Python: the site's CSP refuses the eval that wait_for_function needs."""
    for _ in range(timeout_ms // 250):
        if condition():
            return
        page.wait_for_timeout(250)
    assert condition()


def _prints(page) -> int:
    return int(page.evaluate("Number(localStorage.getItem('test.prints') || '0')"))


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_tablet_prints_each_ticket_once_and_reprints_on_request(seeded, start_servers, open_page, viewport):  # noqa: F811
    (server,) = start_servers(1)
    device = "desktop" if viewport is DESKTOP else "phone"
    tablet = open_page(viewport)
    tablet.page.context.add_init_script(COUNT_PRINTS)
    board = f"/dashboard/{seeded['restaurant_id']}/"
    log_in(tablet, server, email=seeded["owner_email"], password=seeded["password"], next_path=board)

    # given: this tablet is set up as a print device (the board's Printing tab)
    tablet.page.click("[data-testid=tab-printing]")
    tablet.page.select_option("[data-print-width]", "58")
    tablet.page.click("[data-action=print-device-enable]")
    tablet.page.wait_for_selector("[data-testid=print-device-status]:has-text('prints new tickets')")

    # when: an order comes in
    order = api_post(server, "/api/orders/", order_body(seeded), token=seeded["customer_token"])

    # then: its ticket prints once, at 58 mm
    call_number = order["order_number"].rsplit("-", 1)[-1]
    tablet.page.wait_for_selector(f"[data-testid=print-device-status]:has-text('#{call_number}')",
                                  timeout=PRINT_WAIT_MS)
    assert _prints(tablet.page) == 1
    printed = tablet.page.evaluate("JSON.parse(localStorage.getItem('test.printed'))")
    assert printed == [f"/dashboard/{seeded['restaurant_id']}/orders/{order['id']}/ticket/?width=58"]
    tablet.shot(f"printing-board-{device}")

    # when: a second tab of the same device opens the board, and the first reloads
    second = tablet.page.context.new_page()
    second.goto(f"{server.url}{board}")
    tablet.page.reload()
    tablet.page.click("[data-testid=tab-printing]")
    second.wait_for_timeout(6_000)  # more than one claim cycle of each tab

    # then: nothing prints twice
    assert _prints(tablet.page) == 1

    # when: the owner asks for a reprint, with a reason
    api_post(server, f"/api/orders/{order['id']}/reprint/", {"reason": "Ticket fell in the sink"},
             token=seeded["owner_token"], tenant_id=seeded["tenant_id"])

    # then: exactly one more ticket prints (on one of the two tabs), marked as a reprint
    _wait_until(lambda: _prints(tablet.page) >= 2, tablet.page)
    second.wait_for_timeout(6_000)
    assert _prints(tablet.page) == 2
    printed = tablet.page.evaluate("JSON.parse(localStorage.getItem('test.printed'))")
    assert printed[1].endswith("&copy=1")
    detail = tablet.page.evaluate(
        "async (url) => (await fetch(url, {credentials: 'same-origin'})).json()",
        f"/api/orders/{order['id']}/")
    assert any(e["kind"] == "ticket_reprinted" and "sink" in e["detail"] for e in detail["timeline"])
    assert tablet.errors == []


def test_the_ticket_page_prints_what_the_kitchen_needs(seeded, start_servers, open_page):  # noqa: F811
    (server,) = start_servers(1)
    order = api_post(server, "/api/orders/", order_body(seeded), token=seeded["customer_token"])
    owner = open_page()
    ticket = f"/dashboard/{seeded['restaurant_id']}/orders/{order['id']}/ticket/"
    log_in(owner, server, email=seeded["owner_email"], password=seeded["password"], next_path=ticket)

    text = owner.page.inner_text("[data-testid=ticket]")
    assert f"#{order['order_number'].rsplit('-', 1)[-1]}" in text
    assert "Margherita" in text and "+ Regular" in text and "Tiramisu" in text and "Ring twice" in text
    owner.page.emulate_media(media="print")
    assert owner.page.is_hidden(".ticket-tools")  # the buttons are not printed
    owner.page.emulate_media(media="screen")
    owner.shot("ticket-80mm")
    owner.page.click("text=58 mm")
    owner.page.wait_for_selector(".ticket--58")
    owner.shot("ticket-58mm")
    assert owner.errors == []
