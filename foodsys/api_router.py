"""The one DRF router: every viewset is registered here."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter(trailing_slash=True)

# Apps register below (keep one line per viewset).
