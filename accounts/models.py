import unicodedata

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from foodsys.tenancy.models import TenantScopedModel, tenant_index


class UserRole(models.TextChoices):
    CUSTOMER = "customer", "Customer"
    RESTAURANT_OWNER = "restaurant_owner", "Restaurant owner"


def canonical_email(email: str | None) -> str:
    """The one form an address is stored, compared and looked up in: NFKC, then case-folded.

    Lookalikes fold into the address they imitate: "\u017ftaff@x" (long s) and "\u212aate@x" (Kelvin sign)
    become "staff@x" and "kate@x", so they cannot register as a second account next to it."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", (email or "").strip()).casefold())


class UserManager(BaseUserManager):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email):
        return canonical_email(email)

    def get_by_natural_key(self, username):
        canonical = canonical_email(username)
        try:
            return self.get(email=canonical)
        except self.model.DoesNotExist:
            legacy = (username or "").strip().lower()  # a lookalike kept by migration 0003 (it collided)
            if legacy == canonical:
                raise
            return self.get(email=legacy)

    def _create_user(self, email: str, password: str | None, **fields) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        fields["name"] = fields.get("name") or ""  # social-auth passes None when the provider has no name
        user = self.model(email=canonical_email(email), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(max_length=254, unique=True)
    name = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=32, blank=True)
    role = models.CharField(max_length=32, choices=UserRole.choices, default=UserRole.CUSTOMER)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Set when the owner of the address proved it (the link in the verification e-mail, or Google saying so).
    email_verified_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self) -> str:
        return self.email

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def save(self, *args, **kwargs):
        # Emails are stored in canonical form (NFKC, case-folded), unique on lower(email) as before.
        self.email = canonical_email(self.email)
        super().save(*args, **kwargs)


class MembershipRole(models.TextChoices):
    OWNER = "owner", "Owner"
    STAFF = "staff", "Staff"


class Membership(TenantScopedModel):
    """A user's role in one restaurant (the tenant)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=MembershipRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "user"], name="membership_unique_user")]
        indexes = [tenant_index("role", name="membership_tenant_role")]

    @property
    def restaurant(self):
        return self.tenant

    def __str__(self) -> str:
        return f"{self.user} {self.role} @ {self.tenant_id}"
