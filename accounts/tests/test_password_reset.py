"""Password reset through the session pages: the same service, throttle, e-mail and revocation as the API."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts import services
from foodsys.testing.factories import TEST_PASSWORD, UserFactory
from foodsys.testing.mailbox import mailbox  # noqa: F401 - the fixture

PAGE = "/accounts/password-reset/"
NEW_PASSWORD = "An0ther-Secret-Phrase"


def _api_login(email: str, password: str = TEST_PASSWORD):
    return APIClient().post("/api/auth/login/", {"email": email, "password": password}, format="json")


def test_the_login_page_links_to_the_reset_page(db):
    assert PAGE.encode() in Client().get("/accounts/login/").content


def test_the_reset_page_renders_like_the_other_account_pages(db):
    response = Client().get(PAGE)
    assert response.status_code == 200
    assert b'class="card card-narrow"' in response.content
    assert b'name="email"' in response.content


@pytest.mark.django_db(transaction=True)
def test_known_and_unknown_addresses_get_the_same_answer(mailbox):  # noqa: F811
    UserFactory(email="page-known@example.com")

    known = Client().post(PAGE, {"email": "page-known@example.com"})
    unknown = Client().post(PAGE, {"email": "page-unknown@example.com"})

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/password-reset/done/"
    assert mailbox.wait_for("page-known@example.com")
    assert mailbox.messages_for("page-unknown@example.com") == []


def test_the_page_shares_the_reset_throttle(db, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": "1/h"}
    client = Client()

    client.post(PAGE, {"email": "page-throttle@example.com"})
    refused = client.post(PAGE, {"email": "page-throttle@example.com"})

    assert refused.status_code == 429
    assert "Retry-After" in refused
    assert b"Too many password-reset requests" in refused.content


@pytest.mark.django_db(transaction=True)
def test_following_the_emailed_link_sets_the_password_and_revokes_tokens(mailbox):  # noqa: F811
    # given a user signed in over the API and by session
    user = UserFactory(email="page-reset@example.com")
    tokens = _api_login(user.email).json()
    session = Client()
    session.force_login(user)
    # when they ask for a reset, open the link from the e-mail and choose a new password
    browser = Client()
    browser.post(PAGE, {"email": user.email})
    link = mailbox.link(mailbox.wait_for(user.email), PAGE)
    form_page = browser.get(link, follow=True)
    assert form_page.status_code == 200
    assert b'name="new_password1"' in form_page.content
    set_url = form_page.redirect_chain[-1][0]
    assert "set-password" in set_url  # the token left the URL for the session
    done = browser.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    # then: the new password works; old tokens, the other session and the link are dead
    assert done.status_code == 302
    assert done["Location"] == "/accounts/password-reset/complete/"
    assert _api_login(user.email, NEW_PASSWORD).status_code == 200
    assert APIClient(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}").get("/api/auth/me/").status_code == 401
    assert APIClient().post("/api/auth/refresh/", {"refresh": tokens["refresh"]},
                            format="json").status_code == 401
    assert session.get("/dashboard/").status_code == 302  # signed out: back to the login page
    reused = Client().get(link, follow=True)
    assert b"This link does not work" in reused.content


def test_a_weak_password_is_refused_on_the_page(db):
    user = UserFactory(email="page-weak@example.com")
    _uid, _token, url = services.password_reset_link(user=user)
    browser = Client()
    set_url = browser.get(url, follow=True).redirect_chain[-1][0]

    response = browser.post(set_url, {"new_password1": "12345678", "new_password2": "12345678"})

    assert response.status_code == 200
    assert b"field-invalid" in response.content
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)
