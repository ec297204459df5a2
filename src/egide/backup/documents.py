"""The uploaded documents: every file of the default storage (a local folder, or a bucket), copied into the backup's
folder with its checksum, and written back into an empty storage."""

import shutil
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from django.core.files import File
from django.core.files.storage import Storage, default_storage

from egide.backup.checksums import file_digest
from egide.backup.errors import BackupError
from egide.backup.manifest import FileState

FOLDER = "documents"


def stored_names(storage: Storage | None = None, folder: str = "") -> Iterator[str]:
    """Every file's name in the storage, folder by folder, sorted."""
    storage = storage or default_storage
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from stored_names(storage, f"{folder}/{sub}" if folder else sub)


def storage_state(storage: Storage | None = None) -> dict[str, FileState]:
    storage = storage or default_storage
    states = {}
    for name in stored_names(storage):
        with storage.open(name, "rb") as stream:
            size, digest = file_digest(stream)
        states[name] = FileState(size=size, sha256=digest)
    return states


def _local(folder: Path, name: str) -> Path:
    """Where a stored name goes in the backup's folder; a name that would leave it is refused."""
    parts = PurePosixPath(name).parts
    if not parts or any(part in ("", ".", "..") for part in parts) or PurePosixPath(name).is_absolute():
        raise BackupError(f"document name {name!r} cannot be written safely")
    return folder.joinpath(*parts)


def copy_out(target: Path, storage: Storage | None = None) -> dict[str, FileState]:
    """Copy every stored file into `target`; their sizes and checksums, as copied."""
    storage = storage or default_storage
    states = {}
    for name in stored_names(storage):
        path = _local(target, name)
        path.parent.mkdir(parents=True, exist_ok=True)
        with storage.open(name, "rb") as source, path.open("wb") as copy:
            shutil.copyfileobj(source, copy)
        with path.open("rb") as copied:
            size, digest = file_digest(copied)
        states[name] = FileState(size=size, sha256=digest)
    return states


def backup_state(folder: Path, names: list[str]) -> dict[str, FileState]:
    """The documents as they are in a backup's folder, to check it before restoring."""
    states = {}
    for name in names:
        path = _local(folder, name)
        if path.is_file():
            with path.open("rb") as stream:
                size, digest = file_digest(stream)
            states[name] = FileState(size=size, sha256=digest)
    return states


def copy_in(source: Path, names: list[str], storage: Storage | None = None) -> None:
    """Write the backup's documents into the storage under their own names."""
    storage = storage or default_storage
    for name in names:
        with _local(source, name).open("rb") as stream:
            saved = storage.save(name, File(stream, name=name))
        if saved != name:
            raise BackupError(f"document {name}: the storage kept it as {saved}")
