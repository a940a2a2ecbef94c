"""Refresh token families, on top of djangorestframework-simplejwt and its token_blacklist app.

A sign-in starts a family: the refresh token it issues carries a new `fam` claim and the sign-in time
in `auth_time`. Each rotation issues the next token of the same family (both claims copied), its expiry
capped at auth_time + JWT_REFRESH_FAMILY_LIFETIME, so a family ends however often it is rotated.

Presenting a refresh token that is already blacklisted (rotated or logged out) is reuse: somebody
holds a copy. `RefreshTokenReused` then names the family and `refresh_family_revoke` blacklists every
live token of it, which ends the sign-in for the thief and the owner alike.

The password binding is simplejwt's own (SIMPLE_JWT CHECK_REVOKE_TOKEN / REVOKE_TOKEN_CLAIM): every
token carries a digest of the stored password hash and stops working when the hash changes.
"""

from datetime import datetime, timedelta
from uuid import uuid4

from django.conf import settings
from django.utils import timezone
from rest_framework_simplejwt.exceptions import TokenBackendError, TokenError
from rest_framework_simplejwt.settings import api_settings as jwt_settings
from rest_framework_simplejwt.token_blacklist.models import BlacklistedToken, OutstandingToken
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.utils import datetime_from_epoch, datetime_to_epoch, get_md5_hash_password

FAMILY_CLAIM = "fam"
AUTH_TIME_CLAIM = "auth_time"


class RefreshTokenReused(TokenError):
    """A correctly signed, unexpired refresh token that was already blacklisted."""

    def __init__(self, payload: dict):
        super().__init__("Token is blacklisted")
        self.payload = payload

    @property
    def family(self) -> str | None:
        return self.payload.get(FAMILY_CLAIM)

    @property
    def user_id(self) -> str | None:
        return self.payload.get(jwt_settings.USER_ID_CLAIM)


class FamilyRefreshToken(RefreshToken):
    """A RefreshToken of a family. Decoding checks signature and expiry before the blacklist (simplejwt
    decodes first), so RefreshTokenReused is only raised for a token we really issued."""

    def check_blacklist(self) -> None:
        if BlacklistedToken.objects.filter(token__jti=self.payload[jwt_settings.JTI_CLAIM]).exists():
            if self.payload.get(jwt_settings.TOKEN_TYPE_CLAIM) == self.token_type:
                raise RefreshTokenReused(self.payload)
            raise TokenError("Token is blacklisted")

    @classmethod
    def for_user(cls, user) -> "FamilyRefreshToken":
        """The first token of a new family (a sign-in)."""
        return cls.issue(user=user, family=None, auth_time=None)

    @classmethod
    def issue(cls, *, user, family: str | None, auth_time: int | None) -> "FamilyRefreshToken":
        """A new outstanding refresh token of `family` (None: a new family starting now)."""
        token = cls()
        token[jwt_settings.USER_ID_CLAIM] = str(getattr(user, jwt_settings.USER_ID_FIELD))
        if jwt_settings.CHECK_REVOKE_TOKEN:
            token[jwt_settings.REVOKE_TOKEN_CLAIM] = password_digest(user)
        token[FAMILY_CLAIM] = family or uuid4().hex
        token[AUTH_TIME_CLAIM] = auth_time if auth_time is not None else datetime_to_epoch(token.current_time)
        family_end = datetime_from_epoch(token[AUTH_TIME_CLAIM]) + settings.JWT_REFRESH_FAMILY_LIFETIME
        if datetime_from_epoch(token["exp"]) > family_end:
            token.set_exp(from_time=family_end, lifetime=timedelta(0))
        OutstandingToken.objects.create(user=user, jti=token[jwt_settings.JTI_CLAIM], token=str(token),
                                        created_at=token.current_time, expires_at=datetime_from_epoch(token["exp"]))
        return token

    @property
    def access_token(self):
        access = super().access_token
        if access["exp"] > self["exp"]:  # near the family's end: no access beyond its refresh token
            access["exp"] = self["exp"]
        return access

    def next_in_family(self, *, user) -> "FamilyRefreshToken":
        """The rotated successor: same family, same sign-in time."""
        return self.issue(user=user, family=self.get(FAMILY_CLAIM), auth_time=self.get(AUTH_TIME_CLAIM))


def password_digest(user) -> str:
    """What simplejwt compares the REVOKE_TOKEN_CLAIM with (a digest of the stored hash, salt included)."""
    return get_md5_hash_password(user.password)


def _live_outstanding(user_id, now: datetime):
    return OutstandingToken.objects.filter(user_id=user_id, expires_at__gt=now, blacklistedtoken__isnull=True)


def _blacklist(tokens) -> int:
    rows = [BlacklistedToken(token=token) for token in tokens]
    BlacklistedToken.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def refresh_family_revoke(*, user_id, family: str) -> int:
    """Blacklists every live refresh token of the family; returns how many."""
    backend = FamilyRefreshToken().get_token_backend()
    members = []
    for outstanding in _live_outstanding(user_id, timezone.now()).only("id", "token"):
        try:
            payload = backend.decode(outstanding.token, verify=False)  # our own row: its signature is ours
        except TokenBackendError:  # an unreadable row is not of this family
            continue
        if payload.get(FAMILY_CLAIM) == family:
            members.append(outstanding)
    return _blacklist(members)


def refresh_tokens_revoke_all(*, user_id) -> int:
    """Blacklists every live refresh token of the user (every family): a password change."""
    return _blacklist(list(_live_outstanding(user_id, timezone.now()).only("id")))
