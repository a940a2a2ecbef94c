"""The real services answer: a Kafka round trip on order-events and a cache round trip on Redis."""

import uuid

import pytest
from confluent_kafka import Consumer, Producer, TopicPartition
from django.conf import settings
from django.core.cache import cache

from foodsys.events.schema import decode, encode
from foodsys.kafka.topics import ORDER_EVENTS
from foodsys.tenancy.keys import kafka_key
from metrics.tests.builders import envelope


@pytest.mark.kafka
def test_kafka_round_trip_on_order_events():
    # given: a valid event of a tenant nobody has (harmless to every other consumer of the topic)
    event = envelope(uuid.uuid4())
    delivered = {}
    producer = Producer({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS, "enable.idempotence": True})

    # when
    producer.produce(ORDER_EVENTS, key=kafka_key(event["tenant_id"]), value=encode(event),
                     on_delivery=lambda err, msg: delivered.update(err=err, partition=msg.partition(),
                                                                   offset=msg.offset()))
    assert producer.flush(30) == 0
    consumer = Consumer({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS, "group.id": f"smoke-{uuid.uuid4()}",
                        "enable.auto.commit": False})
    consumer.assign([TopicPartition(ORDER_EVENTS, delivered["partition"], delivered["offset"])])
    try:
        message = next(m for m in iter(lambda: consumer.poll(10), None) if m.error() is None)
    except StopIteration:
        message = None
    finally:
        consumer.close()

    # then
    assert delivered["err"] is None
    assert message is not None, "the produced message was not consumed back within 10 s"
    assert message.key() == kafka_key(event["tenant_id"])
    assert decode(message.value()) == event


@pytest.mark.redis
def test_cache_round_trip_on_redis():
    # given
    from django_redis import get_redis_connection

    key, value = f"smoke:{uuid.uuid4()}", {"n": 1, "s": "é"}

    # when
    cache.set(key, value, timeout=30)

    # then
    assert cache.get(key) == value
    assert get_redis_connection("default").ttl(cache.make_key(key)) > 0  # really in Redis, with its TTL
    cache.delete(key)
    assert cache.get(key) is None
