"""Counts the Redis round trips (and commands) this process makes, for cost assertions in tests."""

from collections import Counter
from contextlib import contextmanager

from redis.connection import AbstractConnection


@contextmanager
def counting_redis():
    counts: Counter = Counter()
    send_packed = AbstractConnection.send_packed_command

    def counted(connection, command, *args, **kwargs):
        counts["round_trips"] += 1
        return send_packed(connection, command, *args, **kwargs)

    AbstractConnection.send_packed_command = counted
    try:
        yield counts
    finally:
        AbstractConnection.send_packed_command = send_packed
