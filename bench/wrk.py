"""Runs one wrk scenario (warm-up, then the measured run with /proc sampling) and shapes its figures."""

from __future__ import annotations

import json
import subprocess

from bench.config import BENCH_DIR, LOG_DIR, WORK_DIR, BenchConfig
from bench.stack import Sampler, Stack

LUA_DIR = BENCH_DIR / "lua"


def _wrk(config: BenchConfig, *, script: str, duration: float, phase: str, slice_: str, connections: int) -> dict:
    out = WORK_DIR / f"wrk-{script}-{phase}.json"
    out.unlink(missing_ok=True)
    env = {
        "PATH": "/usr/bin:/bin",
        "BENCH_DATA": str(WORK_DIR / "data.lua"),
        "BENCH_LUA_DIR": str(LUA_DIR),
        "BENCH_OUT": str(out),
        "BENCH_RUN": config.run_id,
        "BENCH_PHASE": phase,
        "BENCH_SLICE": slice_,
        "BENCH_THREADS": str(config.wrk_threads),
    }
    argv = ["wrk", "-t", str(config.wrk_threads), "-c", str(connections), "-d", f"{max(1, round(duration))}s",
            "--timeout", "10s", "-s", str(LUA_DIR / f"{script}.lua"), config.http_base]
    with open(LOG_DIR / f"wrk-{script}.log", "a") as log:
        subprocess.run(argv, env=env, stdout=log, stderr=subprocess.STDOUT, check=True, timeout=duration + 60)
    return json.loads(out.read_text())


def run_wrk_scenario(config: BenchConfig, stack: Stack, *, name: str, script: str,
                     connections: int | None = None) -> dict:
    connections = connections or config.wrk_connections
    if config.warmup > 0:
        _wrk(config, script=script, duration=config.warmup, phase="warmup", slice_="0.8,0.9", connections=connections)
    sampler = Sampler(stack.process_groups()).start()
    raw = _wrk(config, script=script, duration=config.duration, phase="main", slice_="0,0.8", connections=connections)
    usage = sampler.stop()
    return scenario_from_wrk(name, raw, usage, connections=connections, threads=config.wrk_threads)


def scenario_from_wrk(name: str, raw: dict, usage: dict, *, connections: int, threads: int) -> dict:
    seconds = raw["duration_us"] / 1e6
    codes = {int(k): v for k, v in raw["codes"].items()}
    ok = sum(v for k, v in codes.items() if 200 <= k < 300)
    socket_errors = sum(v for k, v in raw["errors"].items() if k != "status")
    errors = raw["requests"] - ok + socket_errors
    latency = raw["latency_us"]
    gunicorn = usage["processes"]["gunicorn"]
    return {
        "name": name,
        "rps": round(ok / seconds, 1),
        "p50_ms": round(latency["p50"] / 1000, 1),
        "p95_ms": round(latency["p95"] / 1000, 1),
        "p99_ms": round(latency["p99"] / 1000, 1),
        "errors": errors,
        "server_cpu_pct": gunicorn["cpu_pct"],
        "server_rss_mb": gunicorn["rss_mb"],
        # CPU the server spent per successful request: far less sensitive to other load than req/s.
        "server_cpu_ms_per_req": round(gunicorn["cpu_pct"] * 10 / (ok / seconds), 2) if ok else None,
        "requests": raw["requests"],
        "status_codes": {str(k): v for k, v in sorted(codes.items())},
        "socket_errors": raw["errors"],
        "error_samples": raw["error_samples"][:3],
        "max_ms": round(latency["max"] / 1000, 1),
        "load": {"connections": connections, "threads": threads, "duration_s": round(seconds, 1),
                 "generator": "wrk (closed loop, same machine)"},
        "usage": usage,
    }
