"""`make bench`: production-like stack on loopback, seeded data, eight load scenarios, a report.

Steps: install wrk (Debian) and the bench tools (bench/requirements.txt) when missing; clone the
dedicated database `foodsys_bench` from its seeded template (seeding it first when missing or stale)
and flush the dedicated Redis DB /9; mint JWTs; start gunicorn + daphne + relay_outbox + consume_orders;
run the scenarios (a scenario whose endpoint is missing is recorded as not run, with the reason);
profile the worst write paths with py-spy; write bench/results/latest.{json,md}. Figures only: nothing
here asserts a timing. BENCH_ONLY=menu,order runs a subset; see bench/config.py for every knob.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


def ensure_tools() -> None:
    if shutil.which("wrk") is None:
        log("installing wrk (apt-get)")
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "-o", "DPkg::Lock::Timeout=600", "update", "-qq"], env=env, check=True)
        subprocess.run(["apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "-qq", "wrk"], env=env,
                       check=True, stdout=subprocess.DEVNULL)
    try:
        import psutil  # noqa: F401
        import websockets  # noqa: F401
        assert shutil.which("py-spy", path=str(ROOT / ".venv" / "bin"))
    except (ImportError, AssertionError):
        log("installing bench/requirements.txt")
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "-r", str(ROOT / "bench" / "requirements.txt")],
                       check=True)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))  # 500 sockets each side


ensure_tools()

import psutil  # noqa: E402
import psycopg  # noqa: E402
import redis  # noqa: E402

from bench import profiling, report  # noqa: E402
from bench.client import Http  # noqa: E402
from bench.config import PY, RATE_LIMIT_OVERRIDES, RESULTS_DIR, WORK_DIR, BenchConfig, SeedSize, bench_env  # noqa: E402
from bench.consumer_drain import run_consumer_scenario  # noqa: E402
from bench.database import prepare_database  # noqa: E402
from bench.stack import Sampler, Stack  # noqa: E402
from bench.wrk import _wrk, run_wrk_scenario  # noqa: E402


class NotReady(Exception):
    """The scenario's endpoint (or component) is not there yet: recorded as not run, with the reason."""


def machine_info(env: dict[str, str]) -> dict:
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor())
    with psycopg.connect(env["DATABASE_URL"]) as conn:
        postgres = conn.execute("SHOW server_version").fetchone()[0]
    return {
        "cpu_model": model, "cores": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
        "postgres": f"PostgreSQL {postgres}", "hostname": platform.node(),
        "loadavg_start": [round(x, 2) for x in os.getloadavg()],
        "note": "load generator, servers and backing services share these cores; other work may run concurrently",
    }


def git_state() -> tuple[str, bool]:
    try:
        sha = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True,
                                    text=True).stdout.strip())
        return sha, dirty
    except (OSError, subprocess.CalledProcessError):
        return "unknown", False


class Bench:
    def __init__(self):
        self.config = BenchConfig()
        self.env = bench_env(self.config)
        self.data: dict = {}
        self.stack = Stack(self.config, self.env)
        self.results: dict[str, dict] = {}
        self.http = Http(self.config.http_base)

    # --- preparation -------------------------------------------------------------------------
    def prepare(self) -> dict:
        WORK_DIR.mkdir(parents=True, exist_ok=True)
        timings = prepare_database(db_name=self.config.db_name, size=SeedSize(), env=self.env, log=log)
        redis.Redis.from_url(self.env["REDIS_URL"]).flushdb()
        subprocess.run([PY, "-m", "bench.dataset", str(WORK_DIR)], cwd=ROOT, env=self.env, check=True)
        self.data = json.loads((WORK_DIR / "data.json").read_text())
        return timings

    # --- scenario plumbing -------------------------------------------------------------------
    def wanted(self, name: str) -> bool:
        return not self.config.only or name in self.config.only

    def attempt(self, name: str, probe, run) -> None:
        if not self.wanted(name):
            return
        log(f"scenario {name}")
        try:
            probe()
        except NotReady as exc:
            self.results[name] = {"name": name, "status": "not_run", "reason": str(exc)}
            log(f"  not run: {exc}")
            return
        try:
            result = run()
            result.update(name=name, status="ok")
            self.results[name] = result
            log(f"  rps={result.get('rps')} p50={result.get('p50_ms')} p99={result.get('p99_ms')} "
                f"errors={result.get('errors')}" + (f" events/s={result['events_per_s']}" if "events_per_s" in result
                                                    else ""))
        except Exception as exc:
            traceback.print_exc()
            self.results[name] = {"name": name, "status": "failed", "reason": f"{type(exc).__name__}: {exc}"[:500]}
        dead = self.stack.check_alive()
        if dead:
            raise RuntimeError(f"stack process(es) died during {name}: {dead}; see artifacts/bench/logs/")

    def expect(self, method: str, path: str, status: int, *, token: str | None = None, body: dict | None = None,
               headers: dict | None = None) -> dict | None:
        got, data, _ = self.http.request(method, path, token=token, body=body, headers=headers)
        if got != status:
            raise NotReady(f"{method} {path} answered {got}, expected {status}: {json.dumps(data)[:200]}")
        return data

    @property
    def restaurant(self) -> dict:
        return self.data["restaurants"][50]

    # --- probes ------------------------------------------------------------------------------
    def probe_baseline(self):
        self.expect("GET", "/bench/baseline", 200)

    def probe_menu(self):
        body = self.expect("GET", f"/api/restaurants/{self.restaurant['id']}/menu/", 200)
        if not body or not body.get("categories"):
            raise NotReady("menu endpoint answered without categories")

    def probe_list(self):
        body = self.expect("GET", f"/api/restaurants/?city={self.data['cities'][0]}", 200)
        if not body or not body.get("results"):
            raise NotReady("restaurant list filtered by city returned no results")

    def probe_order(self):
        import random

        got, data, _ = self.http.place_order(self.restaurant, self.data["customer_tokens"][0], random.Random(1))
        if got != 201:
            raise NotReady(f"POST /api/orders/ answered {got}: {json.dumps(data)[:200]}")

    def probe_status(self):
        order = self.data["pending_orders"][-1]  # the last one: past every slice the scenarios walk
        owner = next(r["owner_token"] for r in self.data["restaurants"] if r["tenant_id"] == order["tenant_id"])
        self.expect("POST", f"/api/orders/{order['id']}/status/", 200, token=owner, body={"status": "confirmed"},
                    headers={"X-Tenant-ID": order["tenant_id"]})

    def probe_ws(self, restaurant: dict, metrics: bool) -> None:
        import asyncio

        from websockets.asyncio.client import connect

        from bench.client import ws_origin

        async def check():
            uri = f"{self.config.ws_base}/ws/tenant/{restaurant['tenant_id']}/"
            async with connect(uri, subprotocols=["bearer", restaurant["owner_token"]],
                               origin=ws_origin(self.config.ws_base), open_timeout=10) as ws:
                with contextlib.suppress(TimeoutError):  # open and quiet: good
                    await asyncio.wait_for(ws.recv(), timeout=0.5)
        try:
            asyncio.run(check())
        except Exception as exc:
            raise NotReady(f"owner WebSocket /ws/tenant/{{id}}/ not usable: {type(exc).__name__}: {exc}"[:300])
        if metrics:
            self.expect("GET", f"/api/metrics/{restaurant['tenant_id']}/", 200, token=restaurant["owner_token"])

    def probe_orders_history(self):
        restaurant = self.restaurant
        self.expect("GET", "/api/orders/?search=00&status=pending&created_from=2020-01-01&created_to=2030-12-31",
                    200, token=restaurant["owner_token"], headers={"X-Tenant-ID": restaurant["tenant_id"]})

    def probe_quote(self):
        restaurant = self.restaurant
        item = restaurant["items"][0]
        self.expect("POST", f"/api/restaurants/{restaurant['id']}/quote/", 200,
                    body={"items": [{"menu_item": item["id"], "quantity": 1}], "fulfilment": {"type": "pickup"}})

    # --- scenarios ---------------------------------------------------------------------------
    def wrk(self, name: str, script: str) -> dict:
        return run_wrk_scenario(self.config, self.stack, name=name, script=script)

    def wait_quiet(self, timeout: float = 90) -> float:
        """Waits until every outbox row is published and the stack's consumer has no lag."""
        from foodsys.kafka.consumer import end_offsets
        from foodsys.kafka.topics import ORDER_EVENTS

        started = time.monotonic()
        from confluent_kafka import Consumer, TopicPartition

        probe = Consumer({"bootstrap.servers": self.env["KAFKA_BOOTSTRAP_SERVERS"],
                          "group.id": self.stack.consumer_group, "enable.auto.commit": False})
        try:
            while time.monotonic() - started < timeout:
                with psycopg.connect(self.env["DATABASE_URL"]) as conn:
                    unpublished = conn.execute(
                        "SELECT count(*) FROM orders_outboxevent WHERE published_at IS NULL").fetchone()[0]
                ends = end_offsets(self.env["KAFKA_BOOTSTRAP_SERVERS"], ORDER_EVENTS)
                committed = probe.committed([TopicPartition(t, p) for t, p in ends], timeout=10)
                lag = sum(ends[(tp.topic, tp.partition)] - max(tp.offset, 0) for tp in committed)
                if unpublished == 0 and lag <= 0:
                    return round(time.monotonic() - started, 1)
                time.sleep(0.5)
        finally:
            probe.close()
        log(f"  pipeline not quiet after {timeout}s (continuing)")
        return round(time.monotonic() - started, 1)

    def run_pipeline(self) -> dict:
        catch_up = self.wait_quiet()
        out = WORK_DIR / "pipeline.json"
        sampler = Sampler(self.stack.process_groups()).start()
        subprocess.run([PY, "-m", "bench.pipeline", str(WORK_DIR / "data.json"), self.config.http_base,
                        self.config.ws_base, str(self.config.pipeline_rate), str(self.config.duration), str(out)],
                       cwd=ROOT, env=self.env, check=True, timeout=self.config.duration + 120)
        usage = sampler.stop()
        raw = json.loads(out.read_text())
        latency = raw["latency_ms"]
        return {
            "rps": raw["achieved_rate"], "p50_ms": latency["50"], "p95_ms": latency["95"], "p99_ms": latency["99"],
            "errors": raw["orders_failed"] + raw["orders_missing_update"],
            "server_cpu_pct": usage["processes"]["gunicorn"]["cpu_pct"],
            "server_rss_mb": usage["processes"]["gunicorn"]["rss_mb"],
            "note": f"commit->metrics.update; offered {self.config.pipeline_rate:g}/s, placed "
                    f"{raw['achieved_rate']:.0f}/s ({raw['orders_dropped_client_saturated']} dropped: saturated)",
            "backlog_catch_up_s": catch_up, "detail": raw, "usage": usage,
        }

    def run_fanout(self) -> dict:
        out = WORK_DIR / "fanout.json"
        sampler = Sampler(self.stack.process_groups()).start()
        subprocess.run([PY, "-m", "bench.fanout", str(WORK_DIR / "data.json"), self.config.http_base,
                        self.config.ws_base, str(self.config.fanout_clients), str(self.config.fanout_orders), str(out)],
                       cwd=ROOT, env=self.env, check=True, timeout=600)
        usage = sampler.stop()
        raw = json.loads(out.read_text())
        reach = raw["reach_all_ms"]
        return {
            "rps": None, "p50_ms": reach["50"], "p95_ms": reach["95"], "p99_ms": reach["99"], "errors": raw["errors"],
            "server_cpu_pct": usage["processes"]["daphne"]["cpu_pct"],
            "server_rss_mb": usage["processes"]["daphne"]["rss_mb"],
            "note": f"order.created -> all {raw['clients_connected']} sockets (reach-all latency); server = daphne",
            "detail": raw, "usage": usage,
        }

    def run_consumer(self) -> dict:
        tenants = [r["tenant_id"] for r in self.data["restaurants"]]
        result = run_consumer_scenario(env=self.env, tenants=tenants, events=self.config.consumer_events,
                                       run_id=self.config.run_id, log=log)
        result.pop("name")
        cpu_pct = round(100 * result["consumer_cpu_s"] / max(0.1, result["drain_wall_s"]), 1)
        result.update(rps=None, p50_ms=None, p95_ms=None, p99_ms=None, server_cpu_pct=cpu_pct,
                      server_rss_mb=result["peak_rss_mb"],
                      note=f"{result['events']:,} events drained; server = the consumer process")
        return result

    # --- profiles ----------------------------------------------------------------------------
    def profile(self) -> dict:
        """py-spy on the gunicorn workers under the write/read loads, py-spy on a smaller consumer drain."""
        profiles: dict = {}
        seconds = 10
        for name, script in (("order", "order"), ("status", "status"), ("menu", "menu")):
            if self.results.get(name, {}).get("status") != "ok":
                continue
            log(f"profiling {name} (py-spy on gunicorn, {seconds}s)")
            process, raw = profiling.start(name, self.stack.services["gunicorn"].pid, seconds + 2)
            time.sleep(1)
            try:
                _wrk(self.config, script=script, duration=seconds, phase="profile", slice_="0.9,0.97",
                     connections=self.config.wrk_connections)
            except subprocess.CalledProcessError as exc:
                log(f"  wrk failed while profiling: {exc}")
            profiles[name] = profiling.finish(process, raw)
        if self.results.get("consumer", {}).get("status") == "ok":
            log("profiling consumer (py-spy, 20,000-event drain)")
            raw = profiling.PROFILE_DIR / "consumer.txt"
            try:
                run_consumer_scenario(env=self.env, tenants=[r["tenant_id"] for r in self.data["restaurants"]],
                                      events=20_000, run_id=self.config.run_id, log=log, profile_to=raw)
                profiles["consumer"] = {**profiling.summarise(raw), "raw": str(raw.relative_to(ROOT))}
            except Exception as exc:
                profiles["consumer"] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
        return profiles

    def request_profile(self) -> dict:
        """SQL queries, Redis commands and a pyinstrument tree per endpoint, in-process (one client)."""
        log("request profile (pyinstrument, queries per request)")
        out = profiling.PROFILE_DIR
        out.mkdir(parents=True, exist_ok=True)
        with open(out / "request-profile.log", "w") as logfile:
            done = subprocess.run([PY, "-m", "bench.request_profile", str(WORK_DIR / "data.json"), str(out)],
                                  cwd=ROOT, env={**self.env, "LOG_LEVEL": "WARNING"}, stdout=logfile,
                                  stderr=subprocess.STDOUT, timeout=300)
        if done.returncode != 0:
            return {"error": f"bench.request_profile exited {done.returncode}; see {out / 'request-profile.log'}"}
        return json.loads((out / "request-profile.json").read_text())

    def explain(self) -> dict:
        """EXPLAIN ANALYZE of the hot queries on the seeded data (bench/explain.py)."""
        out = WORK_DIR / "explain.json"
        done = subprocess.run([PY, "-m", "bench.explain", str(out)], cwd=ROOT, env={**self.env, "LOG_LEVEL": "WARNING"},
                              capture_output=True, text=True, timeout=120)
        if done.returncode != 0:
            return {"error": f"bench.explain exited {done.returncode}: {done.stderr[-300:]}"}
        return json.loads(out.read_text())

    # --- the run -----------------------------------------------------------------------------
    def run(self) -> dict:
        started = time.monotonic()
        log(f"run {self.config.run_id}: database {self.config.db_name}, redis db {self.config.redis_db}")
        timings = self.prepare()
        machine = machine_info(self.env)
        self.stack.start(log)
        try:
            self.attempt("baseline", self.probe_baseline, lambda: self.wrk("baseline", "baseline"))
            self.attempt("menu", self.probe_menu, lambda: self.wrk("menu", "menu"))
            self.attempt("list", self.probe_list, lambda: self.wrk("list", "list"))
            self.attempt("order", self.probe_order, lambda: self.wrk("order", "order"))
            self.attempt("status", self.probe_status, lambda: self.wrk("status", "status"))
            self.attempt("orders_history", self.probe_orders_history,
                         lambda: self.wrk("orders_history", "orders_history"))
            self.attempt("quote", self.probe_quote, lambda: self.wrk("quote", "quote"))
            pipeline_restaurant = self.data["restaurants"][self.data["pipeline_restaurants"][0]]
            self.attempt("pipeline", lambda: (self.probe_order(), self.probe_ws(pipeline_restaurant, metrics=True)),
                         self.run_pipeline)
            self.attempt("consumer", lambda: None, self.run_consumer)
            fanout_restaurant = self.data["restaurants"][self.data["fanout_restaurant"]]
            self.attempt("fan-out", lambda: (self.probe_order(), self.probe_ws(fanout_restaurant, metrics=False)),
                         self.run_fanout)
            profiles = self.profile() if self.config.profile else {}
            requests = self.request_profile() if self.config.profile else {}
            explained = self.explain()
        finally:
            self.stack.stop()
        result = self.assemble(machine, timings, profiles, requests, time.monotonic() - started)
        result["explain"] = explained
        return result

    def assemble(self, machine: dict, timings: dict, profiles: dict, requests: dict, seconds: float) -> dict:
        machine["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
        sha, dirty = git_state()
        ordered = [self.results[n] for n in report.SCENARIO_ORDER if n in self.results]
        by_name = {s["name"]: s for s in ordered}
        ratio = report.ratios(by_name)
        cfg = self.config
        return {
            "machine": machine,
            "git_sha": sha,
            "git_dirty": dirty,
            "run_id": cfg.run_id,
            "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "total_seconds": round(seconds, 1),
            "config": {
                "stack": f"gunicorn {cfg.workers} sync workers (persistent DB connections, request log and "
                         f"Prometheus multiprocess metrics on, as in production), daphne, relay_outbox, "
                         f"consume_orders; settings bench.settings (production + /bench/baseline); DB {cfg.db_name}, "
                         f"Redis /{cfg.redis_db}, shared Kafka",
                "load": f"wrk {cfg.wrk_threads} threads x {cfg.wrk_connections} connections, {cfg.warmup:g}s warm-up "
                        f"+ {cfg.duration:g}s per HTTP scenario; pipeline {cfg.pipeline_rate:g} orders/s over "
                        f"{cfg.pipeline_tenants} tenants; fan-out {cfg.fanout_clients} sockets x {cfg.fanout_orders} "
                        f"orders; consumer {cfg.consumer_events:,} events",
                "rate_limits": RATE_LIMIT_OVERRIDES,
                "database": timings,
            },
            "scenarios": ordered,
            "not_run": [{"name": s["name"], "status": s["status"], "reason": s["reason"]} for s in ordered
                        if s["status"] != "ok"],
            "ratios": ratio,
            "targets": report.targets(by_name, ratio),
            "profiles": profiles,
            "request_profile": requests,
        }


def main() -> int:
    # SIGTERM/SIGINT unwind through Bench.run's finally, which stops every process it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    signal.signal(signal.SIGINT, lambda *_: sys.exit(130))
    bench = Bench()
    result = bench.run()
    report.write(result, RESULTS_DIR)
    print((RESULTS_DIR / "latest.md").read_text())
    log(f"wrote {RESULTS_DIR / 'latest.json'} and latest.md in {result['total_seconds']:.0f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
