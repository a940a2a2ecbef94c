"""Shared pytest fixtures: API clients authenticated as each role, and a tenant with a menu."""

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import MembershipRole
from foodsys.testing import factories as f


def bearer_client(user=None, tenant=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    if tenant is not None:
        client.defaults["HTTP_X_TENANT_ID"] = str(tenant.tenant_id)
    return client


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def restaurant(db):
    return f.RestaurantFactory()


@pytest.fixture
def owner(restaurant):
    user = f.OwnerFactory()
    f.MembershipFactory(user=user, tenant=restaurant, role=MembershipRole.OWNER)
    return user


@pytest.fixture
def staff(restaurant):
    user = f.UserFactory()
    f.MembershipFactory(user=user, tenant=restaurant, role=MembershipRole.STAFF)
    return user


@pytest.fixture
def customer(db):
    return f.UserFactory()


@pytest.fixture
def admin_user(db):
    return f.UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def other_restaurant(db):
    return f.RestaurantFactory(name="Other Place")


@pytest.fixture
def other_owner(other_restaurant):
    user = f.OwnerFactory()
    f.MembershipFactory(user=user, tenant=other_restaurant, role=MembershipRole.OWNER)
    return user


@pytest.fixture
def menu_item(restaurant):
    return f.MenuItemFactory(category=f.CategoryFactory(tenant=restaurant))


@pytest.fixture
def owner_client(owner, restaurant) -> APIClient:
    return bearer_client(owner, restaurant)


@pytest.fixture
def staff_client(staff, restaurant) -> APIClient:
    return bearer_client(staff, restaurant)


@pytest.fixture
def customer_client(customer) -> APIClient:
    return bearer_client(customer)


@pytest.fixture
def admin_client_api(admin_user) -> APIClient:
    return bearer_client(admin_user)
