"""Metrics computed at scrape time: the outbox backlog (one cheap query) and the catalog cache's
hit/miss counters (`foodsys.common.cache.cache_stats`, per process)."""

import logging
import threading
import time

from prometheus_client.core import REGISTRY, CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

logger = logging.getLogger(__name__)


class OutboxCollector(Collector):
    """`foodsys_outbox_backlog` (unpublished rows, counted up to BACKLOG_COUNT_CAP) and
    `foodsys_outbox_oldest_unpublished_age_seconds`; `foodsys_outbox_up` is 0 when the database could not
    be asked. Both queries walk the partial index on unpublished ids, so a large backlog stays cheap."""

    BACKLOG_COUNT_CAP = 100_000

    def describe(self):  # registering must not query the database (it runs in AppConfig.ready)
        return [GaugeMetricFamily(name, "") for name in (
            "foodsys_outbox_up", "foodsys_outbox_backlog", "foodsys_outbox_oldest_unpublished_age_seconds")]

    def collect(self):
        from orders.models import OutboxEvent

        up = GaugeMetricFamily("foodsys_outbox_up", "1 when the outbox backlog could be read.")
        try:
            unpublished = OutboxEvent.objects.filter(published_at__isnull=True)
            backlog = unpublished.values("id")[:self.BACKLOG_COUNT_CAP].count()
            oldest = unpublished.order_by("id").values_list("created_at", flat=True).first()
        except Exception as exc:  # the scrape must still answer: report the failure as a metric
            logger.warning("outbox metrics unavailable: %s", exc)
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield GaugeMetricFamily("foodsys_outbox_backlog", f"Outbox events not yet published (counted up to "
                                f"{self.BACKLOG_COUNT_CAP}).", value=backlog)
        age = time.time() - oldest.timestamp() if oldest else 0.0
        yield GaugeMetricFamily("foodsys_outbox_oldest_unpublished_age_seconds",
                                "Age of the oldest unpublished outbox event (0 when none).", value=max(age, 0.0))


class CacheCollector(Collector):
    """Catalog cache hits, misses and errors per cache name, and the hit ratio, of this process."""

    def describe(self):
        return [*(CounterMetricFamily(f"foodsys_cache_{kind}", "") for kind in ("hits", "misses", "errors")),
                GaugeMetricFamily("foodsys_cache_hit_ratio", "")]

    def collect(self):
        from foodsys.common.cache import cache_stats

        snapshot = cache_stats.snapshot()
        families = {kind: CounterMetricFamily(f"foodsys_cache_{kind}", f"Catalog cache {kind} by cache name.",
                                              labels=["cache"]) for kind in ("hits", "misses", "errors")}
        ratio = GaugeMetricFamily("foodsys_cache_hit_ratio", "hits / (hits + misses) since the process started.",
                                  labels=["cache"])
        for name, counts in sorted(snapshot.items()):
            for kind, family in families.items():
                family.add_metric([name], counts[kind])
            lookups = counts["hits"] + counts["misses"]
            if lookups:
                ratio.add_metric([name], counts["hits"] / lookups)
        yield from families.values()
        yield ratio


def scrape_time_collectors() -> list[Collector]:
    return [OutboxCollector(), CacheCollector()]


_registered = False
_lock = threading.Lock()


def register_collectors(registry: CollectorRegistry = REGISTRY) -> None:
    """Adds the scrape-time collectors to the default registry once per process."""
    global _registered
    with _lock:
        if _registered and registry is REGISTRY:
            return
        for collector in scrape_time_collectors():
            registry.register(collector)
        if registry is REGISTRY:
            _registered = True
