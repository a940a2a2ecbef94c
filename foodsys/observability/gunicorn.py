"""gunicorn hooks for the HTTP API: `gunicorn -c python:foodsys.observability.gunicorn foodsys.wsgi:application`.

With PROMETHEUS_MULTIPROC_DIR set, every worker writes its metrics to files there and /metrics merges
them. The folder must start empty (old workers' files would be counted again), and a dead worker's live
gauges must go with it.
"""

import os
from pathlib import Path


def on_starting(server):
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        Path(path).mkdir(parents=True, exist_ok=True)
        for stale in Path(path).glob("*.db"):
            stale.unlink()


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
