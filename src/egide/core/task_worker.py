"""The background worker (`egide db_worker`) started beside a web server for one machine's own use: by `egide
runserver` and by `egide serve --task-worker` (what `make start` runs), so that nobody has to think of a second
process for large imports. A server with several machines runs `egide db_worker` as a service of its own instead.

The worker is ended with the server: stopped when the server stops, and, on Linux, ended by the kernel if the
server's process dies without stopping it.
"""

import ctypes
import os
import signal
import subprocess
import sys


def worker_command() -> list[str]:
    """The worker's command line: this Python, Égide's command, db_worker, without a reloader of its own."""
    return [sys.executable, "-m", "egide.cli", "db_worker", "--no-reload", "--interval", "1", "--verbosity", "0"]


def start_worker() -> subprocess.Popen[bytes]:
    """Start the worker with this process's environment; it ends if this process dies (Linux)."""
    guard = _die_with_parent if sys.platform == "linux" else None
    return subprocess.Popen(worker_command(), env=os.environ.copy(), preexec_fn=guard)


def stop_worker(worker: subprocess.Popen[bytes], *, timeout: float = 10) -> None:
    """Ask the worker to stop (it finishes the task it is running), and end it if it has not within `timeout`."""
    if worker.poll() is None:
        worker.terminate()
        try:
            worker.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _die_with_parent() -> None:
    """In the worker, before it starts (Linux): be ended by the kernel if the server's process dies uncleanly."""
    PR_SET_PDEATHSIG = 1
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
