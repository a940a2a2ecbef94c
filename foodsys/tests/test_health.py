import pytest


def test_healthz_is_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_each_dependency(client, settings):
    response = client.get("/readyz")

    body = response.json()
    assert response.status_code == 200, body
    assert body["checks"]["database"] == {"status": "ok"}
    assert body["checks"]["cache"] == {"status": "ok"}
    assert ("kafka" in body["checks"]) == bool(settings.KAFKA_BOOTSTRAP_SERVERS)


@pytest.mark.django_db
def test_readyz_is_503_naming_the_failed_dependency_and_nothing_more(client, monkeypatch, caplog):
    # given: a check that fails with an exception whose text must not reach the caller
    from foodsys import health

    def broken_cache():
        raise ConnectionError("redis unreachable at 10.1.2.3:6379 (password=hunter2)")

    monkeypatch.setattr(health, "_check_cache", broken_cache)

    # when
    with caplog.at_level("WARNING", logger="foodsys.health"):
        response = client.get("/readyz")

    # then: issue 12 finding 10: component names and statuses only; the details are in the log
    assert response.status_code == 503
    body = response.json()
    assert body["failed"] == ["cache"]
    assert body["checks"]["cache"] == {"status": "error"}
    assert body["checks"]["database"] == {"status": "ok"}
    assert "unreachable" not in response.content.decode() and "ConnectionError" not in response.content.decode()
    assert "redis unreachable at 10.1.2.3" in caplog.text


def test_production_settings_route_no_bench_path():
    # issue 12 finding 10: the benchmark ceiling exists only under bench.settings, never in production
    from foodsys.tests.test_urls import _python

    result = _python("import django; django.setup(); from django.test import Client; "
                     "from django.conf import settings; print(settings.ROOT_URLCONF); "
                     "print(Client().get('/bench/baseline', secure=True).status_code)",
                     DJANGO_SETTINGS_MODULE="foodsys.settings.production", SECRET_KEY="x" * 50,
                     ALLOWED_HOSTS="testserver")

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["foodsys.urls", "404"]


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/no-such-thing/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"
