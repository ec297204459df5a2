"""Checksums of a table's rows and of files, the same however and wherever they are read. Pure: rows come in as
tuples of the values a database driver returns."""

import datetime
import decimal
import hashlib
import json
import uuid
from collections.abc import Iterable
from typing import IO, Any

CHUNK = 1024 * 1024


def encode_value(value: Any) -> str:
    """One value as text that names its type, so that 1, 1.0, "1" and True never read alike."""
    if value is None:
        return "N"
    if isinstance(value, bool):
        return f"b:{int(value)}"
    if isinstance(value, int):
        return f"i:{value}"
    if isinstance(value, float):
        return f"f:{value!r}"
    if isinstance(value, str):
        return f"s:{value}"
    if isinstance(value, bytes | bytearray | memoryview):
        return f"x:{bytes(value).hex()}"
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return f"t:{value.isoformat()}"
    if isinstance(value, decimal.Decimal | uuid.UUID | datetime.timedelta):
        return f"{type(value).__name__}:{value}"
    # JSON read as data, arrays, and whatever a driver returns beyond these: a stable text of it.
    return f"j:{json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)}"


def encode_row(row: Iterable[Any]) -> bytes:
    """A row as bytes: each value prefixed by its length, so that no two rows encode alike."""
    parts = [encode_value(value) for value in row]
    return "\x1e".join(f"{len(part)}:{part}" for part in parts).encode("utf-8", "surrogatepass") + b"\n"


def rows_digest(rows: Iterable[Iterable[Any]]) -> tuple[int, str]:
    """How many rows, and the SHA-256 of their encodings in the order given."""
    digest = hashlib.sha256()
    count = 0
    for row in rows:
        digest.update(encode_row(row))
        count += 1
    return count, digest.hexdigest()


def unordered_rows_digest(rows: Iterable[Iterable[Any]]) -> tuple[int, str]:
    """The same for a table without a primary key: its rows sorted by their encodings first."""
    encoded = sorted(encode_row(row) for row in rows)
    digest = hashlib.sha256()
    for line in encoded:
        digest.update(line)
    return len(encoded), digest.hexdigest()


def file_digest(stream: IO[bytes]) -> tuple[int, str]:
    """A file's size and SHA-256, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()
