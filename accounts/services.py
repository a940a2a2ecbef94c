"""Account writes: registration, sign-in (password or Google), JWT issue/rotation/revocation."""

import logging
from dataclasses import dataclass

import requests
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import update_last_login
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.utils import datetime_from_epoch
from social_core.exceptions import AuthConfigurationError, AuthProviderError, SocialAuthBaseException
from social_django.utils import load_backend, load_strategy

from accounts import verification
from accounts.emails import send_account_email, site_url
from accounts.models import User, UserRole, canonical_email
from accounts.social_pipeline import InactiveAccountError, UnverifiedAccountError
from accounts.throttling import login_failure_record, login_throttle_check
from accounts.tokens import FamilyRefreshToken, RefreshTokenReused, refresh_family_revoke, refresh_tokens_revoke_all
from foodsys.common.exceptions import (
    ApplicationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
)
from foodsys.common.ratelimit import Limit, check_rate, check_rates
from foodsys.tenancy.keys import api_user_limit_key, password_reset_email_limit_key

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
REGISTER_GROUP = "register"
REGISTER_LIMITED_MESSAGE = "Too many sign-ups from this network; try again later."
# Bidirectional embedding/override/isolate controls: they make a name display as something else.
BIDI_CONTROLS = frozenset(map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)]))


def registration_throttle_check(request: HttpRequest) -> None:
    """Counts one sign-up attempt of this client IP (RATE_LIMIT_REGISTER); 429 once the budget is spent.
    Every attempt counts, taken e-mails too, so `email_taken` cannot be used as a bulk lookup."""
    try:
        check_rate(request, group=REGISTER_GROUP, key="ip", rate=settings.RATE_LIMITS[REGISTER_GROUP])
    except RateLimitedError as exc:
        raise RateLimitedError(REGISTER_LIMITED_MESSAGE, retry_after=exc.retry_after) from None


def display_name_clean(name: str, *, field: str = "name") -> str:
    name = name.strip()
    if BIDI_CONTROLS.intersection(name):
        message = "Names cannot contain bidirectional control characters (U+202A-U+202E, U+2066-U+2069)."
        raise ApplicationError(message, code="invalid_name", fields={field: [message]})
    return name


@transaction.atomic
def user_register(*, email: str, password: str, name: str, role: str = UserRole.CUSTOMER,
                  phone: str = "", request: HttpRequest | None = None) -> User:
    """Creates a customer or restaurant owner; never a staff user, whatever the caller sends.

    With the request (the API and the sign-up page pass it), the attempt counts against the client IP's
    sign-up budget first, and the verification e-mail links to the request's origin. The account starts
    unverified (accounts.verification says what that allows); the e-mail is sent after commit."""
    if request is not None:
        registration_throttle_check(request)
    if role not in PUBLIC_ROLES:
        message = "Choose customer or restaurant_owner."
        raise ApplicationError(message, code="invalid_role", fields={"role": [message]})
    email = canonical_email(email)
    name = display_name_clean(name)
    if User.objects.filter(email__iexact=email).exists():
        raise _email_taken()
    user = User(email=email, name=name, phone=phone.strip(), role=role, is_staff=False, is_superuser=False)
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
    email_verification_send(user=user, request=request)
    return user


# --- e-mail verification -------------------------------------------------------------------------
VERIFY_RESEND_GROUP = "verify_email_resend"


def email_verification_url(*, user: User, request: HttpRequest | None = None) -> str:
    """The link in the e-mail: a page whose GET only shows a confirm button (a GET never writes)."""
    query = f"?token={verification.email_verification_token(user=user)}"
    return f"{site_url(request)}{reverse('accounts:verify-email')}{query}"


def email_verification_send(*, user: User, request: HttpRequest | None = None) -> None:
    """Sends (after commit) a verification link for the user's current e-mail."""
    send_account_email(user=user, kind="verify_email", request=request, context={
        "verify_url": email_verification_url(user=user, request=request),
        "valid_days": max(1, settings.EMAIL_VERIFICATION_MAX_AGE // 86400),
    })


def email_verification_resend(*, user: User, request: HttpRequest) -> None:
    """A new link for a signed-in, unverified user; RATE_LIMIT_VERIFY_EMAIL per user (429 when spent)."""
    if user.email_verified:
        raise ConflictError("This e-mail address is already verified.", code="already_verified")
    user_key = api_user_limit_key(user.pk)
    check_rate(request, group=VERIFY_RESEND_GROUP, key=lambda _group, _request: user_key,
               rate=settings.RATE_LIMITS[VERIFY_RESEND_GROUP])
    email_verification_send(user=user, request=request)


def email_verification_needs_password(*, user: User, actor: User | None) -> bool:
    """Whoever opens the link proves they own the mailbox, not that they made the account: someone may have
    registered another person's address with a password of their own. So verifying an account that has a
    password also takes that password, unless the request is signed in as that very account. (Otherwise the
    owner of the address, pressing the button in good faith, would hand a verified account to whoever
    registered it, and Google sign-in would then link into it.)"""
    signed_in_as_user = actor is not None and actor.is_authenticated and actor.pk == user.pk
    return user.has_usable_password() and not signed_in_as_user


@transaction.atomic
def user_email_verify(*, token: str, request: HttpRequest, actor: User | None = None,
                      password: str | None = None) -> User:
    """Marks the address of the token's user verified. Single use: the token's state no longer matches
    afterwards; two requests racing with one token verify once (conditional update). The account's password
    is checked behind the login throttle when email_verification_needs_password says so."""
    user = verification.email_verification_user(token=token)
    if email_verification_needs_password(user=user, actor=actor):
        if not password:
            message = "Enter the password of this account to confirm it is yours."
            raise ApplicationError(message, code="password_required", fields={"password": [message]})
        try:
            user_authenticate(request=request, email=user.email, password=password)
        except RateLimitedError:
            raise
        except ApplicationError:
            message = "This is not the password of the account."
            raise ApplicationError(message, code="password_wrong", fields={"password": [message]}) from None
    if not user_email_mark_verified(user=user):  # a concurrent request used the same link first
        message = "This verification link was already used or replaced."
        raise ApplicationError(message, code="token_used", fields={"token": [message]})
    return user


def user_email_mark_verified(*, user: User) -> bool:
    """Records that the owner of user.email proved it (a verification link, a password-reset link sent to
    it, or Google). True when this call verified it; False when it already was."""
    now = timezone.now()
    updated = User.objects.filter(pk=user.pk, email=user.email, email_verified_at__isnull=True).update(
        email_verified_at=now)
    if updated:
        user.email_verified_at = now
    return bool(updated)


# --- tokens ------------------------------------------------------------------------------------
# A sign-in starts a refresh token family (accounts/tokens.py); every token is bound to the password
# it was issued under (SIMPLE_JWT CHECK_REVOKE_TOKEN), so a password change, by any path, revokes it.
_jwt_users = JWTAuthentication()


def tokens_for_user(*, user: User) -> TokenPair:
    """A new sign-in: the first refresh token of a new family, and its access token."""
    return _pair(FamilyRefreshToken.for_user(user))


def _pair(refresh: FamilyRefreshToken) -> TokenPair:
    return TokenPair(access=str(refresh.access_token), refresh=str(refresh))


def _token_rejected() -> ApplicationError:
    return _unauthorized("Refresh token rejected: Token is blacklisted", "token_not_valid")


def _refresh_token(raw: str) -> FamilyRefreshToken:
    """A refresh token that is well-formed, signed, unexpired and not blacklisted, or a 401.
    A blacklisted one raises RefreshTokenReused (callers revoke its family)."""
    try:
        return FamilyRefreshToken(raw)
    except RefreshTokenReused:
        raise
    except TokenError as exc:
        raise _unauthorized(f"Refresh token rejected: {exc}", "token_not_valid")


def _active_user_of(token: FamilyRefreshToken) -> User:
    """The token's user, by simplejwt's own check (active; password unchanged since the token was issued)."""
    try:
        user = _jwt_users.get_user(token)
    except AuthenticationFailed as exc:  # DRF's or simplejwt's ({"detail", "code"}); InvalidToken is one too
        code = exc.detail.get("code") if isinstance(exc.detail, dict) else exc.get_codes()
        if code == "password_changed":
            raise _unauthorized("The password changed after this token was issued; sign in again.",
                                "password_changed")
        raise _unauthorized("No active account for this token.", "no_active_account")
    User.objects.select_for_update().filter(pk=user.pk).first()  # one rotation or revocation per user at once
    return user


def _blacklist_once(token: FamilyRefreshToken) -> None:
    """Blacklists the token; RefreshTokenReused when it already was (a concurrent rotation, a logout or a
    password change got there first)."""
    user_id = token.payload.get(jwt_settings.USER_ID_CLAIM)
    outstanding, _ = OutstandingToken.objects.get_or_create(
        jti=token[jwt_settings.JTI_CLAIM],
        defaults={"user": User.objects.filter(**{jwt_settings.USER_ID_FIELD: user_id}).first() if user_id else None,
                  "token": str(token), "created_at": token.current_time,
                  "expires_at": datetime_from_epoch(token["exp"])},
    )
    _, created = BlacklistedToken.objects.get_or_create(token=outstanding)
    if not created:
        raise RefreshTokenReused(token.payload)


def _family_revoke_on_reuse(reused: RefreshTokenReused) -> None:
    """Somebody holds a copy of a spent refresh token: end its whole family (that sign-in)."""
    if reused.family is None or reused.user_id is None:
        return
    with transaction.atomic():
        User.objects.select_for_update().filter(**{jwt_settings.USER_ID_FIELD: reused.user_id}).first()
        revoked = refresh_family_revoke(user_id=reused.user_id, family=reused.family)
    logger.warning("Refresh token reused for user %s: family %s revoked (%d live token(s))",
                   reused.user_id, reused.family, revoked)


@transaction.atomic
def _token_rotate(raw: str) -> TokenPair:
    token = _refresh_token(raw)
    user = _active_user_of(token)
    _blacklist_once(token)
    return _pair(token.next_in_family(user=user))


def token_refresh(*, refresh: str) -> TokenPair:
    """Rotates: the presented refresh token is blacklisted and the next one of its family is issued.
    Presenting an already blacklisted token revokes the family and answers 401."""
    try:
        return _token_rotate(refresh)
    except RefreshTokenReused as reused:
        _family_revoke_on_reuse(reused)
        raise _token_rejected() from None


@transaction.atomic
def _logout(raw: str) -> None:
    _blacklist_once(_refresh_token(raw))


def user_logout(*, refresh: str) -> None:
    """Revokes the refresh token; access tokens already issued expire on their own (15 minutes).
    A token that was already blacklisted is reuse, as in token_refresh: its family is revoked, 401."""
    try:
        _logout(refresh)
    except RefreshTokenReused as reused:
        _family_revoke_on_reuse(reused)
        raise _token_rejected() from None


def user_tokens_revoke(*, user: User) -> int:
    """Blacklists every live refresh token of the user. Access tokens die with the password they were
    issued under (CHECK_REVOKE_TOKEN); this records the refresh side explicitly."""
    return refresh_tokens_revoke_all(user_id=user.pk)


# --- passwords -----------------------------------------------------------------------------------
PASSWORD_RESET_IP_GROUP = "password_reset"
PASSWORD_RESET_EMAIL_GROUP = "password_reset_email"
PASSWORD_RESET_LIMITED_MESSAGE = "Too many password-reset requests; try again later."
PASSWORD_RESET_INVALID_MESSAGE = "This password-reset link is invalid, expired or already used."


def _password_validate(*, user: User, password: str, field: str) -> None:
    try:
        validate_password(password, user=user)
    except DjangoValidationError as exc:
        raise ApplicationError(exc.messages[0], code="weak_password", fields={field: exc.messages})


@transaction.atomic
def user_password_change(*, user: User, new_password: str, actor: User, field: str = "new_password") -> None:
    """The one place a password changes (the API, the reset pages, the reset API). The actor is the user
    (who proved it: current password or reset link) or a superuser. Every token issued before stops
    working: refresh tokens are blacklisted, and all tokens carry the old password's digest."""
    if actor.pk != user.pk and not actor.is_superuser:
        raise PermissionDeniedError("Only the account holder or a superuser may change this password.")
    _password_validate(user=user, password=new_password, field=field)
    User.objects.select_for_update().filter(pk=user.pk).first()  # no rotation slips in between
    user.set_password(new_password)
    user.save(update_fields=["password"])
    revoked = user_tokens_revoke(user=user)
    logger.info("Password of user %s changed by user %s; %d refresh token(s) revoked", user.pk, actor.pk, revoked)


def user_password_change_own(*, request: HttpRequest, user: User, current_password: str,
                             new_password: str) -> TokenPair:
    """A signed-in user changes their password. The current password is checked behind the login
    throttle (a wrong one counts as a failed sign-in). Returns a new sign-in: the old tokens are dead."""
    login_throttle_check(request, email=user.email)
    if not user.check_password(current_password):
        login_failure_record(request, email=user.email)
        message = "The current password is wrong."
        raise ApplicationError(message, code="wrong_password", fields={"current_password": [message]})
    user_password_change(user=user, new_password=new_password, actor=user)
    return tokens_for_user(user=user)


def password_reset_throttle(*, request: HttpRequest, email: str) -> None:
    """RATE_LIMIT_PASSWORD_RESET per client IP and per e-mail, counted for every address, known or not."""
    rate = settings.RATE_LIMITS[PASSWORD_RESET_IP_GROUP]
    email_key = password_reset_email_limit_key(email)
    try:
        check_rates(request, [Limit(PASSWORD_RESET_IP_GROUP, "ip", rate),
                              Limit(PASSWORD_RESET_EMAIL_GROUP, lambda _group, _request: email_key, rate)])
    except RateLimitedError as exc:
        raise RateLimitedError(PASSWORD_RESET_LIMITED_MESSAGE, retry_after=exc.retry_after) from None


def password_reset_link(*, user: User, request: HttpRequest | None = None) -> tuple[str, str, str]:
    """(uid, token, url): Django's reset token (it hashes the password and last login, so it works once)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password-reset-confirm", kwargs={"uidb64": uid, "token": token})
    return uid, token, f"{site_url(request)}{path}"


def user_password_reset_request(*, request: HttpRequest, email: str) -> None:
    """Sends a reset link when the address belongs to an active account with a password; otherwise does
    nothing. The caller answers the same either way; the throttle counts every request."""
    email = canonical_email(email)
    password_reset_throttle(request=request, email=email)
    user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is None or not user.has_usable_password():
        logger.info("Password reset asked for an address without a password account")
        return
    uid, token, url = password_reset_link(user=user, request=request)
    send_account_email(user=user, kind="password_reset", request=request, context={
        "reset_url": url, "uid": uid, "token": token,
        "valid_hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
    })


def password_reset_user(*, uid: str, token: str) -> User:
    """The user of a valid reset link, or a 400 naming the field at fault."""
    try:
        pk = force_str(urlsafe_base64_decode(uid))
        user = User.objects.filter(pk=int(pk), is_active=True).first()
    except (TypeError, ValueError, OverflowError):
        raise ApplicationError(PASSWORD_RESET_INVALID_MESSAGE, code="invalid_reset_link",
                               fields={"uid": [PASSWORD_RESET_INVALID_MESSAGE]})
    if user is None or not default_token_generator.check_token(user, token):
        raise ApplicationError(PASSWORD_RESET_INVALID_MESSAGE, code="invalid_reset_link",
                               fields={"token": [PASSWORD_RESET_INVALID_MESSAGE]})
    return user


@transaction.atomic
def user_password_reset_complete(*, user: User, new_password: str, field: str = "new_password") -> None:
    """Sets the password of the holder of a checked reset link (pages and API), revoking every token.
    The link reached the address, so the address is verified too."""
    user_password_change(user=user, new_password=new_password, actor=user, field=field)
    user_email_mark_verified(user=user)


def user_password_reset_confirm(*, uid: str, token: str, new_password: str) -> User:
    user = password_reset_user(uid=uid, token=token)
    user_password_reset_complete(user=user, new_password=new_password)
    return user


# --- password sign-in --------------------------------------------------------------------------
def user_authenticate(*, request: HttpRequest, email: str, password: str) -> User:
    """Checks credentials behind the login throttle: 429 when it is spent, 401 (counted) when wrong.
    The throttle sits in authenticate() itself (accounts.backends, accounts.throttling), as for every path.

    Inactive accounts fail like a wrong password, so the answer does not reveal which accounts exist.
    """
    email = canonical_email(email)
    user = authenticate(request, email=email, password=password)
    if user is None:
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
    except UnverifiedAccountError as exc:
        raise ConflictError(str(exc), code="email_unverified_account")
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
