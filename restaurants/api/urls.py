from django.urls import re_path

from restaurants.api import fast_menu

# Ahead of the router's own route for the same path (foodsys/urls.py includes this first); the
# router's RestaurantViewSet.menu stays the documented endpoint and serves whatever this defers.
urlpatterns = [
    re_path(r"^restaurants/(?P<pk>\d+)/menu/$", fast_menu.menu, name="restaurant-menu-fast"),
]
