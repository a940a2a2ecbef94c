import json
import logging
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from foodsys.observability.context import bind_request, request_id_from, unbind_request
from foodsys.observability.logging import JsonFormatter, PlainFormatter, RequestContextFilter
from foodsys.settings.parts.logging import build_logging


def _record(msg="hello %s", args=("world",), exc_info=None, **extra):
    record = logging.LogRecord("foodsys.test", logging.WARNING, __file__, 10, msg, args, exc_info)
    record.__dict__.update(extra)
    return record


class _Tenant:
    tenant_id = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


@pytest.fixture
def bound_request():
    request = RequestFactory().get("/api/orders/")
    request.request_id = "req-1"
    request.tenant = _Tenant()
    token = bind_request(request)
    yield request
    unbind_request(token)


def test_json_lines_have_the_agreed_fields():
    line = JsonFormatter().format(_record(event_id="evt-9", status_code=401))

    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "foodsys.test"
    assert entry["message"] == "hello world"
    assert entry["request_id"] is None
    assert entry["event_id"] == "evt-9"
    assert entry["status_code"] == 401
    assert entry["timestamp"].endswith("+00:00")
    assert "tenant_id" not in entry


def test_json_lines_inside_a_request_carry_its_id_and_tenant(bound_request):
    entry = json.loads(JsonFormatter().format(_record()))

    assert entry["request_id"] == "req-1"
    assert entry["tenant_id"] == _Tenant.tenant_id


def test_json_lines_leave_out_objects_and_redact_secret_extras():
    entry = json.loads(JsonFormatter().format(_record(request=object(), refresh="r-token", note="token=abc")))

    assert "request" not in entry
    assert entry["refresh"] == "[REDACTED]"
    assert entry["note"] == "token=[REDACTED]"


def test_json_exception_text_is_redacted():
    try:
        raise ValueError("bad header Authorization: Bearer s3cr3t-value")
    except ValueError:
        exc_info = sys.exc_info()

    entry = json.loads(JsonFormatter().format(_record(exc_info=exc_info)))

    assert "ValueError" in entry["exception"]
    assert "s3cr3t-value" not in entry["exception"]


def test_plain_lines_show_the_request_id(bound_request):
    assert "WARNING foodsys.test [req-1] hello world" in PlainFormatter().format(_record())


def test_plain_lines_outside_a_request_show_a_dash():
    assert "WARNING foodsys.test [-] hello world" in PlainFormatter().format(_record())


def test_context_filter_keeps_values_passed_in_extra(bound_request):
    record = _record(request_id="from-extra")

    RequestContextFilter().filter(record)

    assert record.request_id == "from-extra"
    assert record.tenant_id == _Tenant.tenant_id


@pytest.mark.parametrize(("header", "kept"), [
    ("abc-123", True), ("A.b_c-9", True), ("x" * 128, True),
    (None, False), ("", False), ("x" * 129, False), ("has space", False), ("semi;colon", False), ("ünï", False),
])
def test_request_id_from_keeps_only_sane_tokens(header, kept):
    request_id = request_id_from(header)

    assert (request_id == header) is kept
    if not kept:
        assert len(request_id) == 32


@pytest.mark.parametrize("log_format", ["json", "plain"])
def test_build_logging_wires_the_format_and_the_filters(log_format):
    config = build_logging(log_format)

    handler = config["handlers"]["console"]
    assert handler["formatter"] == log_format
    assert handler["filters"] == ["request_context", "redact_secrets"]


def test_build_logging_refuses_an_unknown_format():
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT"):
        build_logging("xml")
