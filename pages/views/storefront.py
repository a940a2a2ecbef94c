"""The customer storefront: browse restaurants, a menu with a cart, and live order tracking."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone

from foodsys.common.exceptions import NotFoundError
from menu.selectors import menu_for_restaurant
from orders import selectors as order_selectors
from orders.enums import OrderStatus, PaymentMethod
from orders.presenters import order_detail, order_summary
from restaurants.selectors import restaurant_get, restaurant_list, restaurant_open_at

PAGE_SIZE = 24
TRACKED_STATUSES = ["pending", "confirmed", "preparing", "ready", "out_for_delivery", "delivered"]


def store_list(request):
    city = request.GET.get("city", "").strip()[:100]
    cuisine = request.GET.get("cuisine", "").strip()[:50]
    open_now = request.GET.get("open_now") == "1"
    restaurants = restaurant_list(city=city or None, cuisine=cuisine or None)
    if open_now:
        restaurants = restaurant_open_at(restaurants=restaurants, when=timezone.now())
    page = Paginator(restaurants, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "storefront/list.html", {
        "page": page, "city": city, "cuisine": cuisine, "open_now": open_now,
        "query": _query_without_page(request),
    })


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def store_menu(request, restaurant_id: int):
    try:
        restaurant = restaurant_get(restaurant_id=restaurant_id, user=request.user)
    except NotFoundError:
        raise Http404("No such restaurant.")
    now = timezone.now()
    config = {
        "restaurantId": restaurant.pk,
        "currency": restaurant.currency,
        "deliveryFee": str(restaurant.delivery_fee),
        "minimumOrder": str(restaurant.minimum_order),
        "taxRate": str(restaurant.tax_rate),
        "ordersUrl": "/api/orders/",
        "trackingUrlTemplate": "/store/orders/{id}/",
        "authenticated": request.user.is_authenticated,
    }
    return render(request, "storefront/menu.html", {
        "restaurant": restaurant,
        "categories": menu_for_restaurant(restaurant=restaurant),
        "is_open": restaurant.is_open_at(now),
        "is_paused": restaurant.is_paused(now),
        "payment_methods": PaymentMethod.choices,
        "config": config,
    })


@login_required
def store_orders(request):
    orders = order_selectors.order_list(user=request.user, tenant=None, filters=order_selectors.OrderFilters(),
                                        mine_only=True)
    page = Paginator(orders, PAGE_SIZE).get_page(request.GET.get("page"))
    actors = order_selectors.order_actors(orders=page, user=request.user, tenancy=request.tenant_resolution)
    summaries = [order_summary(order, role=actor.role) for order, actor in zip(page, actors, strict=True)]
    return render(request, "storefront/orders.html", {"page": page, "orders": summaries})


@login_required
def store_tracking(request, order_id: str):
    try:
        order, actor = order_selectors.order_get(user=request.user, order_id=order_id,
                                                 tenancy=request.tenant_resolution)
    except NotFoundError:
        raise Http404("No such order.")
    detail = order_detail(order, role=actor.role)
    return render(request, "storefront/tracking.html", {
        "order": detail,
        "steps": [(status, OrderStatus(status).label) for status in TRACKED_STATUSES],
        "config": {"order": detail, "wsPath": "/ws/orders/", "detailUrl": f"/api/orders/{order.pk}/",
                   "statusLabels": {s.value: s.label for s in OrderStatus}},
    })
