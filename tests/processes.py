"""Real processes of the platform (a worker, a server, a command) over the test's database, and what a test reads
of that database meanwhile.

On PostgreSQL the processes use the test database itself (the test commits its data: `transaction=True`). On SQLite
the test database lives in this process's memory: `SharedDatabase.publish` copies it, with what the test wrote, into
a file that the processes use and that the test reads back."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from egide.backup import postgres
from egide.backup import sqlite as sqlite_backup
from egide.backup.manifest import TableState

ROOT = Path(__file__).resolve().parents[1]


def egide(*args: str) -> list[str]:
    return [sys.executable, "-m", "egide.cli", *args]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def postgres_url(settings_dict: dict[str, Any], name: str | None = None) -> str:
    user = quote(str(settings_dict.get("USER") or ""), safe="")
    password = quote(str(settings_dict.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{name or settings_dict['NAME']}"


def environment(database_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        EGIDE_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="egide.settings",
        # The test's own key: the sessions it made are the server's too.
        SECRET_KEY=settings.SECRET_KEY,
        PYTHONPATH=os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]),
        **extra,
    )
    return env


@contextmanager
def running(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A process, killed (if still alive) and waited for at the end whatever happens; its output in `log`."""
    with log.open("wb") as output:
        process = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT)
        try:
            yield process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)


def wait_for(condition: Callable[[], Any], timeout: float, what: str, log: Path | None = None) -> Any:
    """Poll until the condition holds (returns its value); fail saying what was awaited, with the process's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
    raise AssertionError(f"timed out waiting for {what}\n{tail}")


class SharedDatabase:
    def __init__(self, folder: Path) -> None:
        self.vendor = connection.vendor
        self.path = folder / "shared.sqlite3"

    def publish(self) -> str:
        """The database's address for other processes, with everything the test wrote so far."""
        if self.vendor == "postgresql":
            return postgres_url(connection.settings_dict)
        connection.ensure_connection()
        sqlite_backup.copy_database(connection.connection, self.path)
        with sqlite3.connect(self.path) as database:
            database.execute("PRAGMA journal_mode=WAL")
        return f"sqlite:///{self.path}"

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(sql.replace("?", "%s"), params)
                return list(cursor.fetchall())
        # A process killed in the middle of a write leaves its log to be recovered by the next connection, which
        # holds the database meanwhile: the query waits for it, as the platform's own connections do.
        database = sqlite3.connect(self.path, timeout=30)
        try:
            return list(database.execute(sql, params))
        finally:
            database.close()

    def tables(self) -> dict[str, TableState]:
        if self.vendor == "postgresql":
            return postgres.state(connection)[0]
        return sqlite_backup.tables_state(self.path)

    def writing(self, table: str) -> bool:
        """Whether another process is writing now, in a transaction not yet committed: on PostgreSQL, holding the
        lock that inserting rows into `table` takes; on SQLite, holding the database's write lock."""
        if self.vendor == "postgresql":
            rows = self.query(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                "WHERE c.relname = ? AND l.mode = 'RowExclusiveLock' AND l.pid <> pg_backend_pid()",
                (table,),
            )
            return bool(rows[0][0])
        database = sqlite3.connect(self.path, timeout=0, isolation_level=None)
        try:
            database.execute("BEGIN IMMEDIATE")
            database.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError as error:
            if "locked" in str(error):
                return True
            raise
        finally:
            database.close()
