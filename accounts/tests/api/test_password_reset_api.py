"""Password reset over the API (issue 12: e-mail, finding 5 revocation, finding 3 "reveal nothing")."""

import re
from urllib.parse import urlsplit

import pytest
from rest_framework.test import APIClient

from accounts import services
from foodsys.testing.factories import TEST_PASSWORD, UserFactory
from foodsys.testing.mailbox import mailbox  # noqa: F401 - the fixture

LOGIN = "/api/auth/login/"
REFRESH = "/api/auth/refresh/"
ME = "/api/auth/me/"
RESET = "/api/auth/password-reset/"
CONFIRM = "/api/auth/password-reset/confirm/"
NEW_PASSWORD = "An0ther-Secret-Phrase"
_LINK = re.compile(r"/accounts/password-reset/(?P<uid>[^/]+)/(?P<token>[^/]+)/")


def _client(ip: str = "198.51.100.7") -> APIClient:
    return APIClient(REMOTE_ADDR=ip)


def _login(email: str, password: str = TEST_PASSWORD):
    return APIClient().post(LOGIN, {"email": email, "password": password}, format="json")


def _uid_token(url: str) -> dict:
    match = _LINK.search(urlsplit(url).path)
    assert match, url
    return match.groupdict()


@pytest.fixture
def user(db):
    return UserFactory(email="reset-api@example.com")


@pytest.mark.django_db(transaction=True)
def test_reset_request_answers_the_same_for_known_and_unknown_emails(user, mailbox):  # noqa: F811
    known = _client().post(RESET, {"email": user.email}, format="json")
    unknown = _client().post(RESET, {"email": "nobody-reset-api@example.com"}, format="json")

    assert known.status_code == unknown.status_code == 202
    assert known.json() == unknown.json()
    assert mailbox.wait_for(user.email)
    assert mailbox.messages_for("nobody-reset-api@example.com") == []


@pytest.mark.django_db(transaction=True)
def test_reset_request_sends_nothing_to_an_inactive_account(mailbox):  # noqa: F811
    UserFactory(email="inactive-reset@example.com", is_active=False)
    UserFactory(email="active-reset@example.com")

    response = _client().post(RESET, {"email": "inactive-reset@example.com"}, format="json")
    _client("198.51.100.8").post(RESET, {"email": "active-reset@example.com"}, format="json")

    assert response.status_code == 202
    assert mailbox.wait_for("active-reset@example.com")  # sent after it: had one gone out, it would be here
    assert mailbox.messages_for("inactive-reset@example.com") == []


def test_reset_request_is_throttled_per_email_whatever_the_ip(user, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": "2/h"}
    codes = [_client(f"198.51.100.{i}").post(RESET, {"email": "x-throttle@example.com"}, format="json").status_code
             for i in range(3)]
    assert codes == [202, 202, 429]


def test_reset_request_is_throttled_per_ip_whatever_the_email(db, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "password_reset": "2/h"}
    codes = [_client().post(RESET, {"email": f"ip-throttle{i}@example.com"}, format="json") for i in range(3)]
    assert [r.status_code for r in codes] == [202, 202, 429]
    assert "Retry-After" in codes[-1]


def test_reset_request_needs_a_valid_email(db):
    response = _client().post(RESET, {"email": "not-an-email"}, format="json")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["email"]


def test_confirm_sets_the_password_revokes_old_tokens_and_works_once(user):
    # given a signed-in device and a reset link
    old = _login(user.email).json()
    user.refresh_from_db()  # the link hashes last_login, which the sign-in just set
    uid, token, _url = services.password_reset_link(user=user)
    # when the link is used
    response = APIClient().post(CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD}, format="json")
    # then the new password works, the old one and the old tokens do not, and the link is spent
    assert response.status_code == 200, response.content
    assert _login(user.email, NEW_PASSWORD).status_code == 200
    assert _login(user.email).status_code == 401
    assert APIClient(HTTP_AUTHORIZATION=f"Bearer {old['access']}").get(ME).status_code == 401
    assert APIClient().post(REFRESH, {"refresh": old["refresh"]}, format="json").status_code == 401
    again = APIClient().post(CONFIRM, {"uid": uid, "token": token, "new_password": "Yet-An0ther-One"},
                             format="json")
    assert again.status_code == 400
    assert list(again.json()["error"]["fields"]) == ["token"]


def test_confirm_marks_the_email_verified(user):
    uid, token, _url = services.password_reset_link(user=user)

    APIClient().post(CONFIRM, {"uid": uid, "token": token, "new_password": NEW_PASSWORD}, format="json")

    user.refresh_from_db()
    assert user.email_verified


@pytest.mark.parametrize(("change", "field"), [
    ({"uid": "%%%"}, "uid"),
    ({"token": "abc-def"}, "token"),
    ({"new_password": "12345678"}, "new_password"),
    ({"new_password": ""}, "new_password"),
])
def test_confirm_errors_name_the_field(user, change, field):
    uid, token, _url = services.password_reset_link(user=user)
    body = {"uid": uid, "token": token, "new_password": NEW_PASSWORD, **change}

    response = APIClient().post(CONFIRM, body, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [field]
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_confirm_with_another_users_uid_fails(user):
    other = UserFactory(email="other-reset@example.com")
    _uid, token, _url = services.password_reset_link(user=user)
    other_uid, _other_token, _ = services.password_reset_link(user=other)

    response = APIClient().post(CONFIRM, {"uid": other_uid, "token": token, "new_password": NEW_PASSWORD},
                                format="json")

    assert response.status_code == 400
    other.refresh_from_db()
    assert other.check_password(TEST_PASSWORD)


def test_login_reveals_nothing_about_which_emails_exist(user):
    unknown = _login("nobody-login@example.com", "Wr0ng-Password")
    wrong = _login(user.email, "Wr0ng-Password")
    inactive = UserFactory(email="inactive-login@example.com", is_active=False)
    disabled = _login(inactive.email, TEST_PASSWORD)

    assert unknown.status_code == wrong.status_code == disabled.status_code == 401
    assert unknown.json() == wrong.json() == disabled.json()


@pytest.mark.smtp
@pytest.mark.django_db(transaction=True)
def test_reset_end_to_end_through_the_real_mail_server(mailbox):  # noqa: F811
    # given a user signed in on a device
    user = UserFactory(email="reset-e2e@example.com")
    old = _login(user.email).json()
    # when they ask for a reset and follow the link in the e-mail that arrived
    assert _client().post(RESET, {"email": user.email}, format="json").status_code == 202
    message = mailbox.wait_for(user.email)
    link = mailbox.link(message, "/accounts/password-reset/")
    assert link in mailbox.html(message)
    confirm = APIClient().post(CONFIRM, {**_uid_token(link), "new_password": NEW_PASSWORD}, format="json")
    # then the password is changed and every token issued before is dead
    assert mailbox.real_smtp
    assert confirm.status_code == 200, confirm.content
    assert _login(user.email, NEW_PASSWORD).status_code == 200
    assert APIClient(HTTP_AUTHORIZATION=f"Bearer {old['access']}").get(ME).status_code == 401
    assert APIClient().post(REFRESH, {"refresh": old["refresh"]}, format="json").status_code == 401
