"""Who may do what to a restaurant (the tenant). The restaurant services enforce it; pages and the
API only ask, e.g. to hide a link.

- Restaurant-owner accounts and admins create restaurants (the creator becomes the owner).
- Owners and admins change settings, including the pause ("busy") switch, and deactivate.
- Staff see the dashboard and the menu (see `menu.roles`) but change no settings.
- Owners, staff and admins run the service: busy mode and the pause switch with an end time, from
  the board during a rush (`restaurant_busy_start`, `restaurant_pause`).
"""

from accounts.models import UserRole
from accounts.selectors import membership_role
from foodsys.common.exceptions import PermissionDeniedError
from foodsys.tenancy.actor import ADMIN, OWNER, STAFF, Actor, actor_for
from foodsys.tenancy.resolution import is_admin

SETTINGS_EDITORS = frozenset({OWNER, ADMIN})  # settings, deactivation
SERVICE_CONTROLLERS = frozenset({OWNER, STAFF, ADMIN})  # busy mode, pause until, during service


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


def may_control_service(actor: Actor | None) -> bool:
    return actor is not None and actor.has_role(SERVICE_CONTROLLERS)


def check_may_control_service(actor: Actor | None) -> None:
    if not may_control_service(actor):
        raise PermissionDeniedError("Only the restaurant's owner and staff may change busy mode or pause.",
                                    code="role_forbidden")
