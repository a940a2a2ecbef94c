"""Phone and walk-in order entry for members: the menu, a cart, the caller's details, and "Place order".

The page only reads (the menu through menu.selectors, as the storefront does); the order is placed by
static/js/order-entry.js through POST /api/restaurants/{id}/orders/, which prices it on the server
(orders.services.order_enter). Owners, staff and admins only (orders.roles.may_enter_orders);
anyone else gets 404.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from menu.selectors import menu_for_restaurant
from orders.enums import STAFF_CHANNELS, Fulfilment
from orders.roles import may_enter_orders
from orders.services import MAX_CONTACT_NAME, MAX_CONTACT_PHONE, MAX_QUANTITY, STAFF_PAYMENT_METHODS
from pages.views.access import dashboard_restaurant


@login_required
def order_new(request, restaurant_id: int):
    restaurant, _ = dashboard_restaurant(request, restaurant_id, allowed=may_enter_orders)
    board_url = reverse("pages:dashboard-board", args=[restaurant.pk])
    config = {
        "restaurantId": restaurant.pk,
        "currency": restaurant.currency,
        "deliveryFee": str(restaurant.delivery_fee),
        "taxRate": str(restaurant.tax_rate),
        "enterUrl": reverse("order-enter", args=[restaurant.pk]),
        "boardUrl": board_url,
        "maxQuantity": MAX_QUANTITY,
    }
    return render(request, "dashboard/order_new.html", {
        "restaurant": restaurant,
        "categories": menu_for_restaurant(restaurant=restaurant),
        "channels": [(channel.value, channel.label) for channel in STAFF_CHANNELS],
        "fulfilments": [(choice.value, choice.label) for choice in (Fulfilment.PICKUP, Fulfilment.DELIVERY)],
        "payment_methods": [(method.value, method.label) for method in STAFF_PAYMENT_METHODS],
        "max_contact_name": MAX_CONTACT_NAME,
        "max_contact_phone": MAX_CONTACT_PHONE,
        "max_quantity": MAX_QUANTITY,
        "board_url": board_url,
        "config": config,
    })
