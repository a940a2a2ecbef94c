"""Every path that checks a password shares ONE login throttle (accounts.backends + accounts.throttling).

5 failed attempts (RATE_LIMIT_LOGIN_IP / RATE_LIMIT_LOGIN_EMAIL, "5/15m") and the 6th, with the right
password, is refused before the password is checked: on the API, the session login page, the admin
login page, and any direct caller of authenticate().
"""

import uuid

import pytest
from django.contrib.auth import authenticate, get_user
from django.core.cache import caches
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from accounts.throttling import LOGIN_LIMITED_MESSAGE
from foodsys.common.exceptions import RateLimitedError
from foodsys.testing.factories import TEST_PASSWORD, RestaurantFactory, UserFactory

API_LOGIN, PAGE_LOGIN, ADMIN_LOGIN = "/api/auth/login/", "/accounts/login/", "/admin/login/"


def _api(email: str, password: str, ip: str, **extra):
    return APIClient().post(API_LOGIN, {"email": email, "password": password}, format="json", REMOTE_ADDR=ip,
                            **extra)


def _page(client: Client, email: str, password: str, ip: str):
    return client.post(PAGE_LOGIN, {"username": email, "password": password}, REMOTE_ADDR=ip)


def _admin(client: Client, email: str, password: str, ip: str):
    return client.post(ADMIN_LOGIN, {"username": email, "password": password, "next": "/admin/"}, REMOTE_ADDR=ip)


@pytest.fixture
def admin(db):
    return UserFactory(email="root@example.com", is_staff=True, is_superuser=True)


# --- each path, after 5 failures on it, refuses the right password -------------------------------
@pytest.mark.django_db
def test_api_login_refuses_the_right_password_after_five_failures():
    user = UserFactory(email="api@example.com")
    for _ in range(5):
        assert _api(user.email, "wrong-password", "10.7.0.1").status_code == 401

    response = _api(user.email, TEST_PASSWORD, "10.7.0.1")

    assert response.status_code == 429, response.content
    assert int(response["Retry-After"]) > 0
    assert response.json()["error"]["code"] == "rate_limited"
    assert "access" not in response.json()


@pytest.mark.django_db
def test_session_login_page_refuses_the_right_password_after_five_failures(client):
    user = UserFactory(email="page@example.com")
    for _ in range(5):
        assert _page(client, user.email, "wrong-password", "10.7.1.1").status_code == 200

    response = _page(client, user.email, TEST_PASSWORD, "10.7.1.1")

    assert response.status_code == 429
    assert LOGIN_LIMITED_MESSAGE in response.content.decode()
    assert not get_user(client).is_authenticated


@pytest.mark.django_db
def test_admin_login_refuses_the_right_password_after_five_failures(client, admin):
    for _ in range(5):
        failed = _admin(client, admin.email, "wrong-password", "10.7.2.1")
        assert failed.status_code == 200 and "correct email" in failed.content.decode().lower()

    response = _admin(client, admin.email, TEST_PASSWORD, "10.7.2.1")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    html = response.content.decode()
    assert LOGIN_LIMITED_MESSAGE in html
    assert 'name="password"' in html  # the admin's own login page, with the message
    assert not get_user(client).is_authenticated


@pytest.mark.django_db
def test_admin_login_still_signs_in_below_the_limit(client, admin):
    for _ in range(4):
        _admin(client, admin.email, "wrong-password", "10.7.3.1")

    response = _admin(client, admin.email, TEST_PASSWORD, "10.7.3.1")

    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert get_user(client).pk == admin.pk


@pytest.mark.django_db
def test_admin_email_budget_holds_across_many_ips_and_any_letter_case(client, admin):
    for n in range(5):
        _admin(Client(), "ROOT@example.com", "wrong-password", f"10.7.4.{n + 1}")

    response = _admin(client, admin.email, TEST_PASSWORD, "10.7.5.1")

    assert response.status_code == 429
    assert not get_user(client).is_authenticated


# --- one budget for all of them ------------------------------------------------------------------
@pytest.mark.django_db
def test_admin_failures_spend_the_api_budget(client, admin):
    for _ in range(5):
        _admin(client, admin.email, "wrong-password", "10.7.6.1")

    assert _api(admin.email, TEST_PASSWORD, "10.7.6.1").status_code == 429


@pytest.mark.django_db
def test_api_and_page_failures_lock_the_admin_page(client, admin):
    for _ in range(3):
        _api(admin.email, "wrong-password", "10.7.7.1")
    for _ in range(2):
        _page(Client(), admin.email, "wrong-password", "10.7.7.1")

    assert _admin(client, admin.email, TEST_PASSWORD, "10.7.7.1").status_code == 429


@pytest.mark.django_db
def test_any_direct_caller_of_authenticate_is_throttled_before_the_password_is_checked():
    user = UserFactory(email="direct@example.com")
    request = RequestFactory().post("/", REMOTE_ADDR="10.7.8.1")
    for _ in range(5):
        assert authenticate(request, email=user.email, password="wrong-password") is None

    with pytest.raises(RateLimitedError) as excinfo:
        authenticate(request, username=user.email, password=TEST_PASSWORD)

    assert excinfo.value.message == LOGIN_LIMITED_MESSAGE
    assert authenticate(RequestFactory().post("/", REMOTE_ADDR="10.7.8.2"), email="other@example.com",
                        password=TEST_PASSWORD) is None  # another IP and e-mail are not blocked


@pytest.mark.django_db
def test_successful_sign_ins_on_every_path_are_not_counted(client, admin):
    for _ in range(3):
        assert _api(admin.email, TEST_PASSWORD, "10.7.9.1").status_code == 200
        assert _admin(Client(), admin.email, TEST_PASSWORD, "10.7.9.1").status_code == 302
        assert _page(Client(), admin.email, TEST_PASSWORD, "10.7.9.1").status_code == 302

    assert _api(admin.email, TEST_PASSWORD, "10.7.9.1").status_code == 200


# --- the client IP behind a proxy (finding 2) ----------------------------------------------------
@pytest.mark.django_db
def test_forged_forwarded_for_does_not_buy_more_attempts_without_a_trusted_proxy():
    user = UserFactory(email="forged@example.com")
    for n in range(5):
        _api(f"nobody{n}@example.com", "wrong-password", "10.7.10.1", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")

    response = _api(user.email, TEST_PASSWORD, "10.7.10.1", HTTP_X_FORWARDED_FOR="198.51.100.99")

    assert response.status_code == 429


@pytest.mark.django_db
def test_behind_a_trusted_proxy_one_clients_failures_do_not_lock_out_the_others(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    user = UserFactory(email="bystander@example.com")
    for n in range(5):
        _api(f"nobody{n}@example.com", "wrong-password", "10.7.11.1", HTTP_X_FORWARDED_FOR="203.0.113.66")

    attacker = _api(user.email, TEST_PASSWORD, "10.7.11.1", HTTP_X_FORWARDED_FOR="203.0.113.66")
    bystander = _api(user.email, TEST_PASSWORD, "10.7.11.1", HTTP_X_FORWARDED_FOR="203.0.113.77")

    assert attacker.status_code == 429
    assert bystander.status_code == 200


# --- the counters cannot be flushed (finding 7) --------------------------------------------------
@pytest.mark.django_db
def test_many_anonymous_q_searches_do_not_evict_the_failure_counters(client):
    user = UserFactory(email="flush@example.com")
    RestaurantFactory(name="Noodle Bar")
    for _ in range(5):
        _api(user.email, "wrong-password", "10.7.12.1")

    for n in range(450):  # from another address, so the flood stays within its own API budget
        flood = client.get("/api/restaurants/", {"q": uuid.uuid4().hex}, REMOTE_ADDR=f"10.8.{n // 200}.{n % 200}")
        assert flood.status_code == 200

    assert _api(user.email, TEST_PASSWORD, "10.7.12.1").status_code == 429


@pytest.mark.django_db
def test_filling_the_default_cache_does_not_evict_the_failure_counters():
    user = UserFactory(email="fill@example.com")
    for _ in range(5):
        _api(user.email, "wrong-password", "10.7.13.1")

    default = caches["default"]
    default.set_many({f"user-keyed:{n}": "x" for n in range(1000)}, timeout=60)

    assert _api(user.email, TEST_PASSWORD, "10.7.13.1").status_code == 429
