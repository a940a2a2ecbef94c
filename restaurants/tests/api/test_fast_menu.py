"""The plain-Django fast path of GET /api/restaurants/{id}/menu/ answers exactly as the DRF action."""

import json

import pytest

from foodsys.testing import factories as f
from restaurants.api import fast_menu

pytestmark = pytest.mark.django_db


def _url(restaurant_id) -> str:
    return f"/api/restaurants/{restaurant_id}/menu/"


@pytest.fixture
def served(monkeypatch):
    """Records which of the two paths answered."""
    calls = []
    drf = fast_menu._drf_menu

    def through_drf(request, **kwargs):
        calls.append("drf")
        return drf(request, **kwargs)

    monkeypatch.setattr(fast_menu, "_drf_menu", through_drf)
    return calls


def _same_response(fast, drf) -> None:
    assert fast.status_code == drf.status_code
    assert json.loads(fast.content) == json.loads(drf.content)
    for header in ("Content-Type", "Allow", "Vary", "Retry-After"):
        assert fast.get(header) == drf.get(header), header


@pytest.mark.parametrize("case", ["active", "unknown", "inactive"])
def test_the_fast_path_answers_as_the_drf_action(client, restaurant, served, case):
    # given
    f.MenuItemFactory(category=f.CategoryFactory(tenant=restaurant))
    restaurant_id = {"active": restaurant.id, "unknown": 987654321}.get(case)
    if case == "inactive":
        restaurant_id = f.RestaurantFactory(is_active=False).id

    # when the same read is made by the fast path, then by DRF (?format= always goes to DRF)
    fast = client.get(_url(restaurant_id))
    assert served == []
    drf = client.get(_url(restaurant_id) + "?format=json")

    # then
    assert served == ["drf"]
    _same_response(fast, drf)
    assert fast.status_code == (200 if case == "active" else 404)


def test_a_rate_limited_fast_read_is_the_same_429(client, restaurant, settings, served):
    # given a per-IP budget of one request
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_ip": "1/m"}
    assert client.get(_url(restaurant.id)).status_code == 200

    # when
    fast = client.get(_url(restaurant.id))
    drf = client.get(_url(restaurant.id) + "?format=json")

    # then
    assert fast.status_code == 429 and int(fast["Retry-After"]) >= 1
    assert json.loads(fast.content)["error"]["code"] == "rate_limited"
    assert drf.status_code == 429 and served == ["drf"]
    assert json.loads(fast.content)["error"].keys() == json.loads(drf.content)["error"].keys()


@pytest.mark.parametrize("request_kwargs", [
    {"HTTP_AUTHORIZATION": "Bearer not-a-token"},
    {"HTTP_ACCEPT": "text/html"},
])
def test_anything_but_an_anonymous_json_get_goes_to_drf(client, restaurant, served, request_kwargs):
    # when
    response = client.get(_url(restaurant.id), **request_kwargs)

    # then DRF decided: a bad token is its 401, an Accept it cannot render its 406
    assert served == ["drf"]
    assert response.status_code in (401, 406)
    assert response["Content-Type"].startswith("application/json")


def test_a_signed_in_user_goes_to_drf(client, restaurant, owner, served):
    # given a session (the dashboard's owner)
    client.force_login(owner)

    # when
    response = client.get(_url(restaurant.id))

    # then
    assert response.status_code == 200 and served == ["drf"]


def test_other_methods_go_to_drf(client, restaurant, served):
    # when
    response = client.post(_url(restaurant.id), data="{}", content_type="application/json")

    # then
    assert served == ["drf"]
    assert response.status_code in (401, 403, 405)
