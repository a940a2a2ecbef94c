"""order_transition and order_cancel_by_admin: roles, timestamps, audit rows, events."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from foodsys.common.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from foodsys.events.schema import validate_envelope
from foodsys.tenancy.actor import Actor
from foodsys.testing import factories as f
from orders import services
from orders.enums import EventType, OrderStatus
from orders.models import Order, OrderStatusChange, OutboxEvent
from orders.state_machine import TIMESTAMP_FIELDS
from orders.tests.helpers import advance, transition
from orders.tests.test_state_machine import RESTAURANT_MOVES

S = OrderStatus


def _status_events(order):
    return [e.payload["data"] for e in OutboxEvent.objects.filter(
        event_type=EventType.ORDER_STATUS_UPDATED, payload__order_id=str(order.pk)).order_by("id")]


@pytest.mark.parametrize(("from_status", "to_status"), list(itertools.product(S.values, S.values)))
def test_every_pair_through_the_service(pending_order, owner, from_status, to_status):
    # given
    Order.objects.filter(pk=pending_order.pk).update(status=from_status)
    events_before = OutboxEvent.objects.count()

    # when
    try:
        transition(pending_order.pk, to_status, by=owner, reason="why")
        outcome = 200
    except ConflictError:
        outcome = 409

    # then
    pending_order.refresh_from_db()
    if (from_status, to_status) in RESTAURANT_MOVES:
        assert outcome == 200 and pending_order.status == to_status
        assert getattr(pending_order, TIMESTAMP_FIELDS[to_status]) is not None
        assert OutboxEvent.objects.count() == events_before + 1
    else:
        assert outcome == 409 and pending_order.status == from_status
        assert OutboxEvent.objects.count() == events_before
        assert not OrderStatusChange.objects.exists()


def test_the_full_journey_records_timestamps_audit_and_events(pending_order, owner):
    # when
    order = advance(pending_order, S.CONFIRMED, S.PREPARING, S.READY, S.OUT_FOR_DELIVERY, S.DELIVERED, actor=owner)

    # then
    order.refresh_from_db()
    stamps = [order.confirmed_at, order.preparing_at, order.ready_at, order.out_for_delivery_at, order.delivered_at]
    assert all(stamps) and stamps == sorted(stamps)
    assert order.cancelled_at is None
    changes = list(OrderStatusChange.objects.filter(order=order).values_list("from_status", "to_status", "by"))
    assert changes == [("pending", "confirmed", owner.pk), ("confirmed", "preparing", owner.pk),
                       ("preparing", "ready", owner.pk), ("ready", "out_for_delivery", owner.pk),
                       ("out_for_delivery", "delivered", owner.pk)]
    events = _status_events(order)
    assert [(e["from_status"], e["to_status"], e["status"]) for e in events] == [
        (c[0], c[1], c[1]) for c in changes]
    for event in OutboxEvent.objects.filter(event_type=EventType.ORDER_STATUS_UPDATED):
        validate_envelope(event.payload)


def test_reaching_ready_reports_the_preparation_time(pending_order, staff):
    # given: preparing started ten minutes ago
    order = advance(pending_order, S.CONFIRMED, S.PREPARING, actor=staff)
    Order.objects.filter(pk=order.pk).update(preparing_at=timezone.now() - timedelta(minutes=10))

    # when
    ready = transition(order.pk, S.READY, by=staff)

    # then
    ready.refresh_from_db()
    event = _status_events(ready)[-1]
    assert event["preparation_seconds"] == ready.preparation_seconds
    assert ready.preparation_seconds == int((ready.ready_at - ready.preparing_at).total_seconds())
    assert ready.preparation_seconds >= 600


def test_preparation_time_falls_back_to_confirmation_when_preparing_was_skipped():
    # given: an order (e.g. imported) that went straight from confirmed to ready
    confirmed = timezone.now()
    order = Order(confirmed_at=confirmed, preparing_at=None, ready_at=confirmed + timedelta(seconds=754))

    # when / then
    assert order.preparation_seconds == 754
    assert Order(confirmed_at=confirmed).preparation_seconds is None


def test_cancelling_records_the_reason(pending_order, owner):
    # given
    order = advance(pending_order, S.CONFIRMED, actor=owner)

    # when
    cancelled = transition(order.pk, S.CANCELLED, by=owner, reason="  Out of dough  ")

    # then
    cancelled.refresh_from_db()
    assert (cancelled.status, cancelled.cancel_reason) == ("cancelled", "Out of dough")
    assert cancelled.cancelled_at is not None
    assert OrderStatusChange.objects.get(to_status="cancelled").reason == "Out of dough"


def test_cancelling_a_confirmed_order_without_a_reason_is_refused(pending_order, owner):
    # given
    order = advance(pending_order, S.CONFIRMED, actor=owner)

    # when
    with pytest.raises(ApplicationError) as caught:
        transition(order.pk, S.CANCELLED, by=owner, reason=" ")

    # then
    assert (caught.value.status_code, caught.value.code) == (400, "reason_required")
    assert Order.objects.get(pk=order.pk).status == S.CONFIRMED


# --- roles -----------------------------------------------------------------------------------------
def test_the_customer_may_cancel_their_pending_order(pending_order, customer):
    order = transition(pending_order.pk, S.CANCELLED, by=customer)
    assert order.status == S.CANCELLED


def test_the_customer_may_not_move_the_order_forward(pending_order, customer):
    with pytest.raises(PermissionDeniedError):
        transition(pending_order.pk, S.CONFIRMED, by=customer)
    assert Order.objects.get(pk=pending_order.pk).status == S.PENDING


def test_the_customer_may_not_cancel_once_confirmed(pending_order, customer, owner):
    advance(pending_order, S.CONFIRMED, actor=owner)
    with pytest.raises(PermissionDeniedError):
        transition(pending_order.pk, S.CANCELLED, by=customer, reason="x")


@pytest.mark.parametrize("stranger", ["another_customer", "other_owner"])
def test_strangers_get_not_found(pending_order, stranger, request):
    # given
    actor = f.UserFactory() if stranger == "another_customer" else request.getfixturevalue("other_owner")

    # when / then
    with pytest.raises(NotFoundError):
        transition(pending_order.pk, S.CANCELLED, by=actor)
    assert Order.objects.get(pk=pending_order.pk).status == S.PENDING


def test_a_malformed_or_unknown_order_id_is_not_found(owner):
    for order_id in ("not-a-uuid", "00000000-0000-0000-0000-000000000000"):
        with pytest.raises(NotFoundError):
            transition(order_id, S.CONFIRMED, by=owner)


def test_an_unknown_status_is_a_bad_request(pending_order, owner):
    with pytest.raises(ApplicationError) as caught:
        transition(pending_order.pk, "eaten", by=owner)
    assert (caught.value.status_code, caught.value.code) == (400, "invalid_status")


def test_the_actors_role_decides(pending_order, owner):
    # given the owner, acting in the customer role (as for an order of their own)
    actor = Actor(user=owner, role="customer")

    # when / then: a customer may not confirm, only cancel
    with pytest.raises(PermissionDeniedError):
        services.order_transition(order=pending_order, to_status=S.CONFIRMED, actor=actor)
    cancelled = services.order_transition(order=pending_order, to_status=S.CANCELLED, actor=actor)
    assert OrderStatusChange.objects.get(order=cancelled).by == owner


def test_admins_may_do_what_the_machine_allows(pending_order, admin_user):
    order = advance(pending_order, S.CONFIRMED, S.PREPARING, actor=admin_user)
    assert order.status == S.PREPARING


# --- admin cancellation ----------------------------------------------------------------------------
def test_admin_cancellation_goes_through_the_machine(pending_order, admin_user, owner):
    # given
    advance(pending_order, S.CONFIRMED, S.PREPARING, actor=owner)

    # when
    order = services.order_cancel_by_admin(order_id=pending_order.pk, actor=Actor.admin(admin_user), reason="Fraud")

    # then
    assert (order.status, order.cancel_reason) == ("cancelled", "Fraud")
    assert OrderStatusChange.objects.filter(to_status="cancelled", by=admin_user).exists()


def test_admin_cancellation_needs_an_admin_and_a_reason(pending_order, admin_user, owner):
    with pytest.raises(PermissionDeniedError):
        services.order_cancel_by_admin(order_id=pending_order.pk, actor=Actor.admin(owner), reason="x")
    with pytest.raises(ApplicationError) as caught:
        services.order_cancel_by_admin(order_id=pending_order.pk, actor=Actor.admin(admin_user), reason="")
    assert caught.value.code == "reason_required"
    assert Order.objects.get(pk=pending_order.pk).status == S.PENDING


def test_a_delivered_order_cannot_be_cancelled_even_by_an_admin(pending_order, admin_user):
    advance(pending_order, S.CONFIRMED, S.PREPARING, S.READY, S.OUT_FOR_DELIVERY, S.DELIVERED, actor=admin_user)
    with pytest.raises(ConflictError) as caught:
        services.order_cancel_by_admin(order_id=pending_order.pk, actor=Actor.admin(admin_user), reason="late")
    assert caught.value.extra == {"current_status": "delivered", "allowed": []}
