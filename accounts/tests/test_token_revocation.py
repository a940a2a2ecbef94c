"""Issue 12, finding 5: a password change revokes every token issued before it, and the refresh chain
is bounded (reuse of a rotated refresh token revokes its family; a family ends JWT_REFRESH_FAMILY_DAYS
after its sign-in)."""

from datetime import timedelta

import pytest
from asgiref.sync import sync_to_async
from django.test import Client, RequestFactory
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request
from rest_framework.test import APIClient
from rest_framework_simplejwt.token_blacklist.models import OutstandingToken
from rest_framework_simplejwt.tokens import AccessToken
from rest_framework_simplejwt.utils import datetime_from_epoch, datetime_to_epoch

from accounts import services
from accounts.models import User
from accounts.tokens import AUTH_TIME_CLAIM, FAMILY_CLAIM, FamilyRefreshToken
from foodsys.common.authentication import CachedJWTAuthentication
from foodsys.common.exceptions import PermissionDeniedError
from foodsys.realtime.testing import close_code_of, run_async, ws_communicator
from foodsys.testing.factories import TEST_PASSWORD, UserFactory

LOGIN = "/api/auth/login/"
REFRESH = "/api/auth/refresh/"
LOGOUT = "/api/auth/logout/"
ME = "/api/auth/me/"
PASSWORD = "/api/auth/password/"
NEW_PASSWORD = "An0ther-Secret-Phrase"


def _bearer(token: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Bearer {token}")


def _login(user, password: str = TEST_PASSWORD) -> dict:
    response = APIClient().post(LOGIN, {"email": user.email, "password": password}, format="json")
    assert response.status_code == 200, response.content
    return response.json()


def _refresh(token: str):
    return APIClient().post(REFRESH, {"refresh": token}, format="json")


@pytest.fixture
def user(db):
    return UserFactory(email="revoke@example.com")


# --- a password change, by any path, revokes the tokens issued before it --------------------------
def test_password_change_over_the_api_revokes_old_access_and_refresh_tokens(user):
    # given two signed-in devices
    phone, laptop = _login(user), _login(user)
    # when the user changes the password from the phone
    response = _bearer(phone["access"]).post(PASSWORD, {"current_password": TEST_PASSWORD,
                                                        "new_password": NEW_PASSWORD}, format="json")
    # then every earlier token is dead, the pair returned works, and so does the new password
    assert response.status_code == 200, response.content
    fresh = response.json()
    for old in (phone, laptop):
        assert _bearer(old["access"]).get(ME).status_code == 401
        assert _refresh(old["refresh"]).status_code == 401
    assert _bearer(fresh["access"]).get(ME).status_code == 200
    assert _refresh(fresh["refresh"]).status_code == 200
    assert _login(user, NEW_PASSWORD)["access"]


def test_an_old_access_token_is_refused_with_password_changed(user):
    tokens = _login(user)

    services.user_password_change(user=user, new_password=NEW_PASSWORD, actor=user)

    response = _bearer(tokens["access"]).get(ME)
    assert response.status_code == 401
    refresh = _refresh(tokens["refresh"])
    assert refresh.status_code == 401
    assert refresh.json()["error"]["code"] == "token_not_valid"  # blacklisted by the change


def test_a_password_set_outside_the_service_still_revokes_tokens(user):
    # given tokens, and a password changed by a path that knows nothing about tokens (shell, changepassword)
    tokens = _login(user)
    user.set_password(NEW_PASSWORD)
    user.save()
    # then the tokens carry the old password's digest and are refused, access and refresh
    assert _bearer(tokens["access"]).get(ME).status_code == 401
    response = _refresh(tokens["refresh"])
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "password_changed"


def test_a_password_change_in_the_admin_revokes_the_users_tokens(user, admin_user):
    tokens = _login(user)
    admin = Client()
    admin.force_login(admin_user)

    response = admin.post(f"/admin/accounts/user/{user.pk}/password/",
                          {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"})

    assert response.status_code == 302, response.content[:500]
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert _bearer(tokens["access"]).get(ME).status_code == 401
    assert _refresh(tokens["refresh"]).status_code == 401


def test_the_per_request_identity_cache_cannot_carry_a_revoked_token(user):
    # given a token issued before a password change, and a request-scoped cached result pairing it with
    # the user as now stored (as a middleware that skipped simplejwt's revocation check would leave it)
    access = AccessToken.for_user(user)
    user.set_password(NEW_PASSWORD)
    user.save()
    header = f"Bearer {access}"
    django_request = RequestFactory().get(ME, HTTP_AUTHORIZATION=header)
    django_request._jwt_authenticated = (header, (User.objects.get(pk=user.pk), access))
    # then the cache is not trusted: authentication runs again and refuses the token
    with pytest.raises(AuthenticationFailed):
        CachedJWTAuthentication().authenticate(Request(django_request))


@pytest.mark.django_db(transaction=True)
@run_async
async def test_a_websocket_bearer_token_issued_before_a_password_change_is_refused():
    user = await sync_to_async(UserFactory)(email="ws-revoke@example.com")
    access = str(AccessToken.for_user(user))
    assert await close_code_of(ws_communicator("/ws/orders/", subprotocols=["bearer", access])) is None

    await sync_to_async(services.user_password_change)(user=user, new_password=NEW_PASSWORD, actor=user)

    assert await close_code_of(ws_communicator("/ws/orders/", subprotocols=["bearer", access])) == 4401


def test_the_current_password_is_required_and_wrong_ones_count_as_failed_logins(user, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_email": "2/15m"}
    client = _bearer(_login(user)["access"])
    wrong = {"current_password": "not-it", "new_password": NEW_PASSWORD}

    first = client.post(PASSWORD, wrong, format="json")
    client.post(PASSWORD, wrong, format="json")
    third = client.post(PASSWORD, {**wrong, "current_password": TEST_PASSWORD}, format="json")

    assert first.status_code == 400
    assert list(first.json()["error"]["fields"]) == ["current_password"]
    assert third.status_code == 429  # the login throttle: a right password does not help once it is spent
    user.refresh_from_db()
    assert user.check_password(TEST_PASSWORD)


def test_a_weak_new_password_is_a_400_naming_the_field_and_revokes_nothing(user):
    tokens = _login(user)

    response = _bearer(tokens["access"]).post(PASSWORD, {"current_password": TEST_PASSWORD,
                                                         "new_password": "12345678"}, format="json")

    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == ["new_password"]
    assert _bearer(tokens["access"]).get(ME).status_code == 200


def test_only_the_user_or_a_superuser_may_change_a_password(user):
    other = UserFactory()
    with pytest.raises(PermissionDeniedError):
        services.user_password_change(user=user, new_password=NEW_PASSWORD, actor=other)


def test_password_change_needs_authentication(db):
    response = APIClient().post(PASSWORD, {"current_password": "x", "new_password": NEW_PASSWORD}, format="json")
    assert response.status_code == 401


# --- refresh families ----------------------------------------------------------------------------
def test_reuse_of_a_rotated_refresh_token_revokes_its_whole_family(user):
    # given a sign-in rotated twice, and a second sign-in (another device)
    first = _login(user)
    second_hop = _refresh(first["refresh"]).json()
    current = _refresh(second_hop["refresh"]).json()
    other_device = _login(user)
    # when the first, long rotated, refresh token shows up again (a stolen copy)
    replay = _refresh(first["refresh"])
    # then it is refused and the family's live token dies with it; the other sign-in is untouched
    assert replay.status_code == 401
    assert _refresh(current["refresh"]).status_code == 401
    assert _refresh(other_device["refresh"]).status_code == 200


def test_logout_with_an_already_rotated_token_also_revokes_the_family(user):
    first = _login(user)
    current = _refresh(first["refresh"]).json()

    response = APIClient().post(LOGOUT, {"refresh": first["refresh"]}, format="json")

    assert response.status_code == 401
    assert _refresh(current["refresh"]).status_code == 401


def test_rotation_keeps_the_family_and_the_sign_in_time(user):
    first = FamilyRefreshToken(_login(user)["refresh"])

    rotated = FamilyRefreshToken(_refresh(str(first)).json()["refresh"])

    assert rotated[FAMILY_CLAIM] == first[FAMILY_CLAIM]
    assert rotated[AUTH_TIME_CLAIM] == first[AUTH_TIME_CLAIM]
    assert rotated["jti"] != first["jti"]


def test_a_family_ends_its_lifetime_after_the_sign_in_however_often_rotated(user, settings):
    # given a sign-in made almost JWT_REFRESH_FAMILY_DAYS ago
    lifetime = settings.JWT_REFRESH_FAMILY_LIFETIME
    signed_in = FamilyRefreshToken().current_time - lifetime + timedelta(minutes=1)
    old = FamilyRefreshToken.issue(user=user, family=None, auth_time=datetime_to_epoch(signed_in))
    # when it is rotated
    response = _refresh(str(old))
    # then the next token (and its access token) expire with the family, not 7 days later
    assert response.status_code == 200
    rotated = FamilyRefreshToken(response.json()["refresh"])
    family_end = signed_in + lifetime
    assert datetime_from_epoch(rotated["exp"]) <= family_end
    assert datetime_from_epoch(AccessToken(response.json()["access"])["exp"]) <= family_end


def test_a_family_past_its_lifetime_cannot_be_refreshed(user, settings):
    signed_in = FamilyRefreshToken().current_time - settings.JWT_REFRESH_FAMILY_LIFETIME - timedelta(seconds=5)
    expired = FamilyRefreshToken.issue(user=user, family=None, auth_time=datetime_to_epoch(signed_in))

    assert _refresh(str(expired)).status_code == 401


def test_every_issued_refresh_token_is_outstanding(user):
    tokens = _login(user)
    jti = FamilyRefreshToken(tokens["refresh"])["jti"]
    assert OutstandingToken.objects.filter(jti=jti, user=user).exists()
