"""Consumer scenario: how fast `consume_orders` drains a backlog of valid order events.

Builds N envelopes with foodsys.events.schema.build_envelope (orders of the seeded tenants, each
placed then moved confirmed -> preparing -> ready -> out_for_delivery: 5 events per order), produces
them to a fresh topic `bench-order-events-<run>` (3 partitions, keyed by tenant like the relay),
then runs the consumer on it in its own group with --idle-exit-seconds. Throughput comes from the
group's committed offsets, polled every 0.2 s (first observed commit -> all committed); peak RSS
is the consumer process's VmHWM.
"""

from __future__ import annotations

import contextlib
import subprocess
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psutil
from confluent_kafka import Consumer, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic

from bench.config import LOG_DIR, PY, ROOT, VENV_BIN
from foodsys.events.schema import build_envelope, encode
from foodsys.tenancy.keys import kafka_key

EVENTS_PER_ORDER = 5
STEPS = ("confirmed", "preparing", "ready", "out_for_delivery")
IDLE_EXIT_SECONDS = 3.0
PARTITIONS = 3
MAX_DRAIN_SECONDS = 300  # a slower consumer is stopped; its rate comes from the offsets it reached


def _chunk(args: tuple[list[str], int, int, float]) -> list[tuple[bytes, bytes]]:
    tenants, first, count, now = args
    messages = []
    base = datetime.fromtimestamp(now, UTC)
    for n in range(first, first + count):
        tenant = tenants[n % len(tenants)]
        order_id = uuid.uuid4()
        created = base - timedelta(seconds=(n % 3600))
        data = {"order_number": f"{created:%Y%m%d}-{n % 10000:04d}", "status": "pending", "from_status": None,
                "to_status": "pending", "total": f"{10 + n % 50}.{n % 100:02d}", "currency": "USD",
                "item_count": 1 + n % 4, "preparation_seconds": None, "order_created_at": created.isoformat()}
        previous = "pending"
        events = [("order_created", data, created)]
        for i, step in enumerate(STEPS, start=1):
            at = created + timedelta(minutes=3 * i)
            events.append(("order_status_updated", {**data, "status": step, "from_status": previous, "to_status": step,
                                                    "preparation_seconds": 600 if step == "ready" else None}, at))
            previous = step
        for event_type, payload, at in events:
            envelope = build_envelope(event_type=event_type, tenant_id=tenant, order_id=order_id, occurred_at=at,
                                      data=payload)
            messages.append((kafka_key(tenant), encode(envelope)))
    return messages


def build_messages(tenants: list[str], events: int) -> list[tuple[bytes, bytes]]:
    orders = events // EVENTS_PER_ORDER
    now = time.time()
    step = 2000
    jobs = [(tenants, first, min(step, orders - first), now) for first in range(0, orders, step)]
    with ProcessPoolExecutor(max_workers=2) as pool:
        return [m for chunk in pool.map(_chunk, jobs) for m in chunk]


def produce(bootstrap: str, topic: str, messages: list[tuple[bytes, bytes]]) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for future in admin.create_topics([NewTopic(topic, PARTITIONS, 1)]).values():
        future.result(timeout=30)
    producer = Producer({"bootstrap.servers": bootstrap, "linger.ms": 20, "queue.buffering.max.messages": 500_000,
                         "batch.num.messages": 10_000})
    for key, value in messages:
        while True:
            try:
                producer.produce(topic, value=value, key=key)
                break
            except BufferError:
                producer.poll(0.1)
    remaining = producer.flush(60)
    if remaining:
        raise RuntimeError(f"{remaining} events not delivered to {topic}")


def delete_topic(bootstrap: str, topic: str) -> None:
    admin = AdminClient({"bootstrap.servers": bootstrap})
    for future in admin.delete_topics([topic]).values():
        with contextlib.suppress(Exception):  # best effort: the broker's retention removes it anyway
            future.result(timeout=30)


def _committed(probe: Consumer, topic: str) -> int:
    offsets = probe.committed([TopicPartition(topic, p) for p in range(PARTITIONS)], timeout=5)
    return sum(max(0, tp.offset) for tp in offsets)


def consumer_command(env: dict[str, str], topic: str, group: str) -> list[str]:
    flags = ["--group", group, "--idle-exit-seconds", str(IDLE_EXIT_SECONDS)]
    help_text = subprocess.run([PY, "manage.py", "consume_orders", "--help"], cwd=ROOT, env=env,
                               capture_output=True, text=True).stdout
    if "--topic" in help_text:
        return [PY, "manage.py", "consume_orders", "--topic", topic, *flags]
    return [PY, "-m", "bench.consume_topic", topic, *flags]


def run_consumer_scenario(*, env: dict[str, str], tenants: list[str], events: int, run_id: str, log,
                          profile_to: Path | None = None) -> dict:
    """profile_to: run the consumer under `py-spy record` writing raw stacks there (figures then skewed)."""
    bootstrap = env["KAFKA_BOOTSTRAP_SERVERS"]
    suffix = "-profile" if profile_to else ""
    topic, group = f"bench-order-events-{run_id}{suffix}", f"bench-drain-{run_id}{suffix}"
    started = time.monotonic()
    messages = build_messages(tenants, events)
    built = time.monotonic() - started
    produce(bootstrap, topic, messages)
    total = len(messages)
    del messages
    log(f"consumer: {total} envelopes built in {built:.0f}s, produced to {topic} in "
        f"{time.monotonic() - started - built:.0f}s")
    argv = consumer_command(env, topic, group)
    if profile_to:
        argv = [str(VENV_BIN / "py-spy"), "record", "--rate", "200", "--format", "raw", "--output", str(profile_to),
                "--", *argv]
    probe = Consumer({"bootstrap.servers": bootstrap, "group.id": group, "enable.auto.commit": False})
    try:
        with open(LOG_DIR / f"consumer-drain{suffix}.log", "w") as out:
            spawned = time.monotonic()
            process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
            ps = psutil.Process(process.pid)
            if profile_to:  # measure the consumer, not py-spy
                time.sleep(1)
                ps = next(iter(ps.children()), ps)
            peak_rss = 0
            cpu = 0.0
            first = last = None  # (time, committed)
            while process.poll() is None:
                try:
                    with open(f"/proc/{ps.pid}/status") as f:
                        status = dict(line.split(":", 1) for line in f.read().splitlines())
                    peak_rss = max(peak_rss, int(status["VmHWM"].split()[0]) * 1024)
                    times = ps.cpu_times()
                    cpu = times.user + times.system
                except (OSError, KeyError, psutil.Error):
                    pass
                committed = _committed(probe, topic)
                now = time.monotonic()
                if committed and first is None:
                    first = (now, committed)
                if committed and (last is None or committed > last[1]):
                    last = (now, committed)
                if now - spawned > MAX_DRAIN_SECONDS:
                    process.terminate()
                time.sleep(0.2)
            wall = time.monotonic() - spawned
        final = _committed(probe, topic)
    finally:
        probe.close()
        delete_topic(bootstrap, topic)
    rate = None
    if first and last and last[0] > first[0]:
        rate = (last[1] - first[1]) / (last[0] - first[0])
    return {
        "name": "consumer",
        "events": total,
        "events_consumed": final,
        "events_per_s": round(rate) if rate else None,
        "drain_wall_s": round(wall - IDLE_EXIT_SECONDS, 1),
        "events_per_s_incl_startup": round(final / max(0.1, wall - IDLE_EXIT_SECONDS)),
        "peak_rss_mb": round(peak_rss / 2**20, 1),
        "consumer_cpu_s": round(cpu, 1),
        "errors": total - final,
        "exit_code": process.returncode,
        "command": " ".join(a.replace(str(ROOT) + "/", "") for a in argv),
    }
