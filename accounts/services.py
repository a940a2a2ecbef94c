"""Account writes: registration, sign-in (password or Google), JWT issue/rotation/revocation."""

import logging
from dataclasses import dataclass

import requests
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import update_last_login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch
from social_core.exceptions import AuthConfigurationError, AuthProviderError, SocialAuthBaseException
from social_django.utils import load_backend, load_strategy

from accounts.models import User, UserRole
from accounts.social_pipeline import InactiveAccountError
from accounts.throttling import login_failure_record, login_throttle_check
from foodsys.common.exceptions import ApplicationError, ConflictError, NotFoundError

logger = logging.getLogger(__name__)

# Roles anyone may pick when signing up. Admins are is_staff users made with createsuperuser.
PUBLIC_ROLES = frozenset({UserRole.CUSTOMER, UserRole.RESTAURANT_OWNER})
GOOGLE_BACKEND = "google-oauth2"
_GOOGLE_DOWN_CODES = {"connection_failed", "timeout", "tls_error", "unavailable", "rate_limited"}


@dataclass(frozen=True)
class TokenPair:
    access: str
    refresh: str


def _unauthorized(message: str, code: str) -> ApplicationError:
    return ApplicationError(message, code=code, status=401)


def _email_taken() -> ApplicationError:
    message = "An account with this email already exists."
    return ApplicationError(message, code="email_taken", fields={"email": [message]})


# --- registration ------------------------------------------------------------------------------
@transaction.atomic
def user_register(*, email: str, password: str, name: str, role: str = UserRole.CUSTOMER,
                  phone: str = "") -> User:
    """Creates a customer or restaurant owner; never a staff user, whatever the caller sends."""
    if role not in PUBLIC_ROLES:
        message = "Choose customer or restaurant_owner."
        raise ApplicationError(message, code="invalid_role", fields={"role": [message]})
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise _email_taken()
    user = User(email=email, name=name.strip(), phone=phone.strip(), role=role, is_staff=False, is_superuser=False)
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise ApplicationError(exc.messages[0], code="weak_password", fields={"password": exc.messages})
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:  # a concurrent registration won the race for this email
        raise _email_taken()
    return user


# --- tokens ------------------------------------------------------------------------------------
def tokens_for_user(*, user: User) -> TokenPair:
    refresh = RefreshToken.for_user(user)
    return TokenPair(access=str(refresh.access_token), refresh=str(refresh))


def _refresh_token(raw: str) -> RefreshToken:
    """A refresh token that is well-formed, signed, unexpired and not blacklisted, or a 401."""
    try:
        return RefreshToken(raw)
    except TokenError as exc:
        raise _unauthorized(f"Refresh token rejected: {exc}", "token_not_valid")


def _active_user_of(token: RefreshToken) -> User:
    user_id = token.payload.get(jwt_settings.USER_ID_CLAIM)
    user = User.objects.filter(**{jwt_settings.USER_ID_FIELD: user_id}).first() if user_id else None
    if user is None or not user.is_active:
        raise _unauthorized("No active account for this token.", "no_active_account")
    return user


def _blacklist_once(token: RefreshToken) -> None:
    """Blacklists the token; a 401 when it already was (a reused token, or a concurrent rotation)."""
    user_id = token.payload.get(jwt_settings.USER_ID_CLAIM)
    outstanding, _ = OutstandingToken.objects.get_or_create(
        jti=token[jwt_settings.JTI_CLAIM],
        defaults={"user": User.objects.filter(**{jwt_settings.USER_ID_FIELD: user_id}).first() if user_id else None,
                  "token": str(token), "created_at": token.current_time,
                  "expires_at": datetime_from_epoch(token["exp"])},
    )
    _, created = BlacklistedToken.objects.get_or_create(token=outstanding)
    if not created:
        raise _unauthorized("Refresh token rejected: Token is blacklisted", "token_not_valid")


@transaction.atomic
def token_refresh(*, refresh: str) -> TokenPair:
    """Rotates: the presented refresh token is blacklisted and a new pair is issued."""
    token = _refresh_token(refresh)
    user = _active_user_of(token)
    _blacklist_once(token)
    return tokens_for_user(user=user)


@transaction.atomic
def user_logout(*, refresh: str) -> None:
    """Revokes the refresh token; access tokens already issued expire on their own (15 minutes)."""
    _blacklist_once(_refresh_token(refresh))


# --- password sign-in --------------------------------------------------------------------------
def user_authenticate(*, request: HttpRequest, email: str, password: str) -> User:
    """Checks credentials behind the login throttle: 429 when it is spent, 401 (counted) when wrong.

    Inactive accounts fail like a wrong password, so the answer does not reveal which accounts exist.
    """
    email = email.strip().lower()
    login_throttle_check(request, email=email)
    user = authenticate(request, email=email, password=password)
    if user is None:
        login_failure_record(request, email=email)
        raise _unauthorized("Invalid email or password.", "invalid_credentials")
    return user


def user_login_tokens(*, request: HttpRequest, email: str, password: str) -> tuple[User, TokenPair]:
    user = user_authenticate(request=request, email=email, password=password)
    update_last_login(None, user)
    return user, tokens_for_user(user=user)


# --- Google ------------------------------------------------------------------------------------
GOOGLE_TOKENINFO_URL = "https://oauth2.googleapis.com/tokeninfo"


def google_require_enabled() -> None:
    """Google sign-in is on when GOOGLE_OAUTH2_KEY and _SECRET are set; otherwise it reads as absent (404)."""
    if not settings.GOOGLE_OAUTH2_ENABLED:
        raise NotFoundError("Google sign-in is not configured.", code="not_configured")


def google_user_from_token(*, request: HttpRequest, access_token: str) -> User:
    """Signs in with a Google access token obtained by an app; creates or links the user by verified email.

    Runs the social-auth pipeline (which asks Google for the profile). Failures count against the
    client IP's login budget, since each attempt costs a call to Google.
    """
    google_require_enabled()
    login_throttle_check(request, email=None)
    strategy = load_strategy(request)
    try:
        backend = load_backend(strategy, GOOGLE_BACKEND, redirect_uri=None)
    except AuthConfigurationError:
        logger.error("GOOGLE_OAUTH2 keys are set but %s is not in AUTHENTICATION_BACKENDS", GOOGLE_BACKEND)
        raise NotFoundError("Google sign-in is not configured.", code="not_configured")
    try:
        user = None
        if _google_token_is_ours(backend, access_token):
            with transaction.atomic():  # the pipeline's writes (user, association) land together or not at all
                user = backend.do_auth(access_token)
    except InactiveAccountError:
        raise _unauthorized("This account is disabled.", "no_active_account")
    except IntegrityError:  # two first sign-ins with one new email at once; the loser may simply retry
        raise ConflictError("This account is being created by another request; retry.", code="account_conflict")
    except AuthProviderError as exc:
        if exc.code in _GOOGLE_DOWN_CODES:
            logger.warning("Google sign-in unavailable: %s", exc.code)
            raise ApplicationError("Google could not be reached; try again shortly.", code="google_unavailable",
                                   status=503)
        user = None
    except SocialAuthBaseException as exc:
        logger.info("Google token rejected: %s (%s)", exc.code, exc.stage)
        user = None
    if not isinstance(user, User):
        login_failure_record(request, email=None)
        raise ApplicationError("Google did not accept this token.", code="google_token_rejected",
                               fields={"access_token": ["Invalid or expired Google access token."]})
    if not user.is_active:
        raise _unauthorized("This account is disabled.", "no_active_account")
    return user


def _google_token_is_ours(backend, access_token: str) -> bool:
    """Google's userinfo endpoint accepts a token minted for ANY app; tokeninfo tells whose it is.
    Without this check, a hostile app holding a user's token could sign in as them here."""
    allowed = {settings.SOCIAL_AUTH_GOOGLE_OAUTH2_KEY, *settings.GOOGLE_OAUTH2_EXTRA_CLIENT_IDS}
    try:
        info = backend.get_json(GOOGLE_TOKENINFO_URL, params={"access_token": access_token})
    except requests.HTTPError:  # tokeninfo answers 400 for invalid or expired tokens
        return False
    return bool(info.get("aud") in allowed or info.get("azp") in allowed)


def google_login_tokens(*, request: HttpRequest, access_token: str) -> tuple[User, TokenPair]:
    user = google_user_from_token(request=request, access_token=access_token)
    update_last_login(None, user)
    return user, tokens_for_user(user=user)
