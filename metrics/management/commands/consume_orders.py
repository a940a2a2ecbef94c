"""Consumes order-events into the live metrics. Logic: metrics/aggregator.py and metrics/handlers.py."""

import gc
import logging
import signal

from django.core.management.base import BaseCommand, CommandError

from foodsys.kafka.topics import ORDER_EVENTS
from foodsys.observability.http_exporter import start_metrics_server
from metrics.aggregator import DEFAULT_GROUP, MetricsAggregator

logger = logging.getLogger(__name__)


def _offsets(text: str) -> dict[int, int]:
    """'0=12,1=40' -> {0: 12, 1: 40}"""
    try:
        pairs = (item.split("=") for item in text.split(",") if item.strip())
        return {int(p): int(o) for p, o in pairs}
    except ValueError:
        raise CommandError("--initial-offsets takes partition=offset pairs, e.g. 0=12,1=40")


class Command(BaseCommand):
    help = "Aggregate order events from Kafka into per-tenant metrics; SIGTERM commits and exits."

    def add_arguments(self, parser):
        parser.add_argument("--metrics-port", type=int, default=None, help="Expose Prometheus metrics on this port.")
        parser.add_argument("--group", default=DEFAULT_GROUP, help="Consumer group id.")
        parser.add_argument("--topic", default=ORDER_EVENTS, help="Topic to consume (benchmarks use their own).")
        parser.add_argument("--batch-size", type=int, default=1000,
                            help="Messages per batch (one Redis script and one offset commit each).")
        parser.add_argument("--max-messages", type=int, default=None, help="Exit after this many messages.")
        parser.add_argument("--idle-exit-seconds", type=float, default=None,
                            help="Exit after this long without messages.")
        parser.add_argument("--initial-offsets", type=_offsets, default=None,
                            help="Where partitions without a committed offset start (default: earliest).")
        parser.add_argument("--session-timeout-ms", type=int, default=None)

    def handle(self, *args, **opts):
        if opts.get("metrics_port"):
            start_metrics_server(opts["metrics_port"])
        if opts["batch_size"] < 1:
            raise CommandError("--batch-size must be >= 1")
        config = {"session.timeout.ms": opts["session_timeout_ms"]} if opts["session_timeout_ms"] else None
        initial = {(opts["topic"], p): o for p, o in (opts["initial_offsets"] or {}).items()}
        aggregator = MetricsAggregator(group_id=opts["group"], topic=opts["topic"], batch_size=opts["batch_size"],
                                       max_messages=opts["max_messages"], idle_exit_seconds=opts["idle_exit_seconds"],
                                       initial_offsets=initial or None, config=config)
        gc.freeze()  # what startup built lives as long as the process: keep it out of every full collection
        signal.signal(signal.SIGTERM, lambda *_: aggregator.stop())
        signal.signal(signal.SIGINT, lambda *_: aggregator.stop())
        stats = aggregator.run()
        self.stdout.write(f"consumed {stats.messages} messages in {stats.batches} batches "
                          f"({stats.rate():.0f}/s), {stats.failures} failed attempts")
