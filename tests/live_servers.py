"""Real ASGI servers for cross-process and browser tests: daphne subprocesses on free ports,
sharing one database with each other (and, on PostgreSQL, with pytest-django's test database).

- PostgreSQL (services mode): the servers use the test database pytest-django created
  (`transactional_db`), so rows are committed where the servers see them and flushed afterwards.
- SQLite (embedded mode): pytest-django's test database lives in memory, which another process
  cannot open, so the servers get a migrated SQLite file of their own under tmp_path.
Data is seeded by `tests/e2e_seed.py` in a subprocess. Kafka is always off here: events are
applied in-process by the server that commits them, which also pushes `metrics.update`.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_SECONDS = 60


@dataclass
class LiveServer:
    port: int
    process: subprocess.Popen
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _postgres_url() -> str:
    db = connection.settings_dict
    return (f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
            f"{db['NAME']}")


def base_env(database: dict[str, str], *, redis_url: str = "") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "SQLITE_PATH", "REDIS_URL"}}
    env.update(database)
    env.update({
        "DJANGO_SETTINGS_MODULE": "foodsys.settings.local",  # DEBUG: whitenoise serves static/ directly
        "SECRET_KEY": settings.SECRET_KEY,  # tokens minted by the seed script verify on every server
        "REDIS_URL": redis_url,
        "KAFKA_BOOTSTRAP_SERVERS": "",
        "CACHE_KEY_PREFIX": "e2e",
        "RATE_LIMIT_LOGIN_IP": "1000/m",
        "RATE_LIMIT_LOGIN_EMAIL": "1000/m",
        "RATE_LIMIT_ORDER_PLACE": "1000/h",
        "RATE_LIMIT_ORDER_PLACE_IP": "1000/h",  # every browser comes from loopback
        "RATE_LIMIT_REGISTER": "1000/h",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    })
    return env


def run_module(env: dict[str, str], *args: str) -> str:
    result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
                            check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def start_server(env: dict[str, str], log_dir: Path, port: int | None = None) -> LiveServer:
    port = port or free_port()
    log_path = log_dir / f"daphne-{port}.log"
    with log_path.open("a") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "foodsys.asgi:application"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = LiveServer(port=port, process=process, log_path=log_path)
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"daphne exited with {process.returncode}:\n{server.log()}")
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    raise RuntimeError(f"daphne did not answer on port {port}:\n{server.log()}")


def stop_server(server: LiveServer) -> None:
    if server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait(timeout=10)


@pytest.fixture
def server_database(request, tmp_path) -> dict[str, str]:
    """Environment entries that point a subprocess at a migrated database shared with the test.
    Tests using it carry `@pytest.mark.django_db(transaction=True)`, so pytest-django creates the
    test database (it decides that from markers before any fixture runs)."""
    if settings.USING_POSTGRES:
        request.getfixturevalue("transactional_db")
        return {"DATABASE_URL": _postgres_url()}
    database = {"SQLITE_PATH": str(tmp_path / "e2e.sqlite3"), "DATABASE_URL": ""}
    run_module(base_env(database), "manage.py", "migrate", "--noinput", "-v", "0")
    return database


@pytest.fixture
def seeded(server_database) -> dict:
    return json.loads(run_module(base_env(server_database), "-m", "tests.e2e_seed"))


class ServerPool:
    """`pool(n)` starts n servers on one database (and Redis, when configured); `pool.restart(server)`
    brings a stopped one back on its port. Every server is stopped after the test."""

    def __init__(self, env: dict[str, str], log_dir: Path):
        self.env = env
        self.log_dir = log_dir
        self.started: list[LiveServer] = []

    def __call__(self, count: int = 1) -> list[LiveServer]:
        servers = [start_server(self.env, self.log_dir) for _ in range(count)]
        self.started.extend(servers)
        return servers

    def restart(self, server: LiveServer) -> LiveServer:
        stop_server(server)
        again = start_server(self.env, self.log_dir, port=server.port)
        self.started.append(again)
        return again

    def stop_all(self) -> None:
        for server in self.started:
            stop_server(server)


@pytest.fixture
def start_servers(server_database, tmp_path):
    pool = ServerPool(base_env(server_database, redis_url=settings.REDIS_URL), tmp_path)
    yield pool
    pool.stop_all()
