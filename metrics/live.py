"""Live push of `metrics.update` to a tenant's channel group, coalesced per tenant.

At most one push per tenant every `min_interval` seconds (0.2 s: five a second). A change to a tenant
not pushed within the interval goes out at once (the leading edge); one inside the interval is pushed
when it ends (a trailing push), so the last state always goes out. While the consumer is behind
(`backlogged`, set by the aggregator on a full batch) the interval stretches to `backlog_interval`:
a dashboard replaying a backlog needs no five frames a second, and the drain keeps its CPU.
- the Kafka consumer calls `flush_due()` on every loop tick and `flush_all()` on exit;
- the in-process (embedded) pusher (`in_process_pusher()`, built once by `MetricsConfig.ready()` for
  the sink it registers) schedules the trailing push on a timer thread, except over the in-memory
  channel layer, which is not thread-safe across event loops: there it pushes every change at once
  (embedded volumes are tiny).
Nothing here is called implicitly: a caller that wants pushes passes a pusher as `notifier`.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.db import connections
from django.utils import timezone

from foodsys.common.background_loop import BackgroundSender
from foodsys.events.schema import iso_utc
from foodsys.tenancy.keys import tenant_group
from metrics.selectors import metrics_snapshots

logger = logging.getLogger(__name__)

MIN_INTERVAL_SECONDS = 0.2
BACKLOG_INTERVAL_SECONDS = 1.0

SEND_TIMEOUT_SECONDS = 5.0
# One long-lived event loop for every push: channels_redis keeps its connections per loop, so a
# fresh loop per push (async_to_sync) would reconnect every time.
_sender = BackgroundSender("metrics-push")


def metrics_update_message(snapshot: dict) -> dict:
    return {"type": "metrics.update",
            "payload": {"type": "metrics.update", "data": snapshot, "sent_at": iso_utc(timezone.now())}}


def push_snapshots(tenant_ids: list[str]) -> None:
    """One `metrics.update` per tenant, read together from the store and sent together from one event-loop hop."""
    layer = get_channel_layer()
    if layer is None or not tenant_ids:
        return
    try:
        snapshots = metrics_snapshots(tenant_ids=tenant_ids)
    except Exception:
        logger.warning("metrics snapshots for %d tenants failed", len(tenant_ids), exc_info=True)
        return
    messages = [(tenant_group(tid), metrics_update_message(snapshot)) for tid, snapshot in snapshots.items()]

    async def send_all() -> list:
        return await asyncio.gather(*(layer.group_send(group, message) for group, message in messages),
                                    return_exceptions=True)

    try:
        if isinstance(layer, InMemoryChannelLayer):  # bound to the caller's loops (tests, embedded)
            results = async_to_sync(send_all)()
        else:
            results = _sender.call(send_all, SEND_TIMEOUT_SECONDS)
    except Exception:
        logger.warning("metrics.update push failed", exc_info=True)
        return
    for (group, _message), result in zip(messages, results, strict=True):
        if isinstance(result, Exception):
            logger.warning("metrics.update push to %s failed: %s", group, result)


class MetricsPusher:
    def __init__(self, *, min_interval: float = MIN_INTERVAL_SECONDS,
                 backlog_interval: float = BACKLOG_INTERVAL_SECONDS, use_timer: bool = False):
        self.min_interval = min_interval
        self.backlog_interval = max(min_interval, backlog_interval)
        self.backlogged = False
        self.use_timer = use_timer
        self._lock = threading.Lock()
        self._last_sent: dict[str, float] = {}
        self._pending: set[str] = set()
        self._timers: dict[str, threading.Timer] = {}

    @property
    def interval(self) -> float:
        return self.backlog_interval if self.backlogged else self.min_interval

    def notify(self, tenant_ids: Iterable[str]) -> None:
        now = time.monotonic()
        interval = self.interval
        due = []
        with self._lock:
            for tid in tenant_ids:
                wait = self._last_sent.get(tid, float("-inf")) + interval - now
                if wait <= 0:
                    self._last_sent[tid] = now
                    self._pending.discard(tid)
                    due.append(tid)
                else:
                    self._pending.add(tid)
                    if self.use_timer and tid not in self._timers:
                        timer = threading.Timer(wait, self._trailing, args=(tid,))
                        timer.daemon = True
                        self._timers[tid] = timer
                        timer.start()
        push_snapshots(due)

    def flush_due(self) -> None:
        """The trailing pushes whose interval has ended."""
        now = time.monotonic()
        interval = self.interval
        with self._lock:
            due = [t for t in self._pending if self._last_sent.get(t, float("-inf")) + interval <= now]
        if due:
            self._send(due)

    def flush_all(self) -> None:
        with self._lock:
            due = list(self._pending)
        self._send(due)

    def _send(self, tenant_ids: list[str]) -> None:
        with self._lock:
            for tid in tenant_ids:
                self._pending.discard(tid)
                self._last_sent[tid] = time.monotonic()
        push_snapshots(tenant_ids)

    def _trailing(self, tenant_id: str) -> None:
        try:
            with self._lock:
                self._timers.pop(tenant_id, None)
                pending = tenant_id in self._pending
            if pending:
                self._send([tenant_id])
        finally:
            connections.close_all()  # this timer thread's own connections only


def in_process_pusher() -> MetricsPusher:
    """A pusher for in-process (embedded) delivery: trailing pushes on timers, none held back over
    the in-memory channel layer."""
    # Read from the settings, not by instantiating the layer: this runs in AppConfig.ready(), and a
    # channels_redis layer created that early (before any event loop) is what the tests' first
    # WebSocket loop then inherits.
    backend = settings.CHANNEL_LAYERS.get("default", {}).get("BACKEND", "")
    in_memory = backend == f"{InMemoryChannelLayer.__module__}.{InMemoryChannelLayer.__qualname__}"
    return MetricsPusher(min_interval=0 if in_memory else MIN_INTERVAL_SECONDS, use_timer=True)
