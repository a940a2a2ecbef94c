"""The printable kitchen ticket of an order (80 or 58 mm), for members of its restaurant.

`?width=58` picks the narrow roll; `?print=1` opens the print dialog on load (the board's "Print
ticket" button); `?copy=N` marks a reprint. The content is printing.tickets.ticket_build, the same
ticket the ESC/POS agent prints."""

from csp.decorators import csp_replace
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.clickjacking import xframe_options_sameorigin

from foodsys.common.exceptions import NotFoundError
from orders.selectors import order_get
from pages.views.access import dashboard_restaurant
from printing.models import PaperWidth
from printing.roles import may_operate_printing
from printing.tickets import ticket_build


def _int_param(request, name: str, default: int) -> int:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 4 else default


@xframe_options_sameorigin  # the board's tablet printing loads the ticket in a frame of its own page
@csp_replace({"frame-ancestors": ["'self'"]})
@login_required
def order_ticket(request, restaurant_id: int, order_id: str):
    restaurant, _ = dashboard_restaurant(request, restaurant_id, allowed=may_operate_printing)
    try:
        order, _ = order_get(user=request.user, order_id=order_id, with_history=False)
    except NotFoundError as exc:  # unknown, malformed or not visible: no such ticket either way
        raise Http404("No such order.") from exc
    if order.tenant_id != restaurant.tenant_id:
        raise Http404("No such order.")
    width = _int_param(request, "width", PaperWidth.MM80)
    ticket = ticket_build(order, list(order.lines.all()), copy=_int_param(request, "copy", 0))
    return render(request, "dashboard/ticket.html", {
        "ticket": ticket, "restaurant": restaurant,
        "width": width if width in PaperWidth.values else PaperWidth.MM80,
        "auto_print": request.GET.get("print") == "1",
    })
