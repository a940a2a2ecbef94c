"""The metrics consumer SIGKILLed inside a batch: after applying it, before committing its offsets.

tests/test_pipeline_consumer.py kills a consumer at a random moment of a stream, so most runs land
between batches or before an apply. This one lands in the window that matters every time: the batch
is in the metrics but not committed, so the restarted consumer gets it again and must drop it."""

import subprocess
import sys
import uuid

import pytest
from confluent_kafka.admin import AdminClient
from django.conf import settings

from foodsys.events.schema import encode
from foodsys.kafka.admin import ensure_topics
from foodsys.tenancy.keys import kafka_key
from metrics.selectors import metrics_snapshot
from metrics.tests.builders import envelope, transition
from metrics.tests.pipeline import (
    ROOT,
    caught_up,
    committed_offsets,
    group_id,
    produce,
    start_consumer_process,
    subprocess_env,
    topic_end,
    wait_for,
)

pytestmark = [pytest.mark.kafka, pytest.mark.redis, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ORDERS, CANCEL_EVERY, BATCH, KILL_AFTER_BATCHES = 200, 10, 25, 3


@pytest.fixture
def private_topic():
    """A topic of this test's own, so other runs on the shared broker cannot blur the offset counts."""
    name = f"faults-order-events-{uuid.uuid4().hex[:12]}"
    ensure_topics(settings.KAFKA_BOOTSTRAP_SERVERS, topics={name: 1})
    yield name
    admin = AdminClient({"bootstrap.servers": settings.KAFKA_BOOTSTRAP_SERVERS})  # kept alive until deleted
    for future in admin.delete_topics([name], operation_timeout=10).values():
        future.result(timeout=15)


def test_a_consumer_killed_between_apply_and_commit_restarts_and_the_totals_are_exact(restaurant, private_topic):
    # given: 200 orders (every 10th cancelled) waiting in the topic for a new consumer group
    start, group = topic_end(private_topic), group_id()
    events = []
    for n in range(ORDERS):
        created = envelope(restaurant.tenant_id, total="2.50")
        events.append(created)
        if n % CANCEL_EVERY == 0:
            events.append(transition(created, from_status="pending", to_status="cancelled"))
    produce([(kafka_key(restaurant.tenant_id), encode(e)) for e in events], topic=private_topic)
    target = topic_end(private_topic)

    def applied_events() -> int:
        snapshot = metrics_snapshot(tenant_id=restaurant.tenant_id)
        return snapshot["total_orders"] + snapshot["cancelled"]

    def committed_events() -> int:
        committed = committed_offsets(group, start)
        return sum(max(0, committed[key] - offset) for key, offset in start.items() if committed[key] >= 0)

    # when: it dies by SIGKILL right after applying its third batch
    killed = subprocess.run(
        [sys.executable, "-m", "tests.faults.kill_after_apply", "--group", group, "--topic", private_topic,
         "--batch-size", str(BATCH), "--initial-offsets", _offsets(start), "--session-timeout-ms", "6000"],
        cwd=ROOT, env={**subprocess_env(), "KILL_AFTER_BATCHES": str(KILL_AFTER_BATCHES)}, capture_output=True,
        text=True, timeout=60, check=False)
    applied_at_kill, committed_at_kill = applied_events(), committed_events()
    restarted = start_consumer_process(group=group, start=start, batch_size=BATCH, extra=("--topic", private_topic))
    try:
        done = wait_for(lambda: caught_up(committed_offsets(group, start), target, start), timeout=60, interval=0.5)
    finally:
        restarted.terminate()
        output = restarted.communicate(timeout=60)[0]

    # then: the killed batch was in the metrics but not committed, was delivered again, and dropped
    assert killed.returncode == -9, killed.stdout + killed.stderr
    assert committed_at_kill < applied_at_kill < len(events), (committed_at_kill, applied_at_kill)
    assert done, output
    assert restarted.returncode == 0, output
    assert f"consumed {len(events) - committed_at_kill} messages" in output  # it re-read the uncommitted batch
    snapshot = metrics_snapshot(tenant_id=restaurant.tenant_id)
    cancelled = ORDERS // CANCEL_EVERY
    assert (snapshot["total_orders"], snapshot["cancelled"]) == (ORDERS, cancelled)
    assert snapshot["revenue_total"] == f"{(ORDERS - cancelled) * 2.5:.2f}"
    assert snapshot["status_counts"]["pending"] == ORDERS - cancelled


def _offsets(start) -> str:
    return ",".join(f"{partition}={offset}" for (_topic, partition), offset in start.items())
