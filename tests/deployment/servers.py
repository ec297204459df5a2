"""Real `egide serve` and `egide db_worker` processes for the deployment tests: started on free ports of the
loopback, each in a process group of its own, and always ended (SIGTERM, then SIGKILL to the group) when the test
leaves them, whatever happened."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import requests
from django.db import connection

SOURCE = Path(__file__).resolve().parents[2] / "src"
SECRET = "a-secret-key-shared-by-every-process-of-the-test-0123456789"
START_SECONDS = 90  # a loaded two-core machine takes a while to start Django in each process


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def database_url(sqlite_copy: Path | None = None) -> str:
    """The address of the test database, for another process: PostgreSQL's, or a file copy of SQLite's (whose test
    database lives in this process's memory), made now."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        assert sqlite_copy is not None
        sqlite_copy.unlink(missing_ok=True)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(sqlite_copy)])
        return f"sqlite:///{sqlite_copy}"
    user = quote(settings["USER"] or "", safe="")
    password = f":{quote(settings['PASSWORD'], safe='')}" if settings["PASSWORD"] else ""
    host = settings["HOST"] or "127.0.0.1"
    port = settings["PORT"] or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{settings['NAME']}"


def environment(*, database: str, data_dir: Path, **extra: str) -> dict[str, str]:
    """What a server of the platform gets: debug off, one secret key, one data folder (the file cache), one
    database."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EGIDE_", "DJANGO_"))}
    env.pop("CACHE_URL", None)
    env |= {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SOURCE), os.environ.get("PYTHONPATH", "")])),
        "DJANGO_SETTINGS_MODULE": "egide.settings",
        "DEBUG": "false",
        "EGIDE_LOCAL": "true",
        "SECRET_KEY": SECRET,
        "DATABASE_URL": database,
        "EGIDE_DATA_DIR": str(data_dir),
        "LOG_LEVEL": "WARNING",
    }
    return env | extra


@dataclass
class Process:
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@dataclass
class Server(Process):
    url: str

    def get(self, path: str, **options: object) -> requests.Response:
        return requests.get(self.url + path, timeout=60, **options)  # type: ignore[arg-type]


def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)


def end(process: subprocess.Popen[bytes], *, grace: float = 20) -> None:
    """SIGTERM to the process, SIGKILL to its group if it has not ended within `grace` seconds, and to whatever of
    its group is left."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=grace)
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def wait_until_alive(server: Server) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"egide serve ended with {server.process.returncode}:\n{server.output()}")
        try:
            if requests.get(server.url + "/health/live", timeout=30).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or no worker ready yet
            pass
        time.sleep(0.2)
    raise AssertionError(f"egide serve did not answer within {START_SECONDS} s:\n{server.output()}")


def serve_command(port: int, *options: str) -> list[str]:
    return [sys.executable, "-m", "egide.cli", "serve", f"127.0.0.1:{port}", "--skip-checks", *options]


@contextmanager
def servers(env: dict[str, str], logs: Path, count: int, *options: str) -> Iterator[list[Server]]:
    """`count` servers started at once (one worker process of two threads each unless `options` say otherwise),
    answering once the context is entered, ended when it is left."""
    started: list[Server] = []
    try:
        for number in range(count):
            port = free_port()
            log = logs / f"serve-{number}.log"
            command = serve_command(port, *(options or ("--workers", "1", "--threads", "2")))
            started.append(Server(_start(command, env, log), log, f"http://127.0.0.1:{port}"))
        for server in started:
            wait_until_alive(server)
        yield started
    finally:
        for server in started:
            end(server.process)


@contextmanager
def task_worker(env: dict[str, str], logs: Path) -> Iterator[Process]:
    command = [sys.executable, "-m", "egide.cli", "db_worker", "--no-reload", "--interval", "0.2", "--skip-checks"]
    log = logs / "db_worker.log"
    worker = Process(_start(command, env, log), log)
    try:
        yield worker
    finally:
        end(worker.process)


def children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (Linux's /proc)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (command name) state ppid ...": the name may hold spaces, so read after its closing parenthesis.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.add(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
