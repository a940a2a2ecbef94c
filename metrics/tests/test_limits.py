"""Issue 12, finding 6: /api/auth/ws-ticket/ and /api/metrics/* spend the same API budgets as every
other view (RateLimitedAPIMixin): per client IP, also when unauthenticated, and per user."""

import pytest

from foodsys.testing.fixtures import bearer_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    def set_limits(**rates):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api_ip": "1000/h", "api_user": "1000/h",
                                "tenant": "1000/h", **rates}
    return set_limits


def _assert_json_429(response):
    assert response.status_code == 429, response.content
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "rate_limited"


def _metrics_calls(client, tenant_id):
    return {
        "snapshot": lambda: client.get("/api/metrics/"),
        "by_tenant": lambda: client.get(f"/api/metrics/{tenant_id}/"),
        "per_minute": lambda: client.get(f"/api/metrics/{tenant_id}/orders-per-minute/?minutes=5"),
    }


def test_ws_ticket_spends_the_per_user_budget(limits, customer):
    # given
    limits(api_user="3/h")
    client = bearer_client(customer)

    # when
    statuses = [client.post("/api/auth/ws-ticket/").status_code for _ in range(3)]
    refused = client.post("/api/auth/ws-ticket/")

    # then
    assert statuses == [201, 201, 201]
    _assert_json_429(refused)
    assert "ticket" not in refused.json()


def test_ws_ticket_spends_the_per_ip_budget_also_when_unauthenticated(limits, api_client):
    # given
    limits(api_ip="2/h")

    # when
    statuses = [api_client.post("/api/auth/ws-ticket/").status_code for _ in range(2)]
    refused = api_client.post("/api/auth/ws-ticket/")

    # then
    assert statuses == [401, 401]
    _assert_json_429(refused)


@pytest.mark.parametrize("endpoint", ["snapshot", "by_tenant", "per_minute"])
def test_metrics_endpoints_spend_the_per_user_budget(limits, owner, restaurant, endpoint):
    # given
    limits(api_user="2/h")
    call = _metrics_calls(bearer_client(owner), restaurant.tenant_id)[endpoint]

    # when
    statuses = [call().status_code for _ in range(2)]
    refused = call()

    # then
    assert statuses == [200, 200]
    _assert_json_429(refused)


def test_metrics_endpoints_share_one_per_ip_budget_with_the_rest_of_the_api(limits, owner, restaurant):
    # given
    limits(api_ip="3/h")
    calls = _metrics_calls(bearer_client(owner), restaurant.tenant_id)

    # when
    statuses = [calls[name]().status_code for name in ("snapshot", "by_tenant", "per_minute")]
    refused = bearer_client(owner).post("/api/auth/ws-ticket/")

    # then
    assert statuses == [200, 200, 200]
    _assert_json_429(refused)
