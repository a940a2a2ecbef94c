import logging

import pytest

from foodsys.observability.redaction import REDACTED, RedactSecretsFilter, is_secret_key, redact


@pytest.mark.parametrize(("text", "expected"), [
    ("{'email': 'a@b.c', 'password': 'hunter2'}", "{'email': 'a@b.c', 'password': '[REDACTED]'}"),
    ('{"access": "aaa.bbb", "refresh": "ccc"}', '{"access": "[REDACTED]", "refresh": "[REDACTED]"}'),
    ('{"password": "with \\" quote"}', '{"password": "[REDACTED]"}'),
    ("GET /ws/orders/?token=abc123&page=2", "GET /ws/orders/?token=[REDACTED]&page=2"),
    ("GET /ws/orders/?ticket=T-1", "GET /ws/orders/?ticket=[REDACTED]"),
    ("callback?access_token=xyz&state=1", "callback?access_token=[REDACTED]&state=1"),
    ("Authorization: Bearer abc.def", "Authorization: [REDACTED]"),
    ("{'HTTP_AUTHORIZATION': 'Bearer abc'}", "{'HTTP_AUTHORIZATION': '[REDACTED]'}"),
    ("sent bearer abc123 upstream", "sent bearer [REDACTED] upstream"),
    ("password1=a password2=b", "password1=[REDACTED] password2=[REDACTED]"),
    ("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig in text", "token [REDACTED] in text"),
])
def test_redact_hides_secret_values(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize("text", [
    "WebSocket access re-check failed; will retry",
    "relay: published 12 events",
    "Google token rejected: invalid_grant (exchange)",
    "",
])
def test_redact_leaves_ordinary_messages_alone(text):
    assert redact(text) == text


def test_redacting_twice_changes_nothing_more():
    once = redact("password=x&token=y Authorization: Bearer z")

    assert redact(once) == once


@pytest.mark.parametrize(("name", "secret"), [
    ("password", True), ("new_password", True), ("access", True), ("refresh", True), ("access_token", True),
    ("Authorization", True), ("api_key", True), ("email", False), ("accessibility", False), ("event_id", False),
])
def test_is_secret_key(name, secret):
    assert is_secret_key(name) is secret


def test_every_record_is_redacted_before_any_handler_sees_it(caplog):
    caplog.set_level(logging.INFO)

    logging.getLogger("accounts").info("login payload %s", {"email": "a@b.c", "password": "hunter2"})

    (record,) = caplog.records
    assert "hunter2" not in caplog.text
    assert record.getMessage() == f"login payload {{'email': 'a@b.c', 'password': '{REDACTED}'}}"


def test_records_without_secrets_keep_their_template_and_args(caplog):
    caplog.set_level(logging.INFO)

    logging.getLogger("orders").info("order %s placed", "42")

    (record,) = caplog.records
    assert (record.msg, record.args) == ("order %s placed", ("42",))


def test_the_filter_redacts_a_record_made_outside_the_factory():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "Authorization: %s", ("Bearer s3cr3t",), None)

    assert RedactSecretsFilter().filter(record) is True
    assert record.getMessage() == f"Authorization: {REDACTED}"
