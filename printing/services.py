"""Print devices and their jobs: each ticket printed once per device (see printing.models).

- New order: one job per active device that prints new orders, written in the order's own
  transaction (the `orders.signals.order_placed` receiver), so no order is without its jobs.
- Claim: a device takes its due jobs (pending, or claimed with an expired lease) with one
  conditional UPDATE; of two tabs or two agent processes claiming at once each job goes to one.
- Ack: with the claim's token; repeated acks are answered again (a lost answer is retried safely);
  an ack whose claim was superseded after its lease expired is a 409.
- Reprint: a new job (the next copy) per device, with who and why recorded on the order's timeline.
"""

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Max, Q

from foodsys.common.exceptions import ApplicationError, ConflictError, NotFoundError
from foodsys.tenancy.actor import Actor
from orders.models import Order
from orders.services import order_activity_record
from printing.models import DeviceKind, JobStatus, PaperWidth, PrintDevice, PrintJob
from printing.roles import check_may_operate_printing
from restaurants.models import Restaurant

LEASE = timedelta(seconds=90)  # a claimed job not acknowledged by then is offered to the device again
MAX_CLAIM = 20
MAX_DEVICES = 20
MAX_NAME = 100
MAX_REASON = 200
TOKEN_BYTES = 32


def _invalid(field: str, message: str) -> ApplicationError:
    return ApplicationError(f"{field}: {message}", code="validation_error", fields={field: [message]})


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- devices ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class RegisteredDevice:
    device: PrintDevice
    token: str | None  # an agent's secret, shown once; browsers act as their signed-in member


def _check_device_fields(*, name, paper_width) -> None:
    if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_NAME:
        raise _invalid("name", f"A name of 1 to {MAX_NAME} characters is required.")
    if paper_width not in PaperWidth.values:
        raise _invalid("paper_width", f"Choose one of {', '.join(map(str, PaperWidth.values))}.")


@transaction.atomic
def print_device_register(*, restaurant: Restaurant, actor: Actor, name: str, kind: str,
                          paper_width: int = PaperWidth.MM80, prints_new_orders: bool = True) -> RegisteredDevice:
    check_may_operate_printing(actor)
    if kind not in DeviceKind.values:
        raise _invalid("kind", f"Choose one of {', '.join(DeviceKind.values)}.")
    _check_device_fields(name=name, paper_width=paper_width)
    Restaurant.objects.select_for_update().filter(pk=restaurant.pk).first()  # counts devices one at a time
    if PrintDevice.objects.for_tenant(restaurant).filter(is_active=True).count() >= MAX_DEVICES:
        raise ConflictError(f"A restaurant has at most {MAX_DEVICES} print devices.", code="too_many_devices",
                            fields={"name": [f"Retire a device first (at most {MAX_DEVICES})."]})
    token = secrets.token_urlsafe(TOKEN_BYTES) if kind == DeviceKind.AGENT else None
    device = PrintDevice.objects.create(
        tenant=restaurant, name=name.strip(), kind=kind, paper_width=paper_width,
        prints_new_orders=bool(prints_new_orders), token_hash=token_hash(token) if token else "",
        created_by=actor.user)
    return RegisteredDevice(device=device, token=token)


@transaction.atomic
def print_device_update(*, device: PrintDevice, actor: Actor, data: dict) -> PrintDevice:
    check_may_operate_printing(actor)
    unknown = set(data) - {"name", "paper_width", "prints_new_orders"}
    if unknown:
        raise ApplicationError(f"These fields cannot be changed: {', '.join(sorted(unknown))}.",
                               code="validation_error", fields={f: ["Not updatable."] for f in sorted(unknown)})
    _check_device_fields(name=data.get("name", device.name), paper_width=data.get("paper_width", device.paper_width))
    for name, value in data.items():
        setattr(device, name, value.strip() if name == "name" else value)
    device.save(update_fields=list(data))
    return device


@transaction.atomic
def print_device_retire(*, device: PrintDevice, actor: Actor) -> None:
    """Stops the device: it gets no new jobs, its token stops working, its waiting jobs are dropped."""
    check_may_operate_printing(actor)
    PrintDevice.objects.filter(pk=device.pk).update(is_active=False, token_hash="")
    PrintJob.objects.for_tenant(device.tenant_id).filter(device=device).exclude(status=JobStatus.PRINTED).delete()


def print_device_for_token(*, device_id: int, token: str) -> PrintDevice | None:
    """The active agent device this token belongs to (constant-time compare), else None."""
    device = PrintDevice.objects.filter(pk=device_id, is_active=True, kind=DeviceKind.AGENT).first()
    if device is None or not device.token_hash or not secrets.compare_digest(device.token_hash, token_hash(token)):
        return None
    return device


# --- jobs ---------------------------------------------------------------------------------------
def print_jobs_for_new_order(sender, *, order: Order, **kwargs) -> None:
    """order_placed receiver (inside the order's transaction): the new order's ticket, per device."""
    devices = PrintDevice.objects.for_tenant(order.tenant_id).filter(is_active=True, prints_new_orders=True)
    PrintJob.objects.bulk_create([PrintJob(tenant_id=order.tenant_id, device=device, order=order, copy=0)
                                  for device in devices])


def _due(device: PrintDevice, now: datetime):
    return (PrintJob.objects.for_tenant(device.tenant_id).filter(device=device)
            .filter(Q(status=JobStatus.PENDING) | Q(status=JobStatus.CLAIMED, lease_expires_at__lte=now)))


@transaction.atomic
def print_jobs_claim(*, device: PrintDevice, now: datetime, limit: int = 10) -> list[PrintJob]:
    """Up to `limit` due jobs, oldest first, now leased to this claim (each carries `claim_token`).

    The candidates are read skipping rows another claim holds (PostgreSQL), then taken with one
    UPDATE that re-checks they are still due, so concurrent claims never share a job."""
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_CLAIM:
        raise _invalid("limit", f"Must be 1 to {MAX_CLAIM}.")
    candidates = list(_due(device, now).order_by("created_at", "id").select_for_update(skip_locked=True)
                      .values_list("id", flat=True)[:limit])
    PrintDevice.objects.filter(pk=device.pk).update(last_seen_at=now)
    if not candidates:
        return []
    claim_token = uuid.uuid4()

    _due(device, now).filter(id__in=candidates).update(
        status=JobStatus.CLAIMED, claim_token=claim_token, lease_expires_at=now + LEASE, attempts=F("attempts") + 1)
    return list(PrintJob.objects.for_tenant(device.tenant_id).filter(device=device, claim_token=claim_token)
                .select_related("order", "order__tenant", "order__customer").prefetch_related("order__lines")
                .order_by("created_at", "id"))


@dataclass(frozen=True)
class Ack:
    job: PrintJob
    already_printed: bool  # True: this ack repeats one already counted (nothing changed)


def print_job_ack(*, device: PrintDevice, job_id, claim_token, now: datetime) -> Ack:
    """Marks the job printed for the claim holding `claim_token`. 404: not this device's job."""
    try:
        claim_token = uuid.UUID(str(claim_token))
    except ValueError:
        raise _invalid("claim_token", "Send the claim_token the claim gave this job.")
    jobs = PrintJob.objects.for_tenant(device.tenant_id).filter(device=device, pk=job_id)
    updated = jobs.filter(status=JobStatus.CLAIMED, claim_token=claim_token).update(
        status=JobStatus.PRINTED, printed_at=now)
    job = jobs.first()
    if job is None:
        raise NotFoundError("No such print job on this device.", code="print_job_not_found")
    if updated:
        return Ack(job=job, already_printed=False)
    if job.status == JobStatus.PRINTED:
        return Ack(job=job, already_printed=True)
    if job.status == JobStatus.PENDING:
        raise ConflictError("This job has not been claimed: claim it, print it, then acknowledge it.",
                            code="not_claimed", fields={"claim_token": ["No claim holds this job."]})
    raise ConflictError("This job was claimed again after its lease ran out; the newer claim prints it.",
                        code="claim_superseded", fields={"claim_token": ["This claim is no longer current."]})


@transaction.atomic
def order_ticket_reprint(*, order: Order, actor: Actor, reason: str,
                         device_ids: list[int] | None = None) -> list[PrintJob]:
    """A new copy of the ticket on the given devices (default: every active device), recorded with
    who and why on the order's timeline."""
    check_may_operate_printing(actor)
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason or len(reason) > MAX_REASON:
        raise _invalid("reason", f"Say why it is reprinted (1 to {MAX_REASON} characters).")
    devices = PrintDevice.objects.for_tenant(order.tenant_id).filter(is_active=True)
    if device_ids is not None:
        devices = devices.filter(pk__in=device_ids)
        if len(set(device_ids)) != devices.count():
            raise _invalid("device_ids", "Unknown or retired print device.")
    devices = list(devices)
    if not devices:
        raise ConflictError("This restaurant has no print device to print on.", code="no_print_device",
                            fields={"device_ids": ["Register a print device first (board: Printing)."]})
    copies = dict(PrintJob.objects.for_tenant(order.tenant_id).filter(order=order).values("device")
                  .annotate(last=Max("copy")).values_list("device", "last"))
    jobs = PrintJob.objects.bulk_create([
        PrintJob(tenant_id=order.tenant_id, device=device, order=order, copy=copies.get(device.pk, 0) + 1,
                 reason=reason, requested_by=actor.user) for device in devices])
    order_activity_record(order=order, kind="ticket_reprinted", by=actor.user,
                          detail=f"{reason} (on {', '.join(device.name for device in devices)})")
    return jobs
