"""Fan-out scenario client (its own process): one order.created reaching N sockets of one tenant.

    python -m bench.fanout DATA_JSON HTTP_BASE WS_BASE CLIENTS ORDERS OUT_JSON

Opens CLIENTS owner sockets on /ws/tenant/{id}/ (JWT in Sec-WebSocket-Protocol), then places
ORDERS orders at that restaurant, one every 0.5 s. For each order: per-delivery latency = arrival
minus the order's created_at (from the payload), and reach-all latency = the last socket's arrival
minus created_at. A socket that never gets an order's message counts as an error.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time

from websockets.asyncio.client import connect

from bench.client import Http, parse_iso, percentile, ws_origin

CONNECT_BATCH = 50
INTERVAL_SECONDS = 0.5
SETTLE_SECONDS = 5.0


async def client(uri: str, token: str, origin: str, arrivals: dict, ready: asyncio.Event,
                 stop: asyncio.Event, failures: list) -> None:
    try:
        async with connect(uri, subprotocols=["bearer", token], origin=origin, max_size=2**22,
                           open_timeout=60, ping_interval=None) as ws:
            ready.set()
            while not stop.is_set():
                try:
                    raw = await asyncio.wait_for(ws.recv(), timeout=0.5)
                except TimeoutError:
                    continue
                now = time.time()
                message = json.loads(raw)
                if message.get("type") == "order.created":
                    data = message["data"]
                    arrivals.setdefault(data["id"], []).append((now, parse_iso(data["created_at"])))
    except Exception as exc:  # a refused or dropped socket is an error of the scenario, not of the client
        failures.append(repr(exc)[:200])
        ready.set()


async def main_async(data: dict, http_base: str, ws_base: str, clients: int, orders: int) -> dict:
    restaurant = data["restaurants"][data["fanout_restaurant"]]
    uri = f"{ws_base}/ws/tenant/{restaurant['tenant_id']}/"
    arrivals: dict[str, list] = {}
    failures: list[str] = []
    stop = asyncio.Event()
    tasks = []
    connect_started = time.monotonic()
    for first in range(0, clients, CONNECT_BATCH):
        readies = []
        for _ in range(first, min(clients, first + CONNECT_BATCH)):
            ready = asyncio.Event()
            readies.append(ready)
            tasks.append(asyncio.create_task(client(uri, restaurant["owner_token"], ws_origin(ws_base), arrivals,
                                                    ready, stop, failures)))
        await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), timeout=120)
    connect_seconds = time.monotonic() - connect_started
    await asyncio.sleep(1)
    connected = clients - len(failures)

    http = Http(http_base)
    rng = random.Random(7)
    placed, http_errors = [], []
    for _ in range(orders):
        status, body, _seconds = await asyncio.to_thread(http.place_order, restaurant,
                                                         rng.choice(data["customer_tokens"]), rng)
        if status == 201:
            placed.append(body["id"])
        else:
            http_errors.append(f"{status} {str(body)[:200]}")
        await asyncio.sleep(INTERVAL_SECONDS)
    await asyncio.sleep(SETTLE_SECONDS)
    stop.set()
    await asyncio.gather(*tasks, return_exceptions=True)

    deliveries, reach_all, missing = [], [], 0
    for order_id in placed:
        got = arrivals.get(order_id, [])
        missing += max(0, connected - len(got))
        deliveries.extend((arrived - created) * 1000 for arrived, created in got)
        if got and len(got) >= connected:
            reach_all.append((max(a for a, _ in got) - got[0][1]) * 1000)
    return {
        "clients": clients, "clients_connected": connected, "connect_seconds": round(connect_seconds, 1),
        "connect_failures": failures[:3], "orders": len(placed), "order_errors": http_errors[:3],
        "deliveries": len(deliveries), "deliveries_missing": missing,
        "reach_all_ms": {q: round(percentile(reach_all, q), 1) if reach_all else None for q in (50, 95, 99)},
        "delivery_ms": {q: round(percentile(deliveries, q), 1) if deliveries else None for q in (50, 95, 99)},
        "errors": len(failures) + len(http_errors) + missing,
    }


def main() -> None:
    data_path, http_base, ws_base, clients, orders, out = sys.argv[1:7]
    with open(data_path) as f:
        data = json.load(f)
    result = asyncio.run(main_async(data, http_base, ws_base, int(clients), int(orders)))
    with open(out, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
