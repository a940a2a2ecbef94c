"""docker-compose.yml cannot be run here (no Docker engine); check its structure instead."""

from pathlib import Path

import yaml

from foodsys.env import BASE_DIR

COMPOSE = yaml.safe_load(Path(BASE_DIR / "docker-compose.yml").read_text())
APP_SERVICES = ("web", "ws", "relay", "consumer")


def test_compose_declares_the_full_stack():
    assert set(COMPOSE["services"]) >= {"postgres", "redis", "kafka", *APP_SERVICES}
    assert COMPOSE["services"]["kafka"]["image"].startswith("apache/kafka:4")
    assert COMPOSE["services"]["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"


def test_infrastructure_services_have_healthchecks():
    for name in ("postgres", "redis", "kafka", "web", "ws"):
        assert "test" in COMPOSE["services"][name]["healthcheck"], name


def test_app_services_get_the_settings_variables():
    for name in APP_SERVICES:
        env = COMPOSE["services"][name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "foodsys.settings.production"
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://")
        assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
        assert "SECRET_KEY" in env


def test_app_processes_run_the_documented_commands():
    commands = {name: " ".join(COMPOSE["services"][name]["command"]) for name in APP_SERVICES}
    assert commands["web"].startswith("gunicorn -c python:foodsys.observability.gunicorn foodsys.wsgi:application")
    assert commands["ws"].startswith("daphne")
    assert "manage.py relay_outbox" in commands["relay"]
    assert "manage.py consume_orders" in commands["consumer"]


def test_env_example_documents_every_variable_compose_passes():
    documented = {
        line.split("=", 1)[0]
        for line in (BASE_DIR / ".env.example").read_text().splitlines()
        if line and not line.startswith("#")
    }
    passed = set(COMPOSE["services"]["web"]["environment"])
    assert passed <= documented, passed - documented
