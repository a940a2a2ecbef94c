"""Who may do what with a restaurant's orders (the services enforce it; pages only ask).

- Owners, staff and admins move orders along the state machine (orders.state_machine) and take
  phone and walk-in orders for callers and guests at the counter.
"""

from foodsys.common.exceptions import PermissionDeniedError
from foodsys.tenancy.actor import ADMIN, OWNER, STAFF, Actor

ORDER_TAKERS = frozenset({OWNER, STAFF, ADMIN})


def may_enter_orders(actor: Actor | None) -> bool:
    return actor is not None and actor.has_role(ORDER_TAKERS)


def check_may_enter_orders(actor: Actor | None) -> None:
    if not may_enter_orders(actor):
        raise PermissionDeniedError("Only the restaurant's owner and staff may enter orders.", code="role_forbidden")
