"""Which restaurant a dashboard page is about, and who the viewer is there (404 for outsiders).

Pages hide what the viewer may not use: a page whose role rule (`menu.roles`, `restaurants.roles`)
refuses the actor is a 404, as if it did not exist. The services enforce the same rules.
"""

from collections.abc import Callable

from django.http import Http404

from foodsys.tenancy.actor import Actor
from restaurants.models import Restaurant
from restaurants.roles import restaurant_actor


def dashboard_restaurant(request, restaurant_id: int,
                         allowed: Callable[[Actor], bool] | None = None) -> tuple[Restaurant, Actor]:
    """(restaurant, the viewer's actor there); Http404 when the user is neither member nor admin,
    so restaurant ids of other tenants do not leak, and when `allowed(actor)` says no."""
    restaurant = Restaurant.objects.filter(pk=restaurant_id).first()
    if restaurant is None:
        raise Http404("No such restaurant.")
    actor = restaurant_actor(user=request.user, restaurant=restaurant)
    if actor is None:
        raise Http404("No such restaurant.")
    if allowed is not None and not allowed(actor):
        raise Http404("No such page.")
    return restaurant, actor
