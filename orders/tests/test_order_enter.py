"""order_enter: phone and walk-in orders a member enters (pricing, origin, rules, who may)."""

from decimal import Decimal

import pytest

from accounts.models import MembershipRole
from foodsys.common.exceptions import ApplicationError
from foodsys.tenancy.actor import ADMIN, CUSTOMER, OWNER, STAFF, Actor
from foodsys.testing import factories as f
from orders import services
from orders.enums import OrderChannel, OrderStatus
from orders.models import Order, OrderLine, OutboxEvent
from orders.tests.helpers import ADDRESS, line_inputs, menu_item_in, place


def _enter(actor, restaurant, lines, **overrides):
    kwargs = {"channel": OrderChannel.PHONE, "fulfilment": "pickup", "payment_method": "cash",
              "contact_name": "Marge Simpson", "contact_phone": "+1 555 0100", "delivery_address": None,
              "notes": ""}
    kwargs.update(overrides)
    return services.order_enter(actor=actor, restaurant=restaurant, lines=line_inputs(*lines), **kwargs)


def _enter_error(actor, restaurant, lines, **overrides) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        _enter(actor, restaurant, lines, **overrides)
    assert Order.objects.count() == 0 and OrderLine.objects.count() == 0 and OutboxEvent.objects.count() == 0
    return caught.value


@pytest.fixture
def pizza_menu(priced_restaurant):
    """Pizza 10.00 with a required size (Large +1.50), Soda 5.25."""
    pizza = menu_item_in(priced_restaurant, name="Pizza", price=Decimal("10.00"), preparation_time=20)
    size = f.OptionGroupFactory(item=pizza, name="Size", min_select=1, max_select=1)
    large = f.OptionFactory(group=size, name="Large", price_delta=Decimal("1.50"))
    soda = menu_item_in(priced_restaurant, name="Soda", price=Decimal("5.25"), preparation_time=2)
    return pizza, large, soda


@pytest.fixture
def staff_actor(priced_restaurant):
    user = f.UserFactory()
    f.MembershipFactory(user=user, tenant=priced_restaurant, role=MembershipRole.STAFF)
    return Actor(user=user, role=STAFF)


# --- pricing ----------------------------------------------------------------------------------------
def test_a_delivery_is_priced_like_an_online_order(priced_restaurant, pizza_menu, staff_actor, customer):
    # given: 2 x (10.00 + 1.50) + 1 x 5.25 = 28.25; tax 8.25 % = 2.330625 -> 2.33; delivery 3.00
    pizza, large, soda = pizza_menu
    lines = [(pizza, 2, [large.id]), (soda, 1)]

    # when the same lines are entered by staff and placed online
    entered = _enter(staff_actor, priced_restaurant, lines, fulfilment="delivery", delivery_address=dict(ADDRESS)).order
    online = place(customer=customer, restaurant=priced_restaurant, lines=lines).order

    # then both carry the independently computed figures
    expected = (Decimal("28.25"), Decimal("3.00"), Decimal("2.33"), Decimal("33.58"))
    assert (entered.subtotal, entered.delivery_fee, entered.tax, entered.total) == expected
    assert (online.subtotal, online.delivery_fee, online.tax, online.total) == expected
    pizza_line = entered.lines.get(name="Pizza")
    assert (pizza_line.unit_price, pizza_line.quantity, pizza_line.line_total) == (
        Decimal("11.50"), 2, Decimal("23.00"))
    assert pizza_line.options == [{"id": large.id, "group": "Size", "name": "Large", "price_delta": "1.50"}]


def test_a_pickup_has_no_delivery_fee_and_no_minimum(priced_restaurant, pizza_menu, staff_actor):
    # given the restaurant's minimum is 15.00 and one soda is 5.25 (tax 0.433125 -> 0.43)
    _, _, soda = pizza_menu

    # when
    order = _enter(staff_actor, priced_restaurant, [(soda, 1)], fulfilment="pickup").order

    # then
    assert (order.subtotal, order.delivery_fee, order.tax, order.total) == (
        Decimal("5.25"), Decimal("0.00"), Decimal("0.43"), Decimal("5.68"))
    assert order.fulfilment == "pickup" and order.delivery_address == {}


def test_a_delivery_below_the_minimum_is_refused(priced_restaurant, pizza_menu, staff_actor):
    _, _, soda = pizza_menu
    error = _enter_error(staff_actor, priced_restaurant, [(soda, 1)], fulfilment="delivery",
                         delivery_address=dict(ADDRESS))
    assert error.code == "below_minimum_order" and "items" in error.fields


def test_option_rules_apply_as_online(priced_restaurant, pizza_menu, staff_actor):
    # given the pizza's size is required
    pizza, _, _ = pizza_menu

    # when it is entered without one
    error = _enter_error(staff_actor, priced_restaurant, [(pizza, 1)])

    # then the line is named
    assert error.status_code == 400 and any(field.startswith("items[0]") for field in error.fields)


# --- what the order records ---------------------------------------------------------------------------
@pytest.mark.parametrize("channel", [OrderChannel.PHONE, OrderChannel.WALK_IN])
def test_the_order_records_channel_who_entered_it_and_the_contact(priced_restaurant, pizza_menu, staff_actor,
                                                                  channel):
    _, _, soda = pizza_menu
    placed = _enter(staff_actor, priced_restaurant, [(soda, 2)], channel=channel, contact_name="  Homer  ",
                    contact_phone=" 555-0199 ", payment_method="pay_at_counter", notes=" no ice ")
    order = Order.objects.get(pk=placed.order.pk)
    assert placed.created and order.status == OrderStatus.PENDING
    assert (order.channel, order.entered_by_id, order.customer_id) == (channel, staff_actor.user.pk, None)
    assert (order.contact_name, order.contact_phone, order.payment_method, order.notes) == (
        "Homer", "555-0199", "pay_at_counter", "no ice")
    assert list(OutboxEvent.objects.values_list("event_type", flat=True)) == ["order_created"]


def test_a_walk_in_needs_no_phone_number(priced_restaurant, pizza_menu, staff_actor):
    _, _, soda = pizza_menu
    order = _enter(staff_actor, priced_restaurant, [(soda, 1)], channel=OrderChannel.WALK_IN, contact_phone="").order
    assert order.channel == "walk_in" and order.contact_phone == ""


# --- bad input ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("overrides", "field"), [
    ({"contact_phone": "  "}, "contact_phone"),  # a phone order needs the caller's number
    ({"fulfilment": "delivery", "delivery_address": None}, "delivery_address"),
    ({"fulfilment": "delivery", "delivery_address": {"city": "Springfield"}}, "delivery_address"),
    ({"payment_method": "card"}, "payment_method"),
    ({"payment_method": "online"}, "payment_method"),
    ({"channel": "online"}, "channel"),
    ({"fulfilment": "drone"}, "fulfilment"),
    ({"contact_name": " "}, "contact_name"),
])
def test_bad_input_names_the_field_and_writes_nothing(priced_restaurant, pizza_menu, staff_actor, overrides, field):
    _, _, soda = pizza_menu
    error = _enter_error(staff_actor, priced_restaurant, [(soda, 1)], **overrides)
    assert (error.status_code, list(error.fields)) == (400, [field])


# --- who may ------------------------------------------------------------------------------------------
def test_an_outsider_gets_404_whatever_role_they_claim(priced_restaurant, pizza_menu, customer):
    _, _, soda = pizza_menu
    for claimed in (OWNER, STAFF, CUSTOMER):
        error = _enter_error(Actor(user=customer, role=claimed), priced_restaurant, [(soda, 1)])
        assert (error.status_code, error.code) == (404, "restaurant_not_found")


def test_staff_of_another_restaurant_get_404(priced_restaurant, pizza_menu, other_restaurant):
    # given a staff member of another restaurant, with an actor that says "staff"
    _, _, soda = pizza_menu
    user = f.UserFactory()
    f.MembershipFactory(user=user, tenant=other_restaurant, role=MembershipRole.STAFF)

    # when they enter an order at this one; then 404
    error = _enter_error(Actor(user=user, role=STAFF), priced_restaurant, [(soda, 1)])
    assert error.status_code == 404


def test_a_member_acts_in_the_role_they_hold_here(priced_restaurant, pizza_menu, staff_actor):
    # given a staff member whose actor claims "customer": the role is re-derived (staff here, so allowed)
    _, _, soda = pizza_menu
    order = _enter(Actor(user=staff_actor.user, role=CUSTOMER), priced_restaurant, [(soda, 1)]).order
    assert order.entered_by_id == staff_actor.user.pk


def test_owners_and_admins_may_enter_orders(priced_restaurant, pizza_menu, admin_user):
    _, _, soda = pizza_menu
    owner = f.OwnerFactory()
    f.MembershipFactory(user=owner, tenant=priced_restaurant, role=MembershipRole.OWNER)
    assert _enter(Actor(user=owner, role=OWNER), priced_restaurant, [(soda, 1)]).order.entered_by_id == owner.pk
    assert _enter(Actor(user=admin_user, role=ADMIN), priced_restaurant,
                  [(soda, 1)]).order.entered_by_id == admin_user.pk


# --- the restaurant's state ----------------------------------------------------------------------------
@pytest.mark.parametrize("changes", [{"accepting_orders": False}, {"opening_hours": {}}])
def test_pause_and_closing_hours_do_not_block_staff(priced_restaurant, pizza_menu, staff_actor, changes):
    # given the online shop would refuse (paused, or closed all week)
    _, _, soda = pizza_menu
    for name, value in changes.items():
        setattr(priced_restaurant, name, value)
    priced_restaurant.save()

    # when / then staff still take the order
    assert _enter(staff_actor, priced_restaurant, [(soda, 1)]).created


def test_an_inactive_restaurant_takes_no_order(priced_restaurant, pizza_menu, staff_actor):
    _, _, soda = pizza_menu
    priced_restaurant.is_active = False
    priced_restaurant.save()
    error = _enter_error(staff_actor, priced_restaurant, [(soda, 1)])
    assert (error.status_code, error.code) == (409, "restaurant_inactive")
