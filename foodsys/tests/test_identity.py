"""Issue 12, finding 8: one identity per request. TenantMiddleware resolves the tenant for the same
user DRF authenticates: a staff member's session cookie plus another user's bearer token must not
give the token's user the staff member's tenant."""

import pytest
from django.conf import settings
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from foodsys.testing import factories as f
from orders.tests.helpers import place

pytestmark = pytest.mark.django_db


def _token(user) -> str:
    return str(RefreshToken.for_user(user).access_token)


def _session_plus_bearer(session_user, bearer_user, **headers) -> APIClient:
    """The attack: a browser session of one user and another user's access token on one request."""
    client = APIClient(**headers)
    client.force_login(session_user)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {_token(bearer_user)}")
    return client


@pytest.fixture
def tenant_order(restaurant, menu_item):
    return place(customer=f.UserFactory(), restaurant=restaurant, lines=[(menu_item, 1)]).order


def test_staff_session_plus_customer_token_does_not_list_the_staff_tenants_orders(staff, customer, tenant_order):
    # given
    own_order = place(customer=customer, restaurant=tenant_order.tenant,
                      lines=[(tenant_order.lines.first().menu_item, 1)]).order
    client = _session_plus_bearer(staff, customer)

    # when
    response = client.get("/api/orders/")

    # then: the customer (the identity DRF authenticated) sees their own order only
    assert response.status_code == 200, response.json()
    assert [o["id"] for o in response.json()["results"]] == [str(own_order.id)]


def test_staff_session_plus_customer_token_gets_no_management_access(staff, customer, restaurant, menu_item,
                                                                     tenant_order):
    # given
    client = _session_plus_bearer(staff, customer)

    # when
    metrics = client.get("/api/metrics/")
    items = client.get("/api/menu/items/")
    toggled = client.patch(f"/api/menu/items/{menu_item.id}/", {"is_available": False}, format="json")
    with_header = _session_plus_bearer(staff, customer, HTTP_X_TENANT_ID=str(restaurant.tenant_id))
    explicit = with_header.get("/api/metrics/")
    order = client.get(f"/api/orders/{tenant_order.id}/")

    # then: every management answer is the customer's, not the staff member's
    assert metrics.status_code == 403, metrics.json()
    assert items.status_code == 403, items.json()
    assert toggled.status_code == 403, toggled.json()
    assert explicit.status_code == 403 and explicit.json()["error"]["code"] == "not_a_member"
    assert order.status_code == 404
    menu_item.refresh_from_db()
    assert menu_item.is_available


def test_the_bearer_token_identity_is_used_for_the_tenant_too(customer, staff, restaurant):
    # given: the other way round, a customer's session and the staff member's token
    client = _session_plus_bearer(customer, staff)

    # when
    response = client.get("/api/metrics/")

    # then: the token's user (staff) is the identity for DRF and the tenant alike
    assert response.status_code == 200, response.json()
    assert response.json()["tenant_id"] == str(restaurant.tenant_id)


def test_a_bad_bearer_token_never_falls_back_to_the_session(staff):
    # given
    client = APIClient()
    client.force_login(staff)
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")

    # when
    response = client.get("/api/metrics/")

    # then
    assert response.status_code == 401


def test_a_session_alone_still_resolves_its_tenant(staff, restaurant):
    client = APIClient()
    client.force_login(staff)

    response = client.get("/api/metrics/")

    assert response.status_code == 200
    assert response.json()["tenant_id"] == str(restaurant.tenant_id)


def test_the_middleware_mirrors_drfs_authenticator_order():
    # request_identity takes the bearer token first, then the session: exactly DRF's order
    assert settings.REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] == [
        "foodsys.common.authentication.CachedJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ]
