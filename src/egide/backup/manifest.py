"""A backup's manifest: what it holds (the database's tables with their row counts and checksums, the documents with
theirs, the migrations applied), and how a restored platform is compared with it. Pure."""

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FORMAT = 1
MANIFEST_NAME = "manifest.json"


@dataclass(frozen=True)
class TableState:
    rows: int
    sha256: str


@dataclass(frozen=True)
class FileState:
    size: int
    sha256: str


@dataclass
class Manifest:
    egide_version: str
    created_at: str
    vendor: str
    # The database's file in the backup's folder, its checksum, and the server's and tool's versions (PostgreSQL).
    database_file: str
    database_sha256: str
    tables: dict[str, TableState]
    documents: dict[str, FileState]
    # Each app's applied migrations, by name.
    migrations: dict[str, list[str]]
    server_version: str = ""
    dump_tool: str = ""
    format: int = FORMAT
    extra: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> "Manifest":
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"not a manifest of format {FORMAT}")
        data["tables"] = {name: TableState(**state) for name, state in data["tables"].items()}
        data["documents"] = {name: FileState(**state) for name, state in data["documents"].items()}
        return cls(**data)

    def write(self, folder: Path) -> None:
        (folder / MANIFEST_NAME).write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def read(cls, folder: Path) -> "Manifest":
        return cls.from_json((folder / MANIFEST_NAME).read_text(encoding="utf-8"))


def table_differences(expected: dict[str, TableState], found: dict[str, TableState]) -> list[str]:
    """Each table that differs, in words: missing, unexpected, another row count, other rows."""
    differences = []
    for name in sorted(expected.keys() | found.keys()):
        want, have = expected.get(name), found.get(name)
        if have is None:
            differences.append(f"table {name}: missing (the backup holds {want.rows if want else 0} rows)")
        elif want is None:
            differences.append(f"table {name}: not in the backup ({have.rows} rows)")
        elif want.rows != have.rows:
            differences.append(f"table {name}: {have.rows} rows, the backup holds {want.rows}")
        elif want.sha256 != have.sha256:
            differences.append(f"table {name}: {have.rows} rows as in the backup, but their content differs")
    return differences


def document_differences(expected: dict[str, FileState], found: dict[str, FileState]) -> list[str]:
    """Each document that differs: missing, unexpected, or with other content."""
    differences = []
    for name in sorted(expected.keys() | found.keys()):
        want, have = expected.get(name), found.get(name)
        if have is None:
            differences.append(f"document {name}: missing")
        elif want is None:
            differences.append(f"document {name}: not in the backup")
        elif want != have:
            differences.append(f"document {name}: its content differs from the backup's")
    return differences
