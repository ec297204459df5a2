"""The two files a list is exported to, written row by row so that memory does not grow with the rows: CSV as a
stream of byte chunks (UTF-8 with a byte-order mark, which Excel needs to read the accents), XLSX through openpyxl's
write-only mode (each row goes to a temporary file as it is appended) into a file object.

Text that a spreadsheet would run as a formula (it starts with = + - @) is neutralised: in CSV behind an apostrophe
(egide.core.imports.tables.escape_formula, which leaves plain numbers alone), in XLSX stored as text with Excel's
quote prefix. Numbers stay numbers and dates stay dates in XLSX."""

import csv
import datetime
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import IO

from openpyxl import Workbook

from egide.core.imports.tables import append_text, escape_formula

BYTE_ORDER_MARK = "\ufeff"
CSV_BATCH_ROWS = 500
"""Rows written to the CSV stream at a time: chunks of some tens of kilobytes, the first one sent at once."""


def csv_text(value: object) -> str:
    """A cell as CSV text: dates in ISO 8601, numbers as written, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, int | float):
        return str(value)
    return escape_formula(str(value))


def csv_chunks(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[bytes]:
    """The CSV file in chunks: the byte-order mark and the headers first, then the rows a batch at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BYTE_ORDER_MARK)
    writer.writerow([csv_text(header) for header in headers])
    yield buffer.getvalue().encode()
    buffer.seek(0)
    buffer.truncate()
    for count, row in enumerate(rows, start=1):
        writer.writerow([csv_text(value) for value in row])
        if count % CSV_BATCH_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode()


def xlsx_value(value: object) -> object:
    """A cell as openpyxl stores it: a date-time without its time zone (Excel has none), in UTC."""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return value.astimezone(datetime.UTC).replace(tzinfo=None)
    return value


def write_xlsx(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    destination: IO[bytes],
    *,
    title: str,
    on_rows: Callable[[int], None] | None = None,
    every: int = 5_000,
) -> int:
    """Write one sheet of the rows into `destination`; `on_rows` is told the rows written every `every` rows.
    Returns the number of rows."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_sheet_title(title))
    sheet.freeze_panes = "A2"
    append_text(sheet, list(headers))
    count = 0
    for row in rows:
        append_text(sheet, [xlsx_value(value) for value in row])
        count += 1
        if on_rows is not None and count % every == 0:
            on_rows(count)
    workbook.save(destination)
    return count


def write_csv(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    destination: IO[bytes],
    *,
    on_rows: Callable[[int], None] | None = None,
    every: int = 5_000,
) -> int:
    """Write the CSV file into `destination`; as `write_xlsx`."""
    count = 0

    def counted() -> Iterator[Sequence[object]]:
        nonlocal count
        for row in rows:
            yield row
            count += 1
            if on_rows is not None and count % every == 0:
                on_rows(count)

    for chunk in csv_chunks(headers, counted()):
        destination.write(chunk)
    return count


_SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def _sheet_title(title: str) -> str:
    """A sheet's name as Excel allows it: 31 characters, none of []:*?/\\."""
    return title.translate(_SHEET_FORBIDDEN).strip()[:31] or "export"
