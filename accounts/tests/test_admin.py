import pytest

from accounts.models import Membership, MembershipRole, User
from foodsys.testing.factories import MembershipFactory, RestaurantFactory, UserFactory


@pytest.mark.django_db
def test_user_changelist_searches_by_email_and_filters_by_role(admin_client):
    UserFactory(email="findme@example.com", role="restaurant_owner")
    UserFactory(email="other@example.com")

    response = admin_client.get("/admin/accounts/user/", {"q": "findme", "role__exact": "restaurant_owner"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "findme@example.com" in html and "other@example.com" not in html


@pytest.mark.django_db
def test_admin_add_form_creates_a_user_by_email(admin_client):
    response = admin_client.post("/admin/accounts/user/add/", {
        "email": "New@Example.com", "name": "New Person", "role": "customer", "usable_password": "true",
        "password1": "Tasty-Noodles-42", "password2": "Tasty-Noodles-42"})

    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(email="new@example.com")
    assert user.check_password("Tasty-Noodles-42") and not user.is_staff


@pytest.mark.django_db
def test_admin_add_form_rejects_an_email_taken_in_another_case(admin_client):
    UserFactory(email="taken@example.com")

    response = admin_client.post("/admin/accounts/user/add/", {
        "email": "TAKEN@example.com", "name": "Dup", "role": "customer", "usable_password": "true",
        "password1": "Tasty-Noodles-42", "password2": "Tasty-Noodles-42"})

    assert response.status_code == 200
    assert User.objects.filter(email__iexact="taken@example.com").count() == 1


@pytest.mark.django_db
def test_user_change_page_edits_memberships_inline(admin_client):
    user = UserFactory()
    restaurant = RestaurantFactory()
    page = admin_client.get(f"/admin/accounts/user/{user.pk}/change/")
    assert page.status_code == 200 and "memberships-TOTAL_FORMS" in page.content.decode()

    response = admin_client.post(f"/admin/accounts/user/{user.pk}/change/", {
        "email": user.email, "name": user.name, "phone": "", "role": "customer", "is_active": "on",
        "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
        "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
        "memberships-0-tenant": str(restaurant.tenant_id), "memberships-0-role": "staff"})

    assert response.status_code == 302, response.content.decode()[:3000]
    assert Membership.objects.get(user=user).tenant_id == restaurant.tenant_id


@pytest.mark.django_db
def test_membership_admin_lists_searches_and_filters(admin_client):
    kept = MembershipFactory(tenant=RestaurantFactory(name="Golden Wok"), role=MembershipRole.STAFF)
    MembershipFactory(tenant=RestaurantFactory(name="Blue Fin"))

    by_name = admin_client.get("/admin/accounts/membership/", {"q": "golden"})
    by_email = admin_client.get("/admin/accounts/membership/", {"q": kept.user.email})
    by_tenant = admin_client.get("/admin/accounts/membership/", {"tenant__tenant_id__exact": str(kept.tenant_id)})

    for response in (by_name, by_email, by_tenant):
        assert response.status_code == 200
        assert "1 membership" in response.content.decode()


def test_admin_is_closed_to_non_staff(client, customer):
    client.force_login(customer)

    response = client.get("/admin/accounts/user/")

    assert response.status_code == 302 and "/admin/login/" in response["Location"]
