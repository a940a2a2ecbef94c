import uuid

from django.conf import settings
from django.db import models

from foodsys.common.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from foodsys.tenancy.models import TenantScopedModel, tenant_index
from orders.enums import EventType, Fulfilment, OrderChannel, OrderStatus, PaymentMethod, PaymentStatus


def _money(**kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, **kwargs)


class Order(TenantScopedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    order_number = models.CharField(max_length=32)  # readable, unique per restaurant: YYYYMMDD-NNNN
    # Indexed by order_customer_created (customer first), not by a column index of its own.
    # None for a phone or walk-in order entered by staff for someone without an account.
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders",
                                 db_index=False, null=True, blank=True)
    channel = models.CharField(max_length=10, choices=OrderChannel.choices, default=OrderChannel.ONLINE)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", db_index=False)  # the member who took a phone/walk-in order
    fulfilment = models.CharField(max_length=10, choices=Fulfilment.choices, default=Fulfilment.DELIVERY)
    contact_name = models.CharField(max_length=150, blank=True)
    contact_phone = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.PENDING)
    payment_method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    payment_status = models.CharField(max_length=10, choices=PaymentStatus.choices,
                                      default=PaymentStatus.PENDING)

    subtotal = _money()
    delivery_fee = _money()
    tax = _money()
    total = _money()
    currency = models.CharField(max_length=3)
    item_count = models.PositiveIntegerField(default=0)

    delivery_address = models.JSONField(default=dict)
    notes = models.TextField(blank=True, max_length=1000)

    estimated_ready_at = models.DateTimeField(null=True, blank=True)
    estimated_delivery_at = models.DateTimeField(null=True, blank=True)
    eta_basis = models.CharField(max_length=10, default="default")  # "measured" | "default" (orders.eta)
    scheduled_for = models.DateTimeField(null=True, blank=True)  # a chosen slot's start; None: as soon as possible
    load = models.PositiveIntegerField(default=0)  # kitchen load: sum of quantity x item load (slot capacity)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    preparing_at = models.DateTimeField(null=True, blank=True)
    ready_at = models.DateTimeField(null=True, blank=True)
    out_for_delivery_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            tenant_index("created_at", name="order_tenant_created"),
            tenant_index("status", name="order_tenant_status"),
            tenant_index("scheduled_for", name="order_tenant_scheduled"),
            tenant_index("ready_at", name="order_tenant_ready"),  # the kitchen history, newest ready first
            models.Index(fields=["customer", "created_at"], name="order_customer_created"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "order_number"], name="order_number_unique_per_tenant"),
        ]

    def __str__(self) -> str:
        return f"Order {self.order_number}"

    @property
    def restaurant(self):
        return self.tenant

    @property
    def preparation_seconds(self) -> int | None:
        """ready_at - preparing_at; where preparing was skipped, ready_at - confirmed_at."""
        start = self.preparing_at or self.confirmed_at
        if not (self.ready_at and start):
            return None
        return max(0, int((self.ready_at - start).total_seconds()))


class OrderLine(TenantScopedModel):
    """Snapshots the item name, unit price and chosen options at the time of ordering."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    menu_item = models.ForeignKey("menu.MenuItem", on_delete=models.SET_NULL, null=True, related_name="+")
    name = models.CharField(max_length=200)
    unit_price = _money()  # item price plus chosen options' deltas
    quantity = models.PositiveSmallIntegerField()
    options = models.JSONField(default=list)  # [{"id", "group", "name", "price_delta"}]
    special_instructions = models.CharField(max_length=500, blank=True)
    line_total = _money()

    class Meta:
        ordering = ["id"]
        indexes = [tenant_index("order", name="orderline_tenant_order")]

    def __str__(self) -> str:
        """"2 × Margherita (Large, Extra cheese)", as the admin and a ticket read it."""
        names = ", ".join(str(o.get("name", "")) for o in self.options or [] if isinstance(o, dict) and o.get("name"))
        return f"{self.quantity} × {self.name}" + (f" ({names})" if names else "")


class OrderStatusChange(TenantScopedModel):
    """Audit trail: one row per transition."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=OrderStatus.choices)
    to_status = models.CharField(max_length=20, choices=OrderStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=500, blank=True)
    automatic = models.BooleanField(default=False)  # made by a rule (auto-accept), not by a person

    class Meta:
        ordering = ["at", "id"]
        indexes = [tenant_index("order", "at", name="statuschange_tenant_order")]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}" + (" (automatic)" if self.automatic else "")


class OrderActivity(TenantScopedModel):
    """Timeline entries that are not status changes, e.g. a ticket reprinted (who and why).
    Other apps write them through orders.services.order_activity_record."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=40)  # e.g. "ticket_reprinted"
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    detail = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [tenant_index("order", "at", name="activity_tenant_order")]


class DailyOrderCounter(TenantScopedModel):
    """Allocates readable order numbers per restaurant per local day."""

    day = models.DateField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "day"], name="daily_counter_unique")]


class IdempotencyRecord(TenantScopedModel):
    """Remembers an Idempotency-Key for 24 h so a repeated POST returns the same order."""

    # Indexed by idempotency_unique_key (customer first).
    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # sha256 of the canonical request body
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["customer", "key"], name="idempotency_unique_key")]
        indexes = [tenant_index("created_at", name="idempotency_tenant_created")]


class OutboxEvent(TenantScopedModel):
    """Written in the same transaction as the order change; the relay publishes it to Kafka."""

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(max_length=40, choices=EventType.choices)
    topic = models.CharField(max_length=100)
    payload = models.JSONField()  # the full event envelope, validated against the schema
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            tenant_index("created_at", name="outbox_tenant_created"),
            models.Index(fields=["id"], name="outbox_unpublished", condition=models.Q(published_at__isnull=True)),
            models.Index(fields=["published_at"], name="outbox_published_at"),
        ]
