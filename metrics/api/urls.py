from django.urls import path

from metrics.api import views

urlpatterns = [
    path("metrics/", views.MetricsView.as_view(), name="metrics"),
    path("metrics/<uuid:tenant_id>/", views.TenantMetricsView.as_view(), name="metrics-tenant"),
    path("metrics/<uuid:tenant_id>/orders-per-minute/", views.OrdersPerMinuteView.as_view(),
         name="metrics-orders-per-minute"),
]
