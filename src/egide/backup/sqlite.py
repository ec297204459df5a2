"""SQLite: a backup through SQLite's online backup API (a consistent copy while the platform reads and writes), the
tables read back from a file, and a restore into an empty database file."""

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from egide.backup.checksums import rows_digest
from egide.backup.errors import BackupError
from egide.backup.manifest import TableState

FILE_NAME = "database.sqlite3"


def copy_database(source: sqlite3.Connection, target: Path) -> None:
    """Copy a live database (the platform's own connection, or a file's) into a new file, consistently.

    In one step: the copy reads one instant of the database while other processes go on writing (write-ahead
    logging); copied in several steps, it would start again after each of their writes, and might never end."""
    if source.in_transaction:
        raise BackupError("a backup is not taken from inside a transaction of the database it copies")
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
        # The copy is one file of its own, whatever the live database's journal.
        destination.execute("PRAGMA journal_mode=DELETE")
    finally:
        destination.close()


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def table_names(database: sqlite3.Connection) -> list[str]:
    rows = database.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [row[0] for row in rows]


def _primary_key(database: sqlite3.Connection, table: str) -> list[str]:
    columns = database.execute(f"PRAGMA table_info({_quote(table)})").fetchall()
    keyed = sorted((column[5], column[1]) for column in columns if column[5])
    return [name for _position, name in keyed]


def _rows(database: sqlite3.Connection, table: str) -> Iterator[tuple[Any, ...]]:
    # Without a declared primary key (full-text tables and their own tables), the row id orders the rows.
    order = ", ".join(_quote(column) for column in _primary_key(database, table)) or "rowid"
    yield from database.execute(f"SELECT * FROM {_quote(table)} ORDER BY {order}")


def tables_state(path: Path) -> dict[str, TableState]:
    """Each table's row count and checksum, read from a database file as stored (no conversion of values)."""
    database = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        states = {}
        for table in table_names(database):
            rows, digest = rows_digest(_rows(database, table))
            states[table] = TableState(rows=rows, sha256=digest)
        return states
    finally:
        database.close()


def applied_migrations(path: Path) -> list[tuple[str, str]]:
    database = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        if "django_migrations" not in table_names(database):
            return []
        return list(database.execute("SELECT app, name FROM django_migrations ORDER BY app, name"))
    finally:
        database.close()


def holds_tables(path: Path) -> int:
    """How many tables the database file holds (none when the file does not exist)."""
    if not path.exists() or path.stat().st_size == 0:
        return 0
    database = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return len(table_names(database))
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a SQLite database ({error})") from None
    finally:
        database.close()


def restore(backup_file: Path, target: Path) -> None:
    """Write the backup's database into the target file (which holds no table)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"{backup_file.resolve().as_uri()}?mode=ro", uri=True)
    try:
        destination = sqlite3.connect(target)
        try:
            source.backup(destination)
            # The platform's own settings turn write-ahead logging on again at its next connection.
        finally:
            destination.close()
    finally:
        source.close()
