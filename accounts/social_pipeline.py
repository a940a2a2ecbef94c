"""social-auth pipeline steps (listed in SOCIAL_AUTH_PIPELINE)."""

from django.utils import timezone
from social_core.exceptions import AuthPolicyError, AuthResponseError

from accounts.models import User, canonical_email


class InactiveAccountError(AuthPolicyError):
    """The email belongs to a disabled account: no sign-in, and no second account for the same address."""


class UnverifiedAccountError(AuthPolicyError):
    """The address has an account whose e-mail nobody has proved yet: it is not linked to this Google sign-in
    (whoever registered it may not own the address: account pre-hijacking), and no second account is made."""

    def __str__(self) -> str:
        return ("An account with this e-mail address exists but its address is not verified, so Google "
                "sign-in cannot be linked to it. Open the verification link we e-mailed to that address, "
                "or reset the account's password from that address, then sign in with Google again.")


def require_verified_email(backend, details, response, *args, **kwargs):
    """Link or create users by email only when Google says the email is verified."""
    if backend.name.startswith("google") and response.get("email_verified", response.get("verified_email")) is not True:
        raise AuthPolicyError(backend, "unverified email", code="email_verification_rejected")
    if not details.get("email"):
        raise AuthResponseError(backend, "no email", code="profile_email_missing")


def refuse_inactive_account(backend, details, user=None, *args, **kwargs):
    """associate_by_email skips inactive users; without this, create_user would collide with their email."""
    if user is not None:
        if not user.is_active:
            raise InactiveAccountError(backend, "inactive account")
        return
    if User.objects.filter(email__iexact=canonical_email(details["email"]), is_active=False).exists():
        raise InactiveAccountError(backend, "inactive account")


def associate_by_verified_email(backend, details, user=None, *args, **kwargs):
    """Replaces social-core's associate_by_email: a Google identity is linked by e-mail only to an account
    whose address is verified. An unverified account with that address refuses the sign-in (with a message
    saying how to proceed) rather than handing the account, and its password, to whoever made it.

    When a signed-in user links Google (user is set, no association yet), their account must be verified
    too, unless Google vouches for the very address of that account."""
    email = canonical_email(details["email"])
    if user is not None:
        if kwargs.get("social") is None and user.email_verified_at is None and user.email != email:
            raise UnverifiedAccountError(backend, "unverified account links another address")
        return None
    existing = User.objects.filter(email__iexact=email, is_active=True).first()
    if existing is None:
        return None
    if existing.email_verified_at is None:
        raise UnverifiedAccountError(backend, "unverified account")
    return {"user": existing, "is_new": False}


def mark_email_verified(backend, details, user=None, *args, **kwargs):
    """Google vouched for this address (require_verified_email): an account with it is verified."""
    if user is not None and user.email_verified_at is None and user.email == canonical_email(details["email"]):
        User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(email_verified_at=timezone.now())
        user.email_verified_at = timezone.now()
