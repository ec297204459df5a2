"""How `egide serve` runs the platform under gunicorn: the server's options, read from the environment (or the
command line), and the gunicorn command line they make.

Gunicorn with its threaded workers (gthread): several processes, each answering a few requests at once on threads
(Django's ORM is synchronous; a thread waiting for the database or a client lets another run). The defaults suit a
machine of two cores: a worker per core and one more, four threads each. docs/deployment.md explains the choice.

Only this module and `gunicorn_config` know gunicorn: the web processes themselves are Django's WSGI application.
"""

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from egide.environment import FALSE_WORDS, TRUE_WORDS, SettingError

# HOST:PORT, [IPv6]:PORT or PORT alone (like `runserver`), or unix:/PATH for a proxy on the same machine.
ADDRESS = re.compile(r"^(?:(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):)?(?P<port>\d{1,5})$")
DEFAULT_ADDRESS = "127.0.0.1:8000"
DEFAULT_MAX_REQUESTS = 10_000


@dataclass(frozen=True)
class ServeOptions:
    address: str
    workers: int
    threads: int
    timeout: int
    graceful_timeout: int
    keepalive: int
    max_requests: int
    access_log: bool
    forwarded_allow_ips: str
    task_worker: bool


def bind_address(raw: str) -> str:
    """What gunicorn binds to, from HOST:PORT, PORT (on 127.0.0.1) or unix:/PATH; a clear error otherwise."""
    value = raw.strip()
    if value.startswith("unix:/"):
        return value
    match = ADDRESS.match(value)
    if match is None or not 0 < int(match["port"]) < 65536:
        raise SettingError(f"address {raw!r}: expected HOST:PORT, PORT or unix:/PATH, e.g. 127.0.0.1:8000")
    return f"{match['host'] or '127.0.0.1'}:{int(match['port'])}"


def default_workers(cores: int | None) -> int:
    """A worker per core and one more, so that a core is never idle while a worker waits (at least 2)."""
    return max(2, (cores or 1) + 1)


def _int(environ: Mapping[str, str], name: str, default: int, minimum: int) -> int:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingError(f"{name}={raw!r}: expected a whole number") from None
    if value < minimum:
        raise SettingError(f"{name}={raw!r}: must be at least {minimum}")
    return value


def _bool(environ: Mapping[str, str], name: str, default: bool) -> bool:
    raw = environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise SettingError(f"{name}={raw!r}: expected true or false")


def read_options(
    environ: Mapping[str, str], *, address: str | None = None, task_worker: bool | None = None
) -> ServeOptions:
    """The server's options: the command line's, else EGIDE_SERVE_* (.env.example), else the defaults."""
    return ServeOptions(
        address=bind_address(address or environ.get("EGIDE_SERVE_ADDRESS", "").strip() or DEFAULT_ADDRESS),
        workers=_int(environ, "EGIDE_SERVE_WORKERS", default_workers(os.cpu_count()), 1),
        threads=_int(environ, "EGIDE_SERVE_THREADS", 4, 1),
        # A worker silent for this many seconds (hung: its threads' requests do not count) is restarted.
        timeout=_int(environ, "EGIDE_SERVE_TIMEOUT", 120, 1),
        # On SIGTERM or SIGHUP, how long the requests under way have to finish.
        graceful_timeout=_int(environ, "EGIDE_SERVE_GRACEFUL_TIMEOUT", 30, 1),
        keepalive=_int(environ, "EGIDE_SERVE_KEEPALIVE", 5, 0),
        # N: a worker is replaced after about N requests (N to N + N/10, so that they are not all replaced at
        # once), a safety net against memory that grows slowly; 0: it lives until the server stops.
        max_requests=_int(environ, "EGIDE_SERVE_MAX_REQUESTS", DEFAULT_MAX_REQUESTS, 0),
        access_log=_bool(environ, "EGIDE_SERVE_ACCESS_LOG", False),
        forwarded_allow_ips=environ.get("EGIDE_SERVE_FORWARDED_ALLOW_IPS", "").strip() or "127.0.0.1,::1",
        task_worker=task_worker if task_worker is not None else _bool(environ, "EGIDE_SERVE_TASK_WORKER", False),
    )


def gunicorn_command(options: ServeOptions) -> list[str]:
    """The command line that runs gunicorn with these options (this Python, so the same packages)."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "egide.wsgi:application",
        "--config",
        "python:egide.core.gunicorn_config",
        "--bind",
        options.address,
        "--worker-class",
        "gthread",
        "--workers",
        str(options.workers),
        "--threads",
        str(options.threads),
        "--timeout",
        str(options.timeout),
        "--graceful-timeout",
        str(options.graceful_timeout),
        "--keep-alive",
        str(options.keepalive),
        "--forwarded-allow-ips",
        options.forwarded_allow_ips,
        # Gunicorn's control socket sits at one path per user: two servers on one machine would share it.
        "--no-control-socket",
    ]
    if options.max_requests:
        command += ["--max-requests", str(options.max_requests)]
        command += ["--max-requests-jitter", str(max(1, options.max_requests // 10))]
    if options.access_log:
        command += ["--access-logfile", "-"]
    if os.path.isdir("/dev/shm"):
        # The workers' heartbeat files in memory: on a container's disk-backed /tmp they can stall a worker.
        command += ["--worker-tmp-dir", "/dev/shm"]
    return command
