"""The Prometheus counters the consumer side reports move with what apply_events does."""

import pytest
from prometheus_client import REGISTRY

from metrics.handlers import apply_events, handle_order_messages
from metrics.tests.builders import envelope

pytestmark = pytest.mark.django_db


class Silent:
    def notify(self, tenant_ids):
        pass


class RawMessage:
    def __init__(self, value: bytes):
        self._value = value

    def value(self):
        return self._value

    def topic(self):
        return "order-events"

    def partition(self):
        return 0

    def offset(self):
        return 7


def _count(name: str) -> float:
    return REGISTRY.get_sample_value(f"{name}_total") or 0.0


def test_applied_and_duplicate_events_are_counted(restaurant):
    event = envelope(restaurant.tenant_id)
    consumed, deduplicated = _count("foodsys_events_consumed"), _count("foodsys_events_deduplicated")

    apply_events([event], notifier=Silent())
    apply_events([event], notifier=Silent())

    assert _count("foodsys_events_consumed") - consumed == 1
    assert _count("foodsys_events_deduplicated") - deduplicated == 1


def test_poison_messages_are_counted_as_dead_lettered():
    before = _count("foodsys_events_dead_lettered")
    sent = []

    handle_order_messages([RawMessage(b"not json")], dead_letter=lambda m, e: sent.append(e), notifier=Silent())

    assert len(sent) == 1
    assert _count("foodsys_events_dead_lettered") - before == 1
