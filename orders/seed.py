"""Demo orders for `manage.py seed_demo`, placed and moved through the real services."""

from accounts.models import User
from menu.models import MenuItem
from orders.enums import OrderStatus
from orders.selectors import order_get
from orders.services import OrderLineInput, order_place, order_transition
from restaurants.models import Restaurant

# Each demo order ends in one of these statuses, so the board has a card in every column.
_PATHS = [
    [],
    [OrderStatus.CONFIRMED],
    [OrderStatus.CONFIRMED, OrderStatus.PREPARING],
    [OrderStatus.CONFIRMED, OrderStatus.PREPARING, OrderStatus.READY],
    [OrderStatus.CONFIRMED, OrderStatus.PREPARING, OrderStatus.READY, OrderStatus.OUT_FOR_DELIVERY,
     OrderStatus.DELIVERED],
    [OrderStatus.CANCELLED],
]
_ADDRESS = {"street": "742 Evergreen Terrace", "city": "Springfield", "state": "IL", "zip_code": "62701"}


def place_demo_orders(*, restaurant: Restaurant, customers: list[User]) -> int:
    owner = User.objects.filter(memberships__tenant=restaurant, memberships__role="owner").first()
    # Items without option groups keep the demo carts valid whatever the groups require.
    items = list(MenuItem.objects.for_tenant(restaurant).filter(option_groups__isnull=True)[:4])
    for index, path in enumerate(_PATHS):
        customer = customers[index % len(customers)]
        lines = [OrderLineInput(menu_item_id=item.id, quantity=1 + (index + n) % 2) for n, item in enumerate(items[:3])]
        placed = order_place(customer=customer, restaurant_ref=restaurant.id, lines=lines,
                             delivery_address=_ADDRESS, payment_method="cash", notes="Demo order",
                             idempotency_key=f"demo-{restaurant.tenant_id}-{index}")
        for status in path:
            user = customer if status == OrderStatus.CANCELLED else owner
            order, actor = order_get(user=user, order_id=placed.order.id, with_history=False)
            order_transition(order=order, to_status=status, actor=actor,
                             reason="Demo cancellation" if status == OrderStatus.CANCELLED else "")
    return len(_PATHS)
