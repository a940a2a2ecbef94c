"""Who may do what to a restaurant (the tenant). The restaurant services enforce it; pages and the
API only ask, e.g. to hide a link.

- Restaurant-owner accounts and admins create restaurants (the creator becomes the owner).
- Owners and admins change settings, including the pause ("busy") switch, and deactivate.
- Staff see the dashboard and the menu (see `menu.roles`) but change no settings.
"""

from accounts.models import UserRole
from accounts.selectors import membership_role
from foodsys.common.exceptions import PermissionDeniedError
from foodsys.tenancy.actor import ADMIN, OWNER, Actor, actor_for
from foodsys.tenancy.resolution import is_admin

SETTINGS_EDITORS = frozenset({OWNER, ADMIN})  # settings, pause/busy, deactivation


def restaurant_actor(*, user, restaurant) -> Actor | None:
    """The user's actor in `restaurant`, None for an outsider (one query: the membership)."""
    if is_admin(user):
        return actor_for(user=user, membership_role=None)
    return actor_for(user=user, membership_role=membership_role(user=user, tenant=restaurant))


def may_create_restaurant(user) -> bool:
    return bool(user and user.is_authenticated and (user.role == UserRole.RESTAURANT_OWNER or is_admin(user)))


def may_change_settings(actor: Actor | None) -> bool:
    return actor is not None and actor.has_role(SETTINGS_EDITORS)


def check_may_change_settings(actor: Actor | None) -> None:
    if not may_change_settings(actor):
        raise PermissionDeniedError("Only the restaurant's owner may change it.", code="not_owner")
