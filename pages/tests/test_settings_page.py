"""The settings page: time zone and currency as choices, kitchen settings, and hours while open 24h."""

import re

import pytest
from django.test import Client

from pages.forms import COMMON_TIMEZONES, HOURS_IGNORED_MESSAGE

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _form(**changes) -> dict:
    form = {"name": "Trattoria", "description": "", "cuisines": "italian", "phone": "", "email": "",
            "street": "1 Main St", "city": "Springfield", "state": "IL", "zip_code": "62701",
            "timezone": "America/Chicago", "currency": "USD", "delivery_fee": "2.50", "minimum_order": "0",
            "tax_percent": "8", "estimated_delivery_minutes": "30", "target_prep_minutes": "20"}
    form.update(changes)
    return {key: value for key, value in form.items() if value is not None}


def _select(html: str, name: str) -> str:
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, f"no <select name={name}>"
    return match.group(1)


def test_time_zone_and_currency_are_choices_with_common_ones_first(owner, restaurant):
    # when
    html = _client(owner).get(f"/dashboard/{restaurant.pk}/settings/").content.decode()
    # then
    zones = re.findall(r'<option value="([^"]+)"', _select(html, "timezone"))
    assert zones[:len(COMMON_TIMEZONES)] == list(COMMON_TIMEZONES)
    assert "Pacific/Auckland" in zones and len(zones) == len(set(zones))  # every zone, each once
    assert zones[len(COMMON_TIMEZONES):] == sorted(zones[len(COMMON_TIMEZONES):])
    currencies = re.findall(r'<option value="([^"]+)"', _select(html, "currency"))
    assert currencies[0] == "USD" and "SEK" in currencies
    assert '<option value="UTC" selected>' in _select(html, "timezone")


@pytest.mark.parametrize(("field", "value"), [("timezone", "Mars/Olympus"), ("timezone", ""),
                                              ("currency", "usd"), ("currency", "BTC")])
def test_an_unknown_zone_or_currency_is_a_field_error_not_a_500(owner, restaurant, field, value):
    # when
    response = _client(owner).post(f"/dashboard/{restaurant.pk}/settings/", _form(**{field: value}))
    # then
    restaurant.refresh_from_db()
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    assert (restaurant.timezone, restaurant.currency) == ("UTC", "USD")


def test_an_owner_turns_on_auto_accept_and_sets_the_target_prep_time(owner, restaurant):
    # when
    response = _client(owner).post(f"/dashboard/{restaurant.pk}/settings/",
                                   _form(auto_accept="on", target_prep_minutes="12", currency="EUR"))
    # then
    restaurant.refresh_from_db()
    assert response.status_code == 302
    assert (restaurant.auto_accept, restaurant.target_prep_minutes) == (True, 12)
    assert (restaurant.timezone, restaurant.currency) == ("America/Chicago", "EUR")
    html = _client(owner).get(f"/dashboard/{restaurant.pk}/settings/").content.decode()
    assert re.search(r"<input type=\"checkbox\" name=\"auto_accept\"[^>]* checked", html)
    assert 'name="target_prep_minutes" value="12"' in html
    assert "Accept new orders automatically" in html and "Target preparation time (minutes)" in html


@pytest.mark.parametrize("minutes", ["0", "241", "soon"])
def test_a_target_prep_time_out_of_range_is_refused(owner, restaurant, minutes):
    response = _client(owner).post(f"/dashboard/{restaurant.pk}/settings/", _form(target_prep_minutes=minutes))
    restaurant.refresh_from_db()
    assert 'id="id_target_prep_minutes_error"' in response.content.decode()
    assert restaurant.target_prep_minutes == 20


def test_hours_typed_while_open_around_the_clock_are_reported_not_silently_dropped(owner, restaurant):
    # when
    response = _client(owner).post(f"/dashboard/{restaurant.pk}/settings/",
                                   _form(always_open="on", hours_monday="11:00-15:00"), follow=True)
    # then
    restaurant.refresh_from_db()
    assert restaurant.opening_hours is None
    assert HOURS_IGNORED_MESSAGE in response.content.decode()


def test_saving_hours_without_open_around_the_clock_gives_no_warning(owner, restaurant):
    response = _client(owner).post(f"/dashboard/{restaurant.pk}/settings/",
                                   _form(hours_monday="11:00-15:00"), follow=True)
    restaurant.refresh_from_db()
    assert restaurant.opening_hours["monday"] == [{"open": "11:00", "close": "15:00"}]
    assert HOURS_IGNORED_MESSAGE not in response.content.decode()
    assert "Settings saved." in response.content.decode()


def test_hours_inputs_have_no_placeholder_that_looks_like_real_hours(owner, restaurant):
    # when
    html = _client(owner).get(f"/dashboard/{restaurant.pk}/settings/").content.decode()
    # then
    placeholders = re.findall(r'name="hours_\w+"[^>]*placeholder="([^"]*)"|placeholder="([^"]*)"[^>]*name="hours_',
                              html)
    values = [a or b for a, b in placeholders]
    assert len(values) == 7
    assert not any(re.search(r"\d", value) for value in values)
    assert 'data-testid="hours-note"' in html  # the "not used while open 24h" note, shown by CSS when ticked


def test_staff_cannot_open_the_settings_page(staff, restaurant):
    assert _client(staff).get(f"/dashboard/{restaurant.pk}/settings/").status_code == 404
