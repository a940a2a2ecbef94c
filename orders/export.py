"""Streamed CSV export of an order queryset (GET /api/orders/export.csv): one row per order, written
row by row over `.iterator()` so the file is never built in memory."""

import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils.text import slugify

from foodsys.common.exceptions import ApplicationError

CHUNK_SIZE = 500
MAX_EXPORT_DAYS = 366
DEFAULT_EXPORT_DAYS = 30
HEADER = ("order_number", "created_at", "status", "channel", "fulfilment", "name", "phone", "item_count",
          "subtotal", "delivery_fee", "tax", "total", "currency", "payment_method", "payment_status")
INJECTION_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def export_range(*, created_from: date | None, created_to: date | None, zone: str,
                 now: datetime) -> tuple[date, date]:
    """The local-date range of an export: missing ends default to the last 30 days up to today
    (in `zone`); more than 366 days is a 400."""
    today = now.astimezone(ZoneInfo(zone)).date()
    if created_to is None:
        created_to = max(today, created_from) if created_from else today
    if created_from is None:
        created_from = created_to - timedelta(days=DEFAULT_EXPORT_DAYS - 1)
    if created_from > created_to:
        raise ApplicationError("created_from must not be after created_to.", code="invalid_date_range",
                               fields={"created_from": ["created_from must not be after created_to."]})
    if (created_to - created_from).days + 1 > MAX_EXPORT_DAYS:
        message = f"An export may span at most {MAX_EXPORT_DAYS} days."
        raise ApplicationError(message, code="export_range_too_long", fields={"created_to": [message]})
    return created_from, created_to


def safe_cell(value) -> str:
    """Neutralises spreadsheet formulas (CSV injection): text starting with = + - @ gets a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(INJECTION_PREFIXES) else text


def order_row(order, zone: ZoneInfo) -> list[str]:
    customer = order.customer
    name = order.contact_name or (customer.name if customer else "")
    return [safe_cell(cell) for cell in (
        order.order_number, order.created_at.astimezone(zone).isoformat(), order.status, order.channel,
        order.fulfilment, name, order.contact_phone, order.item_count, order.subtotal, order.delivery_fee,
        order.tax, order.total, order.currency, order.payment_method, order.payment_status)]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(orders: QuerySet, zone: str) -> Iterator[str]:
    """CSV lines (header first) of `orders`, streamed in chunks of CHUNK_SIZE."""
    writer = csv.writer(_Echo())
    tz = ZoneInfo(zone)
    yield writer.writerow(HEADER)
    rows: Iterable = orders.select_related("customer").iterator(chunk_size=CHUNK_SIZE)
    for order in rows:
        yield writer.writerow(order_row(order, tz))


def export_filename(restaurant_name: str, created_from: date, created_to: date) -> str:
    slug = slugify(restaurant_name) or "restaurant"
    return f"orders-{slug}-{created_from.isoformat()}-{created_to.isoformat()}.csv"
