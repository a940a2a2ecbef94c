"""In-process profile of single requests: SQL queries per request, Redis round trips, and a pyinstrument tree.

    python -m bench.request_profile DATA_JSON OUT_DIR     (with the bench environment)

Drives each endpoint through Django's test client against the bench database and services (after
a warm-up), with the same settings as the servers. Writes OUT_DIR/request-profile.json (counts,
mean milliseconds, the slowest SQL statements) and OUT_DIR/<name>.pyinstrument.txt.
"""

import json
import random
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from pyinstrument import Profiler  # noqa: E402
from redis.connection import AbstractConnection  # noqa: E402

from bench.client import order_body  # noqa: E402

WARMUP, MEASURED = 10, 40


class RedisCounter:
    """Counts Redis round trips of this process: every write of packed commands (a pipeline, or the
    rate limits' script + prefetch, is one), named by its first command."""

    def __init__(self):
        self.commands: Counter = Counter()
        self._original = AbstractConnection.send_packed_command

    def __enter__(self):
        counter = self

        def send_packed_command(conn, command, *args, **kwargs):
            chunks = command if isinstance(command, list | tuple) else [command]
            first = bytes(chunks[0][:40]) if chunks and isinstance(chunks[0], bytes | bytearray | memoryview) else b""
            name = first.split(b"\r\n")[2].decode(errors="replace").upper() if first.count(b"\r\n") >= 2 else "?"
            counter.commands[name] += 1
            return counter._original(conn, command, *args, **kwargs)

        AbstractConnection.send_packed_command = send_packed_command
        return self

    def __exit__(self, *exc):
        AbstractConnection.send_packed_command = self._original


def requests(data: dict):
    rng = random.Random(3)
    client = Client(HTTP_HOST="127.0.0.1")
    restaurants = data["restaurants"]
    pending = iter(data["pending_orders"][int(len(data["pending_orders"]) * 0.97):])  # its own slice
    owner_of = {r["tenant_id"]: r["owner_token"] for r in restaurants}

    def order():
        r = rng.choice(restaurants)
        return client.post("/api/orders/", data=json.dumps(order_body(r, rng)), content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {rng.choice(data['customer_tokens'])}",
                           HTTP_IDEMPOTENCY_KEY=f"profile-{uuid.uuid4()}")

    def status():
        o = next(pending)
        return client.post(f"/api/orders/{o['id']}/status/", data='{"status": "confirmed"}',
                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {owner_of[o['tenant_id']]}",
                           HTTP_X_TENANT_ID=o["tenant_id"])

    return {
        "baseline": lambda: client.get("/bench/baseline"),
        "menu": lambda: client.get(f"/api/restaurants/{rng.choice(restaurants)['id']}/menu/"),
        "list": lambda: client.get(f"/api/restaurants/?city={rng.choice(data['cities'])}"),
        "order": order,
        "status": status,
    }


def measure(name: str, send, out: Path) -> dict:
    for _ in range(WARMUP):
        send()
    statuses: Counter = Counter()
    profiler = Profiler(interval=0.0005)
    with CaptureQueriesContext(connection) as queries, RedisCounter() as redis_commands:
        started = time.perf_counter()
        profiler.start()
        for _ in range(MEASURED):
            statuses[send().status_code] += 1
        profiler.stop()
        elapsed = time.perf_counter() - started
    (out / f"{name}.pyinstrument.txt").write_text(profiler.output_text(unicode=False, color=False, show_all=False))
    sql = Counter()
    for q in queries.captured_queries:
        sql[q["sql"][:90]] += 1
    return {
        "mean_ms": round(1000 * elapsed / MEASURED, 1),
        "sql_per_request": round(len(queries.captured_queries) / MEASURED, 1),
        "redis_commands_per_request": round(sum(redis_commands.commands.values()) / MEASURED, 1),
        "redis_commands": {k: round(v / MEASURED, 1) for k, v in redis_commands.commands.most_common(8)},
        "statuses": {str(k): v for k, v in statuses.items()},
        "top_sql": [{"per_request": round(n / MEASURED, 1), "sql": s} for s, n in sql.most_common(12)],
        "profile": str((out / f"{name}.pyinstrument.txt").name),
    }


def main() -> None:
    data = json.loads(Path(sys.argv[1]).read_text())
    out = Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    wanted = sys.argv[3].split(",") if len(sys.argv) > 3 else None
    results = {}
    for name, send in requests(data).items():
        if wanted and name not in wanted:
            continue
        try:
            results[name] = measure(name, send, out)
        except Exception as exc:  # an endpoint still missing: reported, not fatal
            results[name] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
    (out / "request-profile.json").write_text(json.dumps(results, indent=2))
    print(json.dumps({k: {kk: v.get(kk) for kk in ("mean_ms", "sql_per_request", "redis_commands_per_request")}
                      for k, v in results.items()}))


if __name__ == "__main__":
    main()
