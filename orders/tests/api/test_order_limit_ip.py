"""POST /api/orders/ spends RATE_LIMIT_ORDER_PLACE_IP per client IP as well as the per-customer budget,
so making new accounts does not buy a fresh order budget."""

import time
from types import SimpleNamespace

import pytest

from foodsys.testing import factories as f
from foodsys.testing.fixtures import bearer_client
from orders.models import Order
from orders.tests.helpers import order_payload

URL = "/api/orders/"


@pytest.fixture(autouse=True)
def _steady_clock(monkeypatch):
    now = time.time()
    monkeypatch.setattr("foodsys.common.ratelimit.time", SimpleNamespace(time=lambda: now))


@pytest.fixture
def ip_budget_of_two(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "order_place": "30/h", "order_place_ip": "2/h"}


def _place(user, body, ip: str, **extra):
    return bearer_client(user).post(URL, body, format="json", REMOTE_ADDR=ip, **extra)


@pytest.mark.django_db
def test_two_fresh_accounts_from_one_ip_share_the_ip_budget(restaurant, menu_item, ip_budget_of_two):
    body = order_payload(restaurant, (menu_item, 1))
    first, second = f.UserFactory(), f.UserFactory()
    assert _place(first, body, "10.4.0.1").status_code == 201
    assert _place(first, body, "10.4.0.1").status_code == 201

    response = _place(second, body, "10.4.0.1")

    assert response.status_code == 429, response.content
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response["Retry-After"]) > 0
    assert Order.objects.filter(customer=second).count() == 0


@pytest.mark.django_db
def test_another_ip_keeps_its_own_budget(restaurant, menu_item, ip_budget_of_two):
    body = order_payload(restaurant, (menu_item, 1))
    for _ in range(2):
        _place(f.UserFactory(), body, "10.4.1.1")

    assert _place(f.UserFactory(), body, "10.4.1.2").status_code == 201


@pytest.mark.django_db
def test_a_customer_over_their_own_limit_does_not_spend_the_ip_budget(restaurant, menu_item, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "order_place": "1/h", "order_place_ip": "2/h"}
    body = order_payload(restaurant, (menu_item, 1))
    greedy = f.UserFactory()
    assert _place(greedy, body, "10.4.2.1").status_code == 201
    for _ in range(3):
        assert _place(greedy, body, "10.4.2.1").status_code == 429

    assert _place(f.UserFactory(), body, "10.4.2.1").status_code == 201


@pytest.mark.django_db
def test_behind_a_trusted_proxy_the_ip_budget_is_the_clients(restaurant, menu_item, ip_budget_of_two, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    body = order_payload(restaurant, (menu_item, 1))
    for _ in range(2):
        _place(f.UserFactory(), body, "10.4.3.1", HTTP_X_FORWARDED_FOR="203.0.113.30")

    same_client = _place(f.UserFactory(), body, "10.4.3.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.30")
    other_client = _place(f.UserFactory(), body, "10.4.3.1", HTTP_X_FORWARDED_FOR="203.0.113.31")

    assert same_client.status_code == 429
    assert other_client.status_code == 201
