import itertools

import pytest

from foodsys.common.exceptions import ApplicationError, ConflictError, PermissionDeniedError
from orders import state_machine
from orders.enums import OrderStatus

S = OrderStatus
# The whole contract, written out by hand: (from, to) pairs the restaurant (and admin) may take.
RESTAURANT_MOVES = {
    (S.PENDING, S.CONFIRMED), (S.PENDING, S.CANCELLED),
    (S.CONFIRMED, S.PREPARING), (S.CONFIRMED, S.CANCELLED),
    (S.PREPARING, S.READY), (S.PREPARING, S.CANCELLED),
    (S.READY, S.OUT_FOR_DELIVERY),
    (S.OUT_FOR_DELIVERY, S.DELIVERED),
}
CUSTOMER_MOVES = {(S.PENDING, S.CANCELLED)}
ALL_PAIRS = list(itertools.product(S.values, S.values))


def _outcome(from_status, to_status, role, reason="because"):
    try:
        state_machine.check_transition(from_status=from_status, to_status=to_status, role=role, reason=reason)
    except ConflictError:
        return 409
    except PermissionDeniedError:
        return 403
    except ApplicationError:
        return 400
    return 200


@pytest.mark.parametrize(("from_status", "to_status"), ALL_PAIRS)
@pytest.mark.parametrize("role", [state_machine.RESTAURANT, "owner", "staff", state_machine.ADMIN])
def test_restaurant_and_admin_follow_the_strict_chain(from_status, to_status, role):
    # given / when
    outcome = _outcome(from_status, to_status, role)

    # then
    assert outcome == (200 if (from_status, to_status) in RESTAURANT_MOVES else 409)


@pytest.mark.parametrize(("from_status", "to_status"), ALL_PAIRS)
def test_customer_may_only_cancel_a_pending_order(from_status, to_status):
    # given / when
    outcome = _outcome(from_status, to_status, state_machine.CUSTOMER)

    # then: moves the machine allows someone else are 403, impossible moves 409
    if (from_status, to_status) in CUSTOMER_MOVES:
        assert outcome == 200
    elif (from_status, to_status) in RESTAURANT_MOVES:
        assert outcome == 403
    else:
        assert outcome == 409


@pytest.mark.parametrize("from_status", [S.CONFIRMED, S.PREPARING])
def test_cancelling_after_confirmation_needs_a_reason(from_status):
    # given / when / then
    assert _outcome(from_status, S.CANCELLED, state_machine.RESTAURANT, reason="") == 400
    assert _outcome(S.PENDING, S.CANCELLED, state_machine.RESTAURANT, reason="") == 200


def test_final_states_allow_nothing():
    for status, role in itertools.product(
            (S.DELIVERED, S.CANCELLED), (state_machine.CUSTOMER, state_machine.RESTAURANT, state_machine.ADMIN)):
        assert state_machine.next_statuses(status, role) == []


def test_the_conflict_names_current_status_and_allowed_moves():
    # given / when
    with pytest.raises(ConflictError) as caught:
        state_machine.check_transition(from_status=S.CONFIRMED, to_status=S.DELIVERED,
                                       role=state_machine.RESTAURANT, reason="")

    # then
    assert caught.value.extra == {"current_status": "confirmed", "allowed": ["preparing", "cancelled"]}
    assert "confirmed" in caught.value.message


def test_an_unrelated_caller_may_do_nothing():
    assert state_machine.next_statuses(S.PENDING, None) == []
