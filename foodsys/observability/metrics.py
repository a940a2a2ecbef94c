"""Counters and gauges the relay, the consumer and the WebSocket consumers report through the helpers
below. Plain prometheus_client objects in the default registry (no Django import): the web process
exports them at /metrics, the relay and consumer processes with `http_exporter.start_metrics_server`.
"""

import json
import threading

from prometheus_client import Counter, Gauge

EVENTS_RELAYED = Counter("foodsys_events_relayed", "Outbox events the relay published (delivery confirmed).")
EVENTS_RELAY_FAILED = Counter("foodsys_events_relay_failed", "Outbox events a relay batch failed to deliver.")
EVENTS_CONSUMED = Counter("foodsys_events_consumed", "Order events the metrics consumer applied.")
EVENTS_DEDUPLICATED = Counter("foodsys_events_deduplicated", "Order events dropped as already applied (event_id).")
EVENTS_DEAD_LETTERED = Counter("foodsys_events_dead_lettered", "Poison order events sent to the dead-letter topic.")
KAFKA_CONSUMER_LAG = Gauge("foodsys_kafka_consumer_lag", "Messages behind the partition's high watermark.",
                           ["topic", "partition"], multiprocess_mode="livemax")
WEBSOCKET_CONNECTIONS = Gauge("foodsys_websocket_connections", "WebSocket connections open in this process.",
                              multiprocess_mode="livesum")

_lag_lock = threading.Lock()
_lag_labels: set[tuple[str, str]] = set()


def record_relayed(n: int) -> None:
    if n > 0:
        EVENTS_RELAYED.inc(n)


def record_relay_failed(n: int) -> None:
    if n > 0:
        EVENTS_RELAY_FAILED.inc(n)


def record_consumed(n: int) -> None:
    if n > 0:
        EVENTS_CONSUMED.inc(n)


def record_deduplicated(n: int) -> None:
    if n > 0:
        EVENTS_DEDUPLICATED.inc(n)


def record_dead_lettered(n: int = 1) -> None:
    if n > 0:
        EVENTS_DEAD_LETTERED.inc(n)


def websocket_opened() -> None:
    WEBSOCKET_CONNECTIONS.inc()


def websocket_closed() -> None:
    WEBSOCKET_CONNECTIONS.dec()


def set_consumer_lag(*, topic: str, partition: int, lag: int) -> None:
    with _lag_lock:
        _lag_labels.add((topic, str(partition)))
        KAFKA_CONSUMER_LAG.labels(topic=topic, partition=str(partition)).set(max(lag, 0))


def _partition_lag(stats: dict) -> int:
    """Lag behind the committed offset (what a restart would re-read); before the group's first commit,
    behind the consumer's own position."""
    for field in ("consumer_lag", "consumer_lag_stored"):
        lag = stats.get(field, -1)
        if isinstance(lag, int) and lag >= 0:
            return lag
    return -1


def record_kafka_stats(stats_json: str) -> None:
    """A confluent-kafka `stats_cb`: sets the lag of every partition this consumer is assigned and drops
    partitions it no longer reports (revoked). Needs `statistics.interval.ms` in the consumer config."""
    try:
        topics = json.loads(stats_json).get("topics", {})
    except (ValueError, AttributeError):
        return
    current: dict[tuple[str, str], int] = {}
    for topic, topic_stats in topics.items():
        for partition, stats in (topic_stats.get("partitions") or {}).items():
            lag = _partition_lag(stats)
            if partition != "-1" and lag >= 0:
                current[(topic, partition)] = lag
    with _lag_lock:
        for topic, partition in _lag_labels - set(current):
            KAFKA_CONSUMER_LAG.remove(topic, partition)
        _lag_labels.clear()
        _lag_labels.update(current)
        for (topic, partition), lag in current.items():
            KAFKA_CONSUMER_LAG.labels(topic=topic, partition=partition).set(lag)
