"""How an unreachable database is answered on /api/, without services (the real outage is in
test_postgres_down.py): a JSON 503 whether the error comes from a DRF view or from a middleware."""

import pytest
from django.db import OperationalError
from rest_framework.test import APIClient

from metrics import tenants
from metrics.store import get_store

pytestmark = pytest.mark.django_db

GONE = OperationalError("server closed the connection unexpectedly")


def _raise(*args, **kwargs):
    raise GONE


def test_a_database_error_in_a_drf_view_is_a_json_503(monkeypatch, api_client, restaurant):
    monkeypatch.setattr("restaurants.api.catalog_bodies.restaurant_list", _raise)

    response = api_client.get("/api/restaurants/")

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"
    assert response["Retry-After"] == "5"


def test_a_database_error_in_a_middleware_is_a_json_503(monkeypatch, restaurant):
    monkeypatch.setattr("foodsys.tenancy.middleware.resolve_tenant", _raise)
    client = APIClient(raise_request_exception=False)

    response = client.get("/api/orders/", HTTP_X_TENANT_ID=str(restaurant.tenant_id))

    assert response.status_code == 503
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "service_unavailable"


def test_the_consumer_does_not_guess_a_time_zone_while_the_database_is_unreachable(monkeypatch, restaurant):
    monkeypatch.setattr(tenants, "profile_from_db", _raise)
    tenants.forget(restaurant.tenant_id)

    with pytest.raises(OperationalError):
        tenants.tenant_profile(str(restaurant.tenant_id), store=get_store())
