"""POST /api/auth/google/: a Google access token (from a mobile/web app) for a JWT pair.

Google's HTTP endpoints are faked at the `requests` edge (see conftest.FakeGoogle).
"""

import pytest
from rest_framework.test import APIClient
from social_django.models import UserSocialAuth

from accounts.models import User
from foodsys.testing.factories import UserFactory

URL = "/api/auth/google/"


def _google_login(token: str, ip: str = "10.1.0.1"):
    return APIClient().post(URL, {"access_token": token}, format="json", REMOTE_ADDR=ip)


@pytest.mark.django_db
def test_google_token_creates_a_new_user(google_on):
    google_on.add_account("tok-new", email="Grace@Example.com", sub="g-1", name="Grace Hopper")

    response = _google_login("tok-new")

    assert response.status_code == 200, response.content
    body = response.json()
    user = User.objects.get(pk=body["user"]["id"])
    assert user.email == "grace@example.com"
    assert user.name == "Grace Hopper"
    assert (user.role, user.is_staff, user.has_usable_password()) == ("customer", False, False)
    assert UserSocialAuth.objects.get(user=user).uid == "g-1"
    assert body["access"] and body["refresh"]
    me = APIClient(HTTP_AUTHORIZATION=f"Bearer {body['access']}").get("/api/auth/me/")
    assert me.json()["email"] == "grace@example.com"


@pytest.mark.django_db
def test_google_token_links_an_existing_user_by_email(google_on):
    existing = UserFactory(email="linus@example.com", name="Linus")
    google_on.add_account("tok-linus", email="linus@example.com", sub="g-2", name="Linus T")

    response = _google_login("tok-linus")

    assert response.status_code == 200, response.content
    assert response.json()["user"]["id"] == existing.pk
    assert User.objects.count() == 1
    assert UserSocialAuth.objects.get(uid="g-2").user == existing
    existing.refresh_from_db()
    assert existing.name == "Linus"  # a name the user already has is kept
    assert _google_login("tok-linus").json()["user"]["id"] == existing.pk  # second time via the association


@pytest.mark.django_db
def test_google_rejects_an_invalid_token(google_on):
    response = _google_login("not-a-google-token")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "google_token_rejected"
    assert not User.objects.exists()
    assert google_on.calls == [("GET", "https://oauth2.googleapis.com/tokeninfo")]


@pytest.mark.django_db
def test_google_rejects_a_token_issued_to_another_app(google_on):
    google_on.add_account("tok-foreign", email="grace@example.com", audience="other-app.apps.googleusercontent.com")

    response = _google_login("tok-foreign")

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "google_token_rejected"
    assert not User.objects.exists()


@pytest.mark.django_db
def test_google_rejects_an_unverified_email_and_links_nothing(google_on):
    existing = UserFactory(email="victim@example.com")
    google_on.add_account("tok-unverified", email="victim@example.com", email_verified=False)

    response = _google_login("tok-unverified")

    assert response.status_code == 400
    assert not UserSocialAuth.objects.filter(user=existing).exists()


@pytest.mark.django_db
def test_google_refuses_an_inactive_account_and_creates_no_second_one(google_on):
    UserFactory(email="off@example.com", is_active=False)
    google_on.add_account("tok-off", email="off@example.com")

    response = _google_login("tok-off")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "no_active_account"
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_google_unreachable_is_503(google_on, monkeypatch):
    import requests

    def unreachable(*args, **kwargs):
        raise requests.ConnectionError("no route to host")

    monkeypatch.setattr("social_core.backends.base.requests.request", unreachable)

    response = _google_login("tok-any")

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "google_unavailable"


@pytest.mark.django_db
def test_google_failures_count_against_the_ip_login_budget(google_on):
    for _ in range(5):
        assert _google_login("bad", ip="10.1.0.9").status_code == 400

    response = _google_login("bad", ip="10.1.0.9")

    assert response.status_code == 429
    assert len(google_on.calls) == 5  # the refused attempt never reached Google


@pytest.mark.django_db
def test_google_is_404_when_not_configured(fake_google, settings):
    settings.GOOGLE_OAUTH2_ENABLED = False

    response = _google_login("tok")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_configured"
    assert fake_google.calls == []


@pytest.mark.django_db
def test_google_missing_token_is_400(google_on):
    response = APIClient().post(URL, {}, format="json")

    assert response.status_code == 400
    assert "access_token" in response.json()["error"]["fields"]


@pytest.mark.django_db
def test_google_refuses_an_inactive_account_already_linked(google_on):
    google_on.add_account("tok-linked", email="was@example.com", sub="g-9")
    assert _google_login("tok-linked").status_code == 200
    User.objects.filter(email="was@example.com").update(is_active=False)

    response = _google_login("tok-linked")

    assert response.status_code == 401
