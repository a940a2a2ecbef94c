"""Kafka administration helpers (pure Python, no Django imports).

Used by ``scripts/services.sh up`` (via ``python -c`` with PYTHONPATH set to the
project root) and by the ``kafka_topics`` management command, so both create
topics with the same code.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping

from confluent_kafka import KafkaError, KafkaException
from confluent_kafka.admin import AdminClient, ClusterMetadata, NewTopic

from .topics import TOPICS

logger = logging.getLogger(__name__)

REPLICATION_FACTOR = 1


def _admin(bootstrap: str) -> AdminClient:
    return AdminClient(
        {
            "bootstrap.servers": bootstrap,
            # librdkafka logs every refused connection at ERR level while the
            # broker is still starting; keep stderr quiet, callers get exceptions.
            "log_level": 0,
        }
    )


def wait_for_broker(bootstrap: str, timeout: float = 30) -> ClusterMetadata:
    """Wait until the broker answers a metadata request; return the metadata.

    Raises TimeoutError if it does not answer within ``timeout`` seconds.
    """
    admin = _admin(bootstrap)
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(
                f"Kafka at {bootstrap} did not answer within {timeout:g}s"
                + (f": {last_error}" if last_error else "")
            )
        try:
            md = admin.list_topics(timeout=min(2.0, max(remaining, 0.1)))
            if md.brokers:
                return md
        except KafkaException as exc:
            last_error = exc
        time.sleep(min(0.2, max(deadline - time.monotonic(), 0)))


def _topic_ready(md: ClusterMetadata, name: str, partitions: int) -> bool:
    t = md.topics.get(name)
    if t is None or t.error is not None:
        return False
    if len(t.partitions) < partitions:
        return False
    return all(p.leader >= 0 for p in t.partitions.values())


def ensure_topics(
    bootstrap: str,
    timeout: float = 30,
    topics: Mapping[str, int] | None = None,
) -> list[str]:
    """Create the missing topics (default: ``topics.TOPICS``); return the names created.

    Existing topics are left alone (TOPIC_ALREADY_EXISTS, e.g. from a concurrent
    caller, counts as fine). Waits until every topic has a leader for each
    partition, so producers can use them as soon as this returns.
    """
    wanted = dict(TOPICS if topics is None else topics)
    deadline = time.monotonic() + timeout

    def remaining() -> float:
        return max(deadline - time.monotonic(), 0.5)

    # Keep this reference alive until all futures are resolved: the futures are
    # completed by the client's background thread, which dies with the client.
    admin = _admin(bootstrap)
    md = admin.list_topics(timeout=remaining())
    for name, parts in wanted.items():
        t = md.topics.get(name)
        if t is not None and t.error is None and len(t.partitions) != parts:
            logger.warning(
                "topic %s exists with %d partitions (declared %d); left unchanged",
                name, len(t.partitions), parts,
            )

    missing = [
        NewTopic(name, num_partitions=parts, replication_factor=REPLICATION_FACTOR)
        for name, parts in wanted.items()
        if name not in md.topics or md.topics[name].error is not None
    ]
    created: list[str] = []
    if missing:
        futures = admin.create_topics(
            missing, operation_timeout=remaining(), request_timeout=remaining()
        )
        for name, future in futures.items():
            try:
                future.result(timeout=remaining())
                created.append(name)
            except KafkaException as exc:
                err = exc.args[0] if exc.args else None
                if isinstance(err, KafkaError) and err.code() == KafkaError.TOPIC_ALREADY_EXISTS:
                    continue
                raise

    # Wait for leaders so the first produce does not fail with UNKNOWN_TOPIC.
    while True:
        md = admin.list_topics(timeout=remaining())
        pending = [n for n, p in wanted.items() if not _topic_ready(md, n, p)]
        if not pending:
            break
        if time.monotonic() >= deadline:
            raise TimeoutError(f"topics not ready within {timeout:g}s: {', '.join(pending)}")
        time.sleep(0.2)

    del admin
    return created
