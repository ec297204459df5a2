"""`egide runserver` serves the platform and, beside it, runs the background worker that imports large files.

On a laptop (`make start`) nobody thinks of starting a second process: without one, a large import would wait
forever. The worker is started once, by the process that stays (not by the child the autoreloader restarts on
every code change), and stopped with it. `--no-worker`, or EGIDE_RUNSERVER_WORKER=false, leaves it out.
"""

import atexit
import ctypes
import os
import signal
import subprocess
import sys
from types import FrameType
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.management.commands.runserver import Command as StaticFilesRunserver
from django.core.management.base import CommandParser
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV


def worker_command() -> list[str]:
    """The worker's command line: this Python, Égide's command, db_worker, without a reloader of its own."""
    return [sys.executable, "-m", "egide.cli", "db_worker", "--no-reload", "--interval", "1", "--verbosity", "0"]


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
            guard = _die_with_parent if sys.platform == "linux" else None
            worker = subprocess.Popen(worker_command(), env=os.environ.copy(), preexec_fn=guard)
            self.stdout.write(f"Background worker started (process {worker.pid}) for large imports.")
            atexit.register(_stop, worker)
            # A plain SIGTERM would end this process without running atexit, and leave the worker behind.
            signal.signal(signal.SIGTERM, _exit)
        super().handle(*args, **options)


def _exit(signum: int, frame: FrameType | None) -> None:
    sys.exit(0)


def _die_with_parent() -> None:
    """In the worker, before it starts (Linux): be ended by the kernel if the server's process dies uncleanly."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _stop(worker: subprocess.Popen[bytes]) -> None:
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
