import urllib.request

import pytest
from prometheus_client import REGISTRY

from foodsys.observability import metrics
from foodsys.observability.http_exporter import start_metrics_server


@pytest.fixture
def metrics_url():
    server = start_metrics_server(0, addr="127.0.0.1")
    yield f"http://127.0.0.1:{server.server_port}/metrics"
    server.shutdown()
    server.server_close()


def test_the_exporter_serves_the_process_metrics(metrics_url):
    relayed = REGISTRY.get_sample_value("foodsys_events_relayed_total") + 2
    metrics.record_relayed(2)

    with urllib.request.urlopen(metrics_url, timeout=10) as response:  # noqa: S310 (a local URL)
        body = response.read().decode()

    assert response.status == 200
    assert f"\nfoodsys_events_relayed_total {relayed}\n" in body
    assert "\nfoodsys_outbox_up " in body  # the scrape-time collectors answer here too
