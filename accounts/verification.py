"""E-mail verification tokens and the rule of what an unverified account may do.

A token is `django.core.signing.dumps({"u": user id, "s": state})` with its own salt: signed with
SECRET_KEY, time-stamped (it expires after EMAIL_VERIFICATION_MAX_AGE seconds) and single-use, because
`state` is an HMAC of the user's e-mail and email_verified_at: once the address is verified (or changed),
every link issued before no longer matches.

An unverified account may sign in and order. It may not:
- be linked to a Google sign-in by e-mail (accounts.social_pipeline), nor link one while signed in
  with a different Google address;
- create a restaurant, i.e. become a tenant's owner (restaurants.services.restaurant_create).
"""

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import User
from foodsys.common.exceptions import ApplicationError, PermissionDeniedError

TOKEN_SALT = "accounts.verification.email"
_STATE_SALT = "accounts.verification.email.state"


def _state(user: User) -> str:
    verified = user.email_verified_at.isoformat() if user.email_verified_at else ""
    return salted_hmac(_STATE_SALT, f"{user.pk}|{user.email}|{verified}", algorithm="sha256").hexdigest()[:32]


def email_verification_token(*, user: User) -> str:
    return signing.dumps({"u": user.pk, "s": _state(user)}, salt=TOKEN_SALT, compress=False)


def _invalid(message: str, code: str) -> ApplicationError:
    return ApplicationError(message, code=code, fields={"token": [message]})


def email_verification_user(*, token: str) -> User:
    """The user this token verifies, or a 400 naming `token` (expired, forged, already used)."""
    try:
        payload = signing.loads(token, salt=TOKEN_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    except signing.SignatureExpired:
        raise _invalid("This verification link has expired; ask for a new one.", "token_expired")
    except signing.BadSignature:
        raise _invalid("This verification link is not valid.", "token_invalid")
    user = User.objects.filter(pk=payload.get("u"), is_active=True).first() if isinstance(payload, dict) else None
    if user is None:
        raise _invalid("This verification link is not valid.", "token_invalid")
    if not constant_time_compare(str(payload.get("s", "")), _state(user)):
        raise _invalid("This verification link was already used or replaced.", "token_used")
    return user


def require_verified_email(user: User, *, action: str) -> None:
    """403 for an account whose e-mail is not verified (superusers made by createsuperuser pass)."""
    if user.email_verified_at is None and not user.is_superuser:
        raise PermissionDeniedError(f"Verify your e-mail address before you {action}.", code="email_unverified")
