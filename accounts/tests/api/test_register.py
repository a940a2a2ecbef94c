import pytest
from rest_framework.test import APIClient

from accounts.models import User, UserRole
from foodsys.testing.factories import UserFactory

URL = "/api/auth/register/"
GOOD_PASSWORD = "Tasty-Noodles-42"


def _payload(**overrides):
    return {"email": "ada@example.com", "password": GOOD_PASSWORD, "name": "Ada Lovelace",
            "role": "customer", **overrides}


def _assert_error(response, status, field=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["status"] == status
    assert set(body["error"]) >= {"code", "message", "fields"}
    if field:
        assert field in body["error"]["fields"], body


@pytest.mark.django_db
def test_register_creates_a_user_and_returns_a_working_token_pair(api_client):
    response = api_client.post(URL, _payload(role="restaurant_owner", phone="+1 555 0100", email="Ada@Example.COM"),
                               format="json")

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body["user"]) == {"id", "email", "email_verified", "name", "phone", "role", "is_staff", "date_joined"}
    assert body["user"]["email"] == "ada@example.com"
    assert body["user"]["role"] == "restaurant_owner"
    assert body["user"]["is_staff"] is False
    user = User.objects.get(pk=body["user"]["id"])
    assert user.phone == "+1 555 0100"
    assert user.check_password(GOOD_PASSWORD) and user.password != GOOD_PASSWORD
    me = APIClient(HTTP_AUTHORIZATION=f"Bearer {body['access']}").get("/api/auth/me/")
    assert me.status_code == 200 and me.json()["id"] == user.pk
    assert api_client.post("/api/auth/refresh/", {"refresh": body["refresh"]}, format="json").status_code == 200


@pytest.mark.django_db
def test_register_defaults_to_customer_role(api_client):
    payload = _payload()
    del payload["role"]

    response = api_client.post(URL, payload, format="json")

    assert response.status_code == 201
    assert response.json()["user"]["role"] == UserRole.CUSTOMER


@pytest.mark.django_db
def test_register_hashes_passwords_with_argon2(api_client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]

    api_client.post(URL, _payload(), format="json")

    assert User.objects.get(email="ada@example.com").password.startswith("argon2$")


@pytest.mark.django_db
def test_register_rejects_an_email_taken_in_another_case(api_client):
    UserFactory(email="ada@example.com")

    response = api_client.post(URL, _payload(email="ADA@Example.com"), format="json")

    _assert_error(response, 400, "email")
    assert response.json()["error"]["code"] == "email_taken"
    assert User.objects.filter(email__iexact="ada@example.com").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["not-an-email", "ada@", "", "a" * 250 + "@example.com"])
def test_register_rejects_an_invalid_email(api_client, email):
    response = api_client.post(URL, _payload(email=email), format="json")

    _assert_error(response, 400, "email")
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("password", ["short1!", "password123", "12345678901", "ada@example.com1", "a" * 129])
def test_register_rejects_a_weak_or_oversized_password(api_client, password):
    response = api_client.post(URL, _payload(password=password), format="json")

    _assert_error(response, 400, "password")
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["admin", "staff", "superuser", "owner", ""])
def test_register_rejects_any_role_but_customer_or_owner(api_client, role):
    response = api_client.post(URL, _payload(role=role), format="json")

    _assert_error(response, 400, "role")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_register_ignores_privilege_fields(api_client):
    response = api_client.post(URL, _payload(is_staff=True, is_superuser=True, is_active=False,
                                             user_permissions=[1], groups=[1]), format="json")

    assert response.status_code == 201
    user = User.objects.get(email="ada@example.com")
    assert (user.is_staff, user.is_superuser, user.is_active) == (False, False, True)
    assert not user.user_permissions.exists() and not user.groups.exists()
    assert response.json()["user"]["is_staff"] is False


@pytest.mark.django_db
def test_register_rejects_a_10kb_name(api_client):
    response = api_client.post(URL, _payload(name="x" * 10_000), format="json")

    _assert_error(response, 400, "name")
    assert not User.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("phone", ["call me", "+", "1" * 40])
def test_register_rejects_an_invalid_phone(api_client, phone):
    response = api_client.post(URL, _payload(phone=phone), format="json")

    _assert_error(response, 400, "phone")


@pytest.mark.django_db
def test_register_rejects_missing_fields(api_client):
    response = api_client.post(URL, {}, format="json")

    _assert_error(response, 400)
    assert set(response.json()["error"]["fields"]) == {"email", "password", "name"}


@pytest.mark.django_db
def test_register_rejects_malformed_json_with_a_json_error(api_client):
    response = api_client.post(URL, data='{"email": "ada@example.com", ', content_type="application/json")

    _assert_error(response, 400)
    assert response.json()["error"]["code"] == "parse_error"
    assert not User.objects.exists()
