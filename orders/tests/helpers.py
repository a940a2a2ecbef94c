"""Order test helpers: a valid request body, and an order placed (and moved) through the services."""

from foodsys.testing import factories as f
from orders import selectors, services

ADDRESS = {"street": "742 Evergreen Terrace", "city": "Springfield", "state": "IL", "zip_code": "62704",
           "lat": 39.78, "lng": -89.65}


def menu_item_in(restaurant, **fields):
    return f.MenuItemFactory(category=f.CategoryFactory(tenant=restaurant), **fields)


def order_payload(restaurant, /, *lines, **overrides) -> dict:
    """A valid POST /api/orders/ body; each line is (menu_item, quantity) or (menu_item, quantity, [option ids])."""
    body = {
        "restaurant": restaurant.id,
        "items": [{"menu_item": line[0].id, "quantity": line[1], "options": list(line[2]) if len(line) > 2 else [],
                   "special_instructions": ""} for line in lines],
        "delivery_address": dict(ADDRESS),
        "payment_method": "cash",
        "notes": "",
    }
    body.update(overrides)
    return body


def line_inputs(*lines) -> list[services.OrderLineInput]:
    return [services.OrderLineInput(menu_item_id=line[0].id, quantity=line[1],
                                    option_ids=tuple(line[2]) if len(line) > 2 else ())
            for line in lines]


def place(*, customer, restaurant, lines, idempotency_key=None, payment_method="cash", notes=""):
    return services.order_place(customer=customer, restaurant_ref=restaurant.id, lines=line_inputs(*lines),
                                delivery_address=dict(ADDRESS), payment_method=payment_method, notes=notes,
                                idempotency_key=idempotency_key)


def transition(order_id, to_status, *, by, reason=""):
    """order_transition by the user `by`, with the order and their Actor loaded as the API does."""
    order, actor = selectors.order_get(user=by, order_id=order_id, with_history=False)
    return services.order_transition(order=order, to_status=to_status, actor=actor, reason=reason)


def advance(order, *statuses, actor, reason=""):
    """Moves `order` through `statuses` as the user `actor`."""
    for status in statuses:
        order = transition(order.pk, status, by=actor, reason=reason)
    return order
