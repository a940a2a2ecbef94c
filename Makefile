# FoodSys. `make run` serves the embedded default; `make test` runs the whole suite in both modes.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
SERVICE_MARKERS := postgres or redis or kafka or smtp
# The embedded pass must not see service variables from the caller's shell.
EMBEDDED_ENV := env -u DATABASE_URL -u REDIS_URL -u KAFKA_BOOTSTRAP_SERVERS -u EMAIL_URL -u SMTP_MAILDIR
PYTEST_ARGS ?=

.PHONY: help venv dev-venv system-deps run migrate seed test test-embedded test-services lint services-up \
	services-down run-stack bench clean

help:
	@echo "make run        - embedded default (SQLite, locmem, in-process events) on http://$(HOST):$(PORT)"
	@echo "make test       - whole suite: embedded pass, then services pass (PostgreSQL, Redis, Kafka)"
	@echo "make run-stack  - web + relay + consumer against the real services"
	@echo "make lint       - ruff"

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(PIP) install -q -r requirements-dev.txt
	touch $@

venv: $(VENV)/.runtime
dev-venv: $(VENV)/.dev

system-deps:
	bash scripts/system-deps.sh

migrate: venv
	$(EMBEDDED_ENV) $(PY) manage.py migrate --noinput

seed: migrate
	$(EMBEDDED_ENV) $(PY) manage.py seed_demo

run: seed
	@$(EMBEDDED_ENV) $(PY) manage.py demo_banner --host $(HOST) --port $(PORT)
	$(EMBEDDED_ENV) $(PY) manage.py runserver $(HOST):$(PORT)

lint: dev-venv
	$(VENV)/bin/ruff check .

services-up:
	bash scripts/services.sh up

services-down:
	bash scripts/services.sh down

test: dev-venv system-deps test-embedded test-services

test-embedded: dev-venv
	@echo "=== embedded pass: SQLite, local-memory cache, in-memory channel layer, in-process events ==="
	$(EMBEDDED_ENV) $(VENV)/bin/pytest -m "not ($(SERVICE_MARKERS))" $(PYTEST_ARGS)

test-services: dev-venv services-up
	@echo "=== services pass: PostgreSQL, Redis, channels-redis, Kafka (REQUIRE_SERVICES=$${REQUIRE_SERVICES:-0}) ==="
	eval "$$(bash scripts/services.sh env)" && $(VENV)/bin/pytest $(PYTEST_ARGS)

run-stack: dev-venv services-up
	eval "$$(bash scripts/services.sh env)" && bash scripts/run-stack.sh

bench: dev-venv services-up
	eval "$$(bash scripts/services.sh env)" && $(PY) bench/run.py

clean:
	rm -rf $(VENV) .services db.sqlite3 staticfiles artifacts
