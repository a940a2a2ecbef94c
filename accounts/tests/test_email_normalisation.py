"""Finding 10 (part): lookalike e-mails fold into the address they imitate (NFKC, then case-fold) before the
uniqueness check and at sign-in; display names with bidi override/isolate characters are refused (400
naming `name`)."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User, canonical_email
from foodsys.testing.factories import TEST_PASSWORD, UserFactory

REGISTER = "/api/auth/register/"
LONG_S, KELVIN = "\u017f", "\u212a"


def _register(email: str, name: str = "Look Alike", ip: str = "10.40.0.1"):
    return APIClient().post(REGISTER, {"email": email, "password": TEST_PASSWORD, "name": name}, format="json",
                            REMOTE_ADDR=ip)


@pytest.mark.parametrize(("raw", "canonical"), [
    (f"{LONG_S}taff@example.com", "staff@example.com"),
    (f"{KELVIN}ate@Example.COM", "kate@example.com"),
    ("\uff53taff@example.com", "staff@example.com"),  # fullwidth s
    ("  Ada@Example.com ", "ada@example.com"),
])
def test_canonical_email_folds_lookalikes(raw, canonical):
    assert canonical_email(raw) == canonical


@pytest.mark.django_db
@pytest.mark.parametrize("lookalike", [f"{LONG_S}taff@example.com", f"{LONG_S.upper()}TAFF@example.com",
                                       "STAFF@EXAMPLE.COM"])
def test_a_lookalike_of_a_registered_address_is_the_same_account(lookalike):
    # given staff@example.com has an account
    UserFactory(email="staff@example.com")

    # when someone registers its lookalike
    response = _register(lookalike)

    # then it is refused as taken, and there is still one account
    assert response.status_code == 400, response.content
    assert response.json()["error"]["code"] == "email_taken"
    assert User.objects.filter(email__iexact="staff@example.com").count() == 1 and User.objects.count() == 1


@pytest.mark.django_db
def test_a_lookalike_registration_is_stored_in_canonical_form():
    response = _register(f"{KELVIN}evin@example.com")

    assert response.status_code == 201, response.content
    assert response.json()["user"]["email"] == "kevin@example.com"


@pytest.mark.django_db
def test_sign_in_looks_the_account_up_in_canonical_form():
    user = UserFactory(email="signin.staff@example.com")

    api = APIClient().post("/api/auth/login/", {"email": f"{LONG_S}ignin.staff@example.com",
                                                "password": TEST_PASSWORD}, format="json")
    page = Client().post("/accounts/login/", {"username": f"{LONG_S}IGNIN.STAFF@example.com",
                                              "password": TEST_PASSWORD})

    assert api.status_code == 200 and api.json()["user"]["id"] == user.pk
    assert page.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("control", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e",
                                     "\u2066", "\u2067", "\u2068", "\u2069"])
def test_names_with_bidi_controls_are_refused_naming_the_field(control):
    response = _register("bidi@example.com", name=f"Admin{control}nimdA")

    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid_name" and "name" in error["fields"]
    assert not User.objects.filter(email="bidi@example.com").exists()


@pytest.mark.django_db
def test_the_sign_up_page_shows_the_bidi_refusal_next_to_the_name():
    response = Client().post("/accounts/signup/", {"name": "Eve\u202egnp.exe", "email": "bidi.page@example.com",
                                                   "phone": "", "password1": TEST_PASSWORD,
                                                   "password2": TEST_PASSWORD})

    assert response.status_code == 200
    assert 'id="id_name_error"' in response.content.decode()
    assert not User.objects.filter(email="bidi.page@example.com").exists()


@pytest.mark.django_db
def test_ordinary_non_latin_names_are_kept():
    response = _register("names@example.com", name="ليلى Ωmega 李")

    assert response.status_code == 201 and response.json()["user"]["name"] == "ليلى Ωmega 李"
