"""Concurrency-sensitive writes, each a small named helper that must run inside a transaction."""

import datetime
import uuid
from typing import Any

from django.db import connection

from orders.models import DailyOrderCounter, IdempotencyRecord, Order


def _require_transaction() -> None:
    if not connection.in_atomic_block:
        raise RuntimeError("This lock helper must run inside transaction.atomic().")


def daily_counter_increment(*, tenant_id: uuid.UUID, day: datetime.date) -> int:
    """The next number of the tenant's day. The UPDATE's row lock is held until commit, so
    concurrent placements queue on it and get consecutive numbers (a rollback frees the number)."""
    _require_transaction()
    table = DailyOrderCounter._meta.db_table
    # One round trip on PostgreSQL and SQLite (>= 3.35) alike: insert the day's first number or bump it.
    sql = (f"INSERT INTO {table} (tenant_id, day, last_number) VALUES (%s, %s, 1) "  # noqa: S608 - table name is ours
           f"ON CONFLICT (tenant_id, day) DO UPDATE SET last_number = {table}.last_number + 1 RETURNING last_number")
    tenant_value = DailyOrderCounter._meta.get_field("tenant").target_field.get_db_prep_value(tenant_id, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [tenant_value, day])
        return cursor.fetchone()[0]


def order_status_compare_and_set(*, order_id: uuid.UUID, from_status: str, to_status: str,
                                 changes: dict[str, Any]) -> bool:
    """`UPDATE order SET status=to, ... WHERE id=%s AND status=from`: of two racing transitions
    from the same status exactly one matches a row; the other gets False."""
    _require_transaction()
    return Order.objects.filter(pk=order_id, status=from_status).update(status=to_status, **changes) == 1


def idempotency_key_claim(*, tenant_id: uuid.UUID, customer_id: int, key: str, fingerprint: str,
                          order_id: uuid.UUID, now: datetime.datetime, expired_before: datetime.datetime) -> bool:
    """Records `key` for the customer's new order, taking over an expired record of the same key, in
    one statement. False when an unexpired record holds it: a racing twin committed first (on
    PostgreSQL the INSERT waits for that twin's transaction, then sees its row)."""
    _require_transaction()
    table = IdempotencyRecord._meta.db_table
    sql = (f'INSERT INTO {table} (tenant_id, customer_id, "key", fingerprint, order_id, created_at) '  # noqa: S608
           f"VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (customer_id, \"key\") DO UPDATE SET "
           f"tenant_id = excluded.tenant_id, fingerprint = excluded.fingerprint, order_id = excluded.order_id, "
           f"created_at = excluded.created_at WHERE {table}.created_at < %s RETURNING id")
    field = IdempotencyRecord._meta.get_field
    params = [field("tenant").target_field.get_db_prep_value(tenant_id, connection), customer_id, key, fingerprint,
              field("order").target_field.get_db_prep_value(order_id, connection),
              field("created_at").get_db_prep_value(now, connection),
              field("created_at").get_db_prep_value(expired_before, connection)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone() is not None
