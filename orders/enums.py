"""The one declaration of order statuses and event types. Lists that cannot import it (the event
schema of the ground floor, the dashboard's JS, the storefront's tracked steps) are checked against
it by foodsys/tests/test_event_schema.py and tests/test_status_lists.py; metrics derives its own."""

from django.db import models


class OrderStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    CONFIRMED = "confirmed", "Confirmed"
    PREPARING = "preparing", "Preparing"
    READY = "ready", "Ready"
    OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"


OPEN_STATUSES = (
    OrderStatus.PENDING,
    OrderStatus.CONFIRMED,
    OrderStatus.PREPARING,
    OrderStatus.READY,
    OrderStatus.OUT_FOR_DELIVERY,
)
FINAL_STATUSES = (OrderStatus.DELIVERED, OrderStatus.CANCELLED)


class PaymentMethod(models.TextChoices):
    CASH = "cash", "Cash"
    CARD = "card", "Card"
    ONLINE = "online", "Online"
    PAY_AT_COUNTER = "pay_at_counter", "Pay at counter"  # phone and walk-in orders


class OrderChannel(models.TextChoices):
    """Where the order came from: the customer's own client, or staff entering it for someone."""

    ONLINE = "online", "Online"
    PHONE = "phone", "Phone"
    WALK_IN = "walk_in", "Walk-in"


STAFF_CHANNELS = (OrderChannel.PHONE, OrderChannel.WALK_IN)


class Fulfilment(models.TextChoices):
    DELIVERY = "delivery", "Delivery"
    PICKUP = "pickup", "Pickup"


class PaymentStatus(models.TextChoices):
    # No payment gateway is integrated yet: every order starts (and stays) pending.
    PENDING = "pending", "Pending"
    PAID = "paid", "Paid"
    REFUNDED = "refunded", "Refunded"
    FAILED = "failed", "Failed"


class EventType(models.TextChoices):
    ORDER_CREATED = "order_created", "Order created"
    ORDER_STATUS_UPDATED = "order_status_updated", "Order status updated"
