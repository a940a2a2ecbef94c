from datetime import UTC, datetime

import pytest
from rest_framework.renderers import JSONRenderer

from restaurants.api import live_splice
from restaurants.api.catalog_bodies import MENU_RESTAURANT_FIELDS
from restaurants.api.serializers import RestaurantOutputSerializer

WEEK = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
ALWAYS = {day: [{"open": "00:00", "close": "24:00"}] for day in WEEK}
NOW = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)  # a Monday


def _row(**fields):
    return {"id": 7, "name": "Caf\u00e9 \u2028 \"Line\"\nTwo", "timezone": "UTC", "opening_hours": ALWAYS,
            "accepting_orders": True, "paused_until": None, **fields}


def _adjacent(names: list[str], fields: tuple[str, ...]) -> bool:
    if not set(fields) <= set(names):
        return False
    start = min(names.index(name) for name in fields)
    return set(names[start:start + len(fields)]) == set(fields)


def test_the_spliced_fields_are_the_serializers_clock_dependent_fields_side_by_side():
    # the splice replaces exactly these fields, so the serializer must have them, next to each other
    serializer_fields = list(RestaurantOutputSerializer().fields)

    assert live_splice.SPLICED_FIELDS == ("is_open_now", "is_paused")
    assert _adjacent(serializer_fields, live_splice.SPLICED_FIELDS), serializer_fields
    assert _adjacent(list(MENU_RESTAURANT_FIELDS), live_splice.SPLICED_FIELDS), MENU_RESTAURANT_FIELDS
    assert set(MENU_RESTAURANT_FIELDS) <= set(serializer_fields)


def test_a_row_whose_spliced_fields_are_apart_is_refused():
    row = {"is_open_now": None, **_row(), "is_paused": None}

    with pytest.raises(ValueError, match="adjacent"):
        live_splice.split_row(row)


@pytest.mark.parametrize("shape", ["flags_last", "flags_first", "flags_between"])
def test_a_rendered_row_is_byte_for_byte_what_drf_renders(shape):
    # given a row whose flags sit at the end, at the start or in the middle
    base = _row()
    flags = {"is_open_now": True, "is_paused": False}
    data = {
        "flags_last": {**base, **flags},
        "flags_first": {"is_paused": False, "is_open_now": True, **base},
        "flags_between": {"id": 7, "is_paused": False, "is_open_now": True, "rest": [1, {"a": None}], **base},
    }[shape]

    # when it is split, encoded, decoded and rendered
    entry = live_splice.encode_entry({"count": 1}, [live_splice.split_row(data)])
    header, (row,) = live_splice.decode_entry(entry)

    # then the bytes equal the API renderer's output, with flags computed for NOW
    assert header == {"count": 1}
    assert live_splice.render_row(row, NOW) == JSONRenderer().render(data)


def test_flags_are_computed_from_the_stored_inputs_when_rendered():
    closed_now = _row(opening_hours={"sunday": [{"open": "10:00", "close": "11:00"}]}, accepting_orders=False,
                      paused_until="2026-01-05T13:00:00Z")
    row = live_splice.split_row({**closed_now, "is_open_now": None, "is_paused": None})

    before = live_splice.render_row(row, NOW)
    after = live_splice.render_row(row, datetime(2026, 1, 5, 14, 0, tzinfo=UTC))

    assert before.endswith(b'"is_open_now":false,"is_paused":true}')
    assert after.endswith(b'"is_open_now":false,"is_paused":false}')  # the pause ended by itself


def test_wrapping_bytes_surround_the_row():
    row = live_splice.split_row({**_row(), "is_open_now": None, "is_paused": None}, before=b'{"restaurant":',
                                after=b',"categories":[]}')

    body = live_splice.render_row(row, NOW)

    assert body.startswith(b'{"restaurant":{"id":7,') and body.endswith(b'"is_paused":false},"categories":[]}')
