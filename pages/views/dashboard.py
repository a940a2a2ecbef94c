"""The owner/staff dashboard: the list of one's restaurants and a live board per restaurant."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse

from accounts.selectors import membership_list
from orders.enums import OPEN_STATUSES, OrderStatus
from pages.views.access import dashboard_restaurant
from restaurants.roles import may_change_settings

BOARD_STATUSES = [status.value for status in OPEN_STATUSES]


@login_required
def dashboard_home(request):
    return render(request, "dashboard/home.html", {"memberships": membership_list(request.user)})


@login_required
def dashboard_board(request, restaurant_id: int):
    restaurant, actor = dashboard_restaurant(request, restaurant_id)
    config = {
        "tenantId": str(restaurant.tenant_id),
        "restaurantId": restaurant.pk,
        "currency": restaurant.currency,
        "wsPath": f"/ws/tenant/{restaurant.tenant_id}/",
        "metricsUrl": "/api/metrics/",
        "ordersUrl": "/api/orders/",
        "statusUrlTemplate": "/api/orders/{id}/status/",
        "boardStatuses": BOARD_STATUSES,
        "statusLabels": {status.value: status.label for status in OrderStatus},
    }
    return render(request, "dashboard/board.html", {
        "restaurant": restaurant,
        "role": actor.role,
        "can_manage": may_change_settings(actor),  # the board links to the settings
        "board_columns": [(s.value, s.label) for s in OPEN_STATUSES],
        "config": config,
        "menu_url": reverse("pages:manage-menu", args=[restaurant.pk]),
        "settings_url": reverse("pages:manage-settings", args=[restaurant.pk]),
    })
