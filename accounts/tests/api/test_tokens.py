from datetime import timedelta

import pytest
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from foodsys.testing.factories import TEST_PASSWORD, UserFactory

REFRESH = "/api/auth/refresh/"
LOGOUT = "/api/auth/logout/"
ME = "/api/auth/me/"


@pytest.fixture
def user(db):
    return UserFactory(email="carol@example.com")


@pytest.fixture
def pair(api_client, user) -> dict:
    response = api_client.post("/api/auth/login/", {"email": user.email, "password": TEST_PASSWORD}, format="json")
    assert response.status_code == 200
    return response.json()


def _bearer(token: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_refresh_rotates_and_the_old_refresh_is_then_rejected(api_client, pair):
    response = api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")

    assert response.status_code == 200, response.content
    rotated = response.json()
    assert set(rotated) == {"access", "refresh"}
    assert rotated["refresh"] != pair["refresh"]
    assert _bearer(rotated["access"]).get(ME).status_code == 200
    replay = api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "token_not_valid"
    # the replay was reuse: it revoked the whole family, the rotated token too (issue 12, finding 5)
    assert api_client.post(REFRESH, {"refresh": rotated["refresh"]}, format="json").status_code == 401


def test_refresh_for_an_inactive_user_is_401(api_client, pair, user):
    user.is_active = False
    user.save()

    response = api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "no_active_account"


def test_refresh_for_a_deleted_user_is_401_not_500(api_client, pair, user):
    user.delete()

    response = api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json")

    assert response.status_code == 401


@pytest.mark.parametrize("token", ["garbage", "a.b.c"])
def test_refresh_with_a_malformed_token_is_401(api_client, db, token):
    response = api_client.post(REFRESH, {"refresh": token}, format="json")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_not_valid"


def test_refresh_with_an_access_token_is_401(api_client, pair):
    response = api_client.post(REFRESH, {"refresh": pair["access"]}, format="json")

    assert response.status_code == 401


def test_refresh_with_an_expired_refresh_token_is_401(api_client, user):
    token = RefreshToken.for_user(user)
    token.set_exp(lifetime=-timedelta(seconds=1))

    response = api_client.post(REFRESH, {"refresh": str(token)}, format="json")

    assert response.status_code == 401


def test_refresh_without_a_token_is_400(api_client, db):
    response = api_client.post(REFRESH, {}, format="json")

    assert response.status_code == 400
    assert "refresh" in response.json()["error"]["fields"]


def test_logout_blacklists_the_refresh_token(api_client, pair):
    response = _bearer(pair["access"]).post(LOGOUT, {"refresh": pair["refresh"]}, format="json")

    assert response.status_code == 204
    assert api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json").status_code == 401
    again = api_client.post(LOGOUT, {"refresh": pair["refresh"]}, format="json")
    assert again.status_code == 401


def test_logout_works_without_an_access_token_or_with_an_expired_one(api_client, pair, user):
    expired = AccessToken.for_user(user)
    expired.set_exp(lifetime=-timedelta(minutes=1))

    response = _bearer(str(expired)).post(LOGOUT, {"refresh": pair["refresh"]}, format="json")

    assert response.status_code == 204
    assert api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json").status_code == 401


@pytest.mark.parametrize(("body", "status"), [({"refresh": "garbage"}, 401), ({}, 400)])
def test_logout_needs_a_valid_refresh_token(api_client, pair, body, status):
    response = api_client.post(LOGOUT, body, format="json")

    assert response.status_code == status
    assert "error" in response.json()
    assert api_client.post(REFRESH, {"refresh": pair["refresh"]}, format="json").status_code == 200


def test_expired_access_token_is_401_on_me(user):
    token = AccessToken.for_user(user)
    token.set_exp(lifetime=-timedelta(minutes=1))

    response = _bearer(str(token)).get(ME)

    assert response.status_code == 401
    assert response.json()["status"] == 401


def test_tampered_access_token_is_401(pair, user):
    header, payload, signature = pair["access"].split(".")
    forged = AccessToken.for_user(UserFactory())  # a valid payload for someone else...
    tampered = ".".join([header, str(forged).split(".")[1], signature])  # ...under the original signature

    response = _bearer(tampered).get(ME)

    assert response.status_code == 401
    resigned = ".".join([header, payload, signature[::-1]])
    assert _bearer(resigned).get(ME).status_code == 401


def test_access_token_of_an_inactive_user_is_401(pair, user):
    user.is_active = False
    user.save()

    assert _bearer(pair["access"]).get(ME).status_code == 401


def test_me_without_a_token_is_401(api_client, db):
    response = api_client.get(ME)

    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
