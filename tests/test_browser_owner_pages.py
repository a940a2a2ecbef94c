"""An owner's settings and menu pages, and the admin's order list, in headless Chromium on a desktop
and a phone: choices instead of free text, hours hidden while open 24h, nothing wider than a phone."""

import re

import pytest

from foodsys.common.demo import DEMO_PASSWORD
from tests.browser_support import (  # noqa: F401
    DESKTOP,
    PHONE,
    ROOT,
    accessibility_violations,
    assert_accessible,
    browser,
    log_in,
    open_page,
)
from tests.live_servers import base_env, run_module, seeded, server_database, start_servers  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# Two console messages of Django's own admin that are not this work's to fix (reported to the lead): the
# admin pages link no favicon (so Chromium's /favicon.ico is a 404), and on a change form the admin's jQuery
# probes support with inline styles, which the site's CSP (style-src 'self') blocks.
ADMIN_JQUERY_CSP = "Applying inline style violates the following Content Security Policy directive 'style-src"


def _admin_errors(watched, *, known: tuple[str, ...]) -> list[str]:
    """The console errors minus the known admin ones above; those are taken off `watched.errors`."""
    watched.errors[:] = [error for error in watched.errors if not any(text in error for text in known)]
    return watched.errors


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def _inside(inner: dict, outer: dict) -> bool:
    return (inner["x"] >= outer["x"] - 0.5 and inner["y"] >= outer["y"] - 0.5
            and inner["x"] + inner["width"] <= outer["x"] + outer["width"] + 0.5
            and inner["y"] + inner["height"] <= outer["y"] + outer["height"] + 0.5)


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "owner-settings-desktop"), (PHONE, "owner-settings-phone")])
def test_settings_offer_choices_and_hide_the_hours_while_open_around_the_clock(
        seeded, start_servers, open_page, viewport, name):  # noqa: F811
    # given
    (server,) = start_servers(1)
    owner = open_page(viewport)
    page = owner.page
    rid = seeded["restaurant_id"]
    log_in(owner, server, email=seeded["owner_email"], password=seeded["password"],
           next_path=f"/dashboard/{rid}/settings/")
    # then: time zone and currency are <select>s; the restaurant is open 24h, so the hours are hidden
    assert page.eval_on_selector("#id_timezone", "e => e.tagName") == "SELECT"
    assert page.eval_on_selector("#id_currency", "e => e.tagName") == "SELECT"
    assert page.is_checked("#id_always_open")
    assert page.is_visible('[data-testid="hours-note"]') and not page.is_visible("#id_hours_monday")
    assert _page_width(page) <= viewport["width"]
    assert_accessible(owner)

    # when: unticked, the hours show, with no placeholder that looks like hours
    page.uncheck("#id_always_open")
    assert page.is_visible("#id_hours_monday") and not page.is_visible('[data-testid="hours-note"]')
    assert page.get_attribute("#id_hours_monday", "placeholder") == "--:-- - --:--"

    # when: Monday's hours, a zone, a currency, auto-accept and a target prep time are saved
    page.fill("#id_hours_monday", "11:00-15:00")
    page.select_option("#id_timezone", "Europe/Berlin")
    page.select_option("#id_currency", "EUR")
    page.check("#id_auto_accept")
    page.fill("#id_target_prep_minutes", "15")
    page.click('[data-testid="settings-form"] button[type=submit]')
    page.wait_for_selector(".message-success")
    # then
    assert page.input_value("#id_timezone") == "Europe/Berlin" and page.input_value("#id_currency") == "EUR"
    assert page.is_checked("#id_auto_accept") and page.input_value("#id_target_prep_minutes") == "15"
    assert page.input_value("#id_hours_monday") == "11:00-15:00"

    # when: "open around the clock" is ticked again with the hours still typed, the page says they are not used
    page.check("#id_always_open")
    assert not page.is_visible("#id_hours_monday")
    page.click('[data-testid="settings-form"] button[type=submit]')
    page.wait_for_selector(".message-warning")
    assert "not used" in page.inner_text(".message-warning")
    assert page.is_visible('[data-testid="hours-note"]')
    owner.shot(name)
    assert owner.errors == []


def test_the_menu_fits_a_phone_and_separates_state_from_action(seeded, start_servers, open_page):  # noqa: F811
    # given
    (server,) = start_servers(1)
    owner = open_page(PHONE)
    page = owner.page
    rid, tiramisu = seeded["restaurant_id"], seeded["tiramisu_id"]
    log_in(owner, server, email=seeded["owner_email"], password=seeded["password"], next_path=f"/dashboard/{rid}/menu/")
    # then: nothing is wider than the screen and each toggle stays inside its card
    assert _page_width(page) <= PHONE["width"]
    for toggle in page.locator('[data-testid^="toggle-"]').all():
        card = toggle.locator("xpath=ancestor::section[contains(@class, 'menu-admin')]")
        assert _inside(toggle.bounding_box(), card.bounding_box())
    assert page.inner_text(f'[data-testid="state-{tiramisu}"]') == "Available"
    assert page.inner_text(f'[data-testid="toggle-{tiramisu}"]') == "Mark sold out"
    assert_accessible(owner)

    # when: Tiramisu is marked sold out
    page.click(f'[data-testid="toggle-{tiramisu}"]')
    page.wait_for_selector(".message-success")
    # then: the badge says so and the button offers the way back
    assert page.inner_text(f'[data-testid="state-{tiramisu}"]') == "86'd — sold out"
    assert page.inner_text(f'[data-testid="toggle-{tiramisu}"]') == "Mark available"
    assert _page_width(page) <= PHONE["width"]

    # when: a duplicate category name is added
    page.fill("#id_name", "  pizza ")
    page.click('form[action$="/menu/categories/new/"] button[type=submit]')
    # then
    page.wait_for_selector("#id_name_error")
    assert "already a category named" in page.inner_text("#id_name_error")
    assert _page_width(page) <= PHONE["width"]
    # The refused form is answered 400 on purpose; Chromium logs that response status, which is no JS error.
    expected = [e for e in owner.errors if "status of 400" in e and "/menu/categories/new/" in e]
    assert len(expected) == 1
    owner.errors.remove(expected[0])
    page.goto(f"{server.url}/dashboard/{rid}/menu/")
    owner.shot("owner-menu-phone")
    assert owner.errors == []


def test_the_admin_order_list_fits_a_phone_in_restaurant_time(server_database, start_servers, open_page):  # noqa: F811
    # given: the demo data (an admin, restaurants in America/Chicago and America/Denver, orders)
    run_module(base_env(server_database), "manage.py", "seed_demo")
    (server,) = start_servers(1)
    admin = open_page(PHONE)
    page = admin.page
    log_in(admin, server, email="admin@demo.foodsys.dev", password=DEMO_PASSWORD, next_path="/admin/orders/order/")
    # then
    headers = [h.strip().lower() for h in page.locator("#result_list thead th").all_inner_texts() if h.strip()]
    assert headers == ["order number", "restaurant", "status", "total", "placed (local)"]
    placed = page.locator("td.field-placed").first.inner_text()
    assert placed.endswith(("CST", "CDT", "MST", "MDT"))
    assert _page_width(page) <= PHONE["width"]
    results = page.locator("#changelist .results")  # the admin scrolls a too-wide table inside this box
    assert results.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert page.locator("td.field-placed").first.is_visible()
    assert_accessible(admin)
    admin.shot("admin-orders-phone")
    assert _admin_errors(admin, known=("/favicon.ico",)) == []

    # when: one order is opened
    page.locator("#result_list th.field-order_number a").first.click()
    page.wait_for_selector("#order_form")
    # then: its lines and address read as text
    body = page.inner_text("#content")
    assert "OrderLine object" not in body and " × " in body
    assert "742 Evergreen Terrace, Springfield" in body
    assert accessibility_violations(admin) == []
    admin.shot("admin-order-phone")
    assert _admin_errors(admin, known=("/favicon.ico", ADMIN_JQUERY_CSP)) == []


def test_the_boards_prep_time_reads_in_minutes_not_seconds(open_page):  # noqa: F811
    # given: the board's own duration() (static/js/dashboard.js), run in Chromium
    source = (ROOT / "static" / "js" / "dashboard.js").read_text()
    match = re.search(r"\n  function duration\(seconds\) \{.*?\n  \}\n", source, re.S)
    assert match, "duration() not found in dashboard.js"
    watched = open_page()
    # when
    shown = watched.page.evaluate(f"() => {{ {match.group(0)}; return [0, 30, 89, 1800, 3900, null].map(duration); }}")
    # then: "0s / 30s" becomes "under 1 min / under 1 min"; half an hour is "30 min"
    assert shown == ["under 1 min", "under 1 min", "1 min", "30 min", "1 h 05 min", "–"]
    assert watched.errors == []
