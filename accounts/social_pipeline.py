"""social-auth pipeline steps (listed in SOCIAL_AUTH_PIPELINE)."""

from social_core.exceptions import AuthPolicyError, AuthResponseError

from accounts.models import User


class InactiveAccountError(AuthPolicyError):
    """The email belongs to a disabled account: no sign-in, and no second account for the same address."""


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
    if User.objects.filter(email__iexact=details["email"], is_active=False).exists():
        raise InactiveAccountError(backend, "inactive account")
