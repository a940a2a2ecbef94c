"""Create the Kafka topics declared in foodsys/kafka/topics.py (idempotent)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from foodsys.kafka.topics import TOPICS


class Command(BaseCommand):
    help = "Create missing Kafka topics (foodsys.kafka.topics.TOPICS) on settings.KAFKA_BOOTSTRAP_SERVERS."

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout", type=float, default=30.0,
            help="Seconds to wait for the broker and topic creation (default 30).",
        )

    def handle(self, *args, **options):
        bootstrap = getattr(settings, "KAFKA_BOOTSTRAP_SERVERS", None)
        if not bootstrap:
            self.stdout.write("Kafka not configured (embedded mode); nothing to do")
            return

        # Imported here so the embedded mode does not need confluent_kafka at all.
        from foodsys.kafka.admin import ensure_topics, wait_for_broker

        timeout = options["timeout"]
        try:
            wait_for_broker(bootstrap, timeout)
            created = ensure_topics(bootstrap, timeout)
        except Exception as exc:  # KafkaException, TimeoutError
            raise CommandError(f"Kafka at {bootstrap}: {exc}") from exc

        for name, parts in TOPICS.items():
            state = "created" if name in created else "exists"
            self.stdout.write(f"{name}: {state} ({parts} partitions)")
        self.stdout.write(self.style.SUCCESS(
            f"Kafka topics ready on {bootstrap}: {len(created)} created, "
            f"{len(TOPICS) - len(created)} already present"
        ))
