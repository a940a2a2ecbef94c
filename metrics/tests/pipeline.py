"""Helpers for tests that run the real pipeline: relay and consumer in-process, or as subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection

from foodsys.kafka.consumer import PartitionKey, end_offsets
from foodsys.kafka.topics import ORDER_EVENTS
from foodsys.testing.waiting import wait_for  # noqa: F401 - re-exported for the tests
from metrics.aggregator import MetricsAggregator
from orders.models import OutboxEvent
from orders.relay import KafkaSink, OutboxRelay
from orders.tests.helpers import order_payload

ROOT = Path(__file__).resolve().parents[2]
TEST_CONSUMER_CONFIG = {"session.timeout.ms": 6000, "heartbeat.interval.ms": 1000}


def group_id() -> str:
    return f"test-metrics-{uuid.uuid4()}"


def topic_end(topic: str = ORDER_EVENTS) -> dict[PartitionKey, int]:
    return end_offsets(settings.KAFKA_BOOTSTRAP_SERVERS, topic)


def caught_up(processed: dict[PartitionKey, int], target: dict[PartitionKey, int],
              start: dict[PartitionKey, int]) -> bool:
    # A partition with nothing processed, or a committed offset < 0 (nothing committed), is still at its start.
    return all(max(processed.get(key, -1), start.get(key, 0)) >= offset for key, offset in target.items())


def consume_until_caught_up(*, start: dict[PartitionKey, int], group: str | None = None, batch_size: int = 500,
                            deadline_seconds: float = 90) -> MetricsAggregator:
    """Runs the metrics consumer in-process from `start` until it has handled everything in the topic now."""
    target = topic_end()
    deadline = time.monotonic() + deadline_seconds
    aggregator = MetricsAggregator(group_id=group or group_id(), batch_size=batch_size, initial_offsets=start,
                                   config=TEST_CONSUMER_CONFIG)
    aggregator.runner.should_stop = lambda: (caught_up(aggregator.runner.processed, target, start)
                                             or time.monotonic() > deadline)
    aggregator.run()
    return aggregator


def relay_until_published(tenant_ids, *, deadline_seconds: float = 90, batch_size: int = 100) -> int:
    """Drains the outbox to the real broker until none of these tenants' rows is unpublished."""
    relay = OutboxRelay(sink=KafkaSink(settings.KAFKA_BOOTSTRAP_SERVERS), batch_size=batch_size)
    deadline = time.monotonic() + deadline_seconds
    try:
        while OutboxEvent.objects.filter(tenant_id__in=tenant_ids, published_at__isnull=True).exists():
            if time.monotonic() > deadline:
                break
            if relay.drain().failed:
                time.sleep(0.5)
    finally:
        relay.close()
    return relay.published


def place_orders_http(client, restaurant, menu_item, count: int) -> list[dict]:
    responses = [client.post("/api/orders/", order_payload(restaurant, (menu_item, 1 + i % 3)), format="json")
                 for i in range(count)]
    assert [r.status_code for r in responses] == [201] * count, [r.json() for r in responses if r.status_code != 201]
    return [r.json() for r in responses]


def subprocess_env() -> dict[str, str]:
    """The environment a `manage.py` child needs to use this test run's database and Redis DB."""
    db = connection.settings_dict
    env = dict(os.environ)
    env["DATABASE_URL"] = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env["REDIS_URL"] = settings.REDIS_URL
    env["KAFKA_BOOTSTRAP_SERVERS"] = settings.KAFKA_BOOTSTRAP_SERVERS
    env["DJANGO_SETTINGS_MODULE"] = "foodsys.settings.test"
    return env


def start_consumer_process(*, group: str, start: dict[PartitionKey, int], batch_size: int = 50,
                           extra: tuple[str, ...] = ()) -> subprocess.Popen:
    offsets = ",".join(f"{partition}={offset}" for (_topic, partition), offset in start.items())
    return subprocess.Popen(
        [sys.executable, "manage.py", "consume_orders", "--group", group, "--batch-size", str(batch_size),
         "--initial-offsets", offsets, "--session-timeout-ms", "6000", *extra],
        cwd=ROOT, env=subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)




def produce(values: list[tuple[bytes | None, bytes | None]], topic: str = ORDER_EVENTS) -> None:
    """Produces (key, value) pairs to the real broker and waits until every one is confirmed."""
    from foodsys.kafka.producer import ConfirmingProducer, OutgoingMessage

    producer = ConfirmingProducer(settings.KAFKA_BOOTSTRAP_SERVERS)
    try:
        results = producer.send([OutgoingMessage(topic=topic, key=key, value=value, ref=i)
                                 for i, (key, value) in enumerate(values)], timeout=60)
    finally:
        producer.close()
    failed = {ref: error for ref, error in results.items() if error}
    assert not failed, f"{len(failed)} messages not delivered, e.g. {next(iter(failed.values()))}"


def committed_offsets(group: str, start: dict[PartitionKey, int]) -> dict[PartitionKey, int]:
    from confluent_kafka import Consumer, TopicPartition

    probe = Consumer({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS, "group.id": group,
                      "enable.auto.commit": False})
    try:
        committed = probe.committed([TopicPartition(t, p) for t, p in start], timeout=10)
        return {(tp.topic, tp.partition): tp.offset for tp in committed}
    finally:
        probe.close()


def start_relay_process(*extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "manage.py", "relay_outbox", *extra], cwd=ROOT, env=subprocess_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
