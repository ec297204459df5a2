"""Who a background worker is, and whether it is still alive. A worker's id names its machine, its process and the
process's start time (so that a process id used again by another process is not taken for the worker); the reaper
reads it back to tell a task whose worker died from one whose worker is busy."""

import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

HOST_LENGTH = 24


def this_host() -> str:
    return socket.gethostname()[:HOST_LENGTH].replace(":", "-") or "host"


def process_start(pid: int) -> int | None:
    """When the process started, in clock ticks since the machine started (Linux); None where it cannot be read,
    or when the process is gone or a zombie (dead, not yet waited for)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] in ("Z", "X"):
        return None
    return int(fields[19])


@dataclass(frozen=True)
class WorkerIdentity:
    host: str
    pid: int
    # The process's start time; 0 where it cannot be read (not Linux).
    start: int
    nonce: str

    @property
    def id(self) -> str:
        return f"{self.host}:{self.pid}:{self.start}:{self.nonce}"

    def describe(self) -> str:
        return f"process {self.pid} on {self.host}"


def this_worker() -> WorkerIdentity:
    pid = os.getpid()
    return WorkerIdentity(host=this_host(), pid=pid, start=process_start(pid) or 0, nonce=secrets.token_hex(3))


def parse(worker_id: str) -> WorkerIdentity | None:
    """The identity a worker id names; None for an id given otherwise (`--worker-id`), judged by time only."""
    parts = worker_id.rsplit(":", 3)
    if len(parts) != 4 or not parts[1].isdigit() or not parts[2].isdigit():
        return None
    return WorkerIdentity(host=parts[0], pid=int(parts[1]), start=int(parts[2]), nonce=parts[3])


def alive_here(worker: WorkerIdentity) -> bool:
    """Whether a worker of this machine is still running: its process exists, started when the worker did."""
    if worker.pid == os.getpid():
        return worker.start == (process_start(worker.pid) or 0)
    start = process_start(worker.pid)
    if start is not None:
        return worker.start in (0, start)
    if Path("/proc/self/stat").exists():
        return False
    try:
        os.kill(worker.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
