"""Observability through the HTTP stack: request ids, log context, secrets kept out of logs, /metrics."""

import logging
from datetime import timedelta

import pytest
from django.utils import timezone
from prometheus_client import REGISTRY

from foodsys.common.cache import cache_stats
from foodsys.observability.logging import JsonFormatter
from foodsys.testing.factories import TEST_PASSWORD
from orders.enums import EventType
from orders.models import OutboxEvent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _request_log_on(settings):
    settings.REQUEST_LOG = True


def _request_records(caplog):
    return [r for r in caplog.records if r.name == "foodsys.request"]


# --- request ids and log context ------------------------------------------------------------------
def test_a_request_without_an_id_gets_a_fresh_one_echoed_in_the_response(client):
    first = client.get("/healthz")
    second = client.get("/healthz")

    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_a_sane_caller_request_id_is_kept(client):
    response = client.get("/healthz", headers={"X-Request-ID": "edge-7f3a.19_b"})

    assert response["X-Request-ID"] == "edge-7f3a.19_b"


@pytest.mark.parametrize("header", ["a" * 129, "bad id", "<script>", "x;y"])
def test_an_unsafe_caller_request_id_is_replaced(client, header):
    response = client.get("/healthz", headers={"X-Request-ID": header})

    assert response["X-Request-ID"] != header
    assert len(response["X-Request-ID"]) == 32


def test_log_records_of_a_request_carry_its_id_and_tenant(owner_client, restaurant, caplog):
    caplog.set_level(logging.INFO)

    response = owner_client.get("/api/metrics/", headers={"X-Request-ID": "req-42"})

    assert response.status_code == 200
    (record,) = _request_records(caplog)
    assert record.request_id == "req-42"
    assert record.tenant_id == str(restaurant.tenant_id)
    line = JsonFormatter().format(record)
    assert '"request_id": "req-42"' in line
    assert f'"tenant_id": "{restaurant.tenant_id}"' in line


def test_records_outside_a_request_have_no_request_id(caplog):
    caplog.set_level(logging.INFO)

    logging.getLogger("orders.relay").info("relay: published %d events", 3, extra={"event_id": "e-1"})

    (record,) = caplog.records
    assert record.request_id is None
    assert record.event_id == "e-1"


# --- secrets never reach the logs -----------------------------------------------------------------
def test_login_with_a_password_and_a_query_token_logs_neither(api_client, customer, caplog):
    caplog.set_level(logging.DEBUG)

    response = api_client.post("/api/auth/login/?token=QUERY-SECRET-123",
                               {"email": customer.email, "password": TEST_PASSWORD}, format="json")

    assert response.status_code == 200
    access, refresh = response.json()["access"], response.json()["refresh"]
    (record,) = _request_records(caplog)
    assert "token=[REDACTED]" in record.getMessage()
    logged = caplog.text + "\n".join(JsonFormatter().format(r) for r in caplog.records)
    for secret in ("QUERY-SECRET-123", TEST_PASSWORD, access, refresh):
        assert secret not in logged


def test_a_failing_request_with_a_bearer_token_does_not_log_the_token(api_client, caplog):
    caplog.set_level(logging.DEBUG)
    bearer = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlLW5vdC12YWxpZA"
    api_client.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer}")

    response = api_client.get(f"/api/auth/me/?access_token={bearer}&ticket=TICKET-SECRET")

    assert response.status_code == 401
    assert any(r.name == "django.request" for r in caplog.records)  # the 401 was logged...
    logged = caplog.text + "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert bearer not in logged  # ...without the credential
    assert "TICKET-SECRET" not in logged


# --- /metrics -------------------------------------------------------------------------------------
def _scrape(client, **headers):
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.content
    return response.content.decode()


def test_metrics_export_request_counts_latency_and_errors_by_view(client, monkeypatch):
    from foodsys import health

    labels = {"status": "503", "view": "readyz", "method": "GET"}
    errors_before = REGISTRY.get_sample_value("django_http_responses_total_by_status_view_method_total", labels) or 0

    def broken_cache():
        raise ConnectionError("down")

    monkeypatch.setattr(health, "_check_cache", broken_cache)
    client.get("/readyz")
    body = _scrape(client)

    errors_after = REGISTRY.get_sample_value("django_http_responses_total_by_status_view_method_total", labels)
    assert errors_after == errors_before + 1
    assert 'django_http_requests_latency_seconds_by_view_method_bucket{le="0.1",method="GET",view="readyz"}' in body
    assert 'django_http_requests_total_by_view_transport_method_total{method="GET",transport="http",view="readyz"}' \
        in body


def test_metrics_export_the_outbox_backlog_and_its_oldest_age(client, restaurant):
    old = OutboxEvent.objects.create(tenant=restaurant, event_type=EventType.ORDER_CREATED, topic="t", payload={})
    OutboxEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    OutboxEvent.objects.create(tenant=restaurant, event_type=EventType.ORDER_CREATED, topic="t", payload={})
    OutboxEvent.objects.create(tenant=restaurant, event_type=EventType.ORDER_CREATED, topic="t", payload={},
                               published_at=timezone.now())

    body = _scrape(client)

    assert "foodsys_outbox_up 1.0" in body
    assert "foodsys_outbox_backlog 2.0" in body
    age = float(next(line.split()[1] for line in body.splitlines()
                     if line.startswith("foodsys_outbox_oldest_unpublished_age_seconds ")))
    assert 600 <= age < 3600


def test_metrics_export_the_catalog_cache_hit_ratio(client):
    for hit in (True, True, True, False):
        cache_stats.record("observability-test", hit=hit)

    body = _scrape(client)

    assert 'foodsys_cache_hits_total{cache="observability-test"} 3.0' in body
    assert 'foodsys_cache_misses_total{cache="observability-test"} 1.0' in body
    assert 'foodsys_cache_hit_ratio{cache="observability-test"} 0.75' in body


def test_metrics_export_the_pipeline_counters(client):
    from foodsys.observability import metrics

    before = REGISTRY.get_sample_value("foodsys_events_dead_lettered_total")
    metrics.record_dead_lettered()

    body = _scrape(client)

    assert f"foodsys_events_dead_lettered_total {before + 1}" in body
    for name in ("foodsys_events_relayed_total", "foodsys_events_consumed_total",
                 "foodsys_events_deduplicated_total", "foodsys_websocket_connections"):
        assert f"\n{name} " in body


def test_metrics_are_refused_to_a_public_address(client):
    response = client.get("/metrics", REMOTE_ADDR="8.8.4.4")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_metrics_are_refused_to_requests_relayed_by_the_proxy(client):
    response = client.get("/metrics", headers={"X-Forwarded-For": "8.8.4.4"})

    assert response.status_code == 403


def test_metrics_token_lets_any_address_scrape(client, settings):
    settings.METRICS_TOKEN = "scrape-token-0123456789"

    allowed = client.get("/metrics", REMOTE_ADDR="8.8.4.4",
                         headers={"Authorization": "Bearer scrape-token-0123456789"})
    wrong = client.get("/metrics", REMOTE_ADDR="8.8.4.4", headers={"Authorization": "Bearer nope"})

    assert allowed.status_code == 200
    assert wrong.status_code == 403


def test_an_empty_network_list_requires_the_token_everywhere(client, settings):
    settings.METRICS_ALLOWED_NETWORKS = []
    settings.METRICS_TOKEN = "scrape-token-0123456789"

    anonymous = client.get("/metrics")
    with_token = client.get("/metrics", headers={"Authorization": "Bearer scrape-token-0123456789"})

    assert anonymous.status_code == 403
    assert with_token.status_code == 200
