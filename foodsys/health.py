"""/healthz: the process is up. /readyz: database, cache and (when configured) Kafka answer.

/readyz is public (probes call it without credentials), so it names each component and its status
only; why a check failed goes to the log, never into the response."""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse

logger = logging.getLogger(__name__)


def healthz(request):
    return JsonResponse({"status": "ok"})


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    key = f"readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=5)
    if cache.get(key) != "1":
        raise RuntimeError("cache round trip returned nothing")
    cache.delete(key)


def _check_kafka() -> None:
    from confluent_kafka.admin import AdminClient

    AdminClient({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS}).list_topics(timeout=2)


def readyz(request):
    checks = {"database": _check_database, "cache": _check_cache}
    if settings.KAFKA_BOOTSTRAP_SERVERS:
        checks["kafka"] = _check_kafka
    results: dict[str, dict[str, str]] = {}
    for name, check in checks.items():
        try:
            check()
            results[name] = {"status": "ok"}
        except Exception:  # any failure means "not ready": say which here, and why in the log only
            logger.warning("readiness check %s failed", name, exc_info=True)
            results[name] = {"status": "error"}
    ready = all(r["status"] == "ok" for r in results.values())
    failed = [name for name, r in results.items() if r["status"] != "ok"]
    body = {"status": "ok" if ready else "unavailable", "checks": results, "failed": failed}
    return JsonResponse(body, status=200 if ready else 503)
