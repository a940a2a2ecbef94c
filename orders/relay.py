"""The outbox relay: publishes unpublished OutboxEvent rows, oldest first, and marks a row published
only once its delivery is confirmed.

Per-tenant order with several relays. `SELECT ... FOR UPDATE SKIP LOCKED` alone would let relay B
publish a tenant's event N+1 while relay A still holds N. So a relay CLAIMS WHOLE TENANTS: inside
the batch's transaction it takes `pg_try_advisory_xact_lock(<namespace>, <hash of tenant id>)` for
the tenants of the oldest unpublished rows, skips tenants another relay holds, and for each tenant
it got takes that tenant's OLDEST unpublished rows (`FOR UPDATE SKIP LOCKED` on top, harmless:
only the fast path's mark-published UPDATE ever locks these rows, and only delivered ones). The
lock is held while producing and until the marks commit, so two relays never interleave a
tenant. Two tenants hashing alike merely share a lock. SQLite (embedded, one relay): a plain
ordered select.

Failures. A batch is produced, flushed, and every delivery report awaited (bounded by the
producer's message timeout). Per tenant, rows are marked in id order up to the first failure; the
tenant's later rows are left unpublished even if delivered, so the next attempt re-sends from the
tenant's oldest unpublished row (the idempotent producer keeps order within a session; the
consumer drops duplicates by event_id). While Kafka is down every attempt fails and the runner
backs off exponentially (capped at 5 s), then catches up.

Transport: Kafka when KAFKA_BOOTSTRAP_SERVERS is set, else the in-process sinks the apps registered
(`foodsys.events.sinks`, the same ones the on-commit dispatch uses), which sweeps up rows whose
on-commit dispatch failed. Without Kafka that is only useful where the relay shares the metrics store with the web
process: Redis (REDIS_URL set), or the same process (locmem is per process).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Protocol

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from foodsys.events.sinks import deliver_in_process
from foodsys.kafka.producer import ConfirmingProducer
from foodsys.observability import metrics as prometheus
from foodsys.tenancy.keys import outbox_relay_lock_id
from orders.dispatch import outbox_message
from orders.models import OutboxEvent

logger = logging.getLogger(__name__)

DEFAULT_BATCH_SIZE = 500
# Idle wait between polls: the fast path publishes most events; this bounds the delay of those it
# leaves to the relay (one indexed query on the unpublished partial index per poll).
IDLE_POLL_SECONDS = 0.25
BACKOFF_START = 0.5
BACKOFF_CAP = 5.0
ADVISORY_NAMESPACE = 0x0F0D  # first key of the two-int advisory lock: "outbox relay"
TENANT_SCAN_ROWS = 5000  # tenants are claimed from the oldest this many unpublished rows
KAFKA_MESSAGE_TIMEOUT_MS = 10_000


class Sink(Protocol):
    def send(self, rows: Sequence[OutboxEvent]) -> dict[int, str | None]:
        """Per row id: None when delivered, else the error."""


class KafkaSink:
    def __init__(self, bootstrap: str, *, message_timeout_ms: int = KAFKA_MESSAGE_TIMEOUT_MS):
        self.producer = ConfirmingProducer(bootstrap, **{"message.timeout.ms": message_timeout_ms})
        self.timeout = message_timeout_ms / 1000 + 5

    def send(self, rows: Sequence[OutboxEvent]) -> dict[int, str | None]:
        messages = [outbox_message(row_id=row.id, tenant_id=row.tenant_id, topic=row.topic, payload=row.payload)
                    for row in rows]
        return self.producer.send(messages, timeout=self.timeout)

    def close(self) -> None:
        self.producer.close()


class InProcessSink:
    """Embedded mode: the registered in-process sinks, as the on-commit dispatch uses them."""

    def send(self, rows: Sequence[OutboxEvent]) -> dict[int, str | None]:
        try:
            deliver_in_process([row.payload for row in rows])
        except Exception as exc:
            logger.exception("in-process apply failed")
            return {row.id: f"{type(exc).__name__}: {exc}" for row in rows}
        return {row.id: None for row in rows}

    def close(self) -> None:
        pass


def default_sink() -> KafkaSink | InProcessSink:
    return KafkaSink(settings.KAFKA_BOOTSTRAP_SERVERS) if settings.KAFKA_BOOTSTRAP_SERVERS else InProcessSink()


@dataclass
class BatchResult:
    claimed: int = 0
    published: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _claim_rows(batch_size: int) -> list[OutboxEvent]:
    unpublished = OutboxEvent.objects.filter(published_at__isnull=True).order_by("id")
    if not connection.features.has_select_for_update_skip_locked:
        return list(unpublished[:batch_size])
    tenants: list = []
    for tenant_id in unpublished.values_list("tenant_id", flat=True)[:TENANT_SCAN_ROWS]:
        if tenant_id not in tenants:
            tenants.append(tenant_id)
    rows: list[OutboxEvent] = []
    with connection.cursor() as cursor:
        for tenant_id in tenants:
            if len(rows) >= batch_size:
                break
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)",
                           [ADVISORY_NAMESPACE, outbox_relay_lock_id(tenant_id)])
            if not cursor.fetchone()[0]:
                continue  # another relay is publishing this tenant
            rows += unpublished.filter(tenant_id=tenant_id).select_for_update(skip_locked=True)[:batch_size - len(rows)]
    return rows


def _confirmed_prefixes(rows: Sequence[OutboxEvent], results: dict[int, str | None]) -> tuple[list[int], list[int]]:
    """Row ids to mark published (each tenant's delivered rows up to its first failure), and the rest."""
    blocked: set = set()
    confirmed, rest = [], []
    for row in sorted(rows, key=lambda r: r.id):
        if row.tenant_id in blocked or results.get(row.id) is not None:
            blocked.add(row.tenant_id)
            rest.append(row.id)
        else:
            confirmed.append(row.id)
    return confirmed, rest


def relay_batch(*, sink: Sink, batch_size: int = DEFAULT_BATCH_SIZE) -> BatchResult:
    """One transaction: claim, send, await every delivery report, mark."""
    result = BatchResult()
    with transaction.atomic():
        rows = _claim_rows(batch_size)
        result.claimed = len(rows)
        if not rows:
            return result
        results = sink.send(rows)
        confirmed, rest = _confirmed_prefixes(rows, results)
        now = timezone.now()
        if confirmed:
            OutboxEvent.objects.filter(id__in=confirmed).update(published_at=now, attempts=F("attempts") + 1)
        rest_ids = set(rest)
        for row in rows:
            if row.id in rest_ids:
                error = results.get(row.id) or "an older event of the tenant failed"
                OutboxEvent.objects.filter(id=row.id).update(attempts=F("attempts") + 1, last_error=error[:1000])
        result.published, result.failed = len(confirmed), len(rest)
        result.errors = sorted({results[i] for i in rest if results.get(i)})
    return result


class OutboxRelay:
    def __init__(self, *, sink: Sink | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
                 poll_interval: float = IDLE_POLL_SECONDS, sleep: Callable[[float], bool] | None = None):
        self.sink = sink or default_sink()
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self._stop = threading.Event()
        self._sleep = sleep or self._stop.wait  # returns True when stopped
        self.published = 0

    def stop(self) -> None:
        self._stop.set()

    def drain(self) -> BatchResult:
        """Publishes until nothing is left or a batch fails (`--once`); returns the totals."""
        total = BatchResult()
        while not self._stop.is_set():
            batch = relay_batch(sink=self.sink, batch_size=self.batch_size)
            prometheus.record_relayed(batch.published)
            prometheus.record_relay_failed(batch.failed)
            total.claimed += batch.claimed
            total.published += batch.published
            total.failed += batch.failed
            total.errors += batch.errors
            self.published += batch.published
            if batch.failed or batch.claimed < self.batch_size:
                break
        return total

    def run(self) -> None:
        """Until stop(): drain, then wait poll_interval; after a failure back off (0.5 s doubling, 5 s cap)."""
        backoff = BACKOFF_START
        while not self._stop.is_set():
            try:
                batch = self.drain()
            except Exception:
                logger.exception("relay batch failed")
                batch = BatchResult(failed=1)
            if batch.failed:
                logger.warning("relay: %d events not delivered (%s); retrying in %.1fs",
                               batch.failed, "; ".join(batch.errors[:3]) or "error", backoff)
                if self._sleep(backoff):
                    break
                backoff = min(backoff * 2, BACKOFF_CAP)
                continue
            if batch.published:
                logger.info("relay: published %d events", batch.published)
            backoff = BACKOFF_START
            if self._sleep(self.poll_interval):
                break

    def close(self) -> None:
        self.sink.close()


def outbox_prune(*, older_than_days: int) -> int:
    """Deletes published rows older than the given number of days; returns how many."""
    cutoff = timezone.now() - timedelta(days=older_than_days)
    deleted, _ = OutboxEvent.objects.filter(published_at__isnull=False, published_at__lt=cutoff).delete()
    return deleted
