"""Kafka producers (pure Python, no Django import): one configuration for every FoodSys producer.

- `ConfirmingProducer.send()` produces a batch and waits until every message is confirmed or
  has failed; the outbox relay marks rows published only from its answer.
- `BackgroundProducer` never blocks: a daemon thread polls for delivery reports and hands them,
  batched, to a callback (the on-commit fast path uses it).

Both create their librdkafka producer lazily and again after a fork, so a pre-forking server
never shares one between processes.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from confluent_kafka import KafkaError, Producer

logger = logging.getLogger(__name__)
_librdkafka_logger = logging.getLogger("foodsys.kafka.librdkafka")


def producer_config(bootstrap: str, **overrides: Any) -> dict[str, Any]:
    """Idempotent (acks=all, ordered retries within the session); murmur2 keys like the Java client."""
    config: dict[str, Any] = {
        "bootstrap.servers": bootstrap,
        "enable.idempotence": True,
        "acks": "all",
        "linger.ms": 5,
        "partitioner": "murmur2_random",
        "message.timeout.ms": 30_000,
        "logger": _librdkafka_logger,
        "error_cb": _log_client_error,
    }
    config.update(overrides)
    return config


def _log_client_error(err: KafkaError) -> None:
    # Broker down etc.: librdkafka keeps retrying; deliveries fail via their own reports.
    logger.warning("kafka client error: %s", err)


@dataclass(frozen=True)
class OutgoingMessage:
    topic: str
    value: bytes
    key: bytes | None = None
    headers: list[tuple[str, bytes]] = field(default_factory=list)
    ref: Hashable = None  # the caller's id for this message (e.g. the outbox row id)


class ConfirmingProducer:
    """Sends batches and reports, per message, None (delivered) or the delivery error."""

    def __init__(self, bootstrap: str, **overrides: Any):
        self._config = producer_config(bootstrap, **overrides)
        self._producer: Producer | None = None
        self._pid: int | None = None
        self._broken = False

    def _get(self) -> Producer:
        if self._producer is None or self._pid != os.getpid() or self._broken:
            if self._producer is not None and self._pid == os.getpid():
                self._producer.flush(1)
            self._producer = Producer(self._config)
            self._pid = os.getpid()
            self._broken = False
        return self._producer

    def send(self, messages: Iterable[OutgoingMessage], *, timeout: float) -> dict[Hashable, str | None]:
        producer = self._get()
        results: dict[Hashable, str | None] = {}
        deadline = time.monotonic() + timeout

        def report(ref: Hashable, err: KafkaError | None) -> None:
            results[ref] = None if err is None else str(err)
            if err is not None and err.fatal():
                self._broken = True  # e.g. an idempotence sequence error: start a new session

        refs = []
        for message in messages:
            refs.append(message.ref)
            if not self._produce(producer, message, report, deadline):
                results.setdefault(message.ref, "local queue full; not sent")
        while len(results) < len(refs) and time.monotonic() < deadline:
            producer.flush(min(1.0, max(deadline - time.monotonic(), 0)))
        for ref in refs:
            results.setdefault(ref, f"delivery not confirmed within {timeout:g}s")
        return results

    @staticmethod
    def _produce(producer: Producer, message: OutgoingMessage, report, deadline: float) -> bool:
        while True:
            try:
                producer.produce(message.topic, value=message.value, key=message.key, headers=message.headers,
                                 on_delivery=lambda err, _msg, ref=message.ref: report(ref, err))
                producer.poll(0)
                return True
            except BufferError:
                if time.monotonic() >= deadline:
                    return False
                producer.poll(0.2)

    def close(self, timeout: float = 10.0) -> None:
        if self._producer is not None and self._pid == os.getpid():
            self._producer.flush(timeout)
        self._producer = None


DeliveryReport = tuple[Hashable, str | None]  # (ref, None when delivered, else the error)


class BackgroundProducer:
    """`produce()` returns at once; a daemon thread polls and calls `on_reports(batch)` with the
    delivery reports that arrived since the last call. Never raises from `produce()`."""

    def __init__(self, bootstrap: str, on_reports: Callable[[list[DeliveryReport]], None], *,
                 on_idle: Callable[[], None] | None = None, idle_seconds: float = 5.0, **overrides: Any):
        self._config = producer_config(bootstrap, **overrides)
        self._on_reports = on_reports
        # Called once the poller has had no reports for idle_seconds (and when it stops): lets the
        # caller release what the report handler holds, e.g. the thread's database connection.
        self._on_idle = on_idle
        self._idle_seconds = idle_seconds
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._producer: Producer | None = None
        self._pid: int | None = None
        self._reports: list[DeliveryReport] = []
        # Refs produced whose report has not been handed to on_reports yet (set ops are atomic under the GIL).
        self._in_flight: set[Hashable] = set()

    def _get(self) -> Producer:
        with self._lock:
            if self._producer is None or self._pid != os.getpid():
                self._producer = Producer(self._config)
                self._pid = os.getpid()
                self._reports = []
                self._in_flight = set()
                producer = self._producer
                self._thread = threading.Thread(target=self._poll_forever, args=(producer,), daemon=True,
                                                name="kafka-fast-path-poller")
                self._thread.start()
                atexit.register(producer.flush, 2)
            return self._producer

    def all_in_flight(self, refs: Iterable[Hashable]) -> bool:
        """True when every ref was produced here and its delivery report is still to be handled."""
        return all(ref in self._in_flight for ref in refs)

    def produce(self, message: OutgoingMessage) -> bool:
        try:
            producer = self._get()
            self._in_flight.add(message.ref)
            producer.produce(message.topic, value=message.value, key=message.key, headers=message.headers,
                             on_delivery=lambda err, _msg, ref=message.ref: self._reports.append(
                                 (ref, None if err is None else str(err))))
            return True  # no poll() here: reports are collected by the poller thread only
        except Exception:  # BufferError when the local queue is full, or a client error
            self._in_flight.discard(message.ref)
            logger.warning("fast-path produce failed; the relay will publish it", exc_info=True)
            return False

    def _hand_over(self, batch: list[DeliveryReport]) -> None:
        try:
            self._on_reports(batch)
        finally:  # only now: until on_reports has marked them, they count as in flight
            self._in_flight.difference_update(ref for ref, _error in batch)

    def close(self, timeout: float = 5.0) -> None:
        """Flushes, stops the poller thread and lets it release its resources (on_idle)."""
        with self._lock:
            producer, self._producer = self._producer, None
            thread, self._thread = self._thread, None
        if producer is not None:
            producer.flush(timeout)
        if thread is not None:
            thread.join(timeout)

    def _poll_forever(self, producer: Producer) -> None:
        idle_since: float | None = None
        try:
            while self._producer is producer:
                try:
                    producer.poll(0.5)
                    if self._reports:
                        batch, self._reports = self._reports, []
                        self._hand_over(batch)
                        idle_since = time.monotonic()
                    elif idle_since is not None and time.monotonic() - idle_since > self._idle_seconds:
                        idle_since = None
                        if self._on_idle:
                            self._on_idle()
                except Exception:
                    logger.exception("fast-path delivery handling failed")
                    time.sleep(1)
            if self._reports:  # reports that arrived with the final flush
                batch, self._reports = self._reports, []
                self._hand_over(batch)
        finally:
            if self._on_idle:
                self._on_idle()


class DeadLetterQueue:
    """Forwards a poison message to the dead-letter topic and waits for the broker's confirmation.

    The value is a JSON wrapper: {error, topic, partition, offset, key_b64, value_b64}; the error
    is also in the `error` header. Raises if the broker does not confirm, so the caller does not
    commit past a message that is nowhere.
    """

    def __init__(self, bootstrap: str, topic: str, *, timeout: float = 15.0):
        self.topic = topic
        self.timeout = timeout
        self.producer = ConfirmingProducer(bootstrap)

    def send(self, message, error: str) -> None:
        import base64
        import json

        def b64(raw: bytes | None) -> str | None:
            return base64.b64encode(raw).decode() if raw is not None else None

        wrapper = {"error": error, "topic": message.topic(), "partition": message.partition(),
                   "offset": message.offset(), "key_b64": b64(message.key()), "value_b64": b64(message.value())}
        outgoing = OutgoingMessage(topic=self.topic, key=message.key(), value=json.dumps(wrapper).encode(),
                                   headers=[("error", error.encode()[:1000])], ref="dlq")
        result = self.producer.send([outgoing], timeout=self.timeout)["dlq"]
        if result is not None:
            raise RuntimeError(f"dead-letter publish failed: {result}")

    def close(self) -> None:
        self.producer.close()
