"""An owner sets pickup, delivery, slots and capacity on the settings page in headless Chromium (desktop and
phone): both-off is refused next to the field, the saved values come back, the zones are listed read-only."""

import pytest

from tests.browser_support import DESKTOP, PHONE, assert_accessible, browser, log_in, open_page  # noqa: F401
from tests.live_servers import base_env, run_module, seeded, server_database, start_servers  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _add_zone(database, restaurant_id: int) -> None:
    run_module(base_env(database), "-c", "import django\ndjango.setup()\n"
               "from decimal import Decimal\n"
               "from restaurants.models import DeliveryZone, Restaurant\n"
               f"DeliveryZone.objects.create(tenant=Restaurant.objects.get(pk={restaurant_id}), name='Old town',"
               " kind='postcodes',"
               " postcodes=['62701'], delivery_fee=Decimal('1.50'), minimum_order=Decimal('12.00'),"
               " free_delivery_over=Decimal('40.00'))\n")


@pytest.mark.parametrize(("viewport", "name"), [(DESKTOP, "settings-fulfilment-desktop"),
                                                (PHONE, "settings-fulfilment-phone")])
def test_an_owner_sets_fulfilment_slots_and_capacity(
        seeded, server_database, start_servers, open_page, viewport, name):  # noqa: F811
    # given: the restaurant delivers to one postcode zone
    rid = seeded["restaurant_id"]
    _add_zone(server_database, rid)
    (server,) = start_servers(1)
    owner = open_page(viewport)
    page = owner.page
    log_in(owner, server, email=seeded["owner_email"], password=seeded["password"],
           next_path=f"/dashboard/{rid}/settings/")
    panel = '[data-testid="fulfilment-panel"]'
    assert page.is_checked("#id_pickup_enabled") and page.is_checked("#id_delivery_enabled")
    zones = page.inner_text('[data-testid="zones-table"]')
    assert "Old town" in zones and "1.50" in zones and "40.00" in zones
    assert f"/api/restaurants/{rid}/delivery-zones/" in page.inner_text('[data-testid="zones-note"]')
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    assert_accessible(owner)

    # when: both switched off
    page.uncheck("#id_pickup_enabled")
    page.uncheck("#id_delivery_enabled")
    page.click('[data-testid="settings-form"] button[type=submit]')
    page.wait_for_selector("#id_delivery_enabled_error")
    # then: refused next to the field, nothing else lost
    assert "Offer pickup, delivery or both" in page.inner_text(panel)
    assert_accessible(owner)

    # when: delivery only, 30-minute slots, a week ahead, 6 orders and 24 load units per slot
    page.check("#id_delivery_enabled")
    page.select_option("#id_slot_minutes", "30")
    page.fill("#id_schedule_days_ahead", "7")
    page.fill("#id_slot_capacity_orders", "6")
    page.fill("#id_slot_capacity_load", "24")
    page.click('[data-testid="settings-form"] button[type=submit]')
    page.wait_for_selector(".message-success")
    # then: the saved values come back
    assert not page.is_checked("#id_pickup_enabled") and page.is_checked("#id_delivery_enabled")
    assert page.input_value("#id_slot_minutes") == "30"
    assert page.input_value("#id_schedule_days_ahead") == "7"
    assert (page.input_value("#id_slot_capacity_orders"), page.input_value("#id_slot_capacity_load")) == ("6", "24")
    assert page.locator("#id_delivery_enabled_error").count() == 0
    page.locator(panel).scroll_into_view_if_needed()
    owner.shot(name)
    assert owner.errors == []
