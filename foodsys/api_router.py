"""The one DRF router: every viewset is registered here."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter(trailing_slash=True)

# Apps register below (keep one line per viewset).
from orders.api.views import OrderViewSet  # noqa: E402

router.register("orders", OrderViewSet, basename="order")
from menu.api.views import CategoryViewSet, MenuItemViewSet, OptionGroupViewSet, OptionViewSet  # noqa: E402
from restaurants.api.views import RestaurantViewSet  # noqa: E402

router.register("restaurants", RestaurantViewSet, basename="restaurant")
router.register("menu/categories", CategoryViewSet, basename="menu-category")
router.register("menu/items", MenuItemViewSet, basename="menu-item")
router.register(r"menu/items/(?P<item_id>\d+)/option-groups", OptionGroupViewSet, basename="menu-option-group")
router.register("menu/options", OptionViewSet, basename="menu-option")

# Fast paths (foodsys/api_fast_paths.py): an anonymous JSON GET of these routes is answered by the
# given function, which calls the same body builder as the DRF action; anything else goes to the
# router's view. foodsys/urls.py mounts `urlpatterns`.
from foodsys.api_fast_paths import with_fast_paths  # noqa: E402
from restaurants.api.views import menu_for_anonymous  # noqa: E402

urlpatterns = with_fast_paths(router.urls, {"restaurant-menu": menu_for_anonymous})
