from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView

from foodsys import api_docs, health
from foodsys.admin_login import ThrottledAdminAuthenticationForm, admin_login
from foodsys.api_router import urlpatterns as api_urlpatterns
from foodsys.observability.views import metrics_view
from foodsys.realtime.api.views import WsTicketView
from orders.api.entry import RestaurantOrderEntryView
from orders.api.quote import RestaurantQuoteView
from orders.api.slots import SlotsView

admin.site.login_form = ThrottledAdminAuthenticationForm  # the login throttle's message on the admin page

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics_view, name="prometheus-metrics"),
    path("admin/login/", admin_login, name="admin-login"),  # before the site's own, same URL; 429 when throttled
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", api_docs.swagger_ui_view, name="api-docs"),
    path("api/auth/ws-ticket/", WsTicketView.as_view(), name="ws-ticket"),
    path("api/auth/", include("accounts.api.urls")),
    path("api/", include("metrics.api.urls")),
    path("api/restaurants/<int:restaurant_id>/orders/", RestaurantOrderEntryView.as_view(), name="order-enter"),
    path("api/", include("printing.urls")),  # print devices, claims, acks, reprints
    path("api/", include("restaurants.zone_urls")),  # delivery zones and the address check
    path("api/restaurants/<int:restaurant_id>/quote/", RestaurantQuoteView.as_view(), name="restaurant-quote"),
    path("api/restaurants/<int:restaurant_id>/slots/", SlotsView.as_view(), name="restaurant-slots"),
    path("api/", include(api_urlpatterns)),  # the one router, with its fast paths
    path("auth/", include("social_django.urls", namespace="social")),
    # Short first-day addresses -> the accounts pages (the query string, e.g. ?next=, is kept)
    path("login/", RedirectView.as_view(url="/accounts/login/", query_string=True)),
    path("logout/", RedirectView.as_view(url="/accounts/logout/", query_string=True)),
    path("signup/", RedirectView.as_view(url="/accounts/signup/", query_string=True)),
    path("register/", RedirectView.as_view(url="/accounts/signup/", query_string=True)),
    path("", include("accounts.urls")),
    path("", include("pages.urls")),  # dashboard, management and storefront pages
]

handler404 = "foodsys.errors_views.not_found"
handler500 = "foodsys.errors_views.server_error"
