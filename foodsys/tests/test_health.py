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
def test_readyz_is_503_naming_the_failed_dependency(client, monkeypatch):
    from foodsys import health

    def broken_cache():
        raise ConnectionError("redis unreachable")

    monkeypatch.setattr(health, "_check_cache", broken_cache)

    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.json()["failed"] == ["cache"]
    assert "redis unreachable" in response.json()["checks"]["cache"]["error"]


def test_unknown_api_path_is_json_404(client):
    response = client.get("/api/no-such-thing/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"
