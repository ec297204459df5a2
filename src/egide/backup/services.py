"""`backup_create` writes a backup's folder: the database (SQLite's online backup, or `pg_dump`), the documents, and
the manifest last, into a hidden folder renamed once complete; `backup_restore` checks a backup, restores it into an
empty database and storage, and compares what it restored with the manifest."""

import secrets
import shutil
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

import egide
from egide.backup import documents, postgres, sqlite
from egide.backup.checksums import file_digest
from egide.backup.errors import BackupError
from egide.backup.manifest import MANIFEST_NAME, Manifest, TableState, document_differences, table_differences

VENDORS = ("sqlite", "postgresql")


def default_folder() -> Path:
    return Path(settings.DATA_DIR) / "backups" / f"egide-{timezone.now():%Y%m%dT%H%M%SZ}"


def _by_app(applied: list[tuple[str, str]]) -> dict[str, list[str]]:
    migrations: dict[str, list[str]] = {}
    for app, name in applied:
        migrations.setdefault(app, []).append(name)
    return migrations


def _file_sha256(path: Path) -> str:
    with path.open("rb") as stream:
        return file_digest(stream)[1]


def _fresh_folder(output: Path) -> Path:
    """A hidden folder beside `output`, which must not exist yet or be empty."""
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise BackupError(f"{output} already exists and is not an empty folder: give a new folder.")
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.parent / f".{output.name}.partial-{secrets.token_hex(4)}"
    partial.mkdir()
    return partial


def backup_create(*, output: Path | None = None, using: str = DEFAULT_DB_ALIAS) -> tuple[Path, Manifest]:
    """Back up the database and the documents into `output` (a new folder); the folder and its manifest."""
    output = (output or default_folder()).resolve()
    connection = connections[using]
    if connection.vendor not in VENDORS:
        raise BackupError(f"backups of a {connection.vendor} database are not supported")
    partial = _fresh_folder(output)
    try:
        if connection.vendor == "sqlite":
            database_file = partial / sqlite.FILE_NAME
            connection.ensure_connection()
            sqlite.copy_database(connection.connection, database_file)
            tables = sqlite.tables_state(database_file)
            applied = sqlite.applied_migrations(database_file)
            server_version, tool = sqlite3.sqlite_version, "sqlite3 backup API"
        else:
            database_file = partial / postgres.FILE_NAME
            with postgres.Snapshot(connection) as snapshot:
                tool = postgres.dump(connection, snapshot, database_file)
                raw = snapshot.wrapper.connection
                tables, applied = postgres.tables_state(raw), postgres.applied_migrations(raw)
                server_version = str(raw.info.server_version)
        # The documents after the database: every file a record of the copy names was there when it was taken.
        files = documents.copy_out(partial / documents.FOLDER)
        manifest = Manifest(
            egide_version=egide.__version__,
            created_at=timezone.now().isoformat(),
            vendor=connection.vendor,
            database_file=database_file.name,
            database_sha256=_file_sha256(database_file),
            tables=tables,
            documents=files,
            migrations=_by_app(applied),
            server_version=server_version,
            dump_tool=tool,
        )
        manifest.write(partial)
        if output.exists():
            output.rmdir()
        partial.rename(output)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return output, manifest


@dataclass
class Restored:
    manifest: Manifest
    # What differs between the restored platform and the manifest; empty when all is as backed up.
    differences: list[str]
    notes: list[str] = field(default_factory=list)


def _checked_backup(folder: Path) -> Manifest:
    """The backup's manifest, once its files are found to be as it says."""
    if not (folder / MANIFEST_NAME).is_file():
        raise BackupError(f"{folder} holds no {MANIFEST_NAME}: it is not a backup of Égide.")
    try:
        manifest = Manifest.read(folder)
    except (ValueError, TypeError, KeyError) as error:
        raise BackupError(f"{folder / MANIFEST_NAME} cannot be read: {error}") from None
    database_file = folder / manifest.database_file
    if not database_file.is_file() or _file_sha256(database_file) != manifest.database_sha256:
        raise BackupError(f"{database_file} is missing or damaged (its checksum is not the manifest's).")
    found = documents.backup_state(folder / documents.FOLDER, list(manifest.documents))
    damaged = document_differences(manifest.documents, found)
    if damaged:
        raise BackupError("the backup's documents are damaged: " + "; ".join(damaged))
    return manifest


def _empty_target(connection_vendor: str, using: str) -> None:
    connection = connections[using]
    if connection_vendor == "sqlite":
        target = Path(str(connection.settings_dict["NAME"]))
        if "mode=memory" in str(target) or str(target) == ":memory:":
            raise BackupError("a backup is restored into a database file, not into memory.")
        tables = sqlite.holds_tables(target)
        where = str(target)
    else:
        tables = postgres.table_count(connection)
        where = f"the PostgreSQL database {connection.settings_dict['NAME']}"
    if tables:
        raise BackupError(
            f"{where} already holds {tables} tables: a backup is restored only into an empty database "
            "(create a new one, or remove this one first)."
        )
    stored = next(documents.stored_names(), None)
    if stored is not None:
        raise BackupError(
            f"the document storage already holds files ({stored}, …): a backup's documents are restored only "
            "into an empty storage."
        )


def _migration_notes(applied: list[tuple[str, str]]) -> list[str]:
    on_disk = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    restored = set(applied)
    notes = []
    unknown = sorted(restored - on_disk)
    if unknown:
        notes.append(
            f"the backup has {len(unknown)} migrations this version of Égide does not know "
            f"({unknown[0][0]}.{unknown[0][1]}, …): it was made by a later version; install that version."
        )
    pending = sorted(on_disk - restored)
    if pending:
        notes.append(f"{len(pending)} migrations of this version are not applied yet: run `egide migrate`.")
    return notes


def current_state(using: str = DEFAULT_DB_ALIAS) -> tuple[dict[str, TableState], list[tuple[str, str]]]:
    """The tables and applied migrations of the database, as a manifest records them."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        path = Path(str(connection.settings_dict["NAME"]))
        return sqlite.tables_state(path), sqlite.applied_migrations(path)
    return postgres.state(connection)


def backup_restore(*, source: Path, using: str = DEFAULT_DB_ALIAS) -> Restored:
    """Restore a backup into an empty database and document storage, then compare them with its manifest."""
    source = source.resolve()
    manifest = _checked_backup(source)
    connection = connections[using]
    if manifest.vendor != connection.vendor:
        raise BackupError(
            f"the backup is of a {manifest.vendor} database and DATABASE_URL names a {connection.vendor} one: "
            f"restore it into a {manifest.vendor} database."
        )
    _empty_target(connection.vendor, using)
    database_file = source / manifest.database_file
    if connection.vendor == "sqlite":
        connection.close()
        sqlite.restore(database_file, Path(str(connection.settings_dict["NAME"])))
    else:
        dumped_by = int("".join(ch for ch in manifest.dump_tool if ch.isdigit()) or 0)
        postgres.restore(connection, database_file, dumped_by)
    documents.copy_in(source / documents.FOLDER, list(manifest.documents))
    tables, applied = current_state(using)
    differences = table_differences(manifest.tables, tables)
    differences += document_differences(manifest.documents, documents.storage_state())
    return Restored(manifest=manifest, differences=differences, notes=_migration_notes(applied))
