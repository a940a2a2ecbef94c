"""Who may do what with a restaurant's printing (printing.services enforces it).

- Owners, staff and admins register and change print devices, claim and acknowledge jobs from a
  tablet, and ask for reprints (with a reason). A print agent acts for its own device only, by token.
"""

from foodsys.common.exceptions import PermissionDeniedError
from foodsys.tenancy.actor import ADMIN, OWNER, STAFF, Actor

PRINT_OPERATORS = frozenset({OWNER, STAFF, ADMIN})


def may_operate_printing(actor: Actor | None) -> bool:
    return actor is not None and actor.has_role(PRINT_OPERATORS)


def check_may_operate_printing(actor: Actor | None) -> None:
    if not may_operate_printing(actor):
        raise PermissionDeniedError("Only the restaurant's owner and staff may do this.", code="role_forbidden")
