"""Small HTTP/WebSocket helpers for the Python load clients (pipeline, fan-out, probes)."""

from __future__ import annotations

import http.client
import json
import random
import time
import uuid
from datetime import datetime
from urllib.parse import urlsplit


def parse_iso(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def percentile(values: list[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(q / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def cart(restaurant: dict, rng: random.Random) -> list[dict]:
    lines, used = [], set()
    for _ in range(rng.randint(1, 3)):
        item = rng.choice(restaurant["items"])
        if item["id"] in used:
            continue
        used.add(item["id"])
        line = {"menu_item": item["id"], "quantity": rng.randint(1, 3)}
        if item["options"] and rng.random() < 0.5:
            line["options"] = [rng.choice(item["options"])]
        lines.append(line)
    return lines


def order_body(restaurant: dict, rng: random.Random) -> dict:
    return {"restaurant": restaurant["id"], "items": cart(restaurant, rng),
            "delivery_address": {"street": "1 Bench Road", "city": restaurant["city"], "state": "IL",
                                 "zip_code": "10001"},
            "payment_method": rng.choice(("cash", "card", "online"))}


class Http:
    """One keep-alive connection per instance (not thread-safe: one per thread)."""

    def __init__(self, base: str):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, *, token: str | None = None, body: dict | None = None,
                headers: dict | None = None) -> tuple[int, dict | None, float]:
        """(status, JSON body or None, seconds)."""
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        payload = json.dumps(body) if body is not None else None
        for attempt in range(2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            started = time.perf_counter()
            try:
                self.conn.request(method, path, body=payload, headers=all_headers)
                response = self.conn.getresponse()
                raw = response.read()
            except (ConnectionError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt:
                    raise
                continue
            elapsed = time.perf_counter() - started
            if response.getheader("Connection", "").lower() == "close":
                self.conn.close()
                self.conn = None
            try:
                data = json.loads(raw) if raw else None
            except ValueError:
                data = None
            return response.status, data, elapsed
        raise RuntimeError("unreachable")

    def place_order(self, restaurant: dict, token: str, rng: random.Random) -> tuple[int, dict | None, float]:
        return self.request("POST", "/api/orders/", token=token, body=order_body(restaurant, rng),
                            headers={"Idempotency-Key": f"bench-{uuid.uuid4()}"})


def ws_origin(ws_base: str) -> str:
    return "http://" + urlsplit(ws_base).netloc
