"""Finding 3: registration is throttled per client IP (RATE_LIMIT_REGISTER, default 5/h), on the API and the
sign-up page, taken e-mails included, so `email_taken` cannot be used as a bulk lookup; 429 + Retry-After."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from foodsys.testing.factories import TEST_PASSWORD, UserFactory

REGISTER, SIGNUP = "/api/auth/register/", "/accounts/signup/"


def _register(email: str, ip: str):
    return APIClient().post(REGISTER, {"email": email, "password": TEST_PASSWORD, "name": "Rate Person"},
                            format="json", REMOTE_ADDR=ip)


def _signup(email: str, ip: str):
    return Client(REMOTE_ADDR=ip).post(SIGNUP, {"name": "Page Person", "email": email, "phone": "",
                                                "password1": TEST_PASSWORD, "password2": TEST_PASSWORD})


def _assert_throttled(response) -> None:
    assert response.status_code == 429, response.content[:300]
    assert int(response["Retry-After"]) > 0


def test_the_default_is_a_handful_per_hour(settings):
    assert settings.RATE_LIMITS["register"] == "5/h"


@pytest.mark.django_db
def test_the_sixth_sign_up_from_one_ip_in_an_hour_is_refused_and_another_ip_is_not():
    # given five sign-ups from one address
    for n in range(5):
        assert _register(f"burst{n}@example.com", "10.20.0.1").status_code == 201

    # when a sixth comes from it, and one from elsewhere
    refused = _register("burst5@example.com", "10.20.0.1")
    elsewhere = _register("burst6@example.com", "10.20.0.2")

    # then the sixth gets 429 with Retry-After (the error shape of every 429) and makes no account
    _assert_throttled(refused)
    assert refused.json()["error"]["code"] == "rate_limited"
    assert not User.objects.filter(email="burst5@example.com").exists()
    assert elsewhere.status_code == 201


@pytest.mark.django_db
def test_probing_taken_emails_spends_the_same_budget():
    # given accounts whose e-mails an attacker wants to confirm
    for n in range(6):
        UserFactory(email=f"known{n}@example.com")

    # when one IP asks about them
    answers = [_register(f"known{n}@example.com", "10.20.1.1") for n in range(6)]

    # then a person is still told their e-mail is taken, but only a handful of times
    assert [a.status_code for a in answers[:5]] == [400] * 5
    assert all(a.json()["error"]["code"] == "email_taken" for a in answers[:5])
    _assert_throttled(answers[5])


@pytest.mark.django_db
def test_the_limit_follows_rate_limit_register(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "register": "2/h"}

    statuses = [_register(f"set{n}@example.com", "10.20.2.1").status_code for n in range(3)]

    assert statuses == [201, 201, 429]


@pytest.mark.django_db
def test_the_sign_up_page_shares_the_budget_and_answers_429():
    # given four API sign-ups and one page sign-up from one address
    for n in range(4):
        assert _register(f"mixed{n}@example.com", "10.20.3.1").status_code == 201
    assert _signup("mixed4@example.com", "10.20.3.1").status_code == 302

    # when the page is used again
    response = _signup("mixed5@example.com", "10.20.3.1")

    # then it shows the form again with the reason, as a 429 with Retry-After
    _assert_throttled(response)
    assert "Too many sign-ups" in response.content.decode()
    assert not User.objects.filter(email="mixed5@example.com").exists()


@pytest.mark.redis
@pytest.mark.django_db
def test_the_register_throttle_holds_on_real_redis(settings):
    assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "register": "1/h"}

    assert _register("redis0@example.com", "10.20.4.1").status_code == 201
    _assert_throttled(_register("redis1@example.com", "10.20.4.1"))
