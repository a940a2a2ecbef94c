"""Kitchen ticket printing: the devices a restaurant prints on, and one job per ticket per device.

A job is printed once per device: a device claims its due jobs (a lease), prints, and acknowledges
with the claim's token (printing.services). An ack repeated after a lost answer is accepted again;
a job whose lease ran out without an ack is offered to the device again, and the device's own
journal of printed job ids (the agent's file, the tablet's localStorage) keeps it from printing
twice. A reprint is a new job with the next `copy` number, asked for by someone with a reason."""

import uuid

from django.conf import settings
from django.db import models

from foodsys.tenancy.models import TenantScopedModel, tenant_index


class DeviceKind(models.TextChoices):
    BROWSER = "browser", "Browser (tablet or PC)"
    AGENT = "agent", "Print agent (ESC/POS network printer)"


class PaperWidth(models.IntegerChoices):
    MM80 = 80, "80 mm"
    MM58 = 58, "58 mm"


class JobStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the device"
    CLAIMED = "claimed", "Printing"
    PRINTED = "printed", "Printed"


class PrintDevice(TenantScopedModel):
    name = models.CharField(max_length=100)
    kind = models.CharField(max_length=10, choices=DeviceKind.choices)
    paper_width = models.PositiveSmallIntegerField(choices=PaperWidth.choices, default=PaperWidth.MM80)
    prints_new_orders = models.BooleanField(default=True)  # False: reprints only
    is_active = models.BooleanField(default=True)
    token_hash = models.CharField(max_length=64, blank=True)  # sha256 of an agent's token, shown once
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_seen_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [tenant_index("is_active", name="printdevice_tenant_active")]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"


class PrintJob(TenantScopedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    device = models.ForeignKey(PrintDevice, on_delete=models.CASCADE, related_name="jobs")
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="+")
    copy = models.PositiveSmallIntegerField(default=0)  # 0: the new order's ticket; 1, 2...: reprints
    reason = models.CharField(max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+")
    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.PENDING)
    claim_token = models.UUIDField(null=True, blank=True)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    printed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["device", "order", "copy"], name="printjob_once_per_copy")]
        indexes = [tenant_index("device", "status", "created_at", name="printjob_tenant_device_due"),
                   tenant_index("order", name="printjob_tenant_order")]

    def __str__(self) -> str:
        what = "ticket" if self.copy == 0 else f"reprint {self.copy}"
        return f"{what} of order {self.order_id} on {self.device_id} ({self.status})"
