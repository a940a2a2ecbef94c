"""Server-rendered sign-in, sign-up and sign-out pages."""

import pytest
from django.contrib.auth import get_user

from accounts.models import User
from foodsys.testing.factories import TEST_PASSWORD, UserFactory

LOGIN, LOGOUT, SIGNUP = "/accounts/login/", "/accounts/logout/", "/accounts/signup/"


@pytest.mark.django_db
def test_login_page_renders_the_form_on_the_base_layout(client):
    response = client.get(LOGIN)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="username"' in html and 'name="password"' in html
    assert '/static/css/app.css' in html
    assert "Sign in with Google" not in html  # off unless GOOGLE_OAUTH2_KEY/SECRET are set


@pytest.mark.django_db
def test_login_page_shows_the_google_button_when_configured(client, google_on):
    html = client.get(LOGIN).content.decode()

    assert "Sign in with Google" in html
    assert 'action="/auth/login/google-oauth2/"' in html


@pytest.mark.django_db
def test_login_page_signs_the_user_in_and_redirects(client):
    user = UserFactory(email="page@example.com")

    response = client.post(LOGIN, {"username": "Page@Example.com", "password": TEST_PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert get_user(client).pk == user.pk


@pytest.mark.django_db
def test_login_page_shows_an_error_for_a_wrong_password(client):
    UserFactory(email="page@example.com")

    response = client.post(LOGIN, {"username": "page@example.com", "password": "nope"})

    assert response.status_code == 200
    assert "Invalid email or password." in response.content.decode()
    assert not get_user(client).is_authenticated


@pytest.mark.django_db
def test_login_page_shows_field_errors_next_to_fields(client):
    response = client.post(LOGIN, {"username": "not-an-email", "password": ""})

    html = response.content.decode()
    assert 'id="id_username_error"' in html and 'id="id_password_error"' in html


@pytest.mark.django_db
def test_login_page_is_throttled_after_five_failures(client):
    user = UserFactory(email="page@example.com")
    for _ in range(5):
        failed = client.post(LOGIN, {"username": user.email, "password": "nope"}, REMOTE_ADDR="10.2.0.1")
        assert failed.status_code == 200

    response = client.post(LOGIN, {"username": user.email, "password": TEST_PASSWORD}, REMOTE_ADDR="10.2.0.1")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert not get_user(client).is_authenticated


@pytest.mark.django_db
def test_login_page_and_api_share_the_failure_budget(client, api_client):
    user = UserFactory(email="shared@example.com")
    for _ in range(5):
        api_client.post("/api/auth/login/", {"email": user.email, "password": "nope"}, format="json",
                        REMOTE_ADDR="10.2.1.1")

    response = client.post(LOGIN, {"username": user.email, "password": TEST_PASSWORD}, REMOTE_ADDR="10.2.1.1")

    assert response.status_code == 429


@pytest.mark.django_db
def test_logout_is_post_only_and_signs_out(client):
    client.force_login(UserFactory())

    assert client.get(LOGOUT).status_code == 405
    response = client.post(LOGOUT)

    assert response.status_code == 302 and response["Location"] == LOGIN
    assert not get_user(client).is_authenticated


@pytest.mark.django_db
def test_signup_creates_a_restaurant_owner_and_signs_them_in(client):
    response = client.post(SIGNUP, {"name": "Olga", "email": "Olga@Example.com", "phone": "",
                                    "password1": "Tasty-Noodles-42", "password2": "Tasty-Noodles-42"})

    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    user = User.objects.get(email="olga@example.com")
    assert (user.role, user.is_staff, user.name) == ("restaurant_owner", False, "Olga")
    assert get_user(client).pk == user.pk
    assert not user.memberships.exists()  # the restaurant comes later, from the dashboard


@pytest.mark.django_db
def test_signup_shows_a_taken_email_next_to_the_email_field(client):
    UserFactory(email="olga@example.com")

    response = client.post(SIGNUP, {"name": "Olga", "email": "OLGA@example.com", "password1": "Tasty-Noodles-42",
                                    "password2": "Tasty-Noodles-42"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_email_error"' in html and "already exists" in html
    assert User.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("password1, password2, message", [
    ("password", "password", "too common"),
    ("Tasty-Noodles-42", "Tasty-Noodles-43", "differ"),
])
def test_signup_shows_password_problems_next_to_the_fields(client, password1, password2, message):
    response = client.post(SIGNUP, {"name": "Olga", "email": "olga@example.com", "password1": password1,
                                    "password2": password2})

    html = response.content.decode()
    assert response.status_code == 200
    assert message in html and "field-error" in html
    assert not User.objects.exists()


@pytest.mark.django_db
def test_signup_page_redirects_a_signed_in_user(client):
    client.force_login(UserFactory())

    assert client.get(SIGNUP)["Location"] == "/dashboard/"
