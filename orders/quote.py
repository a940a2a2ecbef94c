"""The quote for a cart before it is ordered: the money and the ETA the order would get if placed now.

One path with placing: the same checks (orders.services: line shape, delivery terms, menu pricing,
minimum order) and the same arithmetic (`orders.services.order_figures`: tax, fee, total and the
measured ETA), so a quote is exactly what `order_place` / `order_enter` would store a moment later.
A quote writes nothing.

What differs from placing: a restaurant that would refuse an ASAP order now (inactive, paused,
closed) still gets a priced quote with `asap_available` False and the reason, so a storefront can
say so before the customer builds a cart; `order_place` raises the same refusal as a 409.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from foodsys.common.exceptions import ConflictError
from orders import pricing, services
from restaurants import slots
from restaurants.models import Restaurant

# services._restaurant_check_accepting's refusal codes -> the quote's `reason`
_REASONS = {"restaurant_inactive": "inactive", "restaurant_paused": "paused", "restaurant_closed": "closed"}


@dataclass(frozen=True)
class Quote:
    subtotal: Decimal
    delivery_fee: Decimal
    tax: Decimal
    total: Decimal
    currency: str
    zone: str | None  # the delivery zone that set the fee; None for pickup or a restaurant without zones
    ready_at: datetime
    deliver_at: datetime | None  # None for pickup
    minutes: int  # until delivered (delivery) or ready (pickup)
    eta_basis: str  # orders.eta.MEASURED | DEFAULT
    asap_available: bool
    reason: str | None = None  # "inactive" | "paused" | "closed" when not asap_available
    message: str | None = None  # the reason in words


def order_quote(*, restaurant: Restaurant, lines: list[services.OrderLineInput], fulfilment: str,
                address: dict | None, now: datetime, scheduled_for: datetime | None = None) -> Quote:
    """The quote for `lines` as `fulfilment` ("delivery" to `address`, or "pickup") placed at `now`.

    Raises ApplicationError (400) / ConflictError (409) as placing does, naming the field in
    POST /api/orders/ terms (`items[0].menu_item`, `delivery_address`, `items` for the minimum);
    the API renames them into its body's terms. With `scheduled_for`, the slot is checked as placing
    checks it (restaurants.slots.slot_check: grid, hours, lead time) and the times are the slot's;
    whether the slot still has room is known only when placing (orders.capacity.slot_reserve)."""
    services._check_lines_shape(lines)
    slots.fulfilment_check(restaurant, fulfilment)
    try:
        services._restaurant_check_accepting(restaurant, now=now)
        refusal = None
    except ConflictError as exc:
        refusal = exc
    terms = services.fulfilment_terms(restaurant=restaurant, fulfilment=fulfilment, address=address)
    priced = pricing.lines_price(restaurant=restaurant, lines=lines)
    services._check_minimum_order(restaurant, priced, minimum=terms.minimum_order)
    figures = services.order_figures(restaurant=restaurant, priced=priced, terms=terms, fulfilment=fulfilment,
                                     now=now)
    if scheduled_for is not None:
        start = slots.slot_check(restaurant, scheduled_for, fulfilment, now, services._lead_minutes(figures, now=now))
        figures = figures.scheduled(start, restaurant=restaurant, fulfilment=fulfilment, now=now)
    return Quote(subtotal=figures.subtotal, delivery_fee=figures.delivery_fee, tax=figures.tax, total=figures.total,
                 currency=restaurant.currency, zone=terms.zone_name, ready_at=figures.ready_at,
                 deliver_at=figures.deliver_at, minutes=figures.eta_minutes, eta_basis=figures.eta_basis,
                 asap_available=refusal is None,
                 reason=_REASONS.get(refusal.code, refusal.code) if refusal else None,
                 message=refusal.message if refusal else None)
