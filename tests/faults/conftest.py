"""Fixtures of the fault tests: proxies in front of the real PostgreSQL and Redis, and daphne servers
whose DATABASE_URL / REDIS_URL point at them (so cutting a proxy only disturbs the processes under test)."""

import os
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection

from tests.faults.pipeline import Command, start_command
from tests.faults.proxy import FaultProxy
from tests.live_servers import LiveServer, start_server, stop_server


def database_url(proxy: FaultProxy | None = None) -> str:
    """This test run's database, directly or through `proxy`."""
    db = connection.settings_dict
    address = proxy.address if proxy else f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{address}/{db['NAME']}"


def redis_url(proxy: FaultProxy | None = None) -> str:
    """This test run's Redis DB, directly or through `proxy`."""
    if proxy is None:
        return settings.REDIS_URL
    url = urlsplit(settings.REDIS_URL)
    credentials = url.netloc.rpartition("@")[0]
    return url._replace(netloc=f"{credentials}@{proxy.address}" if credentials else proxy.address).geturl()


def process_env(*, database: str, redis: str, kafka: str = "", **extra: str) -> dict[str, str]:
    """The environment of a server or management-command subprocess under test."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"DATABASE_URL", "SQLITE_PATH", "REDIS_URL", "KAFKA_BOOTSTRAP_SERVERS"}}
    env.update({
        "DJANGO_SETTINGS_MODULE": "foodsys.settings.test",  # DEBUG off, as in production
        "DATABASE_URL": database,
        "REDIS_URL": redis,
        "KAFKA_BOOTSTRAP_SERVERS": kafka,
        "LOG_FORMAT": "plain",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
        "RATE_LIMIT_ORDER_PLACE": "10000/h",
        "RATE_LIMIT_ORDER_PLACE_IP": "10000/h",  # every simulated customer comes from loopback
        "RATE_LIMIT_API_IP": "100000/m",
        "RATE_LIMIT_API_USER": "100000/m",
        "RATE_LIMIT_TENANT": "100000/m",
        **extra,
    })
    return env


@pytest.fixture
def pg_proxy(transactional_db):
    db = connection.settings_dict
    with FaultProxy((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432))) as proxy:
        yield proxy


@pytest.fixture
def redis_proxy():
    url = urlsplit(settings.REDIS_URL)
    with FaultProxy((url.hostname or "127.0.0.1", url.port or 6379)) as proxy:
        yield proxy


@pytest.fixture
def daphne(tmp_path, transactional_db):
    """`daphne(env)` starts a server; all of them are stopped after the test."""
    started: list[LiveServer] = []

    def start(env: dict[str, str]) -> LiveServer:
        server = start_server(env, tmp_path)
        started.append(server)
        return server

    yield start
    for server in started:
        stop_server(server)


@pytest.fixture
def manage(tmp_path):
    """`manage(env, "relay_outbox", ...)` starts a long-running command; all are stopped after the test."""
    started: list[Command] = []

    def start(env: dict[str, str], *args: str) -> Command:
        command = start_command(tmp_path, env, *args)
        started.append(command)
        return command

    yield start
    for command in started:
        command.stop()
