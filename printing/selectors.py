"""Reads of print devices and jobs, always within one tenant."""

from foodsys.common.exceptions import NotFoundError
from printing.models import JobStatus, PrintDevice, PrintJob
from restaurants.models import Restaurant


def print_device_list(*, restaurant: Restaurant) -> list[PrintDevice]:
    return list(PrintDevice.objects.for_tenant(restaurant).filter(is_active=True))


def print_device_get(*, restaurant: Restaurant, device_id: int) -> PrintDevice:
    device = PrintDevice.objects.for_tenant(restaurant).filter(pk=device_id, is_active=True).first()
    if device is None:
        raise NotFoundError("No such print device.", code="print_device_not_found")
    return device


def print_jobs_waiting(*, device: PrintDevice) -> int:
    """Jobs not printed yet (pending or claimed): what the board shows next to a device."""
    return PrintJob.objects.for_tenant(device.tenant_id).filter(device=device).exclude(
        status=JobStatus.PRINTED).count()
