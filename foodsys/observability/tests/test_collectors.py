from prometheus_client import CollectorRegistry

from foodsys.observability.collectors import CacheCollector, register_collectors


def _samples(collector) -> dict:
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in collector.collect() for sample in family.samples}


def test_cache_collector_leaves_out_the_ratio_of_an_unused_cache():
    from foodsys.common.cache import cache_stats

    cache_stats.record_error("collector-test-errors-only")

    samples = _samples(CacheCollector())

    assert samples[("foodsys_cache_errors_total", (("cache", "collector-test-errors-only"),))] == 1
    assert ("foodsys_cache_hit_ratio", (("cache", "collector-test-errors-only"),)) not in samples


def test_registering_does_not_touch_the_database():
    registry = CollectorRegistry()

    register_collectors(registry)  # no django_db mark: a query here would raise

    assert {"foodsys_outbox_backlog", "foodsys_outbox_oldest_unpublished_age_seconds", "foodsys_cache_hits_total",
            "foodsys_cache_hit_ratio"} <= set(registry._names_to_collectors)
