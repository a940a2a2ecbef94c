"""order_place: pricing, snapshots, numbering, outbox, idempotency, validation writing nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from foodsys.common.exceptions import ApplicationError, ConflictError
from foodsys.events.schema import validate_envelope
from foodsys.testing import factories as f
from orders import outbox, services
from orders.enums import EventType, OrderStatus, PaymentStatus
from orders.models import IdempotencyRecord, Order, OrderLine, OutboxEvent
from orders.tests.helpers import menu_item_in, place


def _nothing_written():
    return Order.objects.count() == 0 and OutboxEvent.objects.count() == 0 and OrderLine.objects.count() == 0


# --- pricing and snapshots ------------------------------------------------------------------------
def test_an_order_is_priced_from_the_menu_with_tax_on_the_subtotal(customer, priced_restaurant):
    # given: 2 x (10.00 + 1.50 large) + 1 x 5.25 = 28.25; tax 8.25 % = 2.330625 -> 2.33
    pizza = menu_item_in(priced_restaurant, name="Pizza", price=Decimal("10.00"), preparation_time=20)
    size = f.OptionGroupFactory(item=pizza, name="Size", min_select=1, max_select=1)
    large = f.OptionFactory(group=size, name="Large", price_delta=Decimal("1.50"))
    soda = menu_item_in(priced_restaurant, name="Soda", price=Decimal("5.25"), preparation_time=2)

    # when
    order = place(customer=customer, restaurant=priced_restaurant,
                  lines=[(pizza, 2, [large.id]), (soda, 1)]).order

    # then
    assert (order.subtotal, order.delivery_fee, order.tax, order.total) == (
        Decimal("28.25"), Decimal("3.00"), Decimal("2.33"), Decimal("33.58"))
    assert order.currency == "USD" and order.item_count == 3
    pizza_line, soda_line = order.lines.order_by("id")
    assert (pizza_line.name, pizza_line.unit_price, pizza_line.quantity, pizza_line.line_total) == (
        "Pizza", Decimal("11.50"), 2, Decimal("23.00"))
    assert pizza_line.options == [{"id": large.id, "group": "Size", "name": "Large", "price_delta": "1.50"}]
    assert soda_line.line_total == Decimal("5.25")


@pytest.mark.parametrize(("price", "expected_tax"), [
    ("10.00", "0.83"),  # 0.825 rounds half-up (banker's rounding would give 0.82)
    ("10.10", "0.83"),  # 0.83325
    ("10.30", "0.85"),  # 0.84975
])
def test_tax_rounds_half_up_to_cents(customer, priced_restaurant, price, expected_tax):
    # given
    priced_restaurant.minimum_order = Decimal("0")
    priced_restaurant.save()
    item = menu_item_in(priced_restaurant, price=Decimal(price))

    # when
    order = place(customer=customer, restaurant=priced_restaurant, lines=[(item, 1)]).order

    # then
    assert order.tax == Decimal(expected_tax)
    assert order.total == Decimal(price) + Decimal("3.00") + Decimal(expected_tax)


def test_lines_keep_the_price_and_name_they_were_ordered_at(customer, restaurant, menu_item):
    # given
    order = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)]).order

    # when
    menu_item.name, menu_item.price = "Renamed", Decimal("99.00")
    menu_item.save()

    # then
    line = OrderLine.objects.get(order=order)
    assert (line.name, line.unit_price) != ("Renamed", Decimal("99.00"))


def test_a_new_order_is_pending_with_a_number_and_estimates(customer, priced_restaurant, monkeypatch):
    # given
    frozen = timezone.now().replace(microsecond=0)
    monkeypatch.setattr(timezone, "now", lambda: frozen)
    slow = menu_item_in(priced_restaurant, price=Decimal("20.00"), preparation_time=35)
    quick = menu_item_in(priced_restaurant, price=Decimal("2.00"), preparation_time=5)

    # when
    order = place(customer=customer, restaurant=priced_restaurant, lines=[(slow, 1), (quick, 1)],
                  payment_method="card").order

    # then: card is not charged (no gateway), so payment stays pending
    assert order.status == OrderStatus.PENDING
    assert order.payment_status == PaymentStatus.PENDING
    assert order.customer == customer and order.tenant_id == priced_restaurant.tenant_id
    assert order.order_number == f"{timezone.localdate(order.created_at):%Y%m%d}-0001"
    assert order.created_at == frozen
    assert order.estimated_ready_at == frozen + timedelta(minutes=35)
    assert order.estimated_delivery_at - order.estimated_ready_at == timedelta(minutes=25)


def test_the_restaurant_can_be_named_by_its_tenant_uuid(customer, restaurant, menu_item):
    # when
    placed = services.order_place(customer=customer, restaurant_ref=restaurant.tenant_id,
                                  lines=[services.OrderLineInput(menu_item_id=menu_item.id, quantity=1)],
                                  delivery_address={"street": "1 Main St", "city": "Town"}, payment_method="cash")

    # then
    assert placed.created and placed.order.tenant_id == restaurant.tenant_id


# --- outbox ----------------------------------------------------------------------------------------
def test_placing_writes_a_valid_order_created_event(customer, restaurant, menu_item):
    # when
    order = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 3)]).order

    # then
    event = OutboxEvent.objects.get()
    assert event.event_type == EventType.ORDER_CREATED and event.tenant_id == restaurant.tenant_id
    assert event.topic == "order-events" and event.published_at is None
    envelope = validate_envelope(event.payload)
    assert envelope["event_id"] == str(event.event_id)
    assert envelope["order_id"] == str(order.id)
    assert envelope["data"]["status"] == "pending" and envelope["data"]["from_status"] is None
    assert envelope["data"]["total"] == str(order.total) and envelope["data"]["item_count"] == 3


def test_events_are_handed_on_only_after_commit(customer, restaurant, menu_item, monkeypatch,
                                                django_capture_on_commit_callbacks):
    # given
    handed = []
    monkeypatch.setattr(outbox, "events_committed", lambda ids, **known: handed.append(ids))

    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)])
        assert handed == []
    for callback in callbacks:
        callback()

    # then
    assert handed == [[OutboxEvent.objects.get().pk]]


def test_a_rolled_back_order_leaves_no_event(customer, restaurant, menu_item):
    # given
    class Boom(Exception):
        pass

    # when
    with pytest.raises(Boom), transaction.atomic():
        place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)])
        raise Boom

    # then
    assert _nothing_written()


# --- validation writes nothing ---------------------------------------------------------------------
def _place_error(customer, restaurant, lines, **kwargs):
    with pytest.raises(ApplicationError) as caught:
        place(customer=customer, restaurant=restaurant, lines=lines, **kwargs)
    assert _nothing_written()
    return caught.value


@pytest.mark.parametrize(("changes", "code"), [
    ({"is_active": False}, "restaurant_inactive"),
    ({"accepting_orders": False}, "restaurant_paused"),
    ({"opening_hours": {}}, "restaurant_closed"),
])
def test_a_restaurant_not_taking_orders_is_a_conflict(customer, restaurant, menu_item, changes, code):
    # given
    for name, value in changes.items():
        setattr(restaurant, name, value)
    restaurant.save()

    # when
    error = _place_error(customer, restaurant, [(menu_item, 1)])

    # then
    assert (error.status_code, error.code) == (409, code)


def test_a_pause_that_has_ended_no_longer_blocks(customer, restaurant, menu_item):
    # given
    restaurant.accepting_orders = False
    restaurant.paused_until = timezone.now() - timedelta(minutes=1)
    restaurant.save()

    # when / then
    assert place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)]).created


def test_items_of_another_restaurant_are_refused(customer, restaurant, menu_item, other_restaurant):
    # given
    foreign = menu_item_in(other_restaurant)

    # when
    error = _place_error(customer, restaurant, [(menu_item, 1), (foreign, 1)])

    # then
    assert (error.status_code, error.code, list(error.fields)) == (400, "item_not_found", ["items[1].menu_item"])


def test_below_the_minimum_order_names_the_minimum(customer, priced_restaurant):
    # given
    item = menu_item_in(priced_restaurant, price=Decimal("7.00"))

    # when
    error = _place_error(customer, priced_restaurant, [(item, 2)])

    # then
    assert (error.status_code, error.code) == (400, "below_minimum_order")
    assert error.extra == {"minimum_order": "15.00", "subtotal": "14.00"}
    assert "15.00" in error.message


def test_an_order_too_large_to_store_is_refused(customer, restaurant):
    # given
    item = menu_item_in(restaurant, price=Decimal("9999999999.00"))

    # when
    error = _place_error(customer, restaurant, [(item, 2)])

    # then
    assert error.code == "order_too_large"


# --- idempotency -----------------------------------------------------------------------------------
def test_the_same_key_returns_the_same_order(customer, restaurant, menu_item):
    # when
    first = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)], idempotency_key="k-1")
    again = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)], idempotency_key="k-1")

    # then
    assert (first.created, again.created) == (True, False)
    assert again.order.pk == first.order.pk
    assert Order.objects.count() == 1 and OutboxEvent.objects.count() == 1


def test_a_replay_answers_even_after_the_restaurant_closed(customer, restaurant, menu_item):
    # given
    first = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)], idempotency_key="k-1")
    restaurant.opening_hours = {}
    restaurant.save()

    # when
    again = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)], idempotency_key="k-1")

    # then
    assert again.order.pk == first.order.pk


def test_the_same_key_with_a_different_request_is_a_conflict(customer, restaurant, menu_item):
    # given
    place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)], idempotency_key="k-1")

    # when
    with pytest.raises(ConflictError) as caught:
        place(customer=customer, restaurant=restaurant, lines=[(menu_item, 2)], idempotency_key="k-1")

    # then
    assert caught.value.code == "idempotency_key_reused"
    assert Order.objects.count() == 1


def test_keys_belong_to_one_customer(customer, restaurant, menu_item):
    # given
    someone_else = f.UserFactory()

    # when
    mine = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)], idempotency_key="k-1")
    theirs = place(customer=someone_else, restaurant=restaurant, lines=[(menu_item, 1)], idempotency_key="k-1")

    # then
    assert theirs.created and theirs.order.pk != mine.order.pk


def test_an_expired_key_places_a_new_order_and_replaces_the_record(customer, restaurant, menu_item):
    # given
    first = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)], idempotency_key="k-1")
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))

    # when
    later = place(customer=customer, restaurant=restaurant, lines=[(menu_item, 2)], idempotency_key="k-1")

    # then
    assert later.created and later.order.pk != first.order.pk
    assert list(IdempotencyRecord.objects.values_list("order_id", flat=True)) == [later.order.pk]


@pytest.mark.parametrize(("lines", "field"), [
    ([], "items"),
    ([services.OrderLineInput(menu_item_id=1, quantity=0)], "items[0].quantity"),
    ([services.OrderLineInput(menu_item_id=1, quantity=True)], "items[0].quantity"),
    ([services.OrderLineInput(menu_item_id=1, quantity=1)] * 101, "items"),
])
def test_the_service_guards_the_order_shape_for_any_caller(customer, restaurant, lines, field):
    with pytest.raises(ApplicationError) as caught:
        services.order_place(customer=customer, restaurant_ref=restaurant.id, lines=lines, delivery_address={},
                             payment_method="cash")
    assert list(caught.value.fields) == [field]
    assert _nothing_written()
