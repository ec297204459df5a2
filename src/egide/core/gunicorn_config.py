"""Gunicorn's configuration for `egide serve` (`--config python:egide.core.gunicorn_config`): its hooks only, the
options being on the command line that `egide.core.serving` makes.

Gunicorn's master process never imports Django: each worker it starts imports the application afresh, so that a
graceful restart (SIGHUP) brings the code and the settings as they are on disk at that moment.

With EGIDE_SERVE_TASK_WORKER=true (`egide serve --task-worker`, what `make start` runs), the master starts the
background worker (`egide db_worker`) when it starts, and stops it when it stops.

With the metrics on and several workers (PROMETHEUS_MULTIPROC_DIR, docs/operations.md), the master empties that
folder when it starts (what an earlier run left would be counted again) and tells the metrics library when a worker
has exited, so that its gauges are dropped.
"""

import os
import subprocess
from typing import Any

from egide.core.task_worker import start_worker, stop_worker

# The background worker, in the master process, while it runs.
_task_worker: list[subprocess.Popen[bytes]] = []


def on_starting(server: Any) -> None:
    _empty_metrics_folder()
    if os.environ.get("EGIDE_SERVE_TASK_WORKER") == "true":
        worker = start_worker()
        _task_worker.append(worker)
        server.log.info("Background worker started (process %s) for large imports.", worker.pid)


def on_exit(server: Any) -> None:
    while _task_worker:
        stop_worker(_task_worker.pop())


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def _empty_metrics_folder() -> None:
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not folder or not os.path.isdir(folder):
        return
    for entry in os.scandir(folder):
        if entry.is_file() and entry.name.endswith(".db"):
            os.unlink(entry.path)
