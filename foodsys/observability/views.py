"""GET /metrics for Prometheus.

Served to direct connections from METRICS_ALLOWED_NETWORKS (loopback and private ranges by default: the
scraper inside the cluster), and to anyone presenting `Authorization: Bearer $METRICS_TOKEN`. A request
that came through the reverse proxy (X-Forwarded-For / X-Real-IP / Forwarded present) never counts as
coming from an allowed network: behind a proxy, REMOTE_ADDR is the proxy's own address.
"""

import hmac
import ipaddress
import os

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.http import require_safe
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest, multiprocess

from foodsys.common.errors import json_error
from foodsys.common.exceptions import PermissionDeniedError
from foodsys.observability.collectors import register_collectors

_PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


def _has_metrics_token(request) -> bool:
    expected = settings.METRICS_TOKEN
    scheme, _, presented = request.headers.get("Authorization", "").partition(" ")
    return bool(expected) and scheme.lower() == "bearer" and hmac.compare_digest(presented.encode(), expected.encode())


def _from_allowed_network(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return any(ip in ipaddress.ip_network(network) for network in settings.METRICS_ALLOWED_NETWORKS)


def scrape_allowed(request) -> bool:
    if _has_metrics_token(request):
        return True
    if any(header in request.META for header in _PROXY_HEADERS):
        return False
    return _from_allowed_network(request.META.get("REMOTE_ADDR", ""))


def _registry() -> CollectorRegistry:
    """Several worker processes (gunicorn) share metrics through PROMETHEUS_MULTIPROC_DIR."""
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    register_collectors(registry)
    return registry


@require_safe
def metrics_view(request):
    if not scrape_allowed(request):
        return json_error(PermissionDeniedError("Metrics are served to the monitoring network or with METRICS_TOKEN.",
                                                code="forbidden"))
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
