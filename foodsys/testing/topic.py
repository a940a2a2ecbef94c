"""Reading back what reached a Kafka topic, for tests that run the real broker (unit and fault tests alike)."""

from __future__ import annotations

import json
import time
import uuid
from collections import defaultdict

from confluent_kafka import Consumer, TopicPartition
from django.conf import settings

from foodsys.kafka.consumer import PartitionKey


def topic_sequences(start: dict[PartitionKey, int], end: dict[PartitionKey, int], tenant_ids: set[str],
                    *, deadline_seconds: float = 60) -> dict[str, list[str]]:
    """Event ids of these tenants as they sit in the topic between `start` and `end`, duplicates included."""
    # A group of its own: it only reads assigned partitions and commits nothing.
    consumer = Consumer({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS,
                         "group.id": f"test-topic-reader-{uuid.uuid4()}", "enable.auto.commit": False})
    pending = {key for key, offset in end.items() if offset > start.get(key, 0)}
    consumer.assign([TopicPartition(topic, partition, start.get((topic, partition), 0))
                     for topic, partition in pending])
    found: dict[str, list[str]] = defaultdict(list)
    deadline = time.monotonic() + deadline_seconds
    try:
        while pending and time.monotonic() < deadline:
            message = consumer.poll(1.0)
            if message is None or message.error():
                continue
            key = (message.topic(), message.partition())
            envelope = json.loads(message.value())
            if envelope.get("tenant_id") in tenant_ids:
                found[envelope["tenant_id"]].append(envelope["event_id"])
            if message.offset() + 1 >= end[key]:
                pending.discard(key)
    finally:
        consumer.close()
    assert not pending, f"the topic could not be read to its end in time: {pending}"
    return found
