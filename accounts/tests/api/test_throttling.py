"""Login throttling: at most 5 FAILED logins per IP and per email in 15 minutes (settings.RATE_LIMITS)."""

import logging

import pytest
from rest_framework.test import APIClient

from foodsys.testing.factories import TEST_PASSWORD, UserFactory

URL = "/api/auth/login/"


def _login(email: str, password: str, ip: str):
    return APIClient().post(URL, {"email": email, "password": password}, format="json", REMOTE_ADDR=ip)


def _fail(times: int, *, ip: str | None = None, email: str | None = None) -> None:
    for n in range(times):
        response = _login(email or f"stranger{n}@example.com", "wrong-password", ip or f"10.9.0.{n + 1}")
        assert response.status_code == 401, response.content


def _assert_throttled(response) -> None:
    assert response.status_code == 429, response.content
    assert int(response["Retry-After"]) > 0
    body = response.json()
    assert body["status"] == 429
    assert body["error"]["code"] == "rate_limited"
    assert "access" not in body


@pytest.mark.django_db
def test_five_failures_from_one_ip_make_the_sixth_attempt_429_even_with_the_right_password():
    user = UserFactory(email="victim@example.com")
    _fail(5, ip="10.0.0.1")  # five different unknown emails: only the IP budget is spent

    response = _login(user.email, TEST_PASSWORD, "10.0.0.1")

    _assert_throttled(response)


@pytest.mark.redis
@pytest.mark.django_db
def test_ip_throttle_holds_on_real_redis(settings):
    assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    user = UserFactory()
    _fail(5, ip="10.0.0.2")

    _assert_throttled(_login(user.email, TEST_PASSWORD, "10.0.0.2"))
    assert _login(user.email, TEST_PASSWORD, "10.0.0.3").status_code == 200


@pytest.mark.django_db
def test_failures_on_one_email_from_many_ips_block_that_email_only():
    UserFactory(email="x@example.com")
    bystander = UserFactory(email="y@example.com")
    _fail(5, email="X@example.com")  # five IPs, one account (any letter case)

    _assert_throttled(_login("x@example.com", TEST_PASSWORD, "10.0.1.99"))
    assert _login(bystander.email, TEST_PASSWORD, "10.0.2.1").status_code == 200


@pytest.mark.django_db
def test_per_ip_limit_does_not_block_another_ip():
    user = UserFactory()
    _fail(5, ip="10.0.3.1")

    assert _login(user.email, TEST_PASSWORD, "10.0.3.2").status_code == 200


@pytest.mark.django_db
def test_four_failures_still_allow_a_correct_login():
    user = UserFactory()
    _fail(4, ip="10.0.4.1", email=user.email)

    assert _login(user.email, TEST_PASSWORD, "10.0.4.1").status_code == 200


@pytest.mark.django_db
def test_successful_logins_are_not_counted():
    user = UserFactory()

    statuses = {_login(user.email, TEST_PASSWORD, "10.0.5.1").status_code for _ in range(8)}

    assert statuses == {200}


@pytest.mark.django_db
def test_login_fails_open_when_the_cache_is_unreachable(settings, caplog):
    """The cache points at a closed local port through the real django-redis client (no Redis needed)."""
    settings.CACHES = {"default": {
        "BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5}}}
    user = UserFactory()

    with caplog.at_level(logging.WARNING, logger="foodsys.common.ratelimit"):
        failures = [_login(user.email, "wrong-password", "10.0.6.1").status_code for _ in range(6)]
        success = _login(user.email, TEST_PASSWORD, "10.0.6.1")

    assert failures == [401] * 6
    assert success.status_code == 200
    assert "cache is unavailable" in caplog.text
