"""Who may change the menu. The one place that says it; the menu services enforce it for every
interface (API, dashboard pages, Django admin).

- Owners and admins edit everything: create, change, delete, reorder.
- Staff only switch `is_available` of items and options (the "86" switch).
"""

from collections.abc import Iterable

from foodsys.common.exceptions import PermissionDeniedError
from foodsys.tenancy.actor import ADMIN, OWNER, STAFF, Actor

MENU_EDITORS = frozenset({OWNER, ADMIN})
AVAILABILITY_SWITCHERS = frozenset({OWNER, STAFF, ADMIN})
SWITCHABLE_FIELDS = frozenset({"is_available"})  # what an availability switcher may change


def may_edit_menu(actor: Actor | None) -> bool:
    return actor is not None and actor.has_role(MENU_EDITORS)


def may_switch_availability(actor: Actor | None) -> bool:
    return actor is not None and actor.has_role(AVAILABILITY_SWITCHERS)


def check_may_edit_menu(actor: Actor | None) -> None:
    if not may_edit_menu(actor):
        raise PermissionDeniedError("Staff may only switch is_available on items and options.",
                                    code="role_forbidden")


def check_may_change(actor: Actor | None, fields: Iterable[str]) -> None:
    """A change of only `is_available` needs an availability switcher; anything else an editor."""
    if set(fields) <= SWITCHABLE_FIELDS and may_switch_availability(actor):
        return
    check_may_edit_menu(actor)
