"""`egide backup` of a platform with the demo data and an uploaded document, restored by `egide restore` (a real
process) into a fresh database and storage: every table holds the same rows, the documents the same bytes; the
restore refuses a database that is not empty and a damaged backup, and names what differs from the manifest."""

import io
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

from egide.backup.errors import BackupError
from egide.backup.manifest import FileState, Manifest, TableState, document_differences, table_differences
from egide.backup.services import backup_restore
from egide.demo.loader import demo_load
from tests.processes import egide, environment, postgres_url

DOCUMENT = b"%PDF-1.4\nA statute, as uploaded.\n" + bytes(range(256))


def every_table(wrapper: BaseDatabaseWrapper) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows, in primary-key order, read through Django's own connection to the database."""
    quote = wrapper.ops.quote_name
    with wrapper.cursor() as cursor:
        tables = {}
        for table in wrapper.introspection.table_names(cursor):
            key = wrapper.introspection.get_primary_key_columns(cursor, table) or []
            order = f" ORDER BY {', '.join(quote(column) for column in key)}" if key else ""
            cursor.execute(f"SELECT * FROM {quote(table)}{order}")
            rows = list(cursor.fetchall())
            tables[table] = rows if key else sorted(rows, key=repr)
        return tables


def _server(statement: str) -> None:
    settings_dict = connection.settings_dict
    with psycopg.connect(
        host=settings_dict["HOST"] or "127.0.0.1",
        port=settings_dict["PORT"] or 5432,
        user=settings_dict["USER"],
        password=settings_dict["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    ) as server:
        server.execute(statement)


@pytest.fixture
def fresh_database(tmp_path: Path) -> Iterator[tuple[str, BaseDatabaseWrapper]]:
    """A new, empty database and a connection to it: a file on SQLite; on PostgreSQL a database of its own, dropped
    at the end."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"
        url, settings_dict = f"sqlite:///{path}", connection.settings_dict | {"NAME": str(path)}
    else:
        name = f"egide_restore_{secrets.token_hex(4)}"
        _server(f'CREATE DATABASE "{name}"')
        url, settings_dict = postgres_url(connection.settings_dict, name), connection.settings_dict | {"NAME": name}
    # A second connection of the same kind, to the fresh database.
    wrapper = connection.copy()
    wrapper.settings_dict = settings_dict
    try:
        yield url, wrapper
    finally:
        wrapper.close()
        if connection.vendor == "postgresql":
            _server(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}" WITH (FORCE)')


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_the_demo_restores_into_a_fresh_database_with_every_table_and_document_the_same(
    tmp_path: Path, fresh_database: tuple[str, BaseDatabaseWrapper]
) -> None:
    if connection.vendor == "postgresql" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("the PostgreSQL client tools (pg_dump, pg_restore) are not installed")
    demo_load(user=None)
    stored = default_storage.save("references/statute.pdf", ContentFile(DOCUMENT))
    output = io.StringIO()
    call_command("backup", output=tmp_path / "backup", stdout=output)
    assert f"Backup written to {tmp_path / 'backup'}: {connection.vendor} database" in output.getvalue()
    manifest = Manifest.read(tmp_path / "backup")
    assert manifest.tables["actors_actor"].rows > 50
    assert manifest.documents == {stored: FileState(size=len(DOCUMENT), sha256=manifest.documents[stored].sha256)}

    url, restored = fresh_database
    env = environment(url, tmp_path / "new-server")
    result = subprocess.run(
        egide("restore", str(tmp_path / "backup")), env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "all as the manifest says" in result.stdout

    original, copy = every_table(connection), every_table(restored)
    assert sorted(copy) == sorted(original)
    assert len(original) > 80
    for table, rows in original.items():
        assert copy[table] == rows, table
    assert (tmp_path / "new-server" / "media" / stored).read_bytes() == DOCUMENT

    # Restoring again, over what was restored, is refused and changes nothing.
    restored.close()
    again = subprocess.run(
        egide("restore", str(tmp_path / "backup")), env=env, capture_output=True, text=True, check=False
    )
    assert again.returncode == 1
    assert "Nothing was restored" in again.stderr
    assert "a backup is restored only into an empty database" in again.stderr
    assert every_table(restored) == copy


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_before_anything_is_restored(tmp_path: Path) -> None:
    call_command("backup", output=tmp_path / "backup", stdout=io.StringIO())
    manifest = Manifest.read(tmp_path / "backup")
    damaged = tmp_path / "backup" / manifest.database_file
    damaged.write_bytes(damaged.read_bytes()[:-10])
    with pytest.raises(BackupError, match="is missing or damaged"):
        backup_restore(source=tmp_path / "backup")
    shutil.rmtree(tmp_path / "backup")
    with pytest.raises(BackupError, match=r"holds no manifest\.json"):
        backup_restore(source=tmp_path / "backup")


def test_a_backup_is_written_only_into_a_new_or_empty_folder(db: None, tmp_path: Path) -> None:
    """Refused before the database is read (inside the test's transaction, which a backup could not copy)."""
    taken = tmp_path / "backups" / "taken"
    taken.mkdir(parents=True)
    (taken / "notes.txt").write_text("mine")
    with pytest.raises(CommandError, match="already exists and is not an empty folder"):
        call_command("backup", output=taken, stdout=io.StringIO())
    assert [path.name for path in (tmp_path / "backups").iterdir()] == ["taken"]
    assert [path.name for path in taken.iterdir()] == ["notes.txt"]


def test_what_differs_from_the_manifest_is_said_table_by_table_and_document_by_document() -> None:
    same, other = TableState(rows=2, sha256="a"), TableState(rows=2, sha256="b")
    expected = {"actors_actor": same, "actors_source": same, "audit_event": TableState(rows=3, sha256="c")}
    found = {"actors_actor": same, "actors_source": other, "audit_event": TableState(rows=1, sha256="d"), "x": same}
    assert table_differences(expected, found) == [
        "table actors_source: 2 rows as in the backup, but their content differs",
        "table audit_event: 1 rows, the backup holds 3",
        "table x: not in the backup (2 rows)",
    ]
    assert table_differences(expected, {}) == [
        "table actors_actor: missing (the backup holds 2 rows)",
        "table actors_source: missing (the backup holds 2 rows)",
        "table audit_event: missing (the backup holds 3 rows)",
    ]
    document = FileState(size=1, sha256="a")
    assert document_differences(
        {"a.pdf": document, "b.pdf": document}, {"a.pdf": FileState(1, "b"), "c": document}
    ) == [
        "document a.pdf: its content differs from the backup's",
        "document b.pdf: missing",
        "document c: not in the backup",
    ]
