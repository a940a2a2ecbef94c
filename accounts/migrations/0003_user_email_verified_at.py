"""User.email_verified_at, and e-mails in canonical form.

Accounts that already sign in with Google count as verified (Google said so when they were linked or
created); every other existing account starts unverified and can verify from its e-mail
(POST /api/auth/verify-email/resend/). Stored e-mails not yet in canonical form (NFKC, case-folded:
accounts.models.canonical_email) are rewritten, unless that form belongs to another account (a lookalike
registered before this migration: left as it is, and logged)."""

import logging
import unicodedata

from django.db import migrations, models
from django.db.models import F

logger = logging.getLogger(__name__)


def _canonical(email: str) -> str:  # frozen copy of accounts.models.canonical_email
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", (email or "").strip()).casefold())


def emails_canonical(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    for user in User.objects.filter(email__regex=r"[^ -~]").only("pk", "email"):  # anything beyond printable ASCII
        canonical = _canonical(user.email)
        if canonical == user.email:
            continue
        if User.objects.filter(email__iexact=canonical).exclude(pk=user.pk).exists():
            logger.warning("User %s keeps e-mail %r: its canonical form belongs to another account", user.pk,
                           user.email)
            continue
        User.objects.filter(pk=user.pk).update(email=canonical)


def google_accounts_verified(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    UserSocialAuth = apps.get_model("social_django", "UserSocialAuth")
    linked = UserSocialAuth.objects.filter(provider="google-oauth2").values("user_id")
    User.objects.filter(pk__in=linked, email_verified_at__isnull=True).update(email_verified_at=F("date_joined"))


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0002_drop_redundant_tenant_index"),
        ("social_django", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_verified_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(google_accounts_verified, migrations.RunPython.noop),
        migrations.RunPython(emails_canonical, migrations.RunPython.noop),
    ]
