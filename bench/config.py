"""Benchmark settings: sizes, ports, durations, and the environment every bench process runs with.

Everything can be overridden by environment variables (BENCH_*), e.g. BENCH_DURATION=5 for a quick run.
"""

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
RESULTS_DIR = BENCH_DIR / "results"
WORK_DIR = ROOT / "artifacts" / "bench"  # generated data, logs and profiles (git-ignored)
LOG_DIR = WORK_DIR / "logs"
PY = str(ROOT / ".venv" / "bin" / "python")
VENV_BIN = ROOT / ".venv" / "bin"


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


@dataclass(frozen=True)
class SeedSize:
    restaurants: int = _int("BENCH_RESTAURANTS", 200)
    categories_per_restaurant: int = 5
    items_per_category: int = 6  # 30 items per restaurant
    customers: int = _int("BENCH_CUSTOMERS", 2000)
    historic_orders: int = _int("BENCH_HISTORIC_ORDERS", 100_000)
    historic_days: int = 30
    active_orders: int = _int("BENCH_ACTIVE_ORDERS", 6000)  # pending orders the status scenario moves along


@dataclass(frozen=True)
class BenchConfig:
    db_name: str = os.environ.get("BENCH_DB_NAME", "foodsys_bench")
    redis_db: int = _int("BENCH_REDIS_DB", 9)
    http_port: int = _int("BENCH_HTTP_PORT", 58080)
    ws_port: int = _int("BENCH_WS_PORT", 58081)
    workers: int = _int("BENCH_WORKERS", 4)  # gunicorn sync workers
    duration: float = _float("BENCH_DURATION", 15)  # seconds per wrk scenario
    warmup: float = _float("BENCH_WARMUP", 3)
    wrk_threads: int = _int("BENCH_WRK_THREADS", 2)
    wrk_connections: int = _int("BENCH_WRK_CONNECTIONS", 16)
    pipeline_rate: float = _float("BENCH_PIPELINE_RATE", 100)  # orders/s
    pipeline_tenants: int = _int("BENCH_PIPELINE_TENANTS", 20)
    consumer_events: int = _int("BENCH_CONSUMER_EVENTS", 200_000)
    fanout_clients: int = _int("BENCH_FANOUT_CLIENTS", 500)
    fanout_orders: int = _int("BENCH_FANOUT_ORDERS", 30)
    profile: bool = os.environ.get("BENCH_PROFILE", "1") != "0"  # py-spy the worst scenarios
    only: tuple[str, ...] = tuple(s for s in os.environ.get("BENCH_ONLY", "").split(",") if s)
    run_id: str = field(default_factory=lambda: secrets.token_hex(4))
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(50))

    @property
    def http_base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def ws_base(self) -> str:
        return f"ws://127.0.0.1:{self.ws_port}"


# High enough that no limit throttles the benchmark (reported in the results).
RATE_LIMIT_OVERRIDES = {
    "RATE_LIMIT_API_IP": "100000000/m",
    "RATE_LIMIT_API_USER": "100000000/m",
    "RATE_LIMIT_TENANT": "100000000/m",
    "RATE_LIMIT_ORDER_PLACE": "100000000/m",
    "RATE_LIMIT_ORDER_PLACE_IP": "100000000/m",  # every simulated customer comes from loopback
    "RATE_LIMIT_REGISTER": "100000000/m",
}


def _with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, parts.fragment))


def bench_env(config: BenchConfig) -> dict[str, str]:
    """The production-like environment of every bench process (servers, seed, clients)."""
    for name in ("DATABASE_URL", "REDIS_URL", "KAFKA_BOOTSTRAP_SERVERS"):
        if not os.environ.get(name):
            raise SystemExit(f"bench: {name} is not set; run through `make bench` (it exports the services env)")
    env = dict(os.environ)
    env.update({
        "DJANGO_SETTINGS_MODULE": "bench.settings",  # production settings + the bench URL conf
        "SECRET_KEY": config.secret_key,
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEBUG": "false",
        "DATABASE_URL": _with_path(os.environ["DATABASE_URL"], "/" + config.db_name),
        "REDIS_URL": _with_path(os.environ["REDIS_URL"], f"/{config.redis_db}"),
        "CACHE_KEY_PREFIX": "foodsys-bench",
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
        **RATE_LIMIT_OVERRIDES,
    })
    return env
