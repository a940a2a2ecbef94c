"""E-mail verification on registration: a signed, expiring, single-use link, e-mailed (over real SMTP in the
services pass); the page at the link writes nothing on GET; the API takes the token; resend is throttled;
an unverified account may order but not create a restaurant."""

import time
import uuid
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.core import signing
from django.test import Client

from accounts.models import User
from accounts.verification import TOKEN_SALT, email_verification_token
from foodsys.testing.factories import TEST_PASSWORD, OwnerFactory, UserFactory
from foodsys.testing.fixtures import bearer_client
from foodsys.testing.mailbox import mailbox  # noqa: F401 - the fixture
from orders.tests.helpers import order_payload

REGISTER = "/api/auth/register/"
VERIFY = "/api/auth/verify-email/"
RESEND = "/api/auth/verify-email/resend/"
PAGE = "/accounts/verify-email/"


def _address() -> str:
    return f"verify-{uuid.uuid4().hex[:12]}@example.com"


def _register(client, email: str, **fields):
    body = {"email": email, "password": TEST_PASSWORD, "name": "Vera Fy", **fields}
    return client.post(REGISTER, body, format="json")


def _token(url: str) -> str:
    return parse_qs(urlsplit(url).query)["token"][0]


# --- the e-mail ------------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_registering_emails_a_verification_link_and_the_account_starts_unverified(api_client, mailbox):  # noqa: F811
    # when someone registers over the API
    email = _address()
    response = _register(api_client, email)

    # then the account is unverified and a link to the verification page arrives at the address
    assert response.status_code == 201, response.content
    assert response.json()["user"]["email_verified"] is False
    message = mailbox.wait_for(email)
    url = mailbox.link(message, PAGE)
    assert url.startswith("http://testserver/accounts/verify-email/?token=")
    assert url in mailbox.html(message).replace("&amp;", "&")
    assert User.objects.get(email=email).email_verified_at is None


@pytest.mark.django_db(transaction=True)
def test_the_owner_sign_up_page_emails_a_link_too(mailbox):  # noqa: F811
    email = _address()

    response = Client().post("/accounts/signup/", {"name": "Page Owner", "email": email, "phone": "",
                                                   "password1": TEST_PASSWORD, "password2": TEST_PASSWORD})

    assert response.status_code == 302
    assert mailbox.link(mailbox.wait_for(email), PAGE)


@pytest.mark.django_db
def test_a_failed_registration_sends_nothing(api_client, mailbox):  # noqa: F811
    email = _address()

    response = _register(api_client, email, password="short")

    assert response.status_code == 400
    assert mailbox.messages_for(email) == []


# --- the link --------------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_opening_the_link_writes_nothing_and_its_confirm_button_verifies_once(api_client, mailbox):  # noqa: F811
    # given the link of a fresh registration
    email = _address()
    _register(api_client, email)
    url = mailbox.link(mailbox.wait_for(email), PAGE)
    browser = Client(enforce_csrf_checks=True)

    # when the link is opened (GET), as a mail scanner or link preview would
    page = browser.get(url)

    # then the page shows a confirm button carrying the token (and, not signed in, a password field);
    # nothing is verified yet
    html = page.content.decode()
    assert page.status_code == 200 and page["Referrer-Policy"] == "no-referrer"
    assert f'value="{_token(url)}"' in html and 'method="post"' in html and 'name="password"' in html
    assert User.objects.get(email=email).email_verified_at is None

    # when the button is pressed (POST with the page's CSRF token and the account's password)
    csrf = browser.cookies["csrftoken"].value
    done = browser.post(PAGE, {"token": _token(url), "password": TEST_PASSWORD, "csrfmiddlewaretoken": csrf})

    # then the address is verified; the same link a second time is refused
    assert done.status_code == 200 and "is verified" in done.content.decode()
    assert User.objects.get(email=email).email_verified_at is not None
    again = browser.post(PAGE, {"token": _token(url), "password": TEST_PASSWORD, "csrfmiddlewaretoken": csrf})
    assert again.status_code == 400 and "already used" in again.content.decode()


@pytest.mark.django_db
def test_signed_in_as_the_account_the_page_needs_no_password():
    user = UserFactory(email_verified_at=None)
    browser = Client()
    browser.force_login(user)
    token = email_verification_token(user=user)

    page = browser.get(PAGE, {"token": token})
    done = browser.post(PAGE, {"token": token})

    assert 'name="password"' not in page.content.decode()
    assert done.status_code == 200
    user.refresh_from_db()
    assert user.email_verified_at is not None


@pytest.mark.django_db(transaction=True)
def test_api_clients_verify_with_the_token_once(api_client, mailbox):  # noqa: F811
    email = _address()
    _register(api_client, email)
    token = _token(mailbox.link(mailbox.wait_for(email), PAGE))

    first = api_client.post(VERIFY, {"token": token, "password": TEST_PASSWORD}, format="json")
    second = api_client.post(VERIFY, {"token": token, "password": TEST_PASSWORD}, format="json")

    assert first.status_code == 200 and first.json() == {"email": email, "email_verified": True}
    assert second.status_code == 400
    assert second.json()["error"]["code"] == "token_used" and "token" in second.json()["error"]["fields"]


@pytest.mark.django_db
def test_api_verification_takes_the_accounts_bearer_token_instead_of_the_password():
    user = UserFactory(email_verified_at=None)
    other = UserFactory()
    token = email_verification_token(user=user)

    as_other = bearer_client(other).post(VERIFY, {"token": token}, format="json")
    as_user = bearer_client(user).post(VERIFY, {"token": token}, format="json")

    assert as_other.status_code == 400 and as_other.json()["error"]["code"] == "password_required"
    assert as_user.status_code == 200 and as_user.json()["email_verified"] is True


@pytest.mark.django_db
def test_an_expired_token_is_refused(api_client, settings, monkeypatch):
    # given a link issued two minutes ago, and links valid for one
    user = UserFactory(email_verified_at=None)
    issued = time.time() - 120
    monkeypatch.setattr("django.core.signing.time", SimpleNamespace(time=lambda: issued))
    token = email_verification_token(user=user)
    monkeypatch.setattr("django.core.signing.time", time)
    settings.EMAIL_VERIFICATION_MAX_AGE = 60

    response = api_client.post(VERIFY, {"token": token, "password": TEST_PASSWORD}, format="json")

    assert response.status_code == 400 and response.json()["error"]["code"] == "token_expired"
    user.refresh_from_db()
    assert user.email_verified_at is None


@pytest.mark.django_db
@pytest.mark.parametrize("forge", [
    lambda user: email_verification_token(user=user)[:-2] + "xx",  # signature broken
    lambda user: signing.dumps({"u": user.pk, "s": "0" * 32}, salt=TOKEN_SALT),  # signed, state guessed
    lambda user: signing.dumps({"u": user.pk, "s": "x"}, salt="another.salt"),  # another signer's token
    lambda user: "",
])
def test_forged_tokens_are_refused_naming_the_field(api_client, forge):
    user = UserFactory(email_verified_at=None)

    response = api_client.post(VERIFY, {"token": forge(user), "password": TEST_PASSWORD}, format="json")

    assert response.status_code == 400 and "token" in response.json()["error"]["fields"]
    user.refresh_from_db()
    assert user.email_verified_at is None


@pytest.mark.django_db
def test_a_link_for_another_address_of_the_same_account_no_longer_works(api_client):
    user = UserFactory(email="old@example.com", email_verified_at=None)
    token = email_verification_token(user=user)
    User.objects.filter(pk=user.pk).update(email="new@example.com")

    response = api_client.post(VERIFY, {"token": token, "password": TEST_PASSWORD}, format="json")

    assert response.status_code == 400 and response.json()["error"]["code"] == "token_used"


# --- resend --------------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_resend_sends_a_fresh_link_and_is_throttled_per_user(settings, mailbox):  # noqa: F811
    # given an unverified user allowed 2 resends
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "verify_email_resend": "2/h"}
    user = UserFactory(email=_address(), email_verified_at=None)
    client = bearer_client(user)

    # when they ask three times
    responses = [client.post(RESEND) for _ in range(3)]

    # then two links arrive and the third ask is refused with Retry-After
    assert [r.status_code for r in responses] == [202, 202, 429]
    assert int(responses[2]["Retry-After"]) > 0
    mailbox.wait_for(user.email, count=2)
    links = [mailbox.link(m, PAGE) for m in mailbox.messages_for(user.email)]
    assert len(links) == 2


@pytest.mark.django_db
def test_resend_needs_a_signed_in_unverified_user(api_client):
    verified = UserFactory()

    assert api_client.post(RESEND).status_code == 401
    response = bearer_client(verified).post(RESEND)
    assert response.status_code == 409 and response.json()["error"]["code"] == "already_verified"


# --- what an unverified account may do ---------------------------------------------------------
@pytest.mark.django_db
def test_an_unverified_customer_may_order(restaurant, menu_item):
    customer = UserFactory(email_verified_at=None)

    response = bearer_client(customer).post("/api/orders/", order_payload(restaurant, (menu_item, 1)), format="json")

    assert response.status_code == 201, response.content


@pytest.mark.django_db
def test_an_unverified_owner_cannot_create_a_restaurant_until_verified(api_client):
    owner = OwnerFactory(email_verified_at=None)
    client = bearer_client(owner)

    refused = client.post("/api/restaurants/", {"name": "Unverified Place", "cuisines": ["thai"]}, format="json")
    bearer_client(owner).post(VERIFY, {"token": email_verification_token(user=owner)}, format="json")
    allowed = client.post("/api/restaurants/", {"name": "Verified Place", "cuisines": ["thai"]}, format="json")

    assert refused.status_code == 403 and refused.json()["error"]["code"] == "email_unverified"
    assert allowed.status_code == 201, allowed.content


@pytest.mark.django_db
def test_the_dashboard_form_shows_the_unverified_refusal():
    owner = OwnerFactory(email_verified_at=None)
    browser = Client()
    browser.force_login(owner)

    response = browser.post("/dashboard/new/", {"name": "Page Place", "cuisines": "thai", "city": "Springfield",
                                                "timezone": "UTC", "currency": "USD"})

    assert response.status_code == 200 and "Verify your e-mail address" in response.content.decode()


# --- end to end over HTTP (services pass: real SMTP, a live server) ----------------------------------
@pytest.mark.smtp
@pytest.mark.django_db(transaction=True)
def test_register_then_follow_the_emailed_link_over_http(live_server, mailbox):  # noqa: F811
    # given a live server and the services' SMTP server
    email = _address()
    http = requests.Session()

    # when a client registers over HTTP
    registered = http.post(f"{live_server.url}{REGISTER}", json={"email": email, "password": TEST_PASSWORD,
                                                                  "name": "Http Person"}, timeout=10)
    assert registered.status_code == 201, registered.text

    # then the e-mail that arrived over SMTP links to this server; its page and button verify the address
    url = mailbox.link(mailbox.wait_for(email), PAGE)
    assert url.startswith(live_server.url)
    page = http.get(url, timeout=10)
    assert page.status_code == 200 and User.objects.get(email=email).email_verified_at is None
    done = http.post(f"{live_server.url}{PAGE}", data={"token": _token(url), "password": TEST_PASSWORD,
                                                       "csrfmiddlewaretoken": http.cookies["csrftoken"]},
                     headers={"Referer": url}, timeout=10)
    assert done.status_code == 200, done.text[:500]
    assert User.objects.get(email=email).email_verified_at is not None
    me = http.get(f"{live_server.url}/api/auth/me/", headers={"Authorization": f"Bearer {registered.json()['access']}"},
                  timeout=10)
    assert me.json()["email_verified"] is True


@pytest.mark.django_db(transaction=True)
def test_the_pages_resend_button_mails_a_new_link_to_the_signed_in_user(mailbox):  # noqa: F811
    user = UserFactory(email=_address(), email_verified_at=None)
    browser = Client()
    browser.force_login(user)

    response = browser.post("/accounts/verify-email/resend/")

    assert response.status_code == 302
    assert mailbox.link(mailbox.wait_for(user.email), PAGE)


@pytest.mark.django_db
def test_opening_a_broken_link_explains_and_offers_no_button():
    response = Client().get(PAGE, {"token": "not-a-token"})

    html = response.content.decode()
    assert response.status_code == 200 and "not valid" in html
    assert 'name="token"' not in html
