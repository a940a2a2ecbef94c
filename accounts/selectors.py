"""Reads about users and their restaurant memberships.

`user` may be passed positionally here (the issue's contract shows `membership_list(user)`).
"""

from collections.abc import Iterable

from django.db.models import QuerySet

from accounts.models import Membership, User


def membership_list(user: User, *, roles: Iterable[str] | None = None) -> QuerySet[Membership]:
    """The user's memberships with their restaurant loaded, by restaurant name; none for anonymous users."""
    if not getattr(user, "is_authenticated", False):
        return Membership.objects.none()
    memberships = Membership.objects.filter(user=user).select_related("tenant").order_by("tenant__name", "id")
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    return memberships


def user_memberships(user: User) -> list[dict]:
    """What /api/auth/me shows: one entry per restaurant the user belongs to."""
    return [
        {
            "restaurant_id": membership.tenant.pk,
            "tenant_id": membership.tenant_id,
            "restaurant_name": membership.tenant.name,
            "role": membership.role,
        }
        for membership in membership_list(user)
    ]


def membership_role(*, user: User, tenant) -> str | None:
    """"owner" | "staff" for a member of `tenant` (a Restaurant or its tenant UUID), else None."""
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.for_tenant(tenant).filter(user=user).values_list("role", flat=True).first()


def membership_roles_text(memberships: Iterable[Membership]) -> str:
    """"owner of Pizzeria Roma, Sushi Zen; staff of Taco Loco" (memberships with their tenant loaded), "" if none."""
    by_role: dict[str, list[str]] = {}
    for membership in sorted(memberships, key=lambda m: (m.role, m.tenant.name)):
        by_role.setdefault(membership.role, []).append(membership.tenant.name)
    return "; ".join(f"{role} of {', '.join(names)}" for role, names in by_role.items())
