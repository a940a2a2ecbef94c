"""The dedicated benchmark database: migrated and seeded once into a template, cloned fresh for every run.

The template is rebuilt when a migration, the seed code or the seed size changes (a fingerprint is
kept as the template database's comment), so a repeated `make bench` skips the slow seed.
"""

import hashlib
import os
import subprocess
import time

import psycopg
from psycopg import sql

from bench.config import PY, ROOT, SeedSize

TEMPLATE_SUFFIX = "_tpl"


def _admin_conninfo() -> str:
    return os.environ["DATABASE_URL"]  # the services' own database: only used to create/drop ours


def seed_fingerprint(size: SeedSize) -> str:
    digest = hashlib.sha256(repr(size).encode())
    files = sorted(ROOT.glob("*/migrations/*.py")) + [ROOT / "bench" / "seed.py"]
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _exists(conn, name: str) -> bool:
    return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def _comment(conn, name: str) -> str | None:
    row = conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                       (name,)).fetchone()
    return row[0] if row else None


def _drop(conn, name: str) -> None:
    conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def prepare_database(*, db_name: str, size: SeedSize, env: dict[str, str], log) -> dict:
    """Leaves `db_name` freshly cloned from an up-to-date seeded template. Returns timings."""
    template = db_name + TEMPLATE_SUFFIX
    fingerprint = seed_fingerprint(size)
    timings: dict = {"fingerprint": fingerprint}
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        fresh_template = _exists(conn, template) and _comment(conn, template) == fingerprint
        _drop(conn, db_name)
        if fresh_template:
            started = time.monotonic()
            conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(db_name),
                                                                       sql.Identifier(template)))
            timings["clone_s"] = round(time.monotonic() - started, 1)
            log(f"database {db_name} cloned from template {template} in {timings['clone_s']}s")
            timings["seeded"] = False
            return timings
        log(f"template {template} missing or stale: migrating and seeding {db_name} (one-off, ~1-2 min)")
        _drop(conn, template)
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db_name)))
    started = time.monotonic()
    subprocess.run([PY, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    timings["migrate_s"] = round(time.monotonic() - started, 1)
    started = time.monotonic()
    subprocess.run([PY, "-m", "bench.seed"], cwd=ROOT, env=env, check=True)
    timings["seed_s"] = round(time.monotonic() - started, 1)
    timings["seeded"] = True
    with psycopg.connect(_admin_conninfo(), autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(template),
                                                                   sql.Identifier(db_name)))
        conn.execute(sql.SQL("COMMENT ON DATABASE {} IS {}").format(sql.Identifier(template),
                                                                 sql.Literal(fingerprint)))
    log(f"migrated in {timings['migrate_s']}s, seeded in {timings['seed_s']}s; template {template} saved")
    return timings
