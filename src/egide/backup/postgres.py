"""PostgreSQL: a backup by `pg_dump` (custom format) of a snapshot that the manifest's checksums are read from too, so
that both describe the same instant; a restore by `pg_restore` in one transaction into an empty database.

The client tools must be of the server's major version or later (`pg_dump` refuses an older-than-server dump);
`pg_restore` must be at least the version of the `pg_dump` that wrote the backup."""

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from egide.backup.checksums import rows_digest, unordered_rows_digest
from egide.backup.errors import BackupError
from egide.backup.manifest import TableState

FILE_NAME = "database.pgdump"
FETCH = 2000

_TABLES = """
    SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema() ORDER BY c.relname
"""
_PRIMARY_KEY = """
    SELECT a.attname FROM pg_index i
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
    WHERE i.indrelid = %s::regclass AND i.indisprimary
    ORDER BY array_position(i.indkey::int2[], a.attnum)
"""


def environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The client tools' environment for the database of a Django connection's settings."""
    env = dict(os.environ)
    names = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD", "NAME": "PGDATABASE"}
    for key, variable in names.items():
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT"}.items():
        if options.get(option):
            env[variable] = str(options[option])
    return env


def tool_version(tool: str) -> tuple[str, int]:
    """The tool's path and major version; a clear error when it is not installed."""
    path = shutil.which(tool)
    if path is None:
        raise BackupError(
            f"{tool} was not found: install the PostgreSQL client tools of the server's version or later "
            f"(Debian and Ubuntu: apt-get install postgresql-client-NN)."
        )
    output = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    if match is None:
        raise BackupError(f"{path} --version said {output.strip()!r}, which names no version.")
    return path, int(match[1])


def server_major(wrapper: BaseDatabaseWrapper) -> int:
    with wrapper.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def checked_tool(tool: str, needed: int, what: str) -> str:
    path, major = tool_version(tool)
    if major < needed:
        raise BackupError(
            f"{tool} {major} ({path}) is older than {what} ({needed}): install the PostgreSQL {needed} client tools "
            f"or later (Debian and Ubuntu: apt-get install postgresql-client-{needed}) and put them first on PATH."
        )
    return path


class Snapshot:
    """A read-only transaction that sees one instant of the database, exported so that `pg_dump` sees it too."""

    def __init__(self, connection: BaseDatabaseWrapper) -> None:
        self.wrapper = connection.copy()

    def __enter__(self) -> "Snapshot":
        self.wrapper.ensure_connection()
        raw = self.wrapper.connection
        raw.autocommit = False
        raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        self.id = raw.execute("SELECT pg_export_snapshot()").fetchone()[0]
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.wrapper.connection.rollback()
        finally:
            self.wrapper.close()


def dump(connection: BaseDatabaseWrapper, snapshot: Snapshot, target: Path) -> str:
    """Dump the snapshot's database into `target`; the tool and its version, for the manifest."""
    major = server_major(connection)
    tool = checked_tool("pg_dump", major, "the database server")
    command = [tool, "--format=custom", f"--snapshot={snapshot.id}", f"--file={target}", "--no-password"]
    result = subprocess.run(
        command, env=environment(connection.settings_dict), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
    return f"pg_dump {tool_version(tool)[1]}"


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _rows(raw: Any, table: str, key: list[str]) -> Iterator[tuple[Any, ...]]:
    order = f" ORDER BY {', '.join(_quote(column) for column in key)}" if key else ""
    with raw.cursor(name=f"egide_backup_{abs(hash(table))}") as cursor:
        cursor.execute(f"SELECT * FROM {_quote(table)}{order}")
        while rows := cursor.fetchmany(FETCH):
            yield from rows


def tables_state(raw: Any) -> dict[str, TableState]:
    """Each table's row count and checksum, in primary-key order, read through a connection inside a transaction
    (the snapshot's, or a restored database's)."""
    table_list = [row[0] for row in raw.execute(_TABLES).fetchall()]
    states = {}
    for table in table_list:
        key = [row[0] for row in raw.execute(_PRIMARY_KEY, (_quote(table),)).fetchall()]
        digest = rows_digest if key else unordered_rows_digest
        rows, sha = digest(_rows(raw, table, key))
        states[table] = TableState(rows=rows, sha256=sha)
    return states


def applied_migrations(raw: Any) -> list[tuple[str, str]]:
    tables = {row[0] for row in raw.execute(_TABLES).fetchall()}
    if "django_migrations" not in tables:
        return []
    return [tuple(row) for row in raw.execute("SELECT app, name FROM django_migrations ORDER BY app, name")]


def table_count(connection: BaseDatabaseWrapper) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({_TABLES}) AS tables")
        return int(cursor.fetchone()[0])


def restore(connection: BaseDatabaseWrapper, backup_file: Path, dumped_by: int) -> None:
    """Restore the dump into the connection's (empty) database, in one transaction: all of it, or nothing."""
    tool = checked_tool("pg_restore", dumped_by, "the pg_dump that wrote the backup")
    command = [tool, "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error", "--no-password"]
    command += [f"--dbname={connection.settings_dict['NAME']}", str(backup_file)]
    result = subprocess.run(
        command, env=environment(connection.settings_dict), capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed, nothing was restored: {result.stderr.strip()}")


def state(connection: BaseDatabaseWrapper) -> tuple[dict[str, TableState], list[tuple[str, str]]]:
    """The tables and migrations of the connection's database, read in one transaction."""
    wrapper = connection.copy()
    wrapper.ensure_connection()
    raw = wrapper.connection
    try:
        raw.autocommit = False
        raw.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return tables_state(raw), applied_migrations(raw)
    finally:
        raw.rollback()
        wrapper.close()
