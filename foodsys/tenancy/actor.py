"""Who does something to a tenant's data: a user and the role they act in there.

Services that enforce role rules take an `actor` (keyword-only) instead of a bare user, so the rule
lives in the service and every interface (API, pages, admin) gets the same answer. Each app says which
roles may do what in its own `roles.py`. This module imports no app: `user` is whatever
AUTH_USER_MODEL is (or None for a customer-less system action).
"""

from dataclasses import dataclass
from typing import Any

from foodsys.tenancy.resolution import is_admin

OWNER = "owner"
STAFF = "staff"
ADMIN = "admin"  # platform staff (is_staff / is_superuser), acting in any tenant
CUSTOMER = "customer"
TENANT_ROLES = frozenset({OWNER, STAFF, ADMIN})


@dataclass(frozen=True)
class Actor:
    user: Any
    role: str  # OWNER | STAFF | ADMIN | CUSTOMER

    @classmethod
    def admin(cls, user) -> "Actor":
        """A platform administrator, e.g. acting through the Django admin."""
        return cls(user=user, role=ADMIN)

    @property
    def is_owner(self) -> bool:
        return self.role == OWNER

    @property
    def is_staff(self) -> bool:
        return self.role == STAFF

    @property
    def is_admin(self) -> bool:
        return self.role == ADMIN

    def has_role(self, roles: frozenset[str] | tuple[str, ...]) -> bool:
        return self.role in roles


def actor_for(*, user, membership_role: str | None) -> Actor | None:
    """The actor `user` is in a tenant where their membership role is `membership_role` (None: not a
    member). A platform admin acts as "admin" everywhere, even where they also hold a membership:
    one rule for the API and the pages."""
    if is_admin(user):
        return Actor(user=user, role=ADMIN)
    if membership_role in (OWNER, STAFF):
        return Actor(user=user, role=membership_role)
    return None
