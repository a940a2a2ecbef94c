"""The account pages issue 12 added (sign-up with verification, password reset), on a desktop and a phone."""

import pytest

from tests.browser_support import DESKTOP, PHONE, browser, open_page  # noqa: F401
from tests.live_servers import seeded, server_database, start_servers  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


def _fits_the_width(watched) -> bool:
    return watched.page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("device", VIEWPORTS)
def test_a_new_owner_signs_up_and_is_told_to_verify_the_address(device, start_servers, open_page):  # noqa: F811
    # given
    (server,) = start_servers(1)
    visitor = open_page(VIEWPORTS[device])
    visitor.page.goto(f"{server.url}/accounts/signup/")
    assert _fits_the_width(visitor)
    visitor.shot(f"signup-{device}")
    # when
    visitor.page.fill('input[name="name"]', "Nora New")
    visitor.page.fill('input[name="email"]', f"nora.{device}@example.com")
    visitor.page.fill('input[name="password1"]', "a-long-Secret-42")
    visitor.page.fill('input[name="password2"]', "a-long-Secret-42")
    visitor.page.click('button[type="submit"]')
    visitor.page.wait_for_load_state("load")
    # then: signed up, and the page says where the verification link went
    assert "verif" in visitor.page.content().lower()
    assert _fits_the_width(visitor)
    visitor.shot(f"signup-done-{device}")
    assert visitor.errors == []


@pytest.mark.parametrize("device", VIEWPORTS)
def test_a_reset_request_answers_the_same_for_anyone(device, seeded, start_servers, open_page):  # noqa: F811
    # given
    (server,) = start_servers(1)
    visitor = open_page(VIEWPORTS[device])
    visitor.page.goto(f"{server.url}/accounts/login/")
    visitor.page.click('a[href="/accounts/password-reset/"]')
    assert _fits_the_width(visitor)
    visitor.shot(f"password-reset-form-{device}")
    # when
    visitor.page.fill('input[name="email"]', seeded["customer_email"])
    visitor.page.click('button[type="submit"]')
    visitor.page.wait_for_url("**/accounts/password-reset/done/")
    # then
    assert "e-mail" in visitor.page.content().lower()
    assert _fits_the_width(visitor)
    visitor.shot(f"password-reset-done-{device}")
    assert visitor.errors == []
