"""Publishes the order outbox to Kafka (or in-process in embedded mode). Logic: orders/relay.py."""

import signal

from django.core.management.base import BaseCommand, CommandError

from foodsys.observability.http_exporter import start_metrics_server
from orders.relay import DEFAULT_BATCH_SIZE, IDLE_POLL_SECONDS, OutboxRelay


class Command(BaseCommand):
    help = "Relay unpublished outbox events to Kafka, oldest first per tenant; SIGTERM finishes the batch and exits."

    def add_arguments(self, parser):
        parser.add_argument("--metrics-port", type=int, default=None, help="Expose Prometheus metrics on this port.")
        parser.add_argument("--once", action="store_true", help="Drain what is unpublished now, then exit.")
        parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
        parser.add_argument("--poll-interval", type=float, default=IDLE_POLL_SECONDS, help="Seconds to wait when idle.")

    def handle(self, *args, once, batch_size, poll_interval, **options):
        if options.get("metrics_port"):
            start_metrics_server(options["metrics_port"])
        if batch_size < 1 or poll_interval <= 0:
            raise CommandError("--batch-size must be >= 1 and --poll-interval > 0")
        relay = OutboxRelay(batch_size=batch_size, poll_interval=poll_interval)
        signal.signal(signal.SIGTERM, lambda *_: relay.stop())
        signal.signal(signal.SIGINT, lambda *_: relay.stop())
        try:
            if once:
                result = relay.drain()
                self.stdout.write(f"published {result.published}, failed {result.failed}")
                if result.failed:
                    raise CommandError("; ".join(result.errors[:3]) or "some events were not delivered")
            else:
                relay.run()
        finally:
            relay.close()
