"""Order writes: placing an order and moving it through the state machine.

Every write runs in one transaction together with its outbox event (orders.outbox) and its
realtime broadcast (orders.realtime); both of those leave the process only after commit.
"""

import hashlib
import json
import uuid
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from foodsys.common.exceptions import ApplicationError, ConflictError, NotFoundError, PermissionDeniedError
from foodsys.common.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, quantize_money
from foodsys.tenancy.actor import Actor
from foodsys.tenancy.resolution import is_admin
from orders import capacity, eta, eta_selectors, locks, pricing, selectors, state_machine
from orders.enums import STAFF_CHANNELS, EventType, Fulfilment, OrderChannel, OrderStatus, PaymentMethod, PaymentStatus
from orders.models import IdempotencyRecord, Order, OrderActivity, OrderLine, OrderStatusChange
from orders.numbering import order_number_allocate
from orders.outbox import outbox_event_create
from orders.pricing import PICKUP_TERMS, DeliveryTerms, PricedLine
from orders.realtime import order_broadcast
from orders.roles import check_may_enter_orders
from orders.signals import order_placed
from restaurants import slots
from restaurants.models import Restaurant
from restaurants.roles import restaurant_actor

IDEMPOTENCY_TTL = timedelta(hours=24)
MAX_LINES = 100
MAX_QUANTITY = 50
MAX_MONEY = Decimal(10) ** (MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES) - Decimal("0.01")


@dataclass(frozen=True)
class OrderLineInput:
    menu_item_id: int
    quantity: int
    option_ids: tuple[int, ...] = ()
    special_instructions: str = ""


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    created: bool  # False: an Idempotency-Key replay returned the order placed earlier
    lines: list[OrderLine] | None = None  # the new order's lines, in memory (None for a replay)
    status_changes: list[OrderStatusChange] | None = None  # of a new order: [] or the auto-accept


def _check_lines_shape(lines: list[OrderLineInput]) -> None:
    """The API serializer refuses these first; the service keeps the rule for every other caller."""
    if not 1 <= len(lines) <= MAX_LINES:
        raise ApplicationError(f"items: an order has 1 to {MAX_LINES} lines.", code="validation_error",
                               fields={"items": [f"Send 1 to {MAX_LINES} lines."]})
    for index, line in enumerate(lines):
        if isinstance(line.quantity, bool) or not isinstance(line.quantity, int) or not (
                1 <= line.quantity <= MAX_QUANTITY):
            raise ApplicationError(f"items[{index}].quantity: must be an integer from 1 to {MAX_QUANTITY}.",
                                   code="validation_error",
                                   fields={f"items[{index}].quantity": [f"Must be 1 to {MAX_QUANTITY}."]})


def _restaurant_resolve(restaurant_ref: int | uuid.UUID) -> Restaurant:
    lookup = {"tenant_id": restaurant_ref} if isinstance(restaurant_ref, uuid.UUID) else {"pk": restaurant_ref}
    restaurant = Restaurant.objects.filter(**lookup).first()
    if restaurant is None:
        raise ApplicationError("No such restaurant.", code="restaurant_not_found",
                               fields={"restaurant": ["No such restaurant."]})
    return restaurant


def _restaurant_check_accepting(restaurant: Restaurant, *, now, scheduled: bool = False) -> None:
    """Inactive and paused restaurants take no order; a closed one takes only orders for a later slot."""
    if not restaurant.is_active:
        raise ConflictError("This restaurant is not taking orders.", code="restaurant_inactive",
                            fields={"restaurant": ["The restaurant is inactive."]})
    if restaurant.is_paused(now):
        until = f" until {restaurant.paused_until.isoformat()}" if restaurant.paused_until else ""
        raise ConflictError(f"This restaurant has paused ordering{until}.", code="restaurant_paused",
                            fields={"restaurant": ["The restaurant has paused ordering."]})
    if not scheduled and not restaurant.is_open_at(now):
        raise ConflictError("This restaurant is closed right now.", code="restaurant_closed",
                            fields={"restaurant": ["The restaurant is closed right now."]})


def _fingerprint(*, restaurant: Restaurant, lines: list[OrderLineInput], delivery_address: dict,
                 payment_method: str, notes: str, fulfilment: str = Fulfilment.DELIVERY,
                 scheduled_for: datetime | None = None) -> str:
    canonical = {
        "restaurant": restaurant.pk,
        "items": [{**asdict(line), "option_ids": sorted(line.option_ids)} for line in lines],
        "delivery_address": delivery_address,
        "payment_method": payment_method,
        "notes": notes,
    }
    if fulfilment != Fulfilment.DELIVERY or scheduled_for is not None:  # ASAP deliveries keep their old prints
        canonical.update(fulfilment=fulfilment, scheduled_for=scheduled_for.isoformat() if scheduled_for else None)
    encoded = json.dumps(canonical, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


def _idempotent_replay(*, customer: User, key: str, fingerprint: str, now) -> Order | None:
    """The order an unexpired key already placed; 409 when it was placed for a different request."""
    record = (IdempotencyRecord.objects.select_related("order")
              .filter(customer=customer, key=key, created_at__gte=now - IDEMPOTENCY_TTL).first())
    if record is None:
        return None
    if record.fingerprint != fingerprint:
        raise ConflictError("This Idempotency-Key was already used for a different order request.",
                            code="idempotency_key_reused", fields={"Idempotency-Key": ["Already used."]})
    return record.order


def _check_money_bounds(total: Decimal) -> None:
    if total > MAX_MONEY:
        raise ApplicationError("This order is too large to place.", code="order_too_large",
                               fields={"items": ["The order total is too large."]})


@dataclass(frozen=True)
class OrderOrigin:
    """How an order came in: the customer's own client (online), or a member taking it by phone or
    at the counter for a contact who may have no account."""

    channel: str = OrderChannel.ONLINE
    entered_by: User | None = None
    contact_name: str = ""
    contact_phone: str = ""


ONLINE = OrderOrigin()


@dataclass(frozen=True)
class OrderFigures:
    """What an order costs and when it is ready: the one arithmetic behind placing an order and quoting
    one (orders.quote), so a quote is what the order will be."""

    subtotal: Decimal
    delivery_fee: Decimal
    tax: Decimal
    total: Decimal
    load: int  # kitchen load: sum of quantity x the item's load weight (orders.capacity.order_load)
    ready_at: datetime
    deliver_at: datetime | None  # None for pickup
    eta_minutes: int  # from now until the customer has the food: delivered, or ready for pickup
    eta_basis: str  # orders.eta.MEASURED | DEFAULT

    def scheduled(self, start: datetime, *, restaurant: Restaurant, fulfilment: str, now: datetime) -> "OrderFigures":
        """The times of an order for the slot starting at `start`: delivered (or ready for pickup) then."""
        delivery = fulfilment == Fulfilment.DELIVERY
        ready_at = start - timedelta(minutes=restaurant.estimated_delivery_minutes) if delivery else start
        return replace(self, ready_at=ready_at, deliver_at=start if delivery else None,
                       eta_minutes=max(0, int((start - now).total_seconds() // 60)))


def _lead_minutes(figures: OrderFigures, *, now: datetime) -> int:
    """How soon a slot may start for this cart: its as-soon-as-possible time (prep, queue, busy, travel)."""
    return max(0, int(((figures.deliver_at or figures.ready_at) - now).total_seconds() // 60))


def order_figures(*, restaurant: Restaurant, priced: list[PricedLine], terms: DeliveryTerms, fulfilment: str,
                  now: datetime) -> OrderFigures:
    """Money: tax = subtotal x tax_rate rounded half-up to cents (the delivery fee is not taxed), the fee from
    `terms` (waived from its free-delivery threshold), total = subtotal + fee + tax; too large is a 400.
    ETA (orders.eta): the measured queue-ahead quote from the kitchen's last hours, or with too little
    history the slowest item's preparation time; + busy-mode extra; delivery adds the restaurant's
    travel estimate. Reads the kitchen history (one query) and, only when it gives a measured rate,
    the open queue (one more)."""
    subtotal = sum((line.line_total for line in priced), Decimal("0.00"))
    tax = quantize_money(subtotal * restaurant.tax_rate)
    delivery_fee = terms.fee_for(subtotal)
    total = subtotal + delivery_fee + tax
    _check_money_bounds(total)
    load = capacity.order_load((line.quantity, line.item.load) for line in priced)
    throughput = eta.throughput_estimate(eta_selectors.kitchen_samples(restaurant=restaurant, now=now), now)
    queue = eta_selectors.open_queue(restaurant=restaurant) if throughput.basis == eta.MEASURED else []
    delivery = fulfilment == Fulfilment.DELIVERY
    quote = eta.eta_quote(queue=queue, own_load=float(load), throughput=throughput,
                          own_prep_minutes_default=max(line.item.preparation_time for line in priced),
                          busy_extra_minutes=restaurant.busy_extra_minutes(now),
                          travel_minutes=restaurant.estimated_delivery_minutes if delivery else None, now=now)
    return OrderFigures(subtotal=subtotal, delivery_fee=delivery_fee, tax=tax, total=total, load=load,
                        ready_at=now + timedelta(minutes=quote.ready_in_minutes),
                        deliver_at=now + timedelta(minutes=quote.deliver_in_minutes) if delivery else None,
                        eta_minutes=quote.deliver_in_minutes if delivery else quote.ready_in_minutes,
                        eta_basis=quote.basis)


@transaction.atomic
def _order_create(*, customer: User | None, restaurant: Restaurant, priced: list[PricedLine], delivery_address: dict,
                  payment_method: str, notes: str, idempotency_key: str | None, fingerprint: str,
                  now, terms: DeliveryTerms, fulfilment: str = Fulfilment.DELIVERY,
                  origin: OrderOrigin = ONLINE,
                  scheduled_for: datetime | None = None) -> tuple[Order, list[OrderLine], list[OrderStatusChange]]:
    figures = order_figures(restaurant=restaurant, priced=priced, terms=terms, fulfilment=fulfilment, now=now)
    if scheduled_for is not None:
        # First in the transaction: the slot's capacity is counted under the restaurant's row lock.
        scheduled_for = capacity.slot_reserve(restaurant, scheduled_for, fulfilment, figures.load, now=now,
                                              lead_minutes=_lead_minutes(figures, now=now))
        figures = figures.scheduled(scheduled_for, restaurant=restaurant, fulfilment=fulfilment, now=now)
    order = Order.objects.create(
        tenant=restaurant,
        order_number=order_number_allocate(restaurant=restaurant, at=now),
        customer=customer,
        channel=origin.channel,
        entered_by=origin.entered_by,
        contact_name=origin.contact_name,
        contact_phone=origin.contact_phone,
        fulfilment=fulfilment,
        status=OrderStatus.PENDING,
        payment_method=payment_method,
        payment_status=PaymentStatus.PENDING,
        subtotal=figures.subtotal,
        delivery_fee=figures.delivery_fee,
        tax=figures.tax,
        total=figures.total,
        currency=restaurant.currency,
        item_count=sum(line.quantity for line in priced),
        load=figures.load,
        delivery_address=delivery_address,
        notes=notes,
        estimated_ready_at=figures.ready_at,
        estimated_delivery_at=figures.deliver_at,
        eta_basis=figures.eta_basis,
        scheduled_for=scheduled_for,
    )
    # Expired keys may be reused; a racing twin's key makes this transaction roll back entirely.
    if idempotency_key and not locks.idempotency_key_claim(
            tenant_id=restaurant.tenant_id, customer_id=customer.pk, key=idempotency_key, fingerprint=fingerprint,
            order_id=order.pk, now=now, expired_before=now - IDEMPOTENCY_TTL):
        raise IntegrityError("Idempotency-Key already recorded by a concurrent request.")
    lines = OrderLine.objects.bulk_create([
        OrderLine(tenant=restaurant, order=order, menu_item_id=line.item.id, name=line.item.name,
                  unit_price=line.unit_price, quantity=line.quantity, options=line.options,
                  special_instructions=line.special_instructions, line_total=line.line_total)
        for line in priced
    ])
    outbox_event_create(order=order, event_type=EventType.ORDER_CREATED, from_status=None)
    order_broadcast(order=order, message_type="order.created", lines=lines)
    order_placed.send(sender=Order, order=order, lines=lines)
    changes = []
    if restaurant.auto_accept:
        # The restaurant's rule, not a person: recorded as automatic, by nobody.
        changes.append(_transition_apply(order=order, to_status=OrderStatus.CONFIRMED, by=None,
                                         reason="Accepted automatically (auto-accept is on).", automatic=True,
                                         lines=lines))
    return order, lines, changes


def order_place(*, customer: User, restaurant_ref: int | uuid.UUID, lines: list[OrderLineInput],
                delivery_address: dict | None, payment_method: str, notes: str = "",
                idempotency_key: str | None = None, fulfilment: str = Fulfilment.DELIVERY,
                scheduled_for: datetime | None = None) -> PlacedOrder:
    """Places a pending order for `customer`, priced from the menu (client prices are never read).

    - tax = subtotal x restaurant.tax_rate, rounded half-up to cents; the delivery fee is not taxed.
      total = subtotal + delivery_fee + tax.
    - payment_status starts `pending` for every payment method, card and online included: no
      payment gateway is integrated, so nothing is ever charged or marked paid here.
    - Idempotency-Key: an unexpired (24 h) key of the same customer returns the order it placed
      (created=False) when the request fingerprint matches, else 409 `idempotency_key_reused`.
      The key is claimed inside the placing transaction; only when that claim collides, or the
      request is refused (closed restaurant, 86'd item...), is the earlier order looked up, so a
      replay still answers after the restaurant closes. Two racing requests with one key: the
      loser's claim waits for the winner, fails, rolls back entirely and returns the winner's order.
    - `fulfilment` "delivery" (to `delivery_address`, priced by its delivery zone) or "pickup";
      `scheduled_for`: a slot start (restaurants.slots; capacity reserved by orders.capacity), or None
      for as soon as possible. A scheduled order may be placed while the restaurant is closed now.
    Raises ApplicationError (400), ConflictError (409) naming the offending field; writes nothing then.
    """
    now = timezone.now()
    _check_lines_shape(lines)
    restaurant = _restaurant_resolve(restaurant_ref)
    delivery_address = dict(delivery_address or {}) if fulfilment == Fulfilment.DELIVERY else {}
    fingerprint = _fingerprint(restaurant=restaurant, lines=lines, delivery_address=delivery_address,
                               payment_method=payment_method, notes=notes, fulfilment=fulfilment,
                               scheduled_for=scheduled_for)
    try:
        order, created_lines, changes = _order_validate_and_create(
            customer=customer, restaurant=restaurant, lines=lines, delivery_address=delivery_address,
            payment_method=payment_method, notes=notes, idempotency_key=idempotency_key, fingerprint=fingerprint,
            now=now, fulfilment=fulfilment, scheduled_for=scheduled_for)
    except (ApplicationError, IntegrityError):
        # The happy path never reads the key: only a refused or colliding request looks for the
        # order the key already placed (a replay after closing time still answers with it).
        replayed = idempotency_key and _idempotent_replay(customer=customer, key=idempotency_key,
                                                          fingerprint=fingerprint, now=now)
        if not replayed:
            raise
        return PlacedOrder(order=replayed, created=False)
    return PlacedOrder(order=order, created=True, lines=created_lines, status_changes=changes)


def _order_validate_and_create(*, customer: User, restaurant: Restaurant, lines: list[OrderLineInput],
                               delivery_address: dict, payment_method: str, notes: str,
                               idempotency_key: str | None, fingerprint: str, now, fulfilment: str,
                               scheduled_for: datetime | None):
    slots.fulfilment_check(restaurant, fulfilment)
    _restaurant_check_accepting(restaurant, now=now, scheduled=scheduled_for is not None)
    terms = fulfilment_terms(restaurant=restaurant, fulfilment=fulfilment, address=delivery_address)
    priced = pricing.lines_price(restaurant=restaurant, lines=lines)
    _check_minimum_order(restaurant, priced, minimum=terms.minimum_order)
    return _order_create(customer=customer, restaurant=restaurant, priced=priced, delivery_address=delivery_address,
                         payment_method=payment_method, notes=notes, idempotency_key=idempotency_key,
                         fingerprint=fingerprint, now=now, terms=terms, fulfilment=fulfilment,
                         scheduled_for=scheduled_for)


def fulfilment_terms(*, restaurant: Restaurant, fulfilment: str, address: dict | None) -> DeliveryTerms:
    """A delivery's terms from its address (a 400 naming delivery_address without one); pickup's are free."""
    if fulfilment != Fulfilment.DELIVERY:
        return PICKUP_TERMS
    if not (address or {}).get("street"):
        raise ApplicationError("delivery_address: a delivery needs an address.", code="validation_error",
                               fields={"delivery_address": ["A delivery needs an address (street, city)."]})
    return pricing.delivery_terms(restaurant=restaurant, address=address)


def _check_minimum_order(restaurant: Restaurant, priced: list[PricedLine], *, minimum: Decimal) -> None:
    """`minimum`: the delivery terms' (a zone's, else the restaurant's own)."""
    subtotal = sum((line.line_total for line in priced), Decimal("0.00"))
    if subtotal < minimum:
        raise ApplicationError(
            f"The minimum order for delivery to this address is {minimum:.2f} {restaurant.currency} "
            f"(subtotal {subtotal:.2f}).", code="below_minimum_order",
            fields={"items": [f"Subtotal is below the minimum order of {minimum:.2f}."]},
            extra={"minimum_order": f"{minimum:.2f}", "subtotal": f"{subtotal:.2f}"})


def order_transition(*, order: Order, to_status: str, actor: Actor, reason: str = "") -> Order:
    """Moves an order along the state machine (orders.state_machine) as `actor` in one transaction:
    the conditional status update, its timestamp, an OrderStatusChange audit row, the outbox event
    `order_status_updated` and the `order.updated` broadcast. Of two racing transitions exactly one
    wins; the other raises 409.

    `order` and `actor` come from orders.selectors.order_get (the actor's role is relative to this
    order; an order the user may not see is a 404 there). The order needs tenant, customer and lines
    loaded (the broadcast reads them) and is updated in place and returned."""
    reason = (reason or "").strip()
    if to_status not in OrderStatus.values:
        raise ApplicationError(f"Unknown status '{to_status}'.", code="invalid_status",
                               fields={"status": [f"Choose one of {', '.join(OrderStatus.values)}."]})
    if len(reason) > 500:
        raise ApplicationError("The reason is too long.", code="invalid",
                               fields={"reason": ["Ensure this field has no more than 500 characters."]})
    with transaction.atomic():
        state_machine.check_transition(from_status=order.status, to_status=to_status, role=actor.role, reason=reason)
        _transition_apply(order=order, to_status=to_status, by=actor.user, reason=reason, role=actor.role)
    return order


def _transition_apply(*, order: Order, to_status: str, by: User | None, reason: str, automatic: bool = False,
                      role: str | None = None, lines=None) -> OrderStatusChange:
    """The write of one checked transition (inside the caller's transaction): the conditional
    update, its timestamp, the audit row, the outbox event and the broadcast."""
    from_status = order.status
    now = timezone.now()
    changes: dict[str, Any] = {state_machine.TIMESTAMP_FIELDS[to_status]: now, "updated_at": now}
    if to_status == OrderStatus.CANCELLED:
        changes["cancel_reason"] = reason
    if not locks.order_status_compare_and_set(order_id=order.pk, from_status=from_status,
                                              to_status=to_status, changes=changes):
        current = Order.objects.values_list("status", flat=True).get(pk=order.pk)
        raise state_machine.transition_conflict(current_status=current, to_status=to_status, role=role)
    order.status = to_status
    for name, value in changes.items():
        setattr(order, name, value)
    change = OrderStatusChange.objects.create(tenant_id=order.tenant_id, order=order, from_status=from_status,
                                              to_status=to_status, by=by, reason=reason, automatic=automatic)
    outbox_event_create(order=order, event_type=EventType.ORDER_STATUS_UPDATED, from_status=from_status)
    order_broadcast(order=order, message_type="order.updated", lines=lines)
    return change


def order_cancel_by_admin(*, order_id, actor: Actor, reason: str) -> Order:
    """Platform-admin cancellation (Django admin action); a reason is always required."""
    if not (actor.is_admin and is_admin(actor.user)):
        raise PermissionDeniedError("Only platform admins may use this.", code="role_forbidden")
    if not (reason or "").strip():
        raise ApplicationError("A reason is required.", code="reason_required",
                               fields={"reason": ["This field is required."]})
    order, actor = selectors.order_get(user=actor.user, order_id=order_id, with_history=False)
    return order_transition(order=order, to_status=OrderStatus.CANCELLED, actor=actor, reason=reason)


STAFF_PAYMENT_METHODS = (PaymentMethod.CASH, PaymentMethod.PAY_AT_COUNTER)
MAX_CONTACT_NAME = 150
MAX_CONTACT_PHONE = 32


def _check_staff_order(*, channel: str, fulfilment: str, payment_method: str, contact_name: str,
                       contact_phone: str, delivery_address: dict | None) -> None:
    def invalid(field: str, message: str) -> ApplicationError:
        return ApplicationError(f"{field}: {message}", code="validation_error", fields={field: [message]})

    if channel not in STAFF_CHANNELS:
        raise invalid("channel", f"Choose one of {', '.join(STAFF_CHANNELS)}.")
    if fulfilment not in Fulfilment.values:
        raise invalid("fulfilment", f"Choose one of {', '.join(Fulfilment.values)}.")
    if payment_method not in STAFF_PAYMENT_METHODS:
        raise invalid("payment_method", f"Choose one of {', '.join(STAFF_PAYMENT_METHODS)}.")
    if not contact_name or len(contact_name) > MAX_CONTACT_NAME:
        raise invalid("contact_name", f"A name of 1 to {MAX_CONTACT_NAME} characters is required.")
    if len(contact_phone) > MAX_CONTACT_PHONE:
        raise invalid("contact_phone", f"At most {MAX_CONTACT_PHONE} characters.")
    if channel == OrderChannel.PHONE and not contact_phone:
        raise invalid("contact_phone", "A phone order needs the caller's number.")
    if fulfilment == Fulfilment.DELIVERY and not (delivery_address or {}).get("street"):
        raise invalid("delivery_address", "A delivery needs an address (street, city).")


def order_enter(*, actor: Actor, restaurant: Restaurant, channel: str, lines: list[OrderLineInput],
                fulfilment: str, payment_method: str, contact_name: str, contact_phone: str = "",
                delivery_address: dict | None = None, notes: str = "") -> PlacedOrder:
    """A phone or walk-in order that a member (`actor`: owner, staff or admin of `restaurant`)
    enters for a caller or a guest at the counter. Priced exactly like an online order (orders.pricing,
    the same tax and fee rules); it records its channel and who entered it, and has no customer
    account. Cash or pay at counter. The pause switch and opening hours are the online shop's: staff
    standing in the kitchen may still take an order; an inactive restaurant takes none.

    The actor's role is re-derived for `restaurant` (restaurants.roles.restaurant_actor): an outsider
    (not a member, not an admin) gets a 404, as if the restaurant did not exist; a member acts in
    the role they hold here, whatever role `actor` claimed."""
    actor = restaurant_actor(user=actor.user, restaurant=restaurant)
    if actor is None:
        raise NotFoundError("No such restaurant.", code="restaurant_not_found",
                            fields={"restaurant": ["No such restaurant."]})
    check_may_enter_orders(actor)
    contact_name, contact_phone, notes = contact_name.strip(), contact_phone.strip(), (notes or "").strip()
    _check_lines_shape(lines)
    _check_staff_order(channel=channel, fulfilment=fulfilment, payment_method=payment_method,
                       contact_name=contact_name, contact_phone=contact_phone, delivery_address=delivery_address)
    if not restaurant.is_active:
        raise ConflictError("This restaurant is not taking orders.", code="restaurant_inactive",
                            fields={"restaurant": ["The restaurant is inactive."]})
    terms = (pricing.delivery_terms(restaurant=restaurant, address=delivery_address)
             if fulfilment == Fulfilment.DELIVERY else PICKUP_TERMS)
    priced = pricing.lines_price(restaurant=restaurant, lines=lines)
    _check_minimum_order(restaurant, priced, minimum=terms.minimum_order)
    origin = OrderOrigin(channel=channel, entered_by=actor.user, contact_name=contact_name,
                         contact_phone=contact_phone)
    order, created_lines, changes = _order_create(
        customer=None, restaurant=restaurant, priced=priced,
        delivery_address=dict(delivery_address or {}) if fulfilment == Fulfilment.DELIVERY else {},
        payment_method=payment_method, notes=notes, idempotency_key=None, fingerprint="", now=timezone.now(),
        terms=terms, fulfilment=fulfilment, origin=origin)
    return PlacedOrder(order=order, created=True, lines=created_lines, status_changes=changes)


def order_activity_record(*, order: Order, kind: str, by: User | None, detail: str = "") -> OrderActivity:
    """Adds a non-status entry to the order's timeline (inside the caller's transaction)."""
    return OrderActivity.objects.create(tenant_id=order.tenant_id, order=order, kind=kind, by=by,
                                        detail=(detail or "")[:500])
