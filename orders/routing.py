from django.urls import path

from orders.consumers import CustomerOrdersConsumer, TenantStreamConsumer

# <str:...> rather than <uuid:...>: a malformed id gets close code 4404, not a failed handshake.
websocket_urlpatterns = [
    path("ws/tenant/<str:tenant_id>/", TenantStreamConsumer.as_asgi()),
    path("ws/orders/", CustomerOrdersConsumer.as_asgi()),
]
