"""The dashboard's pages without a browser: the history page (members only), the board's wiring, and
an admin's /dashboard/ listing every restaurant with links to its board."""

import json
import re

import pytest
from django.test import Client

from foodsys.testing import factories as f
from pages.views.dashboard import ADMIN_PAGE_SIZE

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _config(html: str, script_id: str) -> dict:
    match = re.search(rf'<script id="{script_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, f"no {script_id}"
    return json.loads(match.group(1))


@pytest.mark.parametrize("member", ["owner", "staff"])
def test_members_get_the_history_page_with_filters_and_export(request, restaurant, member):
    # given
    user = request.getfixturevalue(member)
    restaurant.timezone = "America/Chicago"
    restaurant.save(update_fields=["timezone"])
    # when
    response = _client(user).get(f"/dashboard/{restaurant.pk}/history/")
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="history-search"' in html and 'data-testid="history-export"' in html
    assert 'value="cancelled"' in html and 'data-testid="history-from"' in html
    config = _config(html, "history-config")
    assert config["tenantId"] == str(restaurant.tenant_id)
    assert config["timezone"] == "America/Chicago"
    assert config["exportUrl"] == "/api/orders/export.csv/"
    assert config["ticketUrlTemplate"] == f"/dashboard/{restaurant.pk}/orders/{{id}}/ticket/?print=1"


@pytest.mark.parametrize("outsider", ["customer", "other_owner"])
def test_the_history_page_is_a_404_for_outsiders(request, restaurant, outsider):
    # given: a customer, and the owner of another restaurant
    user = request.getfixturevalue(outsider)
    # when
    response = _client(user).get(f"/dashboard/{restaurant.pk}/history/")
    # then
    assert response.status_code == 404
    assert restaurant.name.encode() not in response.content


def test_the_history_page_needs_a_login(restaurant):
    response = Client().get(f"/dashboard/{restaurant.pk}/history/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_board_links_history_and_phone_orders_and_carries_the_kitchen_settings(owner, restaurant):
    # given
    restaurant.target_prep_minutes = 12
    restaurant.save(update_fields=["target_prep_minutes"])
    # when
    html = _client(owner).get(f"/dashboard/{restaurant.pk}/").content.decode()
    # then
    assert f'href="/dashboard/{restaurant.pk}/history/"' in html
    assert f'href="/dashboard/{restaurant.pk}/orders/new/"' in html and "New phone order" in html
    assert 'data-testid="busy-30"' in html  # owners control busy mode and pause
    config = _config(html, "dashboard-config")
    assert config["targetPrepMinutes"] == 12
    assert config["serviceStateUrl"] == f"/api/restaurants/{restaurant.pk}/service-state/"
    assert config["busyUrl"] == f"/api/restaurants/{restaurant.pk}/busy/"


def test_an_admin_home_lists_every_restaurant_with_a_link_to_its_board(admin_user, restaurant, other_restaurant):
    # given: an inactive one too
    closed = f.RestaurantFactory(name="Zed's Closed Diner", is_active=False)
    # when
    html = _client(admin_user).get("/dashboard/").content.decode()
    # then
    assert 'data-testid="admin-restaurants"' in html
    for listed in (restaurant, other_restaurant, closed):
        assert f'href="/dashboard/{listed.pk}/"' in html
    assert "not a member" not in html


def test_an_admin_searches_restaurants_by_name(admin_user, restaurant, other_restaurant):
    # when
    html = _client(admin_user).get("/dashboard/", {"q": "other pl"}).content.decode()
    # then
    assert f'href="/dashboard/{other_restaurant.pk}/"' in html
    assert f'href="/dashboard/{restaurant.pk}/"' not in html


def test_an_admin_home_is_paginated(admin_user):
    # given
    for number in range(ADMIN_PAGE_SIZE + 2):
        f.RestaurantFactory(name=f"Place {number:03d}")
    client = _client(admin_user)
    # when
    first = client.get("/dashboard/").content.decode()
    second = client.get("/dashboard/", {"page": 2}).content.decode()
    # then
    assert first.count('data-testid="admin-restaurant"') == ADMIN_PAGE_SIZE
    assert second.count('data-testid="admin-restaurant"') == 2
    assert "Page 2 of 2" in second


def test_owners_do_not_get_the_admin_list(owner, restaurant, other_restaurant):
    html = _client(owner).get("/dashboard/").content.decode()
    assert 'data-testid="admin-restaurants"' not in html
    assert f'href="/dashboard/{restaurant.pk}/"' in html
    assert f'href="/dashboard/{other_restaurant.pk}/"' not in html
