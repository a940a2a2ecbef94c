"""The kitchen ticket of an order: one builder for the HTML ticket page and the ESC/POS agent."""

import zoneinfo
from dataclasses import asdict, dataclass, field

from orders.enums import Fulfilment, OrderChannel, PaymentMethod, PaymentStatus
from orders.models import Order, OrderLine
from orders.presenters import order_contact_phone, order_customer_name


@dataclass(frozen=True)
class TicketLine:
    quantity: int
    name: str
    options: list[str] = field(default_factory=list)
    instructions: str = ""


@dataclass(frozen=True)
class Ticket:
    restaurant: str
    order_id: str
    order_number: str
    call_number: str  # the short number called out: the day's sequence, e.g. "0042"
    copy: int  # 0: the first ticket; n: the n-th reprint
    placed_at: str  # restaurant local time, "19:42"
    placed_on: str  # restaurant local date, "2026-12-02"
    ready_at: str | None
    fulfilment: str  # "Delivery" | "Pickup"
    channel: str  # "Online" | "Phone" | "Walk-in"
    customer: str
    phone: str
    address: list[str]
    lines: list[TicketLine]
    notes: str
    payment: str  # "Cash - not paid yet"
    total: str  # "34.90 USD"


PAYMENT_STATE = {PaymentStatus.PENDING: "TO PAY", PaymentStatus.PAID: "PAID", PaymentStatus.REFUNDED: "refunded",
                 PaymentStatus.FAILED: "payment failed - TO PAY"}


def _address_lines(address: dict) -> list[str]:
    if not address:
        return []
    city_line = " ".join(str(address.get(part, "")).strip() for part in ("zip_code", "city") if address.get(part))
    return [line for line in (str(address.get("street", "")).strip(), city_line,
                              str(address.get("state", "")).strip(), str(address.get("instructions", "")).strip())
            if line]


def ticket_build(order: Order, lines: list[OrderLine], *, copy: int = 0) -> Ticket:
    zone = zoneinfo.ZoneInfo(order.tenant.timezone)
    placed = order.created_at.astimezone(zone)
    ready = order.estimated_ready_at.astimezone(zone).strftime("%H:%M") if order.estimated_ready_at else None
    payment = f"{PaymentMethod(order.payment_method).label} - {PAYMENT_STATE[order.payment_status]}"
    return Ticket(
        restaurant=order.tenant.name, order_id=str(order.id), order_number=order.order_number,
        call_number=order.order_number.rsplit("-", 1)[-1], copy=copy,
        placed_at=placed.strftime("%H:%M"), placed_on=placed.date().isoformat(), ready_at=ready,
        fulfilment=Fulfilment(order.fulfilment).label, channel=OrderChannel(order.channel).label,
        customer=order_customer_name(order), phone=order_contact_phone(order),
        address=_address_lines(order.delivery_address) if order.fulfilment == Fulfilment.DELIVERY else [],
        lines=[TicketLine(quantity=line.quantity, name=line.name,
                          options=[str(option.get("name", "")) for option in line.options or []],
                          instructions=line.special_instructions) for line in lines],
        notes=order.notes, payment=payment, total=f"{order.total:.2f} {order.currency}")


def ticket_json(ticket: Ticket) -> dict:
    return asdict(ticket)
