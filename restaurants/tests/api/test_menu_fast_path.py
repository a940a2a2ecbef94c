"""GET /api/restaurants/{id}/menu/: the fast path (an anonymous JSON GET) and the DRF action give the
same answer, and both equal a fresh rendering of the same models (restaurants/tests/api/fresh.py)."""

import functools
import json

import pytest
from django.urls import resolve
from django.utils import timezone

from foodsys.testing import factories as f
from foodsys.testing.fixtures import bearer_client
from restaurants.api.views import RestaurantViewSet
from restaurants.tests.api.fresh import fresh_menu_json

pytestmark = pytest.mark.django_db

NOT_FOUND = {"error": {"code": "not_found", "message": "No such restaurant.", "fields": {}}, "status": 404}
COMPARED_HEADERS = ("Content-Type", "Allow", "Vary", "Retry-After")


def _url(restaurant_id) -> str:
    return f"/api/restaurants/{restaurant_id}/menu/"


@pytest.fixture
def served(monkeypatch):
    """Records each time the DRF action answered (the fast path never calls it)."""
    calls = []
    drf_menu = RestaurantViewSet.menu

    @functools.wraps(drf_menu)  # still an @action, should the router be built after this
    def recorded(self, request, *args, **kwargs):
        calls.append("drf")
        return drf_menu(self, request, *args, **kwargs)

    monkeypatch.setattr(RestaurantViewSet, "menu", recorded)
    return calls


def _headers(response) -> dict[str, str | None]:
    return {name: response.get(name) for name in COMPARED_HEADERS}


def test_an_active_menu_is_the_same_fresh_rendering_on_both_paths(client, restaurant, served):
    # given a menu, and a paused restaurant so that a flag is not a default
    restaurant.accepting_orders, restaurant.paused_until = False, timezone.now() + timezone.timedelta(hours=1)
    restaurant.save()
    f.OptionFactory(group=f.OptionGroupFactory(item=f.MenuItemFactory(category=f.CategoryFactory(tenant=restaurant))))

    # when it is read by the fast path (building the entry, then from the cache), then by DRF
    fast = [client.get(_url(restaurant.id)) for _ in range(2)]
    assert served == []
    drf = client.get(_url(restaurant.id) + "?format=json")  # ?format= always goes to DRF
    assert served == ["drf"]

    # then all three are the fresh rendering, with the same headers
    expected = fresh_menu_json(restaurant, now=timezone.now())
    for response in [*fast, drf]:
        assert response.status_code == 200
        assert response.content == expected
    assert _headers(fast[0]) == _headers(fast[1]) == _headers(drf)
    assert drf["Allow"] == "GET, HEAD, OPTIONS" and drf["Content-Type"] == "application/json"


def test_an_inactive_menu_is_served_fresh_to_its_member_and_is_404_for_the_public(client, restaurant, owner,
                                                                                  served):
    # given an inactive restaurant with a menu
    f.MenuItemFactory(category=f.CategoryFactory(tenant=restaurant))
    restaurant.is_active = False
    restaurant.save()

    # when its owner reads it (a token: DRF), and an anonymous caller does on both paths
    member = bearer_client(owner).get(_url(restaurant.id))
    fast = client.get(_url(restaurant.id))
    drf = client.get(_url(restaurant.id) + "?format=json")

    # then the member sees the fresh rendering, the public a 404 on either path
    assert member.status_code == 200 and member.content == fresh_menu_json(restaurant, now=timezone.now())
    assert served == ["drf", "drf"]
    assert fast.status_code == drf.status_code == 404
    assert fast.json() == drf.json() == NOT_FOUND
    assert _headers(fast) == _headers(drf) == _headers(member) | {"Content-Type": "application/json"}


def test_an_unknown_menu_is_the_same_404_on_both_paths(client, served):
    fast = client.get(_url(987654321))
    drf = client.get(_url(987654321) + "?format=json")

    assert served == ["drf"]
    assert fast.status_code == drf.status_code == 404
    assert fast.json() == drf.json() == NOT_FOUND
    assert _headers(fast) == _headers(drf)


def test_a_rate_limited_read_is_the_same_429_on_both_paths(client, restaurant, settings, served):
    # given a per-IP budget of one request, spent
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_ip": "1/m"}
    assert client.get(_url(restaurant.id)).status_code == 200

    # when
    fast = client.get(_url(restaurant.id))
    drf = client.get(_url(restaurant.id) + "?format=json")

    # then the same error; Retry-After may differ by the second that passed between the two
    assert served == []  # DRF refused before its handler ran
    assert fast.status_code == drf.status_code == 429
    bodies = [json.loads(fast.content), json.loads(drf.content)]
    for body, response in zip(bodies, (fast, drf), strict=True):
        assert body["error"].pop("retry_after") == int(response["Retry-After"]) >= 1
    assert bodies[0] == bodies[1] == {"error": {"code": "rate_limited", "message": "Too many requests.",
                                                "fields": {}}, "status": 429}
    assert fast["Allow"] == drf["Allow"] and fast["Content-Type"] == drf["Content-Type"]


@pytest.mark.parametrize(("request_kwargs", "status"), [
    ({"HTTP_AUTHORIZATION": "Bearer not-a-token"}, 401),
    ({"HTTP_ACCEPT": "text/html"}, 406),
])
def test_anything_but_an_anonymous_json_get_goes_to_drf(client, restaurant, request_kwargs, status):
    # when
    response = client.get(_url(restaurant.id), **request_kwargs)

    # then DRF decided: a bad token is its 401, an Accept it cannot render its 406
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")


def test_a_signed_in_user_goes_to_drf(client, restaurant, owner, served):
    client.force_login(owner)  # a session (the dashboard's owner)

    response = client.get(_url(restaurant.id))

    assert response.status_code == 200 and served == ["drf"]


def test_other_methods_go_to_drf(client, restaurant):
    response = client.post(_url(restaurant.id), data="{}", content_type="application/json")

    # then DRF's answer: an anonymous write is refused before its method is looked at
    assert response.status_code == 401 and response["Allow"] == "GET, HEAD, OPTIONS"


def test_the_menu_has_one_route_the_routers_own():
    # the fast path wraps the router's view in place: one URL pattern, its name and view class
    match = resolve(_url(1))

    assert match.url_name == "restaurant-menu"
    assert match.func.cls is RestaurantViewSet and match.func.actions["get"] == "menu"
