"""social-auth pipeline steps."""

from social_core.exceptions import AuthForbidden


def require_verified_email(backend, details, response, *args, **kwargs):
    """Link or create users by email only when Google says the email is verified."""
    if backend.name.startswith("google") and response.get("email_verified", response.get("verified_email")) is False:
        raise AuthForbidden(backend)
    if not details.get("email"):
        raise AuthForbidden(backend)
