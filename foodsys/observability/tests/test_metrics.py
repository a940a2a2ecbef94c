import json

import pytest
from prometheus_client import REGISTRY

from foodsys.observability import metrics


def _value(name, **labels):
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.mark.parametrize(("helper", "sample"), [
    (metrics.record_relayed, "foodsys_events_relayed_total"),
    (metrics.record_relay_failed, "foodsys_events_relay_failed_total"),
    (metrics.record_consumed, "foodsys_events_consumed_total"),
    (metrics.record_deduplicated, "foodsys_events_deduplicated_total"),
    (metrics.record_dead_lettered, "foodsys_events_dead_lettered_total"),
])
def test_event_counters_add_what_they_are_given(helper, sample):
    before = _value(sample)

    helper(3)
    helper(0)

    assert _value(sample) == before + 3


def test_websocket_gauge_follows_opens_and_closes():
    before = _value("foodsys_websocket_connections")

    metrics.websocket_opened()
    metrics.websocket_opened()
    metrics.websocket_closed()

    assert _value("foodsys_websocket_connections") == before + 1
    metrics.websocket_closed()


def _stats(partitions: dict[str, int], stored: dict[str, int] | None = None) -> str:
    return json.dumps({"topics": {"order-events": {"partitions": {
        p: {"partition": int(p), "consumer_lag": lag, "consumer_lag_stored": (stored or {}).get(p, -1)}
        for p, lag in partitions.items()}}}})


def test_kafka_stats_set_the_lag_of_assigned_partitions_only():
    metrics.record_kafka_stats(_stats({"0": 12, "1": 0, "2": -1, "-1": 5}))

    assert _value("foodsys_kafka_consumer_lag", topic="order-events", partition="0") == 12
    assert _value("foodsys_kafka_consumer_lag", topic="order-events", partition="1") == 0
    assert REGISTRY.get_sample_value("foodsys_kafka_consumer_lag", {"topic": "order-events", "partition": "2"}) is None
    assert REGISTRY.get_sample_value("foodsys_kafka_consumer_lag", {"topic": "order-events", "partition": "-1"}) is None


def test_kafka_stats_fall_back_to_the_position_before_the_first_commit():
    metrics.record_kafka_stats(_stats({"0": -1, "1": 8}, stored={"0": 5, "1": 2}))

    assert _value("foodsys_kafka_consumer_lag", topic="order-events", partition="0") == 5
    assert _value("foodsys_kafka_consumer_lag", topic="order-events", partition="1") == 8


def test_kafka_stats_drop_partitions_no_longer_reported():
    metrics.record_kafka_stats(_stats({"0": 4, "1": 7}))

    metrics.record_kafka_stats(_stats({"1": 2}))

    assert REGISTRY.get_sample_value("foodsys_kafka_consumer_lag", {"topic": "order-events", "partition": "0"}) is None
    assert _value("foodsys_kafka_consumer_lag", topic="order-events", partition="1") == 2


def test_kafka_stats_that_are_not_json_are_ignored():
    metrics.record_kafka_stats(_stats({"3": 9}))

    metrics.record_kafka_stats("not json")

    assert _value("foodsys_kafka_consumer_lag", topic="order-events", partition="3") == 9


def test_set_consumer_lag_never_goes_negative():
    metrics.set_consumer_lag(topic="order-events", partition=4, lag=-3)

    assert REGISTRY.get_sample_value("foodsys_kafka_consumer_lag", {"topic": "order-events", "partition": "4"}) == 0
