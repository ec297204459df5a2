"""`egide db_worker`: the database backend's worker, which also tells it is alive and reaps the tasks of workers
that died. Its id names its machine and process (`egide.imports.workers`); at its start, and every
EGIDE_WORKER_REAP_SECONDS from a thread beside the tasks, it runs the reaper (`egide.imports.reaper`), so that no
task is left "running" for ever by a worker that was killed. It first queues the periodic tasks not queued yet (the
daily digest of due-diligence alerts: egide.core.schedules), so that they run without cron. `egide runserver` and
`egide serve --task-worker` start this command beside the server."""

import logging
import os
import signal
import sys
import threading
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from egide.core.schedules import schedules_ensure
from egide.imports import workers
from egide.imports.models import WorkerBeat
from egide.imports.reaper import tasks_reap

logger = logging.getLogger(__name__)


def reap() -> None:
    """Run the reaper once, saying what it did; a database busy with a long write is tried again later."""
    try:
        for reaped in tasks_reap():
            outcome = "queued again" if reaped.retried else "marked failed"
            logger.warning("Task %s %s: %s.", reaped.task_id, outcome, reaped.loss.english())
    except DatabaseError:
        logger.warning("The reaper could not reach the database; it tries again later.", exc_info=True)


def beat(worker_id: str) -> None:
    try:
        WorkerBeat.objects.filter(worker_id=worker_id).update(beat_at=timezone.now())
    except DatabaseError:
        logger.warning("The worker could not tell it is alive; it tries again later.", exc_info=True)


class Watch(threading.Thread):
    """Beside the tasks: tell the worker is alive, and run the reaper, at their intervals, until stopped."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name="egide-worker-watch", daemon=True)
        self.worker_id = worker_id
        self.stopped = threading.Event()

    def run(self) -> None:
        heartbeat = settings.EGIDE_WORKER_HEARTBEAT_SECONDS
        every = max(1, settings.EGIDE_WORKER_REAP_SECONDS // heartbeat)
        ticks = 0
        try:
            while not self.stopped.wait(heartbeat):
                close_old_connections()
                beat(self.worker_id)
                ticks += 1
                if ticks % every == 0:
                    reap()
        finally:
            connection.close()


def _stop(signum: int, frame: FrameType | None) -> None:
    sys.exit(0)


class Command(DatabaseWorker):
    help = (
        "Run the background tasks (large imports, the daily digest), after queuing the periodic ones; it also fails"
        " the tasks of workers that died."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        # Unless given, the worker's id names its machine and process, which the reaper reads.
        parser.set_defaults(worker_id=None)

    def handle(self, *args: Any, **options: Any) -> None:
        runs_tasks = not options.get("reload") or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        if not runs_tasks:
            # The reloader's parent only watches the files; its child is the worker.
            super().handle(*args, **options)
            return
        identity = workers.this_worker()
        options["worker_id"] = options.get("worker_id") or identity.id
        # Stopped while it starts (before the tasks' own handlers are set): it still signs off.
        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        WorkerBeat.objects.update_or_create(
            worker_id=options["worker_id"],
            defaults={"host": identity.host, "pid": identity.pid, "beat_at": timezone.now()},
        )
        watch = Watch(options["worker_id"])
        try:
            reap()
            schedules_ensure()
            watch.start()
            super().handle(*args, **options)
        finally:
            watch.stopped.set()
            try:
                WorkerBeat.objects.filter(worker_id=options["worker_id"]).delete()
            except DatabaseError:
                logger.warning("The worker could not sign off.", exc_info=True)
