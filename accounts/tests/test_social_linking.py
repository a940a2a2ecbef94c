"""Finding 4: account pre-hijacking through Google sign-in. A Google identity is linked by e-mail only to an
account whose address is verified; an unverified account with that address refuses the sign-in with a
message (API 409, browser: back to the login page), and accounts Google creates or links are verified.

Google's HTTP endpoints are faked at the `requests` edge (accounts/tests/conftest.py)."""

import pytest
from django.contrib.auth import get_user
from django.test import Client
from rest_framework.test import APIClient
from social_django.models import UserSocialAuth

from accounts.models import User
from foodsys.testing.factories import TEST_PASSWORD, UserFactory
from foodsys.testing.mailbox import mailbox  # noqa: F401 - the fixture

GOOGLE = "/api/auth/google/"
VICTIM = "victim.gmail@example.com"


def _google_login(token: str):
    return APIClient().post(GOOGLE, {"access_token": token}, format="json", REMOTE_ADDR="10.30.0.1")


def _login(email: str, password: str):
    return APIClient().post("/api/auth/login/", {"email": email, "password": password}, format="json",
                            REMOTE_ADDR="10.30.0.2")


def _attacker_registers_the_victims_address() -> User:
    response = APIClient().post("/api/auth/register/", {"email": VICTIM, "password": "Attack3r-Pass-123",
                                                        "name": "Not The Victim"}, format="json",
                                REMOTE_ADDR="10.30.9.9")
    assert response.status_code == 201, response.content
    return User.objects.get(email=VICTIM)


@pytest.mark.django_db
def test_google_sign_in_is_not_linked_into_an_account_someone_registered_with_the_victims_address(google_on):
    # given an attacker registered the victim's address with a password (never verified)
    planted = _attacker_registers_the_victims_address()
    google_on.add_account("tok-victim", email=VICTIM, sub="g-victim", name="Real Victim")

    # when the victim signs in with Google
    response = _google_login("tok-victim")

    # then they are not signed into the attacker's account: a clear 409, nothing linked, no tokens
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["error"]["code"] == "email_unverified_account" and "not verified" in body["error"]["message"]
    assert "access" not in body
    assert not UserSocialAuth.objects.exists()
    planted.refresh_from_db()
    assert planted.email_verified_at is None and User.objects.count() == 1


@pytest.mark.django_db
def test_the_browser_flow_refuses_the_same_way_with_a_message(client, google_on):
    _attacker_registers_the_victims_address()
    google_on.add_account("tok-victim-web", email=VICTIM, code="code-victim")
    start = client.post("/auth/login/google-oauth2/")
    state = start["Location"].split("state=")[1].split("&")[0]

    response = client.get("/auth/complete/google-oauth2/", {"state": state, "code": "code-victim"}, follow=True)

    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    assert "its address is not verified" in response.content.decode()
    assert not get_user(client).is_authenticated
    assert not UserSocialAuth.objects.exists()


@pytest.mark.django_db
def test_a_verified_account_is_linked_and_keeps_its_password(google_on):
    existing = UserFactory(email="verified.linked@example.com")  # factories are verified
    google_on.add_account("tok-verified", email="Verified.Linked@example.com", sub="g-v")

    response = _google_login("tok-verified")

    assert response.status_code == 200, response.content
    assert response.json()["user"]["id"] == existing.pk
    assert UserSocialAuth.objects.get(uid="g-v").user_id == existing.pk


@pytest.mark.django_db
def test_an_account_google_creates_is_verified(google_on):
    google_on.add_account("tok-fresh", email="fresh.google@example.com", sub="g-f")

    response = _google_login("tok-fresh")

    assert response.status_code == 200
    assert response.json()["user"]["email_verified"] is True
    assert User.objects.get(email="fresh.google@example.com").email_verified_at is not None


@pytest.mark.django_db(transaction=True)
def test_once_the_owner_of_the_address_verifies_it_google_links(google_on, mailbox):  # noqa: F811
    # given an account registered with a password and verified from its e-mail by the address's owner
    registered = APIClient().post("/api/auth/register/", {"email": "late.link@example.com", "password": TEST_PASSWORD,
                                                          "name": "Late Link"}, format="json")
    link = mailbox.link(mailbox.wait_for("late.link@example.com"), "/accounts/verify-email/")
    token = link.split("token=")[1]
    verified = APIClient().post("/api/auth/verify-email/", {"token": token, "password": TEST_PASSWORD}, format="json")
    assert verified.status_code == 200
    google_on.add_account("tok-late", email="late.link@example.com", sub="g-late")

    # when they sign in with Google
    response = _google_login("tok-late")

    # then it is their account
    assert response.status_code == 200 and response.json()["user"]["id"] == registered.json()["user"]["id"]


@pytest.mark.django_db
def test_a_signed_in_unverified_user_cannot_link_a_google_account_of_another_address(google_on):
    # given an unverified user signed in on the site
    user = UserFactory(email="unverified.session@example.com", email_verified_at=None)
    browser = Client()
    browser.force_login(user)
    google_on.add_account("tok-other", email="someone.else@example.com", sub="g-other", code="code-other")
    state = browser.post("/auth/login/google-oauth2/")["Location"].split("state=")[1].split("&")[0]

    # when they try to attach someone else's Google account
    browser.get("/auth/complete/google-oauth2/", {"state": state, "code": "code-other"}, follow=True)

    # then nothing is linked
    assert not UserSocialAuth.objects.exists()


@pytest.mark.django_db
def test_the_attackers_password_still_works_only_for_the_unlinked_account(google_on):
    # the refused Google sign-in leaves the planted account as it was: its password signs into it, and it
    # holds no Google identity (the victim's Google sign-in never lands there)
    _attacker_registers_the_victims_address()
    google_on.add_account("tok-v2", email=VICTIM, sub="g-v2")
    _google_login("tok-v2")

    assert _login(VICTIM, "Attack3r-Pass-123").status_code == 200
    assert not UserSocialAuth.objects.filter(uid="g-v2").exists()


@pytest.mark.django_db(transaction=True)
def test_the_victim_opening_the_emailed_link_cannot_verify_the_planted_account(google_on, mailbox):  # noqa: F811
    # given the attacker's registration e-mailed its verification link to the victim's address
    planted = _attacker_registers_the_victims_address()
    link = mailbox.link(mailbox.wait_for(VICTIM), "/accounts/verify-email/")
    browser = Client()

    # when the victim, in good faith, opens it and presses the button (they do not know the attacker's password)
    page = browser.get(link)
    pressed = browser.post("/accounts/verify-email/", {"token": link.split("token=")[1], "password": ""})
    guessed = browser.post("/accounts/verify-email/", {"token": link.split("token=")[1], "password": "my-own-pass"})

    # then the account stays unverified, so the victim's later Google sign-in still cannot land in it
    assert 'name="password"' in page.content.decode() and "do not confirm" in page.content.decode()
    assert pressed.status_code == 400 and guessed.status_code == 400
    planted.refresh_from_db()
    assert planted.email_verified_at is None
    google_on.add_account("tok-after-click", email=VICTIM, sub="g-click")
    assert _google_login("tok-after-click").status_code == 409
