"""The metrics consumer on the real broker: crash and restart, duplicates, poison messages."""

import base64
import json
import signal
import threading
import uuid

import pytest
from confluent_kafka import Consumer, TopicPartition
from django.conf import settings

from foodsys.events.schema import encode
from foodsys.kafka.topics import ORDER_EVENTS_DLQ
from foodsys.tenancy.keys import kafka_key
from metrics.selectors import metrics_snapshot
from metrics.tests.builders import envelope, transition
from metrics.tests.pipeline import (
    caught_up,
    committed_offsets,
    consume_until_caught_up,
    group_id,
    produce,
    start_consumer_process,
    topic_end,
    wait_for,
)

pytestmark = [pytest.mark.kafka, pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _orders(tenant_id, count: int, total: str = "2.50") -> list[tuple[bytes, bytes]]:
    return [(kafka_key(tenant_id), encode(envelope(tenant_id, total=total))) for _ in range(count)]


def test_a_killed_consumer_restarts_and_the_totals_are_exact(restaurant):
    # given: a consumer process, and events arriving in chunks while it runs
    start, group, chunks, size = topic_end(), group_id(), 12, 250
    total = chunks * size
    first = start_consumer_process(group=group, start=start, batch_size=25)
    producer = threading.Thread(target=lambda: [produce(_orders(restaurant.tenant_id, size)) for _ in range(chunks)])
    producer.start()

    def applied() -> int:
        return metrics_snapshot(tenant_id=restaurant.tenant_id)["total_orders"]

    # when: it is SIGKILLed mid-stream, then two fresh instances share the partitions
    assert wait_for(lambda: applied() >= total // 4, timeout=120), first.communicate(timeout=5)[0]
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=30)
    at_kill = applied()
    producer.join(timeout=120)
    target = topic_end()
    second = [start_consumer_process(group=group, start=start, batch_size=25) for _ in range(2)]
    try:
        done = wait_for(lambda: caught_up(committed_offsets(group, start), target, start), timeout=180, interval=0.5)
    finally:
        for process in second:
            process.send_signal(signal.SIGTERM)
        outputs = [process.communicate(timeout=60)[0] for process in second]

    # then
    assert 0 < at_kill < total, "the kill did not land mid-stream"
    assert done, outputs
    assert [process.returncode for process in second] == [0, 0], outputs
    snapshot = metrics_snapshot(tenant_id=restaurant.tenant_id)
    assert snapshot["total_orders"] == total
    assert snapshot["revenue_total"] == f"{total * 2.5:.2f}"


def test_duplicate_events_are_counted_once(restaurant):
    # given: every event published twice, the second copies after the first pass was consumed
    start = topic_end()
    created = [envelope(restaurant.tenant_id, total="4.00") for _ in range(20)]
    cancelled = [transition(created[0], from_status="pending", to_status="cancelled")]
    messages = [(kafka_key(restaurant.tenant_id), encode(e)) for e in created + cancelled]
    produce(messages + messages)
    consume_until_caught_up(start=start)

    # when
    again = topic_end()
    produce(messages)
    consume_until_caught_up(start=again)

    # then
    snapshot = metrics_snapshot(tenant_id=restaurant.tenant_id)
    assert snapshot["total_orders"] == 20
    assert snapshot["cancelled"] == 1
    assert snapshot["revenue_total"] == "76.00"
    assert snapshot["status_counts"]["pending"] == 19


def test_poison_messages_land_in_the_dead_letter_topic_and_the_consumer_goes_on(restaurant):
    # given
    start, dlq_start, group = topic_end(), topic_end(ORDER_EVENTS_DLQ), group_id()
    marker = uuid.uuid4().hex
    not_json = f"not json {marker}".encode()
    bad_schema = encode({**envelope(restaurant.tenant_id), "type": f"order_eaten_{marker}"})
    good = encode(envelope(restaurant.tenant_id, total="6.00"))
    key = kafka_key(restaurant.tenant_id)

    # when
    produce([(key, not_json), (key, bad_schema), (key, good)])
    consume_until_caught_up(start=start, group=group)

    # then: the good event counted, both poison messages dead-lettered with their error, offsets committed past them
    assert metrics_snapshot(tenant_id=restaurant.tenant_id)["total_orders"] == 1
    dead = _dead_letters(dlq_start, wanted={not_json, bad_schema})
    assert set(dead) == {not_json, bad_schema}
    assert "not JSON" in dead[not_json]["error"]
    assert "type" in dead[bad_schema]["error"]
    assert dead[not_json]["offset"] >= start[(dead[not_json]["topic"], dead[not_json]["partition"])]
    committed = committed_offsets(group, start)
    partition = (dead[not_json]["topic"], dead[not_json]["partition"])
    assert committed[partition] > dead[bad_schema]["offset"]


def _dead_letters(start, *, wanted: set[bytes]) -> dict[bytes, dict]:
    consumer = Consumer({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS, "group.id": group_id(),
                         "enable.auto.commit": False})
    consumer.assign([TopicPartition(topic, partition, offset) for (topic, partition), offset in start.items()])
    found: dict[bytes, dict] = {}
    try:
        for _ in range(30):
            message = consumer.poll(1.0)
            if message is None or message.error():
                continue
            wrapper = json.loads(message.value())
            original = base64.b64decode(wrapper["value_b64"])
            if original in wanted:
                found[original] = wrapper
                assert dict(message.headers())["error"].decode() == wrapper["error"][:1000]
            if set(found) == wanted:
                break
    finally:
        consumer.close()
    return found
