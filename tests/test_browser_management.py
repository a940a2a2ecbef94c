"""Menu and restaurant management pages in headless Chromium."""

import pytest

from tests.browser_support import browser, log_in, open_page  # noqa: F401
from tests.live_servers import seeded, server_database, start_servers  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_owner_86s_an_item_reorders_and_edits_settings(seeded, start_servers, open_page):  # noqa: F811
    # given
    (server,) = start_servers(1)
    owner = open_page()
    page = owner.page
    rid = seeded["restaurant_id"]
    log_in(owner, server, email=seeded["owner_email"], password=seeded["password"], next_path=f"/dashboard/{rid}/menu/")
    # when: Tiramisu is 86'd and Desserts moves above Pizza
    page.click(f'[data-testid="toggle-{seeded["tiramisu_id"]}"]')
    page.click('button[aria-label="Move Desserts up"]')
    # then
    headings = page.locator(".menu-admin h2").all_inner_texts()
    assert headings == ["Desserts", "Pizza"]
    assert "86'd" in page.inner_text(f'[data-testid="state-{seeded["tiramisu_id"]}"]')
    assert page.inner_text(f'[data-testid="toggle-{seeded["tiramisu_id"]}"]') == "Mark available"
    owner.shot("manage-menu")

    # when: an invalid tax rate is saved
    page.goto(f"{server.url}/dashboard/{rid}/settings/")
    page.fill("#id_tax_percent", "150")
    page.check("#id_paused")
    page.click('[data-testid="settings-form"] button[type=submit]')
    # then: the error sits next to the field
    assert "less than or equal to 100" in page.inner_text("#id_tax_percent_error")
    owner.shot("manage-settings-error")

    # when: fixed and saved, the storefront shows the pause
    page.fill("#id_tax_percent", "7.5")
    page.click('[data-testid="settings-form"] button[type=submit]')
    page.wait_for_selector(".message-success")
    page.goto(f"{server.url}/store/restaurants/{rid}/")
    assert "not taking orders right now" in page.inner_text("#store-menu")
    assert owner.errors == []
