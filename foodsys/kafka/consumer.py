"""A generic batch-consumer runner (pure Python, no Django import).

    runner = BatchConsumerRunner(bootstrap=..., group_id=..., topics=[...], handle_batch=fn)
    runner.run()          # until stop(), max_messages, idle_exit_seconds or should_stop()

- `consume(num_messages, timeout)` batches with a short timeout (50 ms): a backlog still yields full
  batches, a trickle is handled within ~50 ms and stop() is seen as fast. `enable.auto.commit=false`;
  offsets are committed only AFTER `handle_batch` returned, so a crash re-delivers the batch (the handler
  dedupes).
- If `handle_batch` raises, the batch's partitions are rewound to its first offsets and it is
  retried with exponential backoff (capped at 5 s): nothing is skipped.
- Rebalance: processed-but-uncommitted offsets are committed in `on_revoke`, dropped in `on_lost`.
- `initial_offsets` positions partitions that had no committed offset when the runner started
  (default: earliest). Should another instance commit one meanwhile, this one re-reads from the
  initial offset: duplicates, which the handler drops.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from confluent_kafka import OFFSET_INVALID, Consumer, KafkaError, KafkaException, Message, TopicPartition

logger = logging.getLogger(__name__)

BACKOFF_START = 0.25
BACKOFF_CAP = 5.0
PartitionKey = tuple[str, int]


@dataclass
class ConsumerStats:
    messages: int = 0
    batches: int = 0
    failures: int = 0
    started_at: float = field(default_factory=time.monotonic)

    def rate(self) -> float:
        elapsed = time.monotonic() - self.started_at
        return self.messages / elapsed if elapsed > 0 else 0.0


def consumer_config(bootstrap: str, group_id: str, **overrides: Any) -> dict[str, Any]:
    config: dict[str, Any] = {
        "bootstrap.servers": bootstrap,
        "group.id": group_id,
        "enable.auto.commit": False,
        "auto.offset.reset": "earliest",
        "session.timeout.ms": 10_000,
        "enable.partition.eof": False,
        # Bounded prefetch: librdkafka's default (64 MB/partition queue) costs ~80 MB RSS on a backlog
        # for no throughput; 4 MB (~8k events) still keeps several batches ready.
        "queued.max.messages.kbytes": 4096,
        "queued.min.messages": 20000,
        # Once that queue is full librdkafka postpones the next fetch by this much (default 1 s): a backlog
        # then starved the loop for most of every second. 20 ms refills it long before it runs dry.
        "fetch.queue.backoff.ms": 20,
        "logger": logging.getLogger("foodsys.kafka.librdkafka"),
    }
    config.update(overrides)
    return config


class BatchConsumerRunner:
    def __init__(self, *, bootstrap: str, group_id: str, topics: list[str],
                 handle_batch: Callable[[list[Message]], None], batch_size: int = 1000, poll_timeout: float = 0.05,
                 max_messages: int | None = None, idle_exit_seconds: float | None = None,
                 initial_offsets: dict[PartitionKey, int] | None = None, should_stop: Callable[[], bool] | None = None,
                 on_tick: Callable[[], None] | None = None, config: dict[str, Any] | None = None):
        self.topics = topics
        self.handle_batch = handle_batch
        self.batch_size = batch_size
        self.poll_timeout = poll_timeout
        self.max_messages = max_messages
        self.idle_exit_seconds = idle_exit_seconds
        self.initial_offsets = initial_offsets or {}
        self.should_stop = should_stop
        self.on_tick = on_tick
        self.stats = ConsumerStats()
        self._config = consumer_config(bootstrap, group_id, **(config or {}))
        self._stop = threading.Event()
        self._uncommitted: dict[PartitionKey, int] = {}  # next offset to commit, per partition
        self.processed: dict[PartitionKey, int] = {}  # next offset after the last handled message
        self._consumer: Consumer | None = None
        self._start_at: dict[PartitionKey, int] = {}

    def stop(self) -> None:
        """Safe from a signal handler: the loop ends after the current batch is committed."""
        self._stop.set()

    # --- rebalance callbacks -----------------------------------------------------------------
    def _on_assign(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        logger.info("assigned %s", _describe(partitions))
        if not self._start_at:
            return
        for tp in partitions:
            if (tp.topic, tp.partition) in self._start_at:
                tp.offset = self._start_at[(tp.topic, tp.partition)]
        consumer.assign(partitions)

    def _starting_positions(self, consumer: Consumer) -> dict[PartitionKey, int]:
        """initial_offsets for the partitions the group has not committed yet (asked once, before joining:
        a blocking call inside a rebalance callback can time out while the group is rebalancing)."""
        if not self.initial_offsets:
            return {}
        wanted = [TopicPartition(topic, partition) for topic, partition in self.initial_offsets]
        for attempt in range(1, 6):
            try:
                committed = consumer.committed(wanted, timeout=10)
                break
            except KafkaException as exc:
                logger.warning("reading committed offsets failed (attempt %d): %s", attempt, exc)
                if attempt == 5 or self._stop.wait(min(BACKOFF_START * 2**attempt, BACKOFF_CAP)):
                    raise
        return {(tp.topic, tp.partition): self.initial_offsets[(tp.topic, tp.partition)]
                for tp in committed if tp.offset == OFFSET_INVALID}

    def _on_revoke(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        logger.info("revoked %s", _describe(partitions))
        self._commit(only={(tp.topic, tp.partition) for tp in partitions})

    def _on_lost(self, consumer: Consumer, partitions: list[TopicPartition]) -> None:
        # Another member may own them already: committing now could move its position backwards.
        logger.warning("lost %s; not committing", _describe(partitions))
        for tp in partitions:
            self._uncommitted.pop((tp.topic, tp.partition), None)

    # --- the loop ----------------------------------------------------------------------------
    def run(self) -> ConsumerStats:
        consumer = self._consumer = Consumer(self._config)
        self._start_at = self._starting_positions(consumer)
        consumer.subscribe(self.topics, on_assign=self._on_assign, on_revoke=self._on_revoke, on_lost=self._on_lost)
        last_message_at = time.monotonic()
        backoff = BACKOFF_START
        try:
            while not self._done(last_message_at):
                messages = [m for m in consumer.consume(num_messages=self.batch_size, timeout=self.poll_timeout)
                            if _is_record(m)]
                if messages:
                    last_message_at = time.monotonic()
                    try:
                        self.handle_batch(messages)
                    except Exception:
                        self.stats.failures += 1
                        logger.exception("batch of %d failed; retrying in %.2fs", len(messages), backoff)
                        self._rewind(consumer, messages)
                        self._stop.wait(backoff)
                        backoff = min(backoff * 2, BACKOFF_CAP)
                        continue
                    backoff = BACKOFF_START
                    self.stats.messages += len(messages)
                    self.stats.batches += 1
                    for key, end in _batch_ends(messages).items():
                        self._uncommitted[key] = max(self._uncommitted.get(key, 0), end)
                        self.processed[key] = max(self.processed.get(key, 0), end)
                    self._commit()
                if self.on_tick is not None:
                    self.on_tick()
        finally:
            self._commit()
            consumer.close()  # leaves the group; on_revoke commits anything left
            self._consumer = None
        return self.stats

    def _done(self, last_message_at: float) -> bool:
        if self._stop.is_set():
            return True
        if self.max_messages is not None and self.stats.messages >= self.max_messages:
            return True
        if self.idle_exit_seconds is not None and time.monotonic() - last_message_at >= self.idle_exit_seconds:
            return True
        return bool(self.should_stop and self.should_stop())

    def _commit(self, only: set[PartitionKey] | None = None) -> None:
        consumer = self._consumer
        pending = {k: v for k, v in self._uncommitted.items() if only is None or k in only}
        if consumer is None or not pending:
            return
        offsets = [TopicPartition(topic, partition, offset) for (topic, partition), offset in pending.items()]
        try:
            consumer.commit(offsets=offsets, asynchronous=False)
        except KafkaException as exc:
            err = exc.args[0] if exc.args else None
            if not (isinstance(err, KafkaError) and err.code() == KafkaError._NO_OFFSET):
                logger.warning("offset commit failed (will retry; the handler dedupes re-deliveries): %s", exc)
                return
        for key, offset in pending.items():
            if self._uncommitted.get(key) == offset:
                del self._uncommitted[key]

    @staticmethod
    def _rewind(consumer: Consumer, messages: list[Message]) -> None:
        first: dict[PartitionKey, int] = {}
        for m in messages:
            key = (m.topic(), m.partition())
            first[key] = min(first.get(key, m.offset()), m.offset())
        for (topic, partition), offset in first.items():
            try:
                consumer.seek(TopicPartition(topic, partition, offset))
            except KafkaException as exc:  # no longer assigned: the new owner re-reads it
                logger.warning("seek %s[%d]@%d failed: %s", topic, partition, offset, exc)


def _batch_ends(messages: list[Message]) -> dict[PartitionKey, int]:
    """The offset after the last message of each partition in the batch."""
    ends: dict[PartitionKey, int] = {}
    for m in messages:
        key = (m.topic(), m.partition())
        offset = m.offset() + 1
        if offset > ends.get(key, 0):
            ends[key] = offset
    return ends


def _is_record(message: Message | None) -> bool:
    if message is None:
        return False
    err = message.error()
    if err is None:
        return True
    if err.code() != KafkaError._PARTITION_EOF:
        logger.warning("consumer error: %s", err)
    return False


def _describe(partitions: list[TopicPartition]) -> str:
    return ", ".join(f"{tp.topic}[{tp.partition}]" for tp in partitions) or "nothing"


def end_offsets(bootstrap: str, topic: str, timeout: float = 10.0) -> dict[PartitionKey, int]:
    """The current end offset of every partition of `topic` (tests start new groups there)."""
    probe = Consumer({"bootstrap.servers": bootstrap, "group.id": "foodsys-offset-probe",
                      "enable.auto.commit": False})
    try:
        metadata = probe.list_topics(topic, timeout=timeout)
        offsets = {}
        for partition in metadata.topics[topic].partitions:
            _low, high = probe.get_watermark_offsets(TopicPartition(topic, partition), timeout=timeout)
            offsets[(topic, partition)] = high
        return offsets
    finally:
        probe.close()
