"""Metrics computed at scrape time: the catalog cache's hit/miss counters
(`foodsys.common.cache.cache_stats`, per process), plus whatever collectors the apps add in their
`AppConfig.ready()` with `add_scrape_collector` (orders: the outbox backlog). This package imports
no app."""

import logging
import threading
from collections.abc import Callable

from prometheus_client.core import REGISTRY, CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

logger = logging.getLogger(__name__)


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


# Start-up configuration (filled by AppConfig.ready()), not a memo.
_app_collectors: list[Callable[[], Collector]] = []
_registered = False
_lock = threading.Lock()


def scrape_time_collectors() -> list[Collector]:
    return [CacheCollector(), *(make() for make in _app_collectors)]


def add_scrape_collector(make: Callable[[], Collector]) -> None:
    """An app's scrape-time collector: in every registry `register_collectors` fills from now on, and
    in the default one at once if it is already filled (the observability app's ready() runs first)."""
    with _lock:
        _app_collectors.append(make)
        if _registered:
            REGISTRY.register(make())


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
