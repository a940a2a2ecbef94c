"""Cached catalog JSON with the clock-dependent fields spliced in per response.

A restaurant object is cached as rendered bytes in two pieces: everything before its SPLICED_FIELDS
(the head) and everything after them (the tail), plus the inputs of those fields (hours, zone,
pause fields). `render_row` computes the fields for the request's time and joins the pieces; the
output is byte for byte what DRF's JSONRenderer makes of the same data (restaurants/tests/api/
test_live_splice.py), in whichever of the two orders the row had them.

An entry is lines: a JSON header (the caller's fields and the inputs of every row), then each row's
head and tail. Compact JSON never contains a raw newline, so the lines split safely.
"""

import json
from dataclasses import dataclass
from datetime import datetime
from itertools import permutations
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.dateparse import parse_datetime
from rest_framework.renderers import JSONRenderer

from restaurants.selectors import restaurant_live_flags

# The only fields computed per response; a row must hold them side by side (checked when it is split,
# and against RestaurantOutputSerializer's field list in the tests).
SPLICED_FIELDS = ("is_open_now", "is_paused")
_ORDERS = tuple(permutations(SPLICED_FIELDS))
_renderer = JSONRenderer()


def render(data: Any) -> bytes:
    """JSON bytes exactly as the API's renderer writes them."""
    return _renderer.render(data)


def json_ready(data: Any) -> Any:
    """Serializer output as plain JSON values (Decimals, dates and UUIDs become strings), as cached."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


@dataclass(frozen=True)
class SplicedRow:
    head: bytes
    tail: bytes
    inputs: list  # [opening_hours, timezone, accepting_orders, paused_until, index into _ORDERS]


def split_row(row: dict[str, Any], *, before: bytes = b"", after: bytes = b"") -> SplicedRow:
    """`row` (json_ready data; the SPLICED_FIELDS' values are ignored), wrapped in `before`/`after`."""
    names = list(row)
    start = min(names.index(name) for name in SPLICED_FIELDS)
    found = tuple(names[start:start + len(SPLICED_FIELDS)])
    if found not in _ORDERS:
        raise ValueError(f"{SPLICED_FIELDS} must be adjacent in a spliced row, got {found}")
    head_fields = {name: row[name] for name in names[:start]}
    tail_fields = {name: row[name] for name in names[start + len(SPLICED_FIELDS):]}
    head = render(head_fields)[:-1] + (b"," if head_fields else b"")
    tail = (b"," if tail_fields else b"") + render(tail_fields)[1:]
    inputs = [row.get("opening_hours"), row["timezone"], row["accepting_orders"], row.get("paused_until"),
              _ORDERS.index(found)]
    return SplicedRow(head=before + head, tail=tail + after, inputs=inputs)


def encode_entry(header: dict[str, Any], rows: list[SplicedRow]) -> bytes:
    lines = [render({**header, "live": [row.inputs for row in rows]})]
    for row in rows:
        lines += [row.head, row.tail]
    return b"\n".join(lines)


def decode_entry(payload: bytes) -> tuple[dict[str, Any], list[SplicedRow]]:
    lines = payload.split(b"\n")
    header = json.loads(lines[0])
    rows = [SplicedRow(head=lines[1 + 2 * i], tail=lines[2 + 2 * i], inputs=inputs)
            for i, inputs in enumerate(header.pop("live"))]
    return header, rows


def render_row(row: SplicedRow, now: datetime) -> bytes:
    """The row's bytes with the SPLICED_FIELDS computed for `now`."""
    hours, zone, accepting, paused_until, order = row.inputs
    flags = restaurant_live_flags(opening_hours=hours, timezone=zone, accepting_orders=accepting,
                                  paused_until=parse_datetime(paused_until) if paused_until else None, now=now)
    return row.head + _FIELD_BYTES[order, flags["is_open_now"], flags["is_paused"]] + row.tail


def _field_bytes(order: int, is_open_now: bool, is_paused: bool) -> bytes:
    values = {"is_open_now": is_open_now, "is_paused": is_paused}
    return render({name: values[name] for name in _ORDERS[order]})[1:-1]


_FIELD_BYTES = {(order, is_open, is_paused): _field_bytes(order, is_open, is_paused)
                for order in range(len(_ORDERS)) for is_open in (False, True) for is_paused in (False, True)}
