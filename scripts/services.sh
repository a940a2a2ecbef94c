#!/usr/bin/env bash
# FoodSys local backing services: real PostgreSQL, Redis, Apache Kafka 4.1.1
# (single KRaft node) and an SMTP server (aiosmtpd, from .venv) on 127.0.0.1, with all data, logs and pid files under
# <project>/.services/. No system services are used (no systemctl/pg_ctlcluster).
#
#   scripts/services.sh up           start whatever is not running, wait until ready, create topics
#   scripts/services.sh down         stop everything this script started (TERM, wait, KILL)
#   scripts/services.sh status       print each service up/down; exit 0 only if all are up
#   scripts/services.sh env          print exports: eval "$(scripts/services.sh env)"
#   scripts/services.sh stop-kafka | start-kafka | stop-redis | start-redis | stop-smtp | start-smtp
#                                    (fault-injection tests; Kafka keeps its data)
#
# Ports (loopback only), overridable by environment:
#   PG_PORT=25432 REDIS_PORT=26379 KAFKA_PORT=29092 KAFKA_CONTROLLER_PORT=29093 SMTP_PORT=28025
#   (the SMTP server stores every message it accepts in the maildir .services/smtp/maildir)
# Timeouts (seconds): PG_READY_TIMEOUT=60 REDIS_READY_TIMEOUT=30 KAFKA_READY_TIMEOUT=90
#                     STOP_TIMEOUT=30 (KAFKA_STOP_TIMEOUT=60)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
ROOT="$(cd "$SCRIPT_DIR/.." && pwd -P)"
SVC="$ROOT/.services"

# Below the kernel's ephemeral range (32768-60999): a client socket may not take one of these ports
# while a service is down (a restart after stop-kafka once failed to bind for that reason).
PG_PORT="${PG_PORT:-25432}"
REDIS_PORT="${REDIS_PORT:-26379}"
KAFKA_PORT="${KAFKA_PORT:-29092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-29093}"
SMTP_PORT="${SMTP_PORT:-28025}"
SMTP_READY_TIMEOUT="${SMTP_READY_TIMEOUT:-30}"
PG_READY_TIMEOUT="${PG_READY_TIMEOUT:-60}"
REDIS_READY_TIMEOUT="${REDIS_READY_TIMEOUT:-30}"
KAFKA_READY_TIMEOUT="${KAFKA_READY_TIMEOUT:-90}"
STOP_TIMEOUT="${STOP_TIMEOUT:-30}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-60}"

PG_USER_OS=postgres           # postgres refuses to run as root
DB_NAME=foodsys DB_USER=foodsys DB_PASSWORD=foodsys

PG_DIR="$SVC/pg"
PG_DATA="$PG_DIR/data"
PG_LOG="$PG_DIR/postgres.log"
PG_PIDFILE="$PG_DATA/postmaster.pid"   # written by postgres itself; first line = postmaster pid
PG_SOCK_DIR="$PG_DIR/run"
# Unix socket paths are limited to ~107 bytes; fall back to /tmp for deep checkouts.
if (( ${#PG_SOCK_DIR} + ${#PG_PORT} + 10 > 100 )); then
  PG_SOCK_DIR="/tmp/foodsys-pg-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)"
fi

REDIS_DIR="$SVC/redis"
REDIS_CONF="$REDIS_DIR/redis.conf"
REDIS_PIDFILE="$REDIS_DIR/redis.pid"
REDIS_LOG="$REDIS_DIR/redis.log"

KAFKA_DIR="$SVC/kafka"
KAFKA_LIBS="$KAFKA_DIR/libs"
KAFKA_DATA="$KAFKA_DIR/data"
KAFKA_LOGS="$KAFKA_DIR/logs"
KAFKA_PIDFILE="$KAFKA_DIR/kafka.pid"
KAFKA_PROPS="$KAFKA_DIR/server.properties"
KAFKA_OUT="$KAFKA_LOGS/kafka.out"
KAFKA_SERVER_LOG="$KAFKA_LOGS/server.log"
KAFKA_CLUSTER_ID_FILE="$KAFKA_DIR/cluster.id"
KAFKA_TEMPLATE_DIR="$SCRIPT_DIR/kafka"

SMTP_DIR="$SVC/smtp"
SMTP_MAILDIR="$SMTP_DIR/maildir"
SMTP_PIDFILE="$SMTP_DIR/smtp.pid"
SMTP_LOG="$SMTP_DIR/smtp.log"

if [[ -x "$ROOT/.venv/bin/python" ]]; then PY="$ROOT/.venv/bin/python"; else PY="python3"; fi

# ----------------------------------------------------------------------------- helpers

log()  { printf '[services] %s\n' "$*"; }
warn() { printf '[services] WARNING: %s\n' "$*" >&2; }
die()  { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }

# fail_service NAME LOGFILE... MESSAGE: report which service failed with the tail of its log(s)
fail_service() {
  local name="$1" msg="$2"; shift 2
  printf '[services] ERROR: %s: %s\n' "$name" "$msg" >&2
  local f
  for f in "$@"; do
    if [[ -s "$f" ]]; then
      printf '[services] ---- last 40 lines of %s ----\n' "$f" >&2
      tail -n 40 "$f" >&2 || true
      printf '[services] ---- end of %s ----\n' "$f" >&2
    fi
  done
  exit 1
}

check_port_var() {
  local name="$1" val="${!1}"
  if [[ ! "$val" =~ ^[0-9]+$ ]] || (( val < 1 || val > 65535 )); then
    die "$name must be a TCP port number, got '$val'"
  fi
}

# true if something accepts TCP connections on 127.0.0.1:PORT
port_open() {
  # shellcheck disable=SC2016  # $1 is expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

# true if PID is a live (non-zombie) process
proc_alive() {
  local pid="$1" state
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/stat" ]] || return 1
  state="$(sed -E 's/^.*\) ([A-Za-z]).*$/\1/' "/proc/$pid/stat" 2>/dev/null)" || return 1
  [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

proc_cmdline() { tr '\0' ' ' < "/proc/$1/cmdline" 2>/dev/null || true; }

read_pidfile() {
  local f="$1" pid
  [[ -r "$f" ]] || return 1
  pid="$(head -n 1 "$f" 2>/dev/null | tr -d '[:space:]')"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  printf '%s' "$pid"
}

# Each *_pid prints the pid of OUR instance (pid file + alive + identity check), or fails.
# The identity check protects against a recycled pid belonging to someone else.
pg_pid() {
  local pid
  pid="$(read_pidfile "$PG_PIDFILE")" || return 1
  proc_alive "$pid" || return 1
  [[ "$(proc_cmdline "$pid")" == *postgres*"$PG_DATA"* ]] || return 1
  printf '%s' "$pid"
}

redis_pid() {
  local pid
  pid="$(read_pidfile "$REDIS_PIDFILE")" || return 1
  proc_alive "$pid" || return 1
  [[ "$(proc_cmdline "$pid")" == *redis-server* ]] || return 1
  # redis rewrites its process title, but it chdirs into its `dir`
  [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == "$REDIS_DIR" ]] || return 1
  printf '%s' "$pid"
}

kafka_pid() {
  local pid
  pid="$(read_pidfile "$KAFKA_PIDFILE")" || return 1
  proc_alive "$pid" || return 1
  [[ "$(proc_cmdline "$pid")" == *kafka.Kafka*"$KAFKA_PROPS"* ]] || return 1
  printf '%s' "$pid"
}

smtp_pid() {
  local pid
  pid="$(read_pidfile "$SMTP_PIDFILE")" || return 1
  proc_alive "$pid" || return 1
  [[ "$(proc_cmdline "$pid")" == *aiosmtpd*"$SMTP_MAILDIR"* ]] || return 1
  printf '%s' "$pid"
}

# stop_pid NAME PID TIMEOUT [SIGNAL]: SIGNAL (default TERM), wait, then KILL (and orphaned children)
stop_pid() {
  local name="$1" pid="$2" limit="$3" sig="${4:-TERM}" children waited=0
  children="$(ps -o pid= --ppid "$pid" 2>/dev/null | tr -s ' \n' ' ' || true)"
  log "stopping $name (pid $pid, SIG$sig)"
  kill -s "$sig" "$pid" 2>/dev/null || true
  while proc_alive "$pid" && (( waited < limit * 10 )); do sleep 0.1; waited=$((waited + 1)); done
  if proc_alive "$pid"; then
    warn "$name (pid $pid) still running after ${limit}s; sending SIGKILL"
    kill -s KILL "$pid" 2>/dev/null || true
    local c
    for c in $children; do
      if proc_alive "$c"; then kill -s KILL "$c" 2>/dev/null || true; fi
    done
    waited=0
    while proc_alive "$pid" && (( waited < 100 )); do sleep 0.1; waited=$((waited + 1)); done
    proc_alive "$pid" && die "$name (pid $pid) survived SIGKILL"
  fi
  # children (e.g. postgres backends) exit with their parent; make sure
  local c
  for c in $children; do
    waited=0
    while proc_alive "$c" && (( waited < 50 )); do sleep 0.1; waited=$((waited + 1)); done
    if proc_alive "$c"; then kill -s KILL "$c" 2>/dev/null || true; fi
  done
  log "$name stopped"
}

# serialize state-changing commands (several test runs may call `up` at once).
# The lock is fd 9; every daemon is started with `9>&-` so it does not inherit it.
take_lock() {
  mkdir -p "$SVC"
  chmod 755 "$SVC"
  exec 9>"$SVC/.lock"
  if ! flock -n 9; then
    log "waiting for another services.sh run to finish (lock $SVC/.lock)"
    flock -w 600 9 || die "could not lock $SVC/.lock within 600s (another services.sh still running?)"
  fi
}

# run a command as the postgres OS user, from a directory it can read
as_pg() { (cd / && runuser -u "$PG_USER_OS" -- "$@"); }

run_py() { PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" "$PY" "$@"; }

# ----------------------------------------------------------------------------- packages

APT_UPDATED=0
apt_install() {
  command -v apt-get >/dev/null || die "apt-get not found; install manually: $*"
  [[ "$(id -u)" == 0 ]] || die "need root to apt-get install $*"
  export DEBIAN_FRONTEND=noninteractive
  if (( APT_UPDATED == 0 )); then
    log "apt-get update"
    apt-get -o DPkg::Lock::Timeout=600 update -q >/dev/null || die "apt-get update failed"
    APT_UPDATED=1
  fi
  log "apt-get install -y $*"
  apt-get -o DPkg::Lock::Timeout=600 install -y -q "$@" >/dev/null || die "apt-get install $* failed"
}

PG_BIN=""
find_pg_bin() {
  local ver
  # an existing data dir pins the major version
  if [[ -f "$PG_DATA/PG_VERSION" ]]; then
    ver="$(cat "$PG_DATA/PG_VERSION")"
    if [[ -x "/usr/lib/postgresql/$ver/bin/postgres" ]]; then PG_BIN="/usr/lib/postgresql/$ver/bin"; return 0; fi
  fi
  PG_BIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
  [[ -n "$PG_BIN" && -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]]
}

ensure_pg_installed() {
  if ! find_pg_bin; then
    apt_install postgresql
    find_pg_bin || die "PostgreSQL binaries not found under /usr/lib/postgresql/*/bin after install"
  fi
  if [[ -f "$PG_DATA/PG_VERSION" && "$PG_BIN" != "/usr/lib/postgresql/$(cat "$PG_DATA/PG_VERSION")/bin" ]]; then
    die "$PG_DATA was created by PostgreSQL $(cat "$PG_DATA/PG_VERSION") but only $PG_BIN is installed; remove $PG_DIR to re-create"
  fi
  id "$PG_USER_OS" >/dev/null 2>&1 || die "OS user '$PG_USER_OS' missing (it comes with the postgresql package)"
}

ensure_redis_installed() {
  if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
    apt_install redis-server
  fi
}

JAVA=""
ensure_java_installed() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; return; fi
  if ! command -v java >/dev/null; then apt_install openjdk-17-jre-headless; fi
  JAVA="$(command -v java)"
}

ensure_maven_installed() {
  command -v mvn >/dev/null || apt_install maven
}

# ----------------------------------------------------------------------------- PostgreSQL

pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -t 2 >/dev/null 2>&1; }

# psql as the postgres superuser over the private unix socket (peer auth)
pg_admin_psql() {
  as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
    -h "$PG_SOCK_DIR" -p "$PG_PORT" -U postgres -d postgres "$@"
}

# every ancestor of the data dir must be traversable by the postgres user
pg_fix_traversal() {
  local d="$PG_DIR"
  while [[ "$d" != "/" ]]; do
    d="$(dirname "$d")"
    if ! as_pg test -x "$d" 2>/dev/null; then
      log "making $d traversable (o+x) for the $PG_USER_OS user"
      chmod o+x "$d"
    fi
  done
}

pg_prepare() {
  mkdir -p "$PG_DIR" "$PG_SOCK_DIR"
  chown "$PG_USER_OS:$PG_USER_OS" "$PG_DIR" "$PG_SOCK_DIR"
  chmod 700 "$PG_DIR"
  chmod 755 "$PG_SOCK_DIR"
  pg_fix_traversal
  if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
    log "initdb $PG_DATA"
    rm -rf "$PG_DATA"
    if ! as_pg "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --no-locale \
        --auth-local=peer --auth-host=scram-sha-256 >"$PG_DIR/initdb.log" 2>&1; then
      fail_service postgres "initdb failed" "$PG_DIR/initdb.log"
    fi
    echo "include_if_exists = 'foodsys.conf'" >> "$PG_DATA/postgresql.conf"
  fi
  # rewritten on every start so port overrides apply
  cat > "$PG_DATA/foodsys.conf" <<EOF
# Written by scripts/services.sh on every start; edits are lost.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK_DIR'
max_connections = 200
# Dev/test instance only: trade crash safety for speed (a crash of the machine
# may corrupt this throw-away cluster; never use these settings in production).
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  chown "$PG_USER_OS:$PG_USER_OS" "$PG_DATA/foodsys.conf"
}

pg_setup_db() {
  local exists
  exists="$(pg_admin_psql -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'")" \
    || fail_service postgres "could not query roles" "$PG_LOG"
  if [[ "$exists" != 1 ]]; then
    log "creating role $DB_USER"
    pg_admin_psql -c "CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD'" \
      || fail_service postgres "could not create role $DB_USER" "$PG_LOG"
  fi
  exists="$(pg_admin_psql -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB_NAME'")" \
    || fail_service postgres "could not query databases" "$PG_LOG"
  if [[ "$exists" != 1 ]]; then
    log "creating database $DB_NAME"
    pg_admin_psql -c "CREATE DATABASE $DB_NAME OWNER $DB_USER" \
      || fail_service postgres "could not create database $DB_NAME" "$PG_LOG"
  fi
}

start_pg() {
  ensure_pg_installed
  local pid
  if pid="$(pg_pid)"; then
    log "postgres already running (pid $pid)"
  else
    port_open "$PG_PORT" && die "port 127.0.0.1:$PG_PORT is in use by a process this script did not start (set PG_PORT)"
    pg_prepare
    log "starting postgres on 127.0.0.1:$PG_PORT"
    if ! as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t "$PG_READY_TIMEOUT" start >/dev/null 2>&1 9>&-; then
      fail_service postgres "pg_ctl start failed" "$PG_LOG"
    fi
  fi
  local deadline=$((SECONDS + PG_READY_TIMEOUT))
  until pg_ready; do
    pg_pid >/dev/null || fail_service postgres "process exited during startup" "$PG_LOG"
    (( SECONDS < deadline )) || fail_service postgres "not accepting connections on 127.0.0.1:$PG_PORT after ${PG_READY_TIMEOUT}s" "$PG_LOG"
    sleep 0.2
  done
  pg_setup_db
  log "postgres ready on 127.0.0.1:$PG_PORT (pid $(pg_pid))"
}

stop_pg() {
  local pid
  if pid="$(pg_pid)"; then
    # SIGINT = "fast" shutdown (what pg_ctl stop -m fast sends): SIGTERM would be a
    # "smart" shutdown that waits for every client (dev servers, tests) to disconnect.
    stop_pid postgres "$pid" "$STOP_TIMEOUT" INT
  else
    log "postgres not running"
  fi
}

# ----------------------------------------------------------------------------- Redis

redis_ping() { [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }

start_redis() {
  ensure_redis_installed
  local pid
  if pid="$(redis_pid)"; then
    log "redis already running (pid $pid)"
  else
    port_open "$REDIS_PORT" && die "port 127.0.0.1:$REDIS_PORT is in use by a process this script did not start (set REDIS_PORT)"
    mkdir -p "$REDIS_DIR"
    rm -f "$REDIS_PIDFILE"
    cat > "$REDIS_CONF" <<EOF
# Written by scripts/services.sh on every start; edits are lost.
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize yes
pidfile "$REDIS_PIDFILE"
logfile "$REDIS_LOG"
dir "$REDIS_DIR"
# cache / channel layer only: no persistence
save ""
appendonly no
EOF
    log "starting redis on 127.0.0.1:$REDIS_PORT"
    redis-server "$REDIS_CONF" >>"$REDIS_LOG" 2>&1 9>&- || fail_service redis "redis-server failed to start" "$REDIS_LOG"
  fi
  local deadline=$((SECONDS + REDIS_READY_TIMEOUT))
  until redis_ping && redis_pid >/dev/null; do
    (( SECONDS < deadline )) || fail_service redis "no PONG on 127.0.0.1:$REDIS_PORT after ${REDIS_READY_TIMEOUT}s" "$REDIS_LOG"
    sleep 0.1
  done
  log "redis ready on 127.0.0.1:$REDIS_PORT (pid $(redis_pid))"
}

stop_redis() {
  local pid
  if pid="$(redis_pid)"; then
    stop_pid redis "$pid" "$STOP_TIMEOUT" TERM
    rm -f "$REDIS_PIDFILE"
  else
    log "redis not running"
  fi
}

# ----------------------------------------------------------------------------- Kafka

kafka_jvm_opts() {
  printf '%s\n' -Xms256m -Xmx512m -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:InitiatingHeapOccupancyPercent=35 -XX:+ExplicitGCInvokesConcurrent -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true \
    "-Dlog4j2.configurationFile=$KAFKA_TEMPLATE_DIR/log4j2.properties" \
    "-Dkafka.logs.dir=$KAFKA_LOGS"
}

ensure_kafka_jars() {
  local pom="$KAFKA_TEMPLATE_DIR/pom.xml" stamp="$KAFKA_LIBS/.pom.sha256" want tmp
  want="$(sha256sum "$pom" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && compgen -G "$KAFKA_LIBS/kafka_2.13-*.jar" >/dev/null; then
    return 0
  fi
  ensure_maven_installed
  mkdir -p "$KAFKA_DIR"
  tmp="$KAFKA_DIR/libs.tmp"
  rm -rf "$tmp"
  log "copying Kafka jars with Maven into $KAFKA_LIBS (first run downloads into ~/.m2)"
  local t0=$SECONDS
  if ! mvn -B -q -f "$pom" org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
      "-DoutputDirectory=$tmp" -DincludeScope=runtime >"$KAFKA_DIR/mvn.log" 2>&1; then
    fail_service kafka "Maven could not fetch the Kafka jars" "$KAFKA_DIR/mvn.log"
  fi
  compgen -G "$tmp/kafka_2.13-*.jar" >/dev/null || fail_service kafka "Maven produced no kafka_2.13 jar" "$KAFKA_DIR/mvn.log"
  rm -rf "$KAFKA_LIBS"
  mv "$tmp" "$KAFKA_LIBS"
  printf '%s\n' "$want" > "$stamp"
  log "Kafka jars ready ($(ls "$KAFKA_LIBS"/*.jar | wc -l) jars, $((SECONDS - t0))s)"
}

kafka_render_config() {
  mkdir -p "$KAFKA_DATA" "$KAFKA_LOGS"
  sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" \
      -e "s|@KAFKA_CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
      -e "s|@KAFKA_DATA_DIR@|$KAFKA_DATA|g" \
      "$KAFKA_TEMPLATE_DIR/server.properties" > "$KAFKA_PROPS"
}

kafka_format_storage() {
  [[ -f "$KAFKA_DATA/meta.properties" ]] && return 0
  local cid opts
  mapfile -t opts < <(kafka_jvm_opts)
  if [[ -s "$KAFKA_CLUSTER_ID_FILE" ]]; then
    cid="$(cat "$KAFKA_CLUSTER_ID_FILE")"
  else
    cid="$("$JAVA" "${opts[@]}" -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool random-uuid 2>>"$KAFKA_OUT" \
            | grep -E '^[A-Za-z0-9_-]{22}$' | tail -n 1 || true)"
    [[ -n "$cid" ]] || fail_service kafka "StorageTool random-uuid printed no cluster id" "$KAFKA_OUT"
    printf '%s\n' "$cid" > "$KAFKA_CLUSTER_ID_FILE"
  fi
  log "formatting Kafka storage (cluster id $cid)"
  if ! "$JAVA" "${opts[@]}" -cp "$KAFKA_LIBS/*" kafka.tools.StorageTool format -t "$cid" -c "$KAFKA_PROPS" \
      >>"$KAFKA_OUT" 2>&1; then
    fail_service kafka "StorageTool format failed" "$KAFKA_OUT"
  fi
}

# launches the broker in the background (own session); does not wait
launch_kafka() {
  local pid
  if pid="$(kafka_pid)"; then
    log "kafka already running (pid $pid)"
    return 0
  fi
  ensure_java_installed
  port_open "$KAFKA_PORT" && die "port 127.0.0.1:$KAFKA_PORT is in use by a process this script did not start (set KAFKA_PORT)"
  port_open "$KAFKA_CONTROLLER_PORT" && die "port 127.0.0.1:$KAFKA_CONTROLLER_PORT is in use by a process this script did not start (set KAFKA_CONTROLLER_PORT)"
  ensure_kafka_jars
  kafka_render_config
  kafka_format_storage
  rm -f "$KAFKA_PIDFILE"
  local opts
  mapfile -t opts < <(kafka_jvm_opts)
  log "starting kafka on 127.0.0.1:$KAFKA_PORT (controller 127.0.0.1:$KAFKA_CONTROLLER_PORT)"
  printf '\n==== %s starting kafka ====\n' "$(date -Is)" >> "$KAFKA_OUT"
  # setsid: own session, so the broker survives the caller's process group; the
  # inner shell writes its own pid and then execs java, so the pid file is java's.
  # shellcheck disable=SC2016  # $$/$1/$@ belong to the inner bash
  setsid bash -c 'echo $$ > "$1"; shift; exec "$@"' _ "$KAFKA_PIDFILE" \
    "$JAVA" "${opts[@]}" -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_PROPS" \
    </dev/null >>"$KAFKA_OUT" 2>&1 9>&- &
  local waited=0
  until [[ -s "$KAFKA_PIDFILE" ]] || (( waited > 50 )); do sleep 0.1; waited=$((waited + 1)); done
}

kafka_answers() {
  run_py -c 'import sys
from foodsys.kafka.admin import wait_for_broker
wait_for_broker(sys.argv[1], float(sys.argv[2]))' "127.0.0.1:$KAFKA_PORT" "${1:-3}" >/dev/null 2>&1
}

wait_kafka() {
  run_py -c 'import confluent_kafka' 2>/dev/null \
    || die "$PY cannot import confluent_kafka (create .venv with the project requirements first)"
  local deadline=$((SECONDS + KAFKA_READY_TIMEOUT))
  while :; do
    kafka_pid >/dev/null || fail_service kafka "broker process exited during startup" "$KAFKA_SERVER_LOG" "$KAFKA_OUT"
    if port_open "$KAFKA_PORT" && kafka_answers 3; then break; fi
    (( SECONDS < deadline )) || fail_service kafka "no metadata answer on 127.0.0.1:$KAFKA_PORT after ${KAFKA_READY_TIMEOUT}s" "$KAFKA_SERVER_LOG" "$KAFKA_OUT"
    sleep 0.5
  done
  log "kafka ready on 127.0.0.1:$KAFKA_PORT (pid $(kafka_pid))"
}

kafka_ensure_topics() {
  local out
  if ! out="$(run_py -c 'import sys
from foodsys.kafka.admin import ensure_topics
from foodsys.kafka.topics import TOPICS
created = ensure_topics(sys.argv[1], 30)
for name, parts in TOPICS.items():
    print("topic %s: %s (%d partitions)" % (name, "created" if name in created else "exists", parts))
' "127.0.0.1:$KAFKA_PORT" 2>&1)"; then
    printf '%s\n' "$out" >&2
    fail_service kafka "creating topics failed" "$KAFKA_SERVER_LOG"
  fi
  while IFS= read -r line; do log "$line"; done <<< "$out"
}

start_kafka() {
  launch_kafka
  wait_kafka
  kafka_ensure_topics
}

stop_kafka() {
  local pid
  if pid="$(kafka_pid)"; then
    stop_pid kafka "$pid" "$KAFKA_STOP_TIMEOUT" TERM
    rm -f "$KAFKA_PIDFILE"
  else
    log "kafka not running"
  fi
}

# ----------------------------------------------------------------------------- SMTP (aiosmtpd)

smtp_answers() {
  # shellcheck disable=SC2016  # $1 is expanded by the inner bash
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"; head -c 3 <&3' _ "$SMTP_PORT" 2>/dev/null | grep -q '^220'
}

start_smtp() {
  local pid
  if pid="$(smtp_pid)"; then
    log "smtp already running (pid $pid)"
  else
    "$PY" -c 'import aiosmtpd' 2>/dev/null \
      || die "$PY cannot import aiosmtpd (install requirements-dev.txt into .venv first)"
    port_open "$SMTP_PORT" && die "port 127.0.0.1:$SMTP_PORT is in use by a process this script did not start (set SMTP_PORT)"
    mkdir -p "$SMTP_MAILDIR"/{cur,new,tmp}
    rm -f "$SMTP_PIDFILE"
    log "starting smtp (aiosmtpd) on 127.0.0.1:$SMTP_PORT, maildir $SMTP_MAILDIR"
    nohup "$PY" -m aiosmtpd -n -u -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$SMTP_MAILDIR" \
      >>"$SMTP_LOG" 2>&1 </dev/null 9>&- &
    printf '%s\n' "$!" > "$SMTP_PIDFILE"
  fi
  local deadline=$((SECONDS + SMTP_READY_TIMEOUT))
  until smtp_pid >/dev/null && smtp_answers; do
    smtp_pid >/dev/null || fail_service smtp "aiosmtpd exited" "$SMTP_LOG"
    (( SECONDS < deadline )) || fail_service smtp "no SMTP greeting on 127.0.0.1:$SMTP_PORT after ${SMTP_READY_TIMEOUT}s" "$SMTP_LOG"
    sleep 0.1
  done
  log "smtp ready on 127.0.0.1:$SMTP_PORT (pid $(smtp_pid))"
}

stop_smtp() {
  local pid
  if pid="$(smtp_pid)"; then
    stop_pid smtp "$pid" "$STOP_TIMEOUT" TERM
    rm -f "$SMTP_PIDFILE"
  else
    log "smtp not running"
  fi
}

# ----------------------------------------------------------------------------- commands

# processes still running from this checkout's .services (for verification after down)
leftovers() {
  local pid args found=0
  while read -r pid args; do
    [[ "$pid" == "$$" || "$pid" == "$BASHPID" ]] && continue
    case "$args" in
      *"$PG_DATA"*|*"$KAFKA_PROPS"*|*aiosmtpd*"$SMTP_MAILDIR"*) printf '  pid %s: %s\n' "$pid" "$args"; found=1 ;;
      redis-server*)
        if [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == "$REDIS_DIR" ]]; then
          printf '  pid %s: %s\n' "$pid" "$args"; found=1
        fi ;;
    esac
  done < <(ps -eo pid=,args=)
  return $(( found == 0 ))
}

cmd_up() {
  take_lock
  local t0=$SECONDS
  log "project root $ROOT"
  # install everything first (apt + Maven), then launch Kafka (slowest) in the
  # background while PostgreSQL and Redis start
  ensure_pg_installed
  ensure_redis_installed
  launch_kafka
  start_pg
  start_redis
  start_smtp
  wait_kafka
  kafka_ensure_topics
  log "all services up in $((SECONDS - t0))s"
  log "use them with: eval \"\$(scripts/services.sh env)\""
}

cmd_down() {
  take_lock
  stop_kafka
  stop_smtp
  stop_redis
  stop_pg
  local rest
  if rest="$(leftovers)"; then
    printf '%s\n' "$rest" >&2
    die "processes from $SVC are still running"
  fi
  log "all services down"
}

cmd_status() {
  local ok=0 pid
  if find_pg_bin && pid="$(pg_pid)" && pg_ready; then
    printf '%-9s up    127.0.0.1:%s  (pid %s, db %s)\n' postgres "$PG_PORT" "$pid" "$DB_NAME"
  else
    printf '%-9s down  127.0.0.1:%s\n' postgres "$PG_PORT"; ok=1
  fi
  if pid="$(redis_pid)" && redis_ping; then
    printf '%-9s up    127.0.0.1:%s  (pid %s)\n' redis "$REDIS_PORT" "$pid"
  else
    printf '%-9s down  127.0.0.1:%s\n' redis "$REDIS_PORT"; ok=1
  fi
  if pid="$(kafka_pid)" && port_open "$KAFKA_PORT" && kafka_answers 5; then
    printf '%-9s up    127.0.0.1:%s  (pid %s, controller 127.0.0.1:%s)\n' kafka "$KAFKA_PORT" "$pid" "$KAFKA_CONTROLLER_PORT"
  else
    printf '%-9s down  127.0.0.1:%s\n' kafka "$KAFKA_PORT"; ok=1
  fi
  if pid="$(smtp_pid)" && smtp_answers; then
    printf '%-9s up    127.0.0.1:%s  (pid %s, maildir %s)\n' smtp "$SMTP_PORT" "$pid" "$SMTP_MAILDIR"
  else
    printf '%-9s down  127.0.0.1:%s\n' smtp "$SMTP_PORT"; ok=1
  fi
  return "$ok"
}

cmd_env() {
  printf 'export DATABASE_URL=postgres://%s:%s@127.0.0.1:%s/%s\n' "$DB_USER" "$DB_PASSWORD" "$PG_PORT" "$DB_NAME"
  printf 'export REDIS_URL=redis://127.0.0.1:%s/0\n' "$REDIS_PORT"
  printf 'export KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:%s\n' "$KAFKA_PORT"
  printf 'export EMAIL_URL=smtp://127.0.0.1:%s\n' "$SMTP_PORT"
  printf 'export SMTP_MAILDIR=%s\n' "$SMTP_MAILDIR"
}

usage() {
  sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

main() {
  local p
  for p in PG_PORT REDIS_PORT KAFKA_PORT KAFKA_CONTROLLER_PORT SMTP_PORT; do check_port_var "$p"; done
  case "${1:-}" in
    up)          cmd_up ;;
    down)        cmd_down ;;
    status)      cmd_status ;;
    env)         cmd_env ;;
    start-kafka) take_lock; start_kafka ;;
    stop-kafka)  take_lock; stop_kafka ;;
    start-redis) take_lock; start_redis ;;
    stop-redis)  take_lock; stop_redis ;;
    start-smtp)  take_lock; start_smtp ;;
    stop-smtp)   take_lock; stop_smtp ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
  esac
}

main "$@"
