"""The envelope schema: the consumer's fast check never lets through what the full schema refuses."""

import copy
import uuid

import fastjsonschema
import pytest

from foodsys.events import schema
from foodsys.events.schema import InvalidEvent, decode, encode, validate_envelope
from metrics.tests.builders import envelope
from orders.enums import EventType, OrderStatus

WRONG_VALUES = [None, 0, -1, 1, 1.0, 2.5, True, False, "", "x", "1", "١٢", "pending\n", [], ["pending"], {}, {"a": 1}]


def _full_schema_accepts(candidate) -> bool:
    try:
        schema._validate(candidate)
    except fastjsonschema.JsonSchemaValueException:
        return False
    return True


def _variants(valid: dict):
    """The valid envelope with one field replaced, removed or added at a time."""
    for field in valid:
        if field != "data":
            for value in [*WRONG_VALUES, valid[field].upper() if isinstance(valid[field], str) else 2]:
                yield {**valid, field: value}
        yield {k: v for k, v in valid.items() if k != field}
    for field in valid["data"]:
        for value in [*WRONG_VALUES, "12.345", "1e3", " 12.50", "12.50\n", "usd", "USDX", "2025-01-01T00:00:00+01:00"]:
            yield {**valid, "data": {**valid["data"], field: value}}
        yield {**valid, "data": {k: v for k, v in valid["data"].items() if k != field}}
    yield {**valid, "extra": 1}
    yield {**valid, "data": {**valid["data"], "extra": 1}}  # data may carry more fields
    yield {**valid, "data": []}


def test_a_built_envelope_takes_the_fast_path():
    # given
    event = envelope(uuid.uuid4(), total="12.50", preparation_seconds=0)

    # when / then
    assert schema._conforms(event)
    assert validate_envelope(event) is event


@pytest.mark.parametrize("total", ["0", "7", "7.5", "12.50"])
def test_the_fast_path_accepts_every_total_format(total):
    assert schema._conforms(envelope(uuid.uuid4(), total=total))


def test_the_fast_check_never_accepts_what_the_schema_refuses_and_the_verdicts_agree():
    # given
    valid = envelope(uuid.uuid4(), from_status="pending", to_status="confirmed", preparation_seconds=30)
    variants = list(_variants(copy.deepcopy(valid)))

    # when
    results = []
    for candidate in variants:
        try:
            validate_envelope(candidate)
            verdict = True
        except InvalidEvent:
            verdict = False
        results.append((candidate, schema._conforms(candidate), verdict, _full_schema_accepts(candidate)))

    # then
    assert len(variants) > 300
    assert not [c for c, fast, _verdict, full in results if fast and not full]
    assert not [c for c, _fast, verdict, full in results if verdict != full]
    assert any(not fast and full for _c, fast, _verdict, full in results)  # some valid ones take the slow path


def test_decode_refuses_what_is_not_json_with_a_reason():
    # given
    messages = [b"\xff not json", b"{\"event_id\": ", b"\xed\xa0\x80", None]

    # when
    errors = []
    for raw in messages:
        with pytest.raises(InvalidEvent) as caught:
            decode(raw)
        errors.append(str(caught.value))

    # then
    assert all("not JSON" in e for e in errors[:3])
    assert errors[3] == "empty message"


def test_decode_names_the_field_that_breaks_the_schema():
    # given
    event = envelope(uuid.uuid4())

    # when
    with pytest.raises(InvalidEvent) as caught:
        decode(encode({**event, "version": 99}))

    # then
    assert "version" in str(caught.value)
    assert decode(encode(event)) == event


def test_the_schema_knows_exactly_the_statuses_and_event_types_of_the_orders_app():
    assert list(schema.ORDER_STATUSES) == list(OrderStatus.values)
    assert set(schema.ENVELOPE_SCHEMA["properties"]["type"]["enum"]) == set(EventType.values)
