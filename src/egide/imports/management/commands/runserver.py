"""`egide runserver` serves the platform and, beside it, runs the background worker that imports large files.

On a laptop (`make start`) nobody thinks of starting a second process: without one, a large import would wait
forever. The worker is started once, by the process that stays (not by the child the autoreloader restarts on
every code change), and stopped with it. `--no-worker`, or EGIDE_RUNSERVER_WORKER=false, leaves it out.
"""

import atexit
import os
import signal
import sys
from types import FrameType
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import Command as StaticFilesRunserver
from django.core.management.base import CommandParser
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

from egide.core.task_worker import start_worker, stop_worker, worker_command

__all__ = ["Command", "worker_command", "worker_wanted"]


def worker_wanted(*, option: bool) -> bool:
    """Whether this process should start the worker: asked for, and not the autoreloader's restarted child."""
    return option and settings.EGIDE_RUNSERVER_WORKER and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true"


class Command(StaticFilesRunserver):
    help = "Serve the platform for local use, with a background worker for large imports."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-worker",
            action="store_false",
            dest="worker",
            help="do not start the background worker (run `egide db_worker` yourself)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if worker_wanted(option=options.get("worker", True)):
            worker = start_worker()
            self.stdout.write(f"Background worker started (process {worker.pid}) for large imports.")
            atexit.register(stop_worker, worker)
            # A plain SIGTERM would end this process without running atexit, and leave the worker behind.
            signal.signal(signal.SIGTERM, _exit)
        super().handle(*args, **options)


def _exit(signum: int, frame: FrameType | None) -> None:
    sys.exit(0)
