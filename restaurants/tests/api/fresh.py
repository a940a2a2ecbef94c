"""What DRF renders for the catalog, built afresh in the test from the models: serializer data through
`JSONRenderer`, the clock-dependent flags from the model's own rules. Never uses the code under test
(no cache, no splice), so cached and fast-path bodies are compared against an independent answer."""

from datetime import datetime

from rest_framework.renderers import JSONRenderer

from menu.api.serializers import MenuCategorySerializer
from menu.selectors import menu_for_restaurant
from restaurants.api.serializers import RestaurantOutputSerializer
from restaurants.models import Restaurant

# The menu's restaurant summary, as the API documents it (the flags are appended last).
MENU_RESTAURANT_FIELDS = ("id", "tenant_id", "name", "currency", "timezone", "opening_hours", "accepting_orders",
                          "paused_until", "delivery_fee", "minimum_order", "tax_rate", "estimated_delivery_minutes")


def _flags(restaurant: Restaurant, now: datetime) -> dict[str, bool]:
    return {"is_open_now": restaurant.is_open_at(now), "is_paused": restaurant.is_paused(now)}


def fresh_restaurant_json(restaurant: Restaurant, *, now: datetime) -> bytes:
    restaurant = Restaurant.objects.get(pk=restaurant.pk)
    data = RestaurantOutputSerializer(restaurant).data
    data.update(_flags(restaurant, now))  # in place: the fields keep the serializer's order
    return JSONRenderer().render(data)


def fresh_menu_json(restaurant: Restaurant, *, now: datetime) -> bytes:
    restaurant = Restaurant.objects.get(pk=restaurant.pk)
    summary = RestaurantOutputSerializer(restaurant).data
    return JSONRenderer().render({
        "restaurant": {**{field: summary[field] for field in MENU_RESTAURANT_FIELDS}, **_flags(restaurant, now)},
        "categories": MenuCategorySerializer(menu_for_restaurant(restaurant=restaurant), many=True).data,
    })
