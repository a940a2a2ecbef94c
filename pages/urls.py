"""Server-rendered pages: owner dashboard and management (/dashboard/...), storefront (/store/...)."""

from django.urls import path, register_converter
from django.views.generic import RedirectView

from menu.services import MOVE_DIRECTIONS
from pages.views import dashboard, manage, order_entry, storefront, tickets


class DirectionConverter:
    """"up" | "down" (the menu services' move directions); anything else is not a page (404)."""

    regex = "|".join(MOVE_DIRECTIONS)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(DirectionConverter, "direction")

app_name = "pages"

_R = "dashboard/<int:restaurant_id>"

urlpatterns = [
    path("", RedirectView.as_view(url="/store/", permanent=False), name="home"),
    # dashboard
    path("dashboard/", dashboard.dashboard_home, name="dashboard-home"),
    path("dashboard/new/", manage.restaurant_new, name="restaurant-new"),
    path(f"{_R}/", dashboard.dashboard_board, name="dashboard-board"),
    path(f"{_R}/history/", dashboard.dashboard_history, name="dashboard-history"),
    path(f"{_R}/orders/new/", order_entry.order_new, name="order-new"),
    path(f"{_R}/orders/<str:order_id>/ticket/", tickets.order_ticket, name="order-ticket"),
    path(f"{_R}/settings/", manage.restaurant_settings, name="manage-settings"),
    path(f"{_R}/menu/", manage.menu_manage, name="manage-menu"),
    path(f"{_R}/menu/categories/new/", manage.category_create, name="category-create"),
    path(f"{_R}/menu/categories/<int:category_id>/", manage.category_edit, name="category-edit"),
    path(f"{_R}/menu/categories/<int:category_id>/move/<direction:direction>/", manage.category_move,
         name="category-move"),
    path(f"{_R}/menu/items/new/", manage.item_create, name="item-create"),
    path(f"{_R}/menu/items/<int:item_id>/", manage.item_edit, name="item-edit"),
    path(f"{_R}/menu/items/<int:item_id>/move/<direction:direction>/", manage.item_move, name="item-move"),
    path(f"{_R}/menu/items/<int:item_id>/availability/", manage.item_availability, name="item-availability"),
    path(f"{_R}/menu/items/<int:item_id>/groups/new/", manage.option_group_create, name="group-create"),
    path(f"{_R}/menu/groups/<int:group_id>/", manage.option_group_edit, name="group-edit"),
    path(f"{_R}/menu/groups/<int:group_id>/move/<direction:direction>/", manage.option_group_move, name="group-move"),
    path(f"{_R}/menu/options/<int:option_id>/availability/", manage.option_availability,
         name="option-availability"),
    # storefront
    path("store/", storefront.store_list, name="store-list"),
    path("store/restaurants/<int:restaurant_id>/", storefront.store_menu, name="store-menu"),
    path("store/orders/", storefront.store_orders, name="store-orders"),
    path("store/orders/<str:order_id>/", storefront.store_tracking, name="store-tracking"),
]
