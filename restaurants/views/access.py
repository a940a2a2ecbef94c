"""Which restaurant a dashboard page is about, and the viewer's role there (404 for outsiders)."""

from django.http import Http404

from accounts.selectors import membership_role
from foodsys.tenancy.resolution import is_admin
from restaurants.models import Restaurant

MANAGER_ROLES = ("owner", "admin")


def dashboard_restaurant(request, restaurant_id: int) -> tuple[Restaurant, str]:
    """(restaurant, "owner" | "staff" | "admin"); Http404 when the user is neither member nor admin,
    so restaurant ids of other tenants do not leak."""
    restaurant = Restaurant.objects.filter(pk=restaurant_id).first()
    if restaurant is None:
        raise Http404("No such restaurant.")
    role = membership_role(user=request.user, tenant=restaurant)
    if role is None and is_admin(request.user):
        role = "admin"
    if role is None:
        raise Http404("No such restaurant.")
    return restaurant, role


def manager_restaurant(request, restaurant_id: int) -> tuple[Restaurant, str]:
    """Like `dashboard_restaurant`, for pages only owners and admins may use (staff get 404)."""
    restaurant, role = dashboard_restaurant(request, restaurant_id)
    if role not in MANAGER_ROLES:
        raise Http404("No such page.")
    return restaurant, role
