"""The browser flow: "Sign in with Google" -> Google (faked at the HTTP edge) -> callback -> session."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user

from accounts.models import User
from foodsys.testing.factories import UserFactory


def _start(client) -> str:
    response = client.post("/auth/login/google-oauth2/")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.netloc == "accounts.google.com"
    return parse_qs(location.query)["state"][0]


@pytest.mark.django_db
def test_browser_flow_creates_the_user_and_starts_a_session(client, google_on):
    google_on.add_account("tok-web", email="web@example.com", sub="g-web", name="Web User", code="code-1")
    state = _start(client)

    response = client.get("/auth/complete/google-oauth2/", {"state": state, "code": "code-1"})

    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    user = User.objects.get(email="web@example.com")
    assert get_user(client).pk == user.pk and user.name == "Web User"


@pytest.mark.django_db
def test_browser_flow_links_an_existing_user_by_email(client, google_on):
    existing = UserFactory(email="known@example.com")
    google_on.add_account("tok-known", email="known@example.com", code="code-2")

    client.get("/auth/complete/google-oauth2/", {"state": _start(client), "code": "code-2"})

    assert get_user(client).pk == existing.pk
    assert User.objects.count() == 1


@pytest.mark.django_db
def test_browser_flow_with_a_forged_state_does_not_sign_in(client, google_on):
    google_on.add_account("tok-x", email="x@example.com", code="code-3")
    _start(client)

    response = client.get("/auth/complete/google-oauth2/", {"state": "forged", "code": "code-3"}, follow=True)

    assert response.status_code == 200
    assert not get_user(client).is_authenticated
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_browser_flow_with_an_unverified_email_returns_to_login_with_a_message(client, google_on):
    google_on.add_account("tok-u", email="u@example.com", email_verified=False, code="code-4")

    response = client.get("/auth/complete/google-oauth2/", {"state": _start(client), "code": "code-4"}, follow=True)

    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert 'class="messages"' in response.content.decode()
    assert not get_user(client).is_authenticated
