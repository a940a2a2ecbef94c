"""Running calls in threads at once, for the race tests on PostgreSQL (each thread closes its own
database connection)."""

import threading

from django.db import connection


def run_concurrently(*calls) -> list:
    """Each call's result, or the exception it raised, in order; fails if a thread is still running."""
    results: list = [None] * len(calls)

    def run(index, call):
        try:
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return results
