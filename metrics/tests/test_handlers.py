from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from foodsys.common.money import to_cents
from foodsys.testing import factories as f
from metrics.handlers import apply_events, handle_order_messages, parse_cents
from metrics.names import OVERFLOW_BUCKET, PREP_BUCKETS, percentile_from_histogram, prep_bucket
from metrics.selectors import metrics_orders_per_minute, metrics_snapshot
from metrics.tests.builders import envelope, transition

pytestmark = pytest.mark.django_db


class Silent:
    def __init__(self):
        self.tenants = []

    def notify(self, tenant_ids):
        self.tenants += list(tenant_ids)


def test_order_created_counts_the_order_its_revenue_and_a_pending_order(restaurant):
    # given
    events = [envelope(restaurant.tenant_id, total="12.50"), envelope(restaurant.tenant_id, total="7.25")]

    # when
    result = apply_events(events, notifier=Silent())

    # then
    snapshot = metrics_snapshot(tenant_id=restaurant.tenant_id)
    assert result.applied == 2
    assert snapshot["total_orders"] == 2
    assert snapshot["revenue_total"] == "19.75"
    assert snapshot["revenue_today"] == "19.75"
    assert snapshot["average_order_value"] == "9.88"
    assert snapshot["currency"] == "USD"
    assert snapshot["status_counts"] == {"pending": 2, "confirmed": 0, "preparing": 0, "ready": 0,
                                         "out_for_delivery": 0}
    assert snapshot["last_updated"] is not None


def test_cancellation_removes_revenue_but_not_the_order_count(restaurant):
    # given
    kept, cancelled = envelope(restaurant.tenant_id, total="10.00"), envelope(restaurant.tenant_id, total="30.00")
    apply_events([kept, cancelled], notifier=Silent())

    # when
    apply_events([transition(cancelled, from_status="pending", to_status="cancelled")], notifier=Silent())

    # then
    snapshot = metrics_snapshot(tenant_id=restaurant.tenant_id)
    assert snapshot["total_orders"] == 2
    assert snapshot["cancelled"] == 1
    assert snapshot["revenue_total"] == "10.00"
    assert snapshot["revenue_today"] == "10.00"
    assert snapshot["average_order_value"] == "10.00"
    assert snapshot["status_counts"]["pending"] == 1


def test_transitions_move_live_status_counts_and_ready_records_preparation_time(restaurant):
    # given
    created = envelope(restaurant.tenant_id)
    steps = [("pending", "confirmed", None), ("confirmed", "preparing", None), ("preparing", "ready", 600),
             ("ready", "out_for_delivery", 600)]

    # when
    apply_events([created] + [transition(created, from_status=a, to_status=b, preparation_seconds=p)
                              for a, b, p in steps], notifier=Silent())

    # then
    snapshot = metrics_snapshot(tenant_id=restaurant.tenant_id)
    assert snapshot["status_counts"] == {"pending": 0, "confirmed": 0, "preparing": 0, "ready": 0,
                                         "out_for_delivery": 1}
    assert snapshot["avg_prep_time_seconds"] == 600.0
    assert snapshot["p90_prep_time_seconds"] == 600


def test_an_event_is_applied_once_however_often_it_arrives(restaurant):
    # given
    event = envelope(restaurant.tenant_id, total="5.00")
    apply_events([event, event], notifier=Silent())

    # when
    again = apply_events([event], notifier=Silent())

    # then
    assert again.applied == 0 and again.duplicates == 1
    snapshot = metrics_snapshot(tenant_id=restaurant.tenant_id)
    assert (snapshot["total_orders"], snapshot["revenue_total"]) == (1, "5.00")


def test_tenants_do_not_see_each_others_events(restaurant, other_restaurant):
    # when
    apply_events([envelope(restaurant.tenant_id, total="5.00")], notifier=Silent())

    # then
    assert metrics_snapshot(tenant_id=other_restaurant.tenant_id)["total_orders"] == 0


def test_only_tenants_that_changed_are_pushed(restaurant, other_restaurant):
    # given
    event = envelope(restaurant.tenant_id)
    apply_events([event], notifier=Silent())
    notifier = Silent()

    # when
    apply_events([event, envelope(other_restaurant.tenant_id)], notifier=notifier)

    # then
    assert notifier.tenants == [str(other_restaurant.tenant_id)]


def test_revenue_today_is_the_restaurants_local_day(db):
    # given: a restaurant far from UTC; one order just after its local midnight, one just before
    restaurant = f.RestaurantFactory(timezone="Pacific/Kiritimati", currency="AUD")  # UTC+14
    local_midnight = datetime.now(UTC).astimezone(restaurant_zone(restaurant)).replace(
        hour=0, minute=0, second=0, microsecond=0)
    today = envelope(restaurant.tenant_id, total="4.00", created_at=local_midnight + timedelta(seconds=1))
    yesterday = envelope(restaurant.tenant_id, total="6.00", created_at=local_midnight - timedelta(seconds=1))

    # when
    apply_events([today, yesterday], notifier=Silent())

    # then
    snapshot = metrics_snapshot(tenant_id=restaurant.tenant_id)
    assert snapshot["revenue_today"] == "4.00"
    assert snapshot["revenue_total"] == "10.00"
    assert snapshot["currency"] == "AUD"


def restaurant_zone(restaurant):
    import zoneinfo

    return zoneinfo.ZoneInfo(restaurant.timezone)


def test_orders_per_minute_buckets_by_creation_minute_zero_filled(restaurant):
    # given
    now = datetime.now(UTC)
    minute = now.replace(second=0, microsecond=0)
    events = [envelope(restaurant.tenant_id, created_at=minute - timedelta(minutes=5, seconds=-1)),
              envelope(restaurant.tenant_id, created_at=minute - timedelta(minutes=5, seconds=-50)),
              envelope(restaurant.tenant_id, created_at=minute - timedelta(minutes=1, seconds=-2)),
              envelope(restaurant.tenant_id, created_at=now - timedelta(hours=30))]

    # when
    apply_events(events, notifier=Silent())

    # then
    buckets = metrics_orders_per_minute(tenant_id=restaurant.tenant_id, minutes=10)
    assert len(buckets) == 10
    by_minute = {b["minute"]: b["count"] for b in buckets}
    assert by_minute[(minute - timedelta(minutes=5)).isoformat().replace("+00:00", "Z")] == 2
    assert by_minute[(minute - timedelta(minutes=1)).isoformat().replace("+00:00", "Z")] == 1
    assert sum(by_minute.values()) == 3  # the 30-hour-old order counts in total_orders only
    assert buckets[-1]["minute"] == minute.isoformat().replace("+00:00", "Z")
    assert metrics_snapshot(tenant_id=restaurant.tenant_id)["total_orders"] == 4


def test_p90_estimate_is_within_one_bucket_of_the_true_value(restaurant):
    # given: preparation times 7 s .. 700 s
    seconds = [7 * i for i in range(1, 101)]
    created = [envelope(restaurant.tenant_id) for _ in seconds]
    ready = [transition(c, from_status="preparing", to_status="ready", preparation_seconds=s)
             for c, s in zip(created, seconds, strict=True)]

    # when
    apply_events(created + ready, notifier=Silent())

    # then
    snapshot = metrics_snapshot(tenant_id=restaurant.tenant_id)
    assert snapshot["avg_prep_time_seconds"] == pytest.approx(sum(seconds) / 100, abs=0.1)
    assert abs(snapshot["p90_prep_time_seconds"] - 630) <= 30  # true p90: the 90th of 100 = 630 s


def test_percentile_from_histogram_edges():
    assert percentile_from_histogram({}, 0.9) is None
    assert percentile_from_histogram({prep_bucket(10): 1}, 0.9) == 30
    assert percentile_from_histogram({prep_bucket(600): 10}, 0.9) == 597  # 570 + 30 * 9/10
    assert percentile_from_histogram({prep_bucket(99_999): 10}, 0.9) == PREP_BUCKETS[-1]


@pytest.mark.parametrize("total", ["0", "0.00", "7", "7.5", "7.05", "10.10", "0.99", "123456789.99", "١٢.٥"])
def test_parse_cents_is_exactly_the_decimal_rule(total):
    assert parse_cents(total) == to_cents(Decimal(total))


def test_prep_bucket_is_the_first_bound_that_holds_the_time():
    for seconds in range(0, 7300):
        expected = next((str(b) for b in PREP_BUCKETS if seconds <= b), OVERFLOW_BUCKET)
        assert prep_bucket(seconds) == expected


def test_a_full_life_cycle_and_a_cancellation_sum_up_exactly(restaurant):
    # given: one order through to delivery, one cancelled after confirmation, one moved to its own status
    tid = restaurant.tenant_id
    kept, cancelled = envelope(tid, total="19.99"), envelope(tid, total="5.01")
    steps = [("pending", "confirmed"), ("confirmed", "preparing"), ("preparing", "ready"),
             ("ready", "out_for_delivery"), ("out_for_delivery", "delivered")]
    events = [kept, cancelled, *(transition(kept, from_status=a, to_status=b,
                                            preparation_seconds=600 if b == "ready" else None) for a, b in steps),
              transition(cancelled, from_status="pending", to_status="confirmed"),
              transition(cancelled, from_status="confirmed", to_status="confirmed"),
              transition(cancelled, from_status="confirmed", to_status="cancelled")]

    # when
    apply_events(events, notifier=Silent())

    # then
    snapshot = metrics_snapshot(tenant_id=tid)
    assert snapshot["total_orders"] == 2 and snapshot["cancelled"] == 1
    assert snapshot["revenue_total"] == snapshot["revenue_today"] == "19.99"
    assert snapshot["average_order_value"] == "19.99"
    assert snapshot["status_counts"] == dict.fromkeys(snapshot["status_counts"], 0)
    assert snapshot["avg_prep_time_seconds"] == 600 and snapshot["p90_prep_time_seconds"] == 600


class FakeMessage:
    def __init__(self, value, offset):
        self._value, self._offset = value, offset

    def value(self):
        return self._value

    def key(self):
        return None

    def topic(self):
        return "order-events"

    def partition(self):
        return 0

    def offset(self):
        return self._offset


def test_poison_messages_go_to_the_dead_letter_queue_and_the_rest_is_applied(restaurant):
    # given
    from foodsys.events.schema import encode

    good = envelope(restaurant.tenant_id, total="3.00")
    bad_schema = dict(good, version=99)
    messages = [FakeMessage(b"\xff not json", 1), FakeMessage(encode(bad_schema), 2), FakeMessage(encode(good), 3),
                FakeMessage(None, 4)]
    dead = []

    # when
    result = handle_order_messages(messages, dead_letter=lambda m, error: dead.append((m.offset(), error)),
                                   notifier=Silent())

    # then
    assert [offset for offset, _ in dead] == [1, 2, 4]
    assert "not JSON" in dead[0][1] and "version" in dead[1][1]
    assert result.applied == 1
    assert metrics_snapshot(tenant_id=restaurant.tenant_id)["revenue_total"] == str(Decimal("3.00"))
