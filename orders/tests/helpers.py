"""Order test helpers: a valid request body, and an order placed through the service."""

from foodsys.testing import factories as f
from orders import services

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


def advance(order, *statuses, actor, reason=""):
    for status in statuses:
        order = services.order_transition(order_id=order.pk, actor=actor, to_status=status, reason=reason)
    return order
