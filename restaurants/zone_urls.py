"""Delivery zones of a restaurant (restaurants.api.zones), under /api/."""

from django.urls import path

from restaurants.api import zones

urlpatterns = [
    path("restaurants/<int:restaurant_id>/delivery-zones/", zones.DeliveryZoneListView.as_view(),
         name="delivery-zones"),
    path("restaurants/<int:restaurant_id>/delivery-zones/check/", zones.DeliveryZoneCheckView.as_view(),
         name="delivery-zones-check"),
    path("restaurants/<int:restaurant_id>/delivery-zones/<int:zone_id>/", zones.DeliveryZoneDetailView.as_view(),
         name="delivery-zone"),
]
