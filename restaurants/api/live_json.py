"""Catalog responses as cached JSON bytes, with the clock-dependent flags filled in per response.

A restaurant object is stored as the bytes before and after its `is_open_now`/`is_paused` pair, plus
the inputs of those flags (hours, zone, pause fields); `fill` computes the flags for the request's
time and joins the pieces. The output is byte-for-byte what DRF's JSONRenderer makes of the data.

A packed entry is lines: a JSON header (the caller's fields and the flag inputs of every row), then
each row's head and tail. Compact JSON never contains a raw newline, so the lines split safely.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.dateparse import parse_datetime
from rest_framework.renderers import JSONRenderer

from restaurants.selectors import restaurant_live_flags

FLAG_ORDERS = (("is_open_now", "is_paused"), ("is_paused", "is_open_now"))
_renderer = JSONRenderer()


def render(data: Any) -> bytes:
    """JSON bytes exactly as the API's renderer writes them."""
    return _renderer.render(data)


def plain(data: Any) -> Any:
    """JSON-ready data as the cache held it before (Decimals, dates and UUIDs become strings)."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


@dataclass(frozen=True)
class LiveRow:
    head: bytes
    tail: bytes
    inputs: list  # [opening_hours, timezone, accepting_orders, paused_until, flag order]


def live_row(row: dict[str, Any], *, before: bytes = b"", after: bytes = b"") -> LiveRow:
    """`row` (plain data whose two flags are adjacent keys, values ignored), wrapped in `before`/`after`."""
    names = list(row)
    start = min(names.index(flag) for flag in FLAG_ORDERS[0])
    order = FLAG_ORDERS.index(tuple(names[start:start + 2]))
    head_fields = {name: row[name] for name in names[:start]}
    tail_fields = {name: row[name] for name in names[start + 2:]}
    head = render(head_fields)[:-1] + (b"," if head_fields else b"")
    tail = (b"," if tail_fields else b"") + render(tail_fields)[1:]
    inputs = [row.get("opening_hours"), row["timezone"], row["accepting_orders"], row.get("paused_until"), order]
    return LiveRow(head=before + head, tail=tail + after, inputs=inputs)


def pack(header: dict[str, Any], rows: list[LiveRow]) -> bytes:
    lines = [render({**header, "live": [row.inputs for row in rows]})]
    for row in rows:
        lines += [row.head, row.tail]
    return b"\n".join(lines)


def unpack(payload: bytes) -> tuple[dict[str, Any], list[LiveRow]]:
    lines = payload.split(b"\n")
    header = json.loads(lines[0])
    rows = [LiveRow(head=lines[1 + 2 * i], tail=lines[2 + 2 * i], inputs=inputs)
            for i, inputs in enumerate(header.pop("live"))]
    return header, rows


def fill(row: LiveRow, now: datetime) -> bytes:
    hours, zone, accepting, paused_until, order = row.inputs
    flags = restaurant_live_flags(opening_hours=hours, timezone=zone, accepting_orders=accepting,
                                  paused_until=parse_datetime(paused_until) if paused_until else None, now=now)
    return row.head + _FLAG_BYTES[order, flags["is_open_now"], flags["is_paused"]] + row.tail


def _flag_bytes(order: int, is_open_now: bool, is_paused: bool) -> bytes:
    return render({name: {"is_open_now": is_open_now, "is_paused": is_paused}[name]
                   for name in FLAG_ORDERS[order]})[1:-1]


_FLAG_BYTES = {(order, is_open, is_paused): _flag_bytes(order, is_open, is_paused)
               for order in (0, 1) for is_open in (False, True) for is_paused in (False, True)}
