"""The owner/staff dashboard: the list of one's restaurants (every restaurant for an admin), a live
board per restaurant and its order history."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse

from accounts.selectors import membership_list
from foodsys.tenancy.resolution import is_admin
from orders.enums import OPEN_STATUSES, OrderStatus
from pages.views.access import dashboard_restaurant
from restaurants.roles import may_change_settings, may_control_service
from restaurants.selectors import restaurant_admin_list

BOARD_STATUSES = [status.value for status in OPEN_STATUSES]
ADMIN_PAGE_SIZE = 25


@login_required
def dashboard_home(request):
    context = {"memberships": membership_list(request.user), "is_admin": is_admin(request.user)}
    if context["is_admin"]:  # an admin may open any restaurant's board: list them all, searchable
        query = request.GET.get("q", "").strip()[:100]
        page = Paginator(restaurant_admin_list(q=query), ADMIN_PAGE_SIZE).get_page(request.GET.get("page"))
        context.update(query=query, restaurants_page=page)
    return render(request, "dashboard/home.html", context)


def _order_urls(restaurant) -> dict:
    """The API and page URLs the board and the history page (and their detail panel) call."""
    return {
        "tenantId": str(restaurant.tenant_id),
        "restaurantId": restaurant.pk,
        "currency": restaurant.currency,
        "timezone": restaurant.timezone,
        "ordersUrl": "/api/orders/",
        "orderDetailUrlTemplate": "/api/orders/{id}/",
        "statusUrlTemplate": "/api/orders/{id}/status/",
        "statusLabels": {status.value: status.label for status in OrderStatus},
        "ticketUrlTemplate": reverse("pages:order-ticket", args=[restaurant.pk, "ID"]).replace("ID", "{id}")
        + "?print=1",
    }


@login_required
def dashboard_board(request, restaurant_id: int):
    restaurant, actor = dashboard_restaurant(request, restaurant_id)
    config = {
        **_order_urls(restaurant),
        "wsPath": f"/ws/tenant/{restaurant.tenant_id}/",
        "metricsUrl": "/api/metrics/",
        "boardStatuses": BOARD_STATUSES,
        "targetPrepMinutes": restaurant.target_prep_minutes,
        "serviceStateUrl": f"/api/restaurants/{restaurant.pk}/service-state/",
        "busyUrl": f"/api/restaurants/{restaurant.pk}/busy/",
        "pauseUrl": f"/api/restaurants/{restaurant.pk}/pause/",
    }
    return render(request, "dashboard/board.html", {
        "restaurant": restaurant,
        "role": actor.role,
        "can_manage": may_change_settings(actor),  # the board links to the settings
        "can_control_service": may_control_service(actor),  # busy / pause controls
        "board_columns": [(s.value, s.label) for s in OPEN_STATUSES],
        "config": config,
        "new_order_url": reverse("pages:order-new", args=[restaurant.pk]),
        "history_url": reverse("pages:dashboard-history", args=[restaurant.pk]),
        "menu_url": reverse("pages:manage-menu", args=[restaurant.pk]),
        "settings_url": reverse("pages:manage-settings", args=[restaurant.pk]),
    })


@login_required
def dashboard_history(request, restaurant_id: int):
    """Past and current orders with search, status and local-date filters; the list comes from
    GET /api/orders/ (static/js/history.js), the same detail panel as the board's opens on click."""
    restaurant, _actor = dashboard_restaurant(request, restaurant_id)
    config = {**_order_urls(restaurant), "exportUrl": "/api/orders/export.csv/"}
    return render(request, "dashboard/history.html", {
        "restaurant": restaurant,
        "config": config,
        "statuses": [(status.value, status.label) for status in OrderStatus],
        "board_url": reverse("pages:dashboard-board", args=[restaurant.pk]),
    })
