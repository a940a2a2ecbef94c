import pytest
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken
from rest_framework_simplejwt.tokens import RefreshToken

from accounts.models import User, UserRole
from accounts.services import token_refresh, tokens_for_user, user_logout, user_register
from foodsys.common.exceptions import ApplicationError
from foodsys.testing.factories import UserFactory


@pytest.mark.django_db
def test_user_register_never_makes_staff_even_when_asked_for_an_admin_role():
    with pytest.raises(ApplicationError) as excinfo:
        user_register(email="a@example.com", password="Tasty-Noodles-42", name="A", role="admin")

    assert excinfo.value.fields == {"role": ["Choose customer or restaurant_owner."]}
    assert not User.objects.exists()


@pytest.mark.django_db
def test_user_register_stores_a_normalised_email():
    user = user_register(email="  Mixed.Case@EXAMPLE.com ", password="Tasty-Noodles-42", name=" Ann ",
                         role=UserRole.RESTAURANT_OWNER)

    assert (user.email, user.name, user.is_staff, user.is_superuser) == ("mixed.case@example.com", "Ann", False, False)


@pytest.mark.django_db
def test_user_register_rejects_a_password_like_the_email():
    with pytest.raises(ApplicationError) as excinfo:
        user_register(email="sunflower@example.com", password="sunflower@example", name="S")

    assert excinfo.value.code == "weak_password"
    assert "password" in excinfo.value.fields


@pytest.mark.django_db
def test_a_refresh_token_can_be_rotated_only_once():
    tokens = tokens_for_user(user=UserFactory())

    token_refresh(refresh=tokens.refresh)

    with pytest.raises(ApplicationError) as excinfo:
        token_refresh(refresh=tokens.refresh)
    assert excinfo.value.status_code == 401


@pytest.mark.django_db
def test_user_logout_blacklists_a_token_minted_without_an_outstanding_row():
    user = UserFactory()
    token = RefreshToken.for_user(user)
    token.outstand()  # idempotent; the row exists either way
    BlacklistedToken.objects.all().delete()

    user_logout(refresh=str(token))

    assert BlacklistedToken.objects.filter(token__jti=token["jti"]).exists()
