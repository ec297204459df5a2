"""`egide serve`: the platform under a production application server (gunicorn, threaded workers), with WhiteNoise
serving the static files. It refuses to start with debug on, and, outside local use (EGIDE_LOCAL), without a
secret key of its own. Signals, to the process it prints: SIGHUP restarts the workers gracefully (new ones
start with the code and settings on disk, the old ones finish their requests), SIGTERM stops gracefully (the
requests under way finish, within EGIDE_SERVE_GRACEFUL_TIMEOUT seconds). docs/deployment.md."""

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from egide.core.serving import gunicorn_command, read_options
from egide.environment import SettingError


def refusal() -> str | None:
    """Why these settings must not be served to users, or None."""
    if settings.DEBUG:
        return (
            "egide serve refuses to run with DEBUG on: debug pages show the code and settings to anyone. "
            "Set DEBUG=false (`make dev` serves the platform with debug on, for developers)."
        )
    if not settings.LOCAL and not os.environ.get("SECRET_KEY", "").strip():
        return "egide serve needs SECRET_KEY (at least 32 characters) outside local use (EGIDE_LOCAL=true)."
    return None


class Command(BaseCommand):
    help = "Serve the platform under gunicorn (several processes, graceful restart and stop)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "address",
            nargs="?",
            help="HOST:PORT, PORT or unix:/PATH to listen on (default EGIDE_SERVE_ADDRESS, else 127.0.0.1:8000)",
        )
        parser.add_argument("--workers", type=int, help="worker processes (default EGIDE_SERVE_WORKERS)")
        parser.add_argument("--threads", type=int, help="threads per worker (default EGIDE_SERVE_THREADS)")
        parser.add_argument(
            "--task-worker",
            action="store_true",
            default=None,
            help="also run the background worker (egide db_worker), started and stopped with the server",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        reason = refusal()
        if reason:
            raise CommandError(reason)
        environ = dict(os.environ)
        for name in ("workers", "threads"):
            if options[name] is not None:
                environ[f"EGIDE_SERVE_{name.upper()}"] = str(options[name])
        try:
            served = read_options(environ, address=options["address"], task_worker=options["task_worker"])
        except SettingError as error:
            raise CommandError(str(error)) from None
        if not settings.STATIC_COLLECTED:
            self.stderr.write(
                "The static files were not collected (egide setup or egide collectstatic does it): they are served "
                "from the package, under names browsers cannot cache for long."
            )
        environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("DJANGO_SETTINGS_MODULE", "egide.settings")
        environ["EGIDE_SERVE_TASK_WORKER"] = "true" if served.task_worker else "false"
        command = gunicorn_command(served)
        self.stdout.write(
            f"Serving on {served.address} with {served.workers} processes of {served.threads} threads "
            f"(process {os.getpid()}: SIGHUP restarts them gracefully, SIGTERM stops)."
        )
        self.stdout.flush()
        sys.stderr.flush()
        connections.close_all()
        # Gunicorn takes this process's place (same process id, for the signals and a service manager).
        os.execve(command[0], command, environ)
