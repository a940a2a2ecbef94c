"""A ticket as ESC/POS bytes for a network receipt printer, formatted with python-escpos.

The bytes are built on escpos' Dummy printer (nothing is opened); the agent sends them to the
printer's raw TCP port (9100) itself, so a printer that is off is a clear connection error."""

import textwrap

from escpos.printer import Dummy

from printing.tickets import Ticket

COLUMNS = {80: 48, 58: 32}  # characters per line of font A


def _wrapped(text: str, width: int, indent: str = "") -> str:
    return "\n".join(textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=indent)) + "\n"


def ticket_escpos(ticket: Ticket, *, paper_width: int = 80) -> bytes:
    columns = COLUMNS.get(paper_width, COLUMNS[80])
    out = Dummy()
    out.set(align="center", bold=True)
    out.text(_wrapped(ticket.restaurant, columns))
    if ticket.copy:
        out.text(f"*** REPRINT {ticket.copy} ***\n")
    out.set(align="center", bold=True, double_height=True, double_width=True)
    out.text(f"#{ticket.call_number}\n")
    out.set(align="center", bold=True, double_height=True)
    out.text(f"{ticket.fulfilment.upper()} - {ticket.channel}\n")
    out.set(align="left", normal_textsize=True)
    out.text(f"Order {ticket.order_number}\n")
    out.text(f"Placed {ticket.placed_on} {ticket.placed_at}" + (f"  Ready {ticket.ready_at}" if ticket.ready_at
                                                              else "") + "\n")
    out.text("-" * columns + "\n")
    for line in ticket.lines:
        out.set(bold=True, double_height=True)
        out.text(_wrapped(f"{line.quantity} x {line.name}", columns))
        out.set(normal_textsize=True)
        for option in line.options:
            out.text(_wrapped(f"+ {option}", columns, indent="   "))
        if line.instructions:
            out.set(bold=True)
            out.text(_wrapped(f"! {line.instructions}", columns, indent="   "))
            out.set(bold=False)
    out.text("-" * columns + "\n")
    if ticket.notes:
        out.set(bold=True)
        out.text(_wrapped(f"NOTE: {ticket.notes}", columns))
        out.set(bold=False)
    if ticket.customer:
        out.text(_wrapped(ticket.customer, columns))
    if ticket.phone:
        out.text(f"Tel {ticket.phone}\n")
    for address_line in ticket.address:
        out.text(_wrapped(address_line, columns))
    out.set(bold=True)
    out.text(f"{ticket.payment}   {ticket.total}\n")
    out.cut()
    return out.output
