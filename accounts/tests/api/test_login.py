import pytest
from django.utils import timezone

from foodsys.testing.factories import TEST_PASSWORD, UserFactory

URL = "/api/auth/login/"


@pytest.mark.django_db
def test_login_returns_the_user_and_a_token_pair(api_client):
    user = UserFactory(email="bob@example.com")

    response = api_client.post(URL, {"email": "BOB@example.com", "password": TEST_PASSWORD}, format="json")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["user"]["id"] == user.pk and body["user"]["email"] == "bob@example.com"
    assert body["access"] and body["refresh"]
    user.refresh_from_db()
    assert user.last_login is not None and user.last_login <= timezone.now()


@pytest.mark.django_db
def test_login_ignores_a_stale_authorization_header(api_client):
    UserFactory(email="bob@example.com")
    api_client.credentials(HTTP_AUTHORIZATION="Bearer expired.or.garbage")

    response = api_client.post(URL, {"email": "bob@example.com", "password": TEST_PASSWORD}, format="json")

    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("email, password", [
    ("bob@example.com", "wrong-password"),
    ("nobody@example.com", TEST_PASSWORD),
])
def test_login_with_wrong_credentials_is_401(api_client, email, password):
    UserFactory(email="bob@example.com")

    response = api_client.post(URL, {"email": email, "password": password}, format="json")

    assert response.status_code == 401
    body = response.json()
    assert body["error"]["code"] == "invalid_credentials"
    assert "access" not in body


@pytest.mark.django_db
def test_inactive_user_cannot_log_in(api_client):
    UserFactory(email="gone@example.com", is_active=False)

    response = api_client.post(URL, {"email": "gone@example.com", "password": TEST_PASSWORD}, format="json")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_credentials"


@pytest.mark.django_db
@pytest.mark.parametrize("payload", [{}, {"email": "bob@example.com"}, {"email": "not-an-email", "password": "x"}])
def test_login_with_invalid_input_is_400(api_client, payload):
    response = api_client.post(URL, payload, format="json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


@pytest.mark.django_db
def test_login_with_malformed_json_is_400_json(api_client):
    response = api_client.post(URL, data="{nope", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"
