import pytest

from accounts.models import MembershipRole
from foodsys.testing.factories import MembershipFactory, OwnerFactory, RestaurantFactory, UserFactory
from foodsys.testing.fixtures import bearer_client


@pytest.mark.django_db
def test_me_lists_every_membership_of_the_user():
    owner = OwnerFactory(name="Olga", phone="555-0101")
    bistro, diner = RestaurantFactory(name="Bistro"), RestaurantFactory(name="Diner")
    MembershipFactory(user=owner, tenant=diner, role=MembershipRole.STAFF)
    MembershipFactory(user=owner, tenant=bistro, role=MembershipRole.OWNER)
    MembershipFactory(user=UserFactory(), tenant=bistro, role=MembershipRole.STAFF)  # someone else's

    response = bearer_client(owner).get("/api/auth/me/")

    assert response.status_code == 200
    body = response.json()
    assert body["email"] == owner.email and body["name"] == "Olga" and body["phone"] == "555-0101"
    assert body["role"] == "restaurant_owner" and body["is_staff"] is False
    assert body["memberships"] == [
        {"restaurant_id": bistro.pk, "tenant_id": str(bistro.tenant_id), "restaurant_name": "Bistro",
         "role": "owner"},
        {"restaurant_id": diner.pk, "tenant_id": str(diner.tenant_id), "restaurant_name": "Diner", "role": "staff"},
    ]


def test_me_of_a_customer_has_no_memberships(customer_client, customer):
    response = customer_client.get("/api/auth/me/")

    assert response.status_code == 200
    assert response.json()["id"] == customer.pk
    assert response.json()["memberships"] == []


def test_me_reports_admins_as_staff(admin_client_api):
    response = admin_client_api.get("/api/auth/me/")

    assert response.status_code == 200
    assert response.json()["is_staff"] is True
