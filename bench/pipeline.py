"""Pipeline scenario client (its own process): order commit -> metrics.update on the owner's socket.

    python -m bench.pipeline DATA_JSON HTTP_BASE WS_BASE RATE DURATION OUT_JSON

One owner WebSocket per pipeline tenant (/ws/tenant/{id}/, JWT in Sec-WebSocket-Protocol) records
every metrics.update (arrival time, total_orders). Orders are placed at a steady RATE per second,
round-robin over those tenants, from random customers. Afterwards, per tenant, the i-th order (by
created_at) counts as delivered by the first metrics.update whose total_orders >= base + i, where
base is the tenant's total before the run (GET /api/metrics/{id}/); its latency is that arrival time
minus the order's created_at (set inside the placing transaction, so it includes the commit).
The pusher coalesces updates per tenant, so one update may deliver several orders.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from websockets.asyncio.client import connect

from bench.client import Http, parse_iso, percentile, ws_origin

WARMUP_SECONDS = 2.0
SETTLE_SECONDS = 8.0  # after the last order: time for the last updates to arrive
MAX_IN_FLIGHT = 32


async def listen(ws_base: str, tenant: dict, arrivals: list, ready: asyncio.Event, stop: asyncio.Event) -> None:
    uri = f"{ws_base}/ws/tenant/{tenant['tenant_id']}/"
    async with connect(uri, subprotocols=["bearer", tenant["owner_token"]], origin=ws_origin(ws_base),
                       max_size=2**22, open_timeout=30) as ws:
        ready.set()
        while not stop.is_set():
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=0.5)
            except TimeoutError:
                continue
            now = time.time()
            message = json.loads(raw)
            if message.get("type") == "metrics.update":
                arrivals.append((now, message["data"]["total_orders"]))


def place_orders(http_base: str, data: dict, tenants: list[dict], rate: float, duration: float) -> tuple[list, int]:
    """Offers RATE orders/s for WARMUP + DURATION seconds with at most MAX_IN_FLIGHT requests open; an
    order whose slot comes while all are busy is dropped (counted), so a saturated server cannot
    stretch the run: the achieved rate is reported next to the offered one."""
    tokens = data["customer_tokens"]
    local = threading.local()
    placed: list[dict] = []
    lock = threading.Lock()
    slots = threading.Semaphore(MAX_IN_FLIGHT)
    dropped = 0

    def one(index: int, tenant: dict, scheduled: float) -> None:
        try:
            client = getattr(local, "http", None) or Http(http_base)
            local.http = client
            rng = random.Random(index)
            status, body, seconds = client.place_order(tenant, rng.choice(tokens), rng)
            record = {"tenant_id": tenant["tenant_id"], "status": status, "http_ms": seconds * 1000,
                      "created_at": parse_iso(body["created_at"]) if status == 201 else None,
                      "warmup": scheduled - start < WARMUP_SECONDS,
                      "error": None if status == 201 else str(body)[:200]}
            with lock:
                placed.append(record)
        finally:
            slots.release()

    start = time.monotonic()
    total = int(rate * (duration + WARMUP_SECONDS))
    with ThreadPoolExecutor(max_workers=MAX_IN_FLIGHT) as pool:
        for i in range(total):
            scheduled = start + i / rate
            delay = scheduled - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            if not slots.acquire(blocking=False):
                dropped += 1
                continue
            pool.submit(one, i, tenants[i % len(tenants)], scheduled)
    return placed, dropped


def base_totals(http_base: str, tenants: list[dict]) -> dict[str, int]:
    client = Http(http_base)
    totals = {}
    for tenant in tenants:
        status, body, _ = client.request("GET", f"/api/metrics/{tenant['tenant_id']}/", token=tenant["owner_token"])
        if status != 200:
            raise RuntimeError(f"GET /api/metrics/{tenant['tenant_id']}/ -> {status} {body}")
        totals[tenant["tenant_id"]] = body["total_orders"]
    return totals


def analyse(placed: list[dict], dropped: int, arrivals: dict[str, list], bases: dict[str, int]) -> dict:
    latencies, missing = [], 0
    for tenant_id, base in bases.items():
        mine = sorted((p for p in placed if p["tenant_id"] == tenant_id and p["created_at"] is not None),
                      key=lambda p: p["created_at"])
        seen = sorted(arrivals[tenant_id])
        for i, order in enumerate(mine, start=1):
            arrived = next((t for t, total in seen if total >= base + i), None)
            if arrived is None:
                missing += 1
            elif not order["warmup"]:
                latencies.append((arrived - order["created_at"]) * 1000)
    measured = [p for p in placed if not p["warmup"]]
    http = [p["http_ms"] for p in measured if p["status"] == 201]
    failed = [p for p in placed if p["status"] != 201]
    return {
        "orders_placed": sum(1 for p in placed if p["status"] == 201),
        "orders_measured": len(latencies),
        "orders_failed": len(failed),
        "orders_dropped_client_saturated": dropped,
        "orders_missing_update": missing,
        "error_samples": [p["error"] for p in failed[:3]],
        "latency_ms": {q: round(percentile(latencies, q), 1) if latencies else None for q in (50, 95, 99)},
        "latency_max_ms": round(max(latencies), 1) if latencies else None,
        "http_ms": {q: round(percentile(http, q), 1) if http else None for q in (50, 95, 99)},
        "updates_received": sum(len(a) for a in arrivals.values()),
    }


async def main_async(data: dict, http_base: str, ws_base: str, rate: float, duration: float) -> dict:
    tenants = [data["restaurants"][i] for i in data["pipeline_restaurants"]]
    bases = await asyncio.to_thread(base_totals, http_base, tenants)
    arrivals: dict[str, list] = {t["tenant_id"]: [] for t in tenants}
    stop = asyncio.Event()
    readies = [asyncio.Event() for _ in tenants]
    listeners = [asyncio.create_task(listen(ws_base, t, arrivals[t["tenant_id"]], r, stop))
                 for t, r in zip(tenants, readies, strict=True)]
    await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), timeout=30)
    started = time.monotonic()
    placed, dropped = await asyncio.to_thread(place_orders, http_base, data, tenants, rate, duration)
    send_seconds = time.monotonic() - started
    await asyncio.sleep(SETTLE_SECONDS)
    stop.set()
    await asyncio.gather(*listeners, return_exceptions=True)
    result = analyse(placed, dropped, arrivals, bases)
    result.update(tenants=len(tenants), target_rate=rate,
                  achieved_rate=round(result["orders_placed"] / send_seconds, 1))
    return result


def main() -> None:
    data_path, http_base, ws_base, rate, duration, out = sys.argv[1:7]
    with open(data_path) as f:
        data = json.load(f)
    result = asyncio.run(main_async(data, http_base, ws_base, float(rate), float(duration)))
    with open(out, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
