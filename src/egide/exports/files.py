"""A list's rows written as a file: streamed to the browser (CSV), or into a temporary file (XLSX, and any file the
background worker keeps). One place that turns a list, its columns and its rows into bytes."""

import tempfile
from collections.abc import Callable, Iterator, Sequence
from typing import IO

from egide.exports.columns import Column, Rows, table
from egide.exports.models import ExportFormat
from egide.exports.writers import csv_chunks, write_csv, write_xlsx

CONTENT_TYPES = {
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}

SPOOL_BYTES = 2**20
"""A file being written stays in memory up to this size, then goes to the disk."""


def headers(columns: Sequence[Column]) -> list[str]:
    return [str(column.header) for column in columns]


def csv_stream(columns: Sequence[Column], rows: Rows) -> Iterator[bytes]:
    return csv_chunks(headers(columns), table(columns, rows.records()))


def write_file(
    fmt: str,
    columns: Sequence[Column],
    rows: Rows,
    *,
    title: str,
    on_rows: Callable[[int], None] | None = None,
) -> tuple[IO[bytes], int]:
    """The file in a temporary file (deleted when closed), at its start, and the number of rows written."""
    destination = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - the caller closes it
    cells = table(columns, rows.records())
    if fmt == ExportFormat.XLSX:
        count = write_xlsx(headers(columns), cells, destination, title=title, on_rows=on_rows)
    else:
        count = write_csv(headers(columns), cells, destination, on_rows=on_rows)
    destination.seek(0)
    return destination, count
