"""The benchmark ceiling /bench/baseline exists only on the bench stack (bench/urls.py), never in production."""

import subprocess
import sys

import pytest
from django.urls import Resolver404, resolve

from foodsys.env import BASE_DIR


def _python(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=BASE_DIR, env={"PATH": "/usr/bin:/bin", **env},
                          capture_output=True, text=True, timeout=60)


def test_production_urls_import_nothing_from_bench():
    result = _python("import sys, django; django.setup(); import foodsys.urls; "
                     "print(sorted(m for m in sys.modules if m == 'bench' or m.startswith('bench.')))",
                     DJANGO_SETTINGS_MODULE="foodsys.settings.test")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_with_the_normal_url_conf_the_bench_route_is_not_routed(client):
    with pytest.raises(Resolver404):
        resolve("/bench/baseline")

    response = client.get("/bench/baseline")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")  # Django's not-found page, not the view's JSON


def test_the_bench_url_conf_adds_the_baseline_and_keeps_every_production_route(client, settings):
    settings.ROOT_URLCONF = "bench.urls"

    baseline = client.get("/bench/baseline")
    health = client.get("/healthz")

    assert baseline.status_code == 200
    assert baseline.json() == {"ok": True}
    assert health.status_code == 200


def test_the_bench_settings_are_production_with_the_bench_url_conf():
    result = _python("import django; django.setup(); from django.test import Client; "
                     "print(Client().get('/bench/baseline').status_code)",
                     DJANGO_SETTINGS_MODULE="bench.settings", SECRET_KEY="x" * 50, ALLOWED_HOSTS="testserver",
                     SECURE_SSL_REDIRECT="false")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "200"


def test_every_bench_process_runs_with_the_bench_settings(monkeypatch):
    from bench.config import BenchConfig, bench_env

    for name, value in {"DATABASE_URL": "postgres://u@127.0.0.1:1/db", "REDIS_URL": "redis://127.0.0.1:1/0",
                        "KAFKA_BOOTSTRAP_SERVERS": "127.0.0.1:1"}.items():
        monkeypatch.setenv(name, value)

    assert bench_env(BenchConfig())["DJANGO_SETTINGS_MODULE"] == "bench.settings"
