"""The menu management page: state shown as a badge, the action as its own button; duplicate category names."""

import re

import pytest
from django.test import Client

from foodsys.testing import factories as f
from menu.models import Category

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _row(html: str, item) -> str:
    match = re.search(rf'data-testid="item-row-{item.pk}">(.*?)</li>', html, re.S)
    assert match, "item row not found"
    return match.group(1)


def test_an_available_item_shows_its_state_and_a_separate_sold_out_action(staff, restaurant, menu_item):
    # when
    html = _client(staff).get(f"/dashboard/{restaurant.pk}/menu/").content.decode()
    # then
    row = _row(html, menu_item)
    assert re.search(rf'data-testid="state-{menu_item.pk}">Available<', row)
    assert re.search(rf'data-testid="toggle-{menu_item.pk}"[^>]*>Mark sold out</button>', row)
    assert "86 it" not in html


def test_a_sold_out_item_shows_86d_and_offers_mark_available(owner, restaurant, menu_item):
    # when: it is 86'd through the page
    response = _client(owner).post(f"/dashboard/{restaurant.pk}/menu/items/{menu_item.pk}/availability/")
    html = _client(owner).get(f"/dashboard/{restaurant.pk}/menu/").content.decode()
    # then
    assert response.status_code == 302
    row = _row(html, menu_item)
    assert "86'd — sold out" in row
    assert re.search(rf'data-testid="toggle-{menu_item.pk}"[^>]*>Mark available</button>', row)


def test_the_page_refuses_a_duplicate_category_name_next_to_the_field(owner, restaurant):
    # given
    f.CategoryFactory(tenant=restaurant, name="Desserts")
    # when
    response = _client(owner).post(f"/dashboard/{restaurant.pk}/menu/categories/new/", {"name": " desserts "})
    # then
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_name_error"' in html and "already a category named" in html
    assert Category.objects.for_tenant(restaurant).count() == 1


def test_the_rename_page_refuses_a_duplicate_category_name(owner, restaurant):
    # given
    f.CategoryFactory(tenant=restaurant, name="Desserts")
    mains = f.CategoryFactory(tenant=restaurant, name="Mains")
    # when
    response = _client(owner).post(f"/dashboard/{restaurant.pk}/menu/categories/{mains.pk}/", {"name": "DESSERTS"})
    # then
    mains.refresh_from_db()
    assert 'id="id_name_error"' in response.content.decode()
    assert mains.name == "Mains"
