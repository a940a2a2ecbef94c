"""The Kafka fast path (orders.dispatch) never overtakes an older event of the same tenant.

Orders are placed with real commits (transaction=True), so each commit hands its outbox row to the
process-wide fast publisher; no relay runs unless the test runs one.
"""

import pytest
from django.conf import settings

from foodsys.testing.topic import topic_sequences
from foodsys.testing.waiting import wait_for
from metrics.tests.pipeline import topic_end
from orders import dispatch
from orders.models import OutboxEvent
from orders.relay import KafkaSink, relay_batch
from orders.tests.helpers import menu_item_in, place

pytestmark = [pytest.mark.kafka, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PUBLISH_TIMEOUT = 10.0


def _published(*events) -> bool:
    return OutboxEvent.objects.filter(id__in=[e.id for e in events], published_at__isnull=False).count() == len(events)


def _event_of(order) -> OutboxEvent:
    return OutboxEvent.objects.get(payload__order_id=str(order.pk), event_type="order_created")


def _in_topic(start, tenant) -> list[str]:
    """The tenant's event ids in the topic since `start`, in topic order (one key: one partition)."""
    return topic_sequences(start, topic_end(), {str(tenant.tenant_id)}).get(str(tenant.tenant_id), [])


def test_two_orders_of_a_tenant_back_to_back_are_both_published_in_order(customer, restaurant, menu_item):
    # given
    start = topic_end()

    # when: the second commits while the first may still be in the producer's flight
    first = _event_of(place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)]).order)
    second = _event_of(place(customer=customer, restaurant=restaurant, lines=[(menu_item, 2)]).order)

    # then
    assert first.id < second.id
    assert wait_for(lambda: _published(first, second), timeout=PUBLISH_TIMEOUT), (
        "the fast path did not get both events confirmed")
    assert _in_topic(start, restaurant) == [str(first.event_id), str(second.event_id)]
    assert list(OutboxEvent.objects.filter(id__in=[first.id, second.id]).values_list("attempts", flat=True)) == [1, 1]


def test_an_older_event_the_fast_path_never_produced_leaves_the_tenant_to_the_relay(
        customer, restaurant, menu_item, other_restaurant, monkeypatch):
    # given: the first order's event never went out (as if the process died right after commit)
    start = topic_end()
    with monkeypatch.context() as patched:
        patched.setattr(dispatch, "_publish_fast", lambda events: None)
        older = _event_of(place(customer=customer, restaurant=restaurant, lines=[(menu_item, 1)]).order)

    # when: the tenant's next order, and an order of another tenant, commit with the fast path on
    newer = _event_of(place(customer=customer, restaurant=restaurant, lines=[(menu_item, 2)]).order)
    elsewhere = _event_of(place(customer=customer, restaurant=other_restaurant,
                                lines=[(menu_item_in(other_restaurant), 1)]).order)

    # then: the fast path works (the other tenant's event is confirmed) ...
    assert wait_for(lambda: _published(elsewhere), timeout=PUBLISH_TIMEOUT), "the fast path published nothing"
    dispatch.close_fast_publisher()  # flushes: whatever it produced is now confirmed and marked
    # ... but it left this tenant alone: nothing of it was produced
    assert not OutboxEvent.objects.filter(id__in=[older.id, newer.id], published_at__isnull=False).exists()
    assert _in_topic(start, restaurant) == []

    # and when the relay runs, it publishes both, oldest first
    sink = KafkaSink(settings.KAFKA_BOOTSTRAP_SERVERS)
    try:
        result = relay_batch(sink=sink)
    finally:
        sink.close()
    assert (result.published, result.failed) == (2, 0)
    assert _published(older, newer)
    assert _in_topic(start, restaurant) == [str(older.event_id), str(newer.event_id)]
