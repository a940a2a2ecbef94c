"""The in-process sinks of committed events: how embedded mode (no Kafka) delivers them.

An app that consumes events registers one callable in its `AppConfig.ready()`:

    register_sink("metrics", lambda envelopes: apply_events(envelopes, notifier=pusher))

The outbox dispatcher and the relay call `deliver_in_process(envelopes)`, which hands the same
envelopes, in id order, to every registered sink in registration order. This package knows no
app: the apps point at it, never the other way round.

A sink must be idempotent per `event_id`: when one sink raises, the rows stay unpublished and
the relay hands them to every sink again later (the metrics sink dedupes by event id).

The registry is configuration built once at start-up, not a memo: tests do not reset it (a test
that needs another sink uses `replace_sinks`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

Envelope = dict[str, Any]
Sink = Callable[[Sequence[Envelope]], object]

_sinks: dict[str, Sink] = {}


def register_sink(name: str, sink: Sink) -> None:
    """Adds (or, under the same name, replaces) an in-process sink."""
    _sinks[name] = sink


def registered_sinks() -> dict[str, Sink]:
    return dict(_sinks)


def deliver_in_process(envelopes: Sequence[Envelope]) -> None:
    """Every registered sink gets the envelopes; the first failure propagates (nothing is marked)."""
    if not envelopes:
        return
    for sink in list(_sinks.values()):
        sink(envelopes)


@contextmanager
def replace_sinks(sinks: dict[str, Sink]) -> Iterator[None]:
    """Tests: exactly these sinks inside the block, the registered ones again after it."""
    saved = dict(_sinks)
    _sinks.clear()
    _sinks.update(sinks)
    try:
        yield
    finally:
        _sinks.clear()
        _sinks.update(saved)
