"""The PostgreSQL client tools: a missing `pg_dump`, or one older than the server, is refused with what to install."""

from pathlib import Path

import pytest

from egide.backup.errors import BackupError
from egide.backup.postgres import checked_tool


def fake_tool(folder: Path, name: str, version: str) -> None:
    tool = folder / name
    tool.write_text(f"#!/bin/sh\necho '{name} (PostgreSQL) {version}'\n")
    tool.chmod(0o755)


def test_a_missing_pg_dump_is_refused_saying_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError, match="pg_dump was not found: install the PostgreSQL client tools"):
        checked_tool("pg_dump", 15, "the database server")


def test_a_pg_dump_older_than_the_server_is_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake_tool(tmp_path, "pg_dump", "13.9")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(BackupError) as refused:
        checked_tool("pg_dump", 15, "the database server")
    assert str(refused.value) == (
        f"pg_dump 13 ({tmp_path / 'pg_dump'}) is older than the database server (15): install the PostgreSQL 15 "
        "client tools or later (Debian and Ubuntu: apt-get install postgresql-client-15) and put them first on PATH."
    )


def test_a_pg_dump_of_the_servers_version_or_later_is_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake_tool(tmp_path, "pg_dump", "16.2 (Debian 16.2-1)")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert checked_tool("pg_dump", 15, "the database server") == str(tmp_path / "pg_dump")
