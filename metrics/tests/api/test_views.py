import uuid

import pytest

from foodsys.testing.fixtures import bearer_client
from metrics.handlers import apply_events
from metrics.tests.builders import envelope

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_orders(restaurant):
    apply_events([envelope(restaurant.tenant_id, total="12.00"), envelope(restaurant.tenant_id, total="8.00")])
    return restaurant


@pytest.mark.parametrize("client_name", ["owner_client", "staff_client"])
def test_members_read_their_tenants_metrics(request, client_name, with_orders):
    # given
    client = request.getfixturevalue(client_name)

    # when
    current = client.get("/api/metrics/")
    by_id = client.get(f"/api/metrics/{with_orders.tenant_id}/")

    # then
    assert current.status_code == 200, current.json()
    assert by_id.status_code == 200
    body = current.json()
    assert body["tenant_id"] == str(with_orders.tenant_id)
    assert body["total_orders"] == 2
    assert body["revenue_total"] == "20.00" and body["average_order_value"] == "10.00"
    assert len(body["orders_per_minute"]) == 60
    assert sum(m["count"] for m in body["orders_per_minute"]) == 2
    assert set(body) == {"tenant_id", "total_orders", "orders_per_minute", "revenue_total", "revenue_today",
                         "currency", "average_order_value", "avg_prep_time_seconds", "p90_prep_time_seconds",
                         "status_counts", "cancelled", "last_updated"}
    assert by_id.json()["total_orders"] == 2


def test_platform_admin_reads_any_tenant(admin_client_api, with_orders):
    response = admin_client_api.get(f"/api/metrics/{with_orders.tenant_id}/")

    assert response.status_code == 200
    assert response.json()["total_orders"] == 2


def test_a_member_of_another_tenant_gets_no_data(other_owner, other_restaurant, with_orders):
    # given
    client = bearer_client(other_owner)

    # when
    by_id = client.get(f"/api/metrics/{with_orders.tenant_id}/")
    by_header = bearer_client(other_owner, with_orders).get("/api/metrics/")
    per_minute = client.get(f"/api/metrics/{with_orders.tenant_id}/orders-per-minute/")

    # then
    for response in (by_id, by_header, per_minute):
        assert response.status_code == 403 and response.json()["error"]["code"] == "not_a_member"
        assert "total_orders" not in response.json() and "orders_per_minute" not in response.json()


def test_customers_get_403(customer, customer_client, with_orders):
    assert customer_client.get(f"/api/metrics/{with_orders.tenant_id}/").status_code == 403
    assert bearer_client(customer, with_orders).get("/api/metrics/").status_code == 403
    assert customer_client.get("/api/metrics/").status_code == 403  # a customer belongs to no tenant


def test_anonymous_gets_401(api_client, with_orders):
    assert api_client.get(f"/api/metrics/{with_orders.tenant_id}/").status_code == 401
    assert api_client.get("/api/metrics/").status_code == 401


def test_unknown_tenant_is_404(admin_client_api, owner_client):
    assert admin_client_api.get(f"/api/metrics/{uuid.uuid4()}/").status_code == 404
    assert owner_client.get(f"/api/metrics/{uuid.uuid4()}/").status_code == 404
    assert owner_client.get("/api/metrics/not-a-uuid/").status_code == 404


def test_orders_per_minute_window(owner_client, with_orders):
    # when
    response = owner_client.get(f"/api/metrics/{with_orders.tenant_id}/orders-per-minute/?minutes=5")

    # then
    assert response.status_code == 200
    body = response.json()
    assert body["minutes"] == 5 and len(body["orders_per_minute"]) == 5
    assert sum(m["count"] for m in body["orders_per_minute"]) == 2


@pytest.mark.parametrize("minutes", ["0", "1441", "-3", "abc", "1.5"])
def test_orders_per_minute_rejects_a_window_out_of_range(owner_client, restaurant, minutes):
    response = owner_client.get(f"/api/metrics/{restaurant.tenant_id}/orders-per-minute/?minutes={minutes}")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


@pytest.mark.parametrize("minutes", ["1", "1440"])
def test_orders_per_minute_accepts_the_bounds(owner_client, restaurant, minutes):
    response = owner_client.get(f"/api/metrics/{restaurant.tenant_id}/orders-per-minute/?minutes={minutes}")

    assert response.status_code == 200
    assert len(response.json()["orders_per_minute"]) == int(minutes)
