#!/usr/bin/env bash
# The production-like stack against the real services (make run-stack): gunicorn for the HTTP API,
# daphne for /ws/, the outbox relay and the metrics consumer. Ctrl-C stops all four.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?run through make run-stack (it exports the services environment)}"
PY=.venv/bin/python
HTTP_PORT=${HTTP_PORT:-8000}
WS_PORT=${WS_PORT:-8001}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-foodsys.settings.local}
export WS_PUBLIC_BASE=${WS_PUBLIC_BASE:-ws://127.0.0.1:$WS_PORT}
# Pages (:HTTP_PORT) open sockets on another origin (:WS_PORT): the socket Origin check (foodsys/realtime/origin.py)
# compares scheme, host and port, so the pages' origin is trusted explicitly, as CSRF trusts it.
export CSRF_TRUSTED_ORIGINS=${CSRF_TRUSTED_ORIGINS:-http://127.0.0.1:$HTTP_PORT,http://localhost:$HTTP_PORT}

$PY manage.py migrate --noinput
$PY manage.py kafka_topics
$PY manage.py seed_demo
$PY manage.py collectstatic --noinput -v 0

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

.venv/bin/gunicorn foodsys.wsgi:application --bind "127.0.0.1:$HTTP_PORT" --workers 2 --access-logfile - &
pids+=($!)
.venv/bin/daphne --bind 127.0.0.1 --port "$WS_PORT" foodsys.asgi:application &
pids+=($!)
$PY manage.py relay_outbox &
pids+=($!)
$PY manage.py consume_orders &
pids+=($!)

$PY manage.py demo_banner --host 127.0.0.1 --port "$HTTP_PORT"
echo "WebSockets on ws://127.0.0.1:$WS_PORT/ws/ (pages served by gunicorn connect there: WS_PUBLIC_BASE)"
wait -n
