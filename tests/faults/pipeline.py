"""Pipeline helpers of the fault tests: long-running commands as subprocesses and placing orders from a
thread (reading back what reached the topic: foodsys.testing.topic)."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from metrics.tests.pipeline import ROOT
from orders.models import OutboxEvent


@dataclass
class Command:
    """A `manage.py` subprocess writing to a log file (a pipe nobody reads could fill and block it)."""

    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self, timeout: float = 30) -> int:
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(timeout=10)


def start_command(log_dir: Path, env: dict[str, str], *args: str) -> Command:
    log_path = log_dir / f"{args[0]}-{time.monotonic_ns()}.log"
    with log_path.open("w") as log:
        process = subprocess.Popen([sys.executable, "manage.py", *args], cwd=ROOT, env=env,  # noqa: S603
                                   stdout=log, stderr=subprocess.STDOUT)
    return Command(process, log_path)


@dataclass
class LoadResult:
    placed: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))  # tenant -> order bodies
    confirmed: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    refused: list[tuple[int, str]] = field(default_factory=list)  # (status, body) of anything not accepted
    during_outage: int = 0


class SteadyLoad:
    """Places orders over HTTP from a thread, round-robin over `lanes`, until stopped (or `max_orders`).
    A lane is (tenant_id, place() -> Reply, confirm(order_id) -> Reply); every `confirm_every`-th order
    of a lane is confirmed."""

    def __init__(self, lanes: list[tuple[str, Callable, Callable]], *, pause: float = 0.05, max_orders: int = 600,
                 confirm_every: int = 3):
        self.lanes = lanes
        self.pause = pause
        self.max_orders = max_orders
        self.confirm_every = confirm_every
        self.result = LoadResult()
        self.outage = threading.Event()  # set by the test while the fault is on: counts orders placed meanwhile
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="steady-load")

    def __enter__(self) -> SteadyLoad:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join(timeout=60)

    def placed_count(self) -> int:
        return sum(len(orders) for orders in self.result.placed.values())

    def _run(self) -> None:
        for n in range(self.max_orders):
            if self._stop.is_set():
                return
            tenant_id, place, confirm = self.lanes[n % len(self.lanes)]
            response = place()
            if response.status != 201:
                self.result.refused.append((response.status, response.body[:300].decode()))
                continue
            body = response.json()
            self.result.placed[tenant_id].append(body)
            if self.outage.is_set():
                self.result.during_outage += 1
            if len(self.result.placed[tenant_id]) % self.confirm_every == 0:
                confirmed = confirm(body["id"])
                if confirmed.status == 200:
                    self.result.confirmed[tenant_id] += 1
                else:
                    self.result.refused.append((confirmed.status, confirmed.body[:300].decode()))
            self._stop.wait(self.pause)


def expected_metrics(orders: list[dict], confirmed: int) -> dict:
    return {"total_orders": len(orders), "revenue_total": f"{sum(Decimal(o['total']) for o in orders):.2f}",
            "pending": len(orders) - confirmed, "confirmed": confirmed}


def actual_metrics(snapshot: dict) -> dict:
    return {"total_orders": snapshot["total_orders"], "revenue_total": snapshot["revenue_total"],
            "pending": snapshot["status_counts"]["pending"], "confirmed": snapshot["status_counts"]["confirmed"]}


def outbox_sequence(tenant_id) -> list[str]:
    """The tenant's event ids in outbox (= commit) order."""
    return [str(e) for e in OutboxEvent.objects.filter(tenant_id=tenant_id).order_by("id")
            .values_list("event_id", flat=True)]


def first_occurrences(sequence: list[str]) -> list[str]:
    seen: set[str] = set()
    return [e for e in sequence if not (e in seen or seen.add(e))]
