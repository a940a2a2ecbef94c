"""Assembles the `metrics-aggregator` Kafka consumer: the generic batch runner, the metrics handler,
the dead-letter queue and the coalescing live pusher. Used by `manage.py consume_orders` and by
tests that run the consumer in-process.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from django.conf import settings

from foodsys.kafka.consumer import BatchConsumerRunner, PartitionKey
from foodsys.kafka.producer import DeadLetterQueue
from foodsys.kafka.topics import ORDER_EVENTS, ORDER_EVENTS_DLQ
from foodsys.observability import metrics as prometheus
from metrics.handlers import handle_order_messages
from metrics.live import MetricsPusher

DEFAULT_GROUP = "metrics-aggregator"


class MetricsAggregator:
    def __init__(self, *, group_id: str = DEFAULT_GROUP, topic: str = ORDER_EVENTS, batch_size: int = 1000,
                 max_messages: int | None = None, idle_exit_seconds: float | None = None,
                 initial_offsets: dict[PartitionKey, int] | None = None, should_stop: Callable[[], bool] | None = None,
                 config: dict | None = None):
        if not settings.KAFKA_BOOTSTRAP_SERVERS:
            raise RuntimeError("KAFKA_BOOTSTRAP_SERVERS is not set; embedded mode applies events in-process")
        self.pusher = MetricsPusher()
        self.dead_letters = DeadLetterQueue(settings.KAFKA_BOOTSTRAP_SERVERS, ORDER_EVENTS_DLQ)
        self.runner = BatchConsumerRunner(
            bootstrap=settings.KAFKA_BOOTSTRAP_SERVERS, group_id=group_id, topics=[topic],
            handle_batch=self._handle,
            batch_size=batch_size, max_messages=max_messages, idle_exit_seconds=idle_exit_seconds,
            initial_offsets=initial_offsets, should_stop=should_stop, on_tick=self.pusher.flush_due,
            # librdkafka statistics every 15 s feed the per-partition consumer-lag gauge.
            config={"statistics.interval.ms": 15000, "stats_cb": prometheus.record_kafka_stats, **(config or {})},
        )

    def _handle(self, messages: Sequence) -> None:
        # A full batch means more is waiting: push less often until the consumer has caught up.
        self.pusher.backlogged = len(messages) >= self.runner.batch_size
        handle_order_messages(messages, dead_letter=self.dead_letters.send, notifier=self.pusher)

    def stop(self) -> None:
        self.runner.stop()

    def run(self):
        try:
            return self.runner.run()
        finally:
            self.pusher.flush_all()
            self.dead_letters.close()
