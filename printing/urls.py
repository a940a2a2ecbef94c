from django.urls import path

from printing.api import views

urlpatterns = [
    path("restaurants/<int:restaurant_id>/print-devices/", views.PrintDeviceListView.as_view(),
         name="print-devices"),
    path("restaurants/<int:restaurant_id>/print-devices/<int:device_id>/", views.PrintDeviceDetailView.as_view(),
         name="print-device"),
    path("print-devices/<int:device_id>/claim/", views.PrintJobClaimView.as_view(), name="print-jobs-claim"),
    path("print-devices/<int:device_id>/jobs/<uuid:job_id>/ack/", views.PrintJobAckView.as_view(),
         name="print-job-ack"),
    path("orders/<uuid:order_id>/reprint/", views.OrderReprintView.as_view(), name="order-reprint"),
]
