"""Fire-and-forget async sends from sync code: one long-lived event loop per process, on a daemon thread.

    sender = BackgroundSender("order-broadcast")
    sender.submit(lambda: layer.group_send(group, message))   # returns at once
    sender.call(lambda: layer.group_send(group, message), 5)  # waits for the outcome

- Submitted coroutines run one at a time, in submission order (a later `order.updated` never
  overtakes the `order.created` before it).
- The loop lives as long as the process, so clients that keep connections per event loop
  (channels-redis) reuse them instead of reconnecting on every send (what `async_to_sync` costs).
- Created lazily and again after a fork (gunicorn workers never share the parent's thread).
- Bounded: when the queue is full (the target is down and each send waits out its timeout) new
  sends are dropped with a warning rather than growing without limit.
- At interpreter exit, what is queued gets up to `drain_seconds` to go out.
"""

from __future__ import annotations

import asyncio
import atexit
import logging
import os
import threading
from collections.abc import Awaitable, Callable

logger = logging.getLogger(__name__)

SendFactory = Callable[[], Awaitable[object]]


class BackgroundSender:
    def __init__(self, name: str, *, max_queued: int = 10_000, send_timeout: float = 5.0,
                 drain_seconds: float = 2.0):
        self.name = name
        self.max_queued = max_queued
        self.send_timeout = send_timeout
        self.drain_seconds = drain_seconds
        self._lock = threading.Lock()
        self._pid: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue | None = None
        self._pending = 0  # submitted, not yet finished (read and written under _lock)
        self._idle = threading.Event()
        self._idle.set()
        self.dropped = 0
        atexit.register(self._drain_at_exit)  # inherited by forked children; it checks the pid

    def submit(self, factory: SendFactory) -> bool:
        """Queues one send; False when it was dropped (queue full)."""
        loop, queue = self._running()
        with self._lock:
            if self._pending >= self.max_queued:
                self.dropped += 1
                logger.warning("%s: %d sends queued; dropping this one", self.name, self._pending)
                return False
            self._pending += 1
            self._idle.clear()
        loop.call_soon_threadsafe(queue.put_nowait, factory)
        return True

    def call(self, factory: SendFactory, timeout: float) -> object:
        """Runs one coroutine on the loop now (beside the queue) and waits for its result; raises on
        timeout or on the coroutine's own error. For callers that must know the outcome."""
        loop, _queue = self._running()
        return asyncio.run_coroutine_threadsafe(factory(), loop).result(timeout)

    def wait_idle(self, timeout: float) -> bool:
        """Blocks until every submitted send has finished (tests, shutdown); False on timeout."""
        return self._idle.wait(timeout)

    def _running(self) -> tuple[asyncio.AbstractEventLoop, asyncio.Queue]:
        with self._lock:
            if self._loop is None or self._pid != os.getpid():
                loop = asyncio.new_event_loop()
                ready = threading.Event()
                thread = threading.Thread(target=self._run, args=(loop, ready), name=self.name, daemon=True)
                thread.start()
                ready.wait()
                self._loop, self._pid, self._pending = loop, os.getpid(), 0
                self._idle.set()
            return self._loop, self._queue

    def _run(self, loop: asyncio.AbstractEventLoop, ready: threading.Event) -> None:
        asyncio.set_event_loop(loop)
        self._queue = asyncio.Queue()
        loop.create_task(self._worker(self._queue))
        loop.call_soon(ready.set)
        loop.run_forever()

    async def _worker(self, queue: asyncio.Queue) -> None:
        while True:
            factory = await queue.get()
            try:
                # asyncio.timeout, not wait_for: on 3.11 wait_for can lose a cancellation (gh-86296)
                async with asyncio.timeout(self.send_timeout):
                    await factory()
            except Exception:
                logger.warning("%s: a send failed", self.name, exc_info=True)
            finally:
                with self._lock:
                    self._pending -= 1
                    if self._pending <= 0:
                        self._pending = 0
                        self._idle.set()

    def _drain_at_exit(self) -> None:
        if self._pid == os.getpid() and not self.wait_idle(self.drain_seconds):
            logger.warning("%s: exiting with %d sends not delivered", self.name, self._pending)
