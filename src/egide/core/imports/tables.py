"""Reading tables: CSV, a ZIP of CSVs, and XLSX with one sheet per table; and writing them back.

Pure file handling: bytes in, rows with their line numbers out (and back). No database here. Files are read as
streams and refused as soon as they pass a cap (ReadLimits), so that a small hostile file cannot take a worker's
memory or minutes. Which tables and columns a file may hold is the importer's `TableLayout`.
"""

import codecs
import csv
import datetime
import io
import itertools
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO

from django.utils.translation import gettext as _
from openpyxl import Workbook as WorkbookWriter
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from egide.core.imports.archives import (
    ARCHIVE_ERRORS,
    Budget,
    check_declared_sizes,
    damaged,
    open_archive,
    open_member,
    scan_parts,
)
from egide.core.imports.limits import FileRefused, ReadLimits, too_many_rows
from egide.core.imports.workbooks import Workbook, WorkbookError

# The most a single CSV line may hold before the reader gives up on it (a cell's text is limited further by csv).
MAX_LINE_BYTES = 2**20
# The reader holds a workbook's shared strings in memory, all at once: this bounds that part of a workbook.
MAX_SHARED_STRINGS_BYTES = 32 * 2**20
_LONE_CARRIAGE_RETURN = re.compile(r"(?<=\r)(?!\n)")

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What makes a spreadsheet read a cell as a formula (or, for tab and carriage return, hide one after them)."""
ESCAPE = "'"
NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def escape_formula(text: str) -> str:
    """The text behind an apostrophe when a spreadsheet would run it as a formula; a plain number is left alone,
    as a number is no formula."""
    if text.startswith(FORMULA_STARTS) and not NUMBER.fullmatch(text):
        return ESCAPE + text
    return text


def unescape_formula(text: str) -> str:
    """The text as it was before `escape_formula`: the import removes the one apostrophe an export put before a
    formula's first character, and no other."""
    if text.startswith(ESCAPE) and text[1:2] and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


@dataclass(frozen=True, slots=True)
class Place:
    """Where a row's problems are reported when the row is not a line of its own table: a citation read from a
    JSON document is reported at the record that holds it (actors, row 3, column citations[1].locator)."""

    table: str
    row: int
    prefix: str
    column_keys: Mapping[str, str] = field(default_factory=dict)
    """Columns named otherwise where the row comes from (a document's `target` for the `to` column)."""

    def column(self, column: str) -> str:
        return self.prefix + self.column_keys.get(column, column)


@dataclass(frozen=True, slots=True)
class Row:
    number: int
    values: dict[str, str]
    place: Place | None = None

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()


class UnknownColumns(FileRefused):
    """Header cells that name no column of their table, gathered over every table of the file, so that the import
    page can offer to map each of them to a column (or to leave it out) in one form."""

    def __init__(
        self, filename: str, unknown: dict[str, list[str]], present: dict[str, list[str]], layout: "TableLayout"
    ) -> None:
        self.unknown = unknown
        self.expected = {table: list(layout.columns[table]) for table in unknown}
        self.present = {table: present.get(table, []) for table in unknown}
        """The columns each table's header already names, which no unknown header may be mapped to again."""
        described = "; ".join(
            _("%(table)s: unknown column(s) %(columns)s; expected %(expected)s")
            % {"table": table, "columns": ", ".join(columns), "expected": ", ".join(layout.columns[table])}
            for table, columns in unknown.items()
        )
        super().__init__(f"{filename}: {described}")


ColumnMapping = Mapping[str, Mapping[str, str]]
"""For each table, what each header that names no column stands for: a column's name, or "" to leave it out."""


@dataclass(frozen=True, slots=True)
class TableLayout:
    """The tables a file may hold, in order, with their columns; `recognise` names the table a lone CSV file holds
    from its header's columns (None when none matches), and `unrecognised` says what each table's header needs."""

    columns: Mapping[str, Sequence[str]]
    required: Mapping[str, Sequence[str]]
    recognise: Callable[[set[str]], str | None]
    unrecognised: Callable[[], str]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.columns)


Rows = dict[str, list[Row]]


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def header_key(cell: object) -> str:
    """A header cell as it is compared and remembered: its text, stripped, in lower case."""
    return cell_text(cell).strip().lower()


class _Headers:
    """The header rows of one file, read against the layout and a column mapping: the columns each row's cells go
    to, and the headers that name no column, gathered over the whole file (UnknownColumns at the end)."""

    def __init__(self, layout: TableLayout, mapping: ColumnMapping | None) -> None:
        self.layout = layout
        self.mapping = mapping or {}
        self.unknown: dict[str, list[str]] = {}
        self.present: dict[str, list[str]] = {}

    def columns(self, name: str, header: Sequence[object]) -> list[str]:
        expected = self.layout.columns[name]
        mapped = self.mapping.get(name, {})
        columns = []
        for cell in header:
            column = header_key(cell)
            if column and column not in expected:
                if column in mapped:
                    column = mapped[column]
                else:
                    if column not in self.unknown.setdefault(name, []):
                        self.unknown[name].append(column)
                    column = ""
            columns.append(column)
        self.present[name] = [column for column in columns if column]
        missing = [column for column in self.layout.required[name] if column not in columns]
        if missing and name not in self.unknown:
            raise FileRefused(
                _("%(table)s: missing column(s) %(columns)s in the header row")
                % {"table": name, "columns": ", ".join(missing)}
            )
        return columns

    def check(self, filename: str) -> None:
        if self.unknown:
            raise UnknownColumns(filename, self.unknown, self.present, self.layout)


_SHARED_LENGTH = 300
"""Cells this short (references, codes, dates, yes or no) are kept once per file whatever the rows repeating
them: a large file's rows repeat them many times."""


def _row(number: int, columns: Sequence[str], cells: Sequence[object], shared: dict[str, str]) -> Row | None:
    """The row's values by column, or None for a row with nothing in it; `shared` keeps the short texts once."""
    values = {}
    blank = True
    for column, cell in zip(columns, cells, strict=False):
        if not column or cell is None or cell == "":
            continue  # an empty cell reads as one that is absent: the row keeps only what it holds
        text = cell if type(cell) is str else cell_text(cell)
        if text.startswith(ESCAPE):
            text = unescape_formula(text)
        if len(text) <= _SHARED_LENGTH:
            text = shared.setdefault(text, text)
        values[column] = text
        if blank and not text.isspace():
            blank = False
    return None if blank else Row(number, values)


def _guess_table(layout: TableLayout, header: Sequence[str], where: str, mapping: ColumnMapping) -> str:
    """The table a lone CSV file holds: by its columns, as they are or as the mapping renames them, or else by the
    file's name (actors.csv)."""
    columns = {header_key(cell) for cell in header}
    table = layout.recognise(columns)
    for name in layout.names:
        if table is None and mapping.get(name):
            table = layout.recognise({mapping[name].get(column) or column for column in columns})
    stem = where.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
    if table is None and stem in layout.names:
        table = stem
    if table is None:
        raise FileRefused(layout.unrecognised())
    return table


def _lines(stream: IO[bytes], where: str, budget: Budget | None) -> Iterator[str]:
    """The stream's text, line by line, decoded as UTF-8; a line too long, or bytes past the budget, stop it."""
    number = 0
    while line := stream.readline(MAX_LINE_BYTES + 1):
        number += 1
        if budget is not None:
            budget.spend(len(line), where)
        if len(line) > MAX_LINE_BYTES:
            raise FileRefused(
                _("%(where)s, line %(line)s: the line is longer than %(size)s MB.")
                % {"where": where, "line": number, "size": MAX_LINE_BYTES // 2**20}
            )
        if number == 1:
            line = line.removeprefix(codecs.BOM_UTF8)
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as error:
            raise FileRefused(
                _("%(where)s, line %(line)s: the file is not UTF-8 text") % {"where": where, "line": number}
            ) from error
        # Spreadsheets of old end lines with a carriage return alone; the csv module wants each line apart.
        if "\r" in text[:-2]:
            yield from (part for part in _LONE_CARRIAGE_RETURN.split(text) if part)
        else:
            yield text


def _read_csv_stream(
    stream: IO[bytes],
    *,
    layout: TableLayout,
    headers: _Headers,
    name: str | None,
    where: str,
    limits: ReadLimits,
    budget: Budget | None = None,
) -> tuple[str, list[Row]]:
    lines = _lines(stream, where, budget)
    sample: list[str] = []
    while sum(map(len, sample)) < 4096 and (line := next(lines, None)) is not None:
        sample.append(line)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff("".join(sample), delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(itertools.chain(sample, lines), dialect)
    try:
        try:
            header = next(reader)
        except StopIteration:
            raise FileRefused(_("%(where)s: the file is empty") % {"where": where}) from None
        if len(header) > limits.columns:
            raise FileRefused(
                _("%(where)s, line 1: the header has %(count)s columns; a table may have at most %(most)s.")
                % {"where": where, "count": len(header), "most": limits.columns}
            )
        try:
            table = name or _guess_table(layout, header, where, headers.mapping)
            columns = headers.columns(table, header)
        except FileRefused as error:
            raise FileRefused(_("%(where)s: %(problem)s") % {"where": where, "problem": error}) from error
        rows = []
        shared: dict[str, str] = {}
        for count, cells in enumerate(reader, start=1):
            if count > limits.rows:
                raise too_many_rows(where, table, limits)
            row = _row(reader.line_num, columns, cells, shared)
            if row is not None:
                rows.append(row)
    except csv.Error as error:
        raise FileRefused(
            _("%(where)s, line %(line)s: %(problem)s")
            % {"where": where, "line": max(reader.line_num, 1), "problem": error}
        ) from error
    return table, rows


def _read_zip(data: bytes, filename: str, layout: TableLayout, headers: _Headers, limits: ReadLimits) -> Rows:
    tables: Rows = {name: [] for name in layout.names}
    archive = open_archive(data, filename)
    budget = Budget(limits)
    with archive:
        check_declared_sizes(archive, filename, limits)
        found = False
        for member in archive.infolist():
            stem = member.filename.rsplit("/", 1)[-1].removesuffix(".csv").lower()
            if stem not in tables or not member.filename.lower().endswith(".csv"):
                continue
            found = True
            where = f"{filename}:{member.filename}"
            left = budget.left
            try:
                # Buffered: zipfile's own readline is written in Python, a buffered reader's in C.
                member_stream = open_member(archive, member, where)
                with member_stream, io.BufferedReader(member_stream, 2**16) as stream:  # type: ignore[type-var]
                    _table, rows = _read_csv_stream(
                        stream, layout=layout, headers=headers, name=stem, where=where, limits=limits, budget=budget
                    )
            except ARCHIVE_ERRORS as error:
                raise damaged(where) from error
            # zipfile checks the checksum but not a declared size larger than the content: both must agree.
            if left - budget.left != member.file_size:
                raise damaged(where)
            if len(tables[stem]) + len(rows) > limits.rows:
                raise too_many_rows(where, stem, limits)
            tables[stem].extend(rows)
        if not found:
            raise FileRefused(
                _("%(file)s: the archive holds none of %(files)s")
                % {"file": filename, "files": ", ".join(f"{name}.csv" for name in layout.names)}
            )
    return tables


def _scan_workbook(archive: zipfile.ZipFile, filename: str, limits: ReadLimits) -> None:
    """Read every part once, counting what it really unpacks to, and refuse any XML part with a DTD or entities.

    No part of a workbook needs a DTD or entities, and an XML parser may expand them: they are refused before the
    reader reads anything.
    """
    for part, size in scan_parts(archive, filename, limits).items():
        if part.lower().endswith("sharedstrings.xml") and size > MAX_SHARED_STRINGS_BYTES:
            raise FileRefused(
                _("%(file)s: the workbook's shared strings unpack to more than %(size)s MB.")
                % {"file": filename, "size": MAX_SHARED_STRINGS_BYTES // 2**20}
            )


def _sheet_rows(
    workbook: Workbook, sheet: str, headers: _Headers, table: str, where: str, limits: ReadLimits
) -> list[Row]:
    """The sheet's rows, read over its real cells (never its declared dimension), stopping at the caps.

    A value beyond the caps is looked for in the sheet's XML before the sheet is read: the reader holds the span
    of a sheet's cells in memory at once."""
    far = workbook.first_beyond(sheet, limits.rows + 1, limits.columns)
    if far is not None and far[1] > limits.columns:
        raise _beyond(where, far[0], far[1], limits)
    if far is not None:
        raise too_many_rows(where, table, limits)
    rows: list[Row] = []
    shared: dict[str, str] = {}
    columns: list[str] | None = None
    for number, cells, beyond in workbook.rows(sheet, limits.columns):
        if beyond:
            raise _beyond(where, number, beyond, limits)
        if columns is None:
            try:
                # The header is the first row: a sheet whose first row is empty has no header.
                columns = headers.columns(table, cells if number == 1 else [])
            except FileRefused as error:
                raise FileRefused(f"{where.rsplit(', sheet ', 1)[0]}, sheet {error}") from error
            if number == 1:
                continue
        if number > limits.rows + 1:
            raise too_many_rows(where, table, limits)
        row = _row(number, columns, cells, shared)
        if row is not None:
            rows.append(row)
    return rows


def _beyond(where: str, row: int, column: int, limits: ReadLimits) -> FileRefused:
    return FileRefused(
        _("%(where)s, row %(row)s: column %(column)s holds a value; a sheet may have at most %(most)s columns.")
        % {"where": where, "row": row, "column": get_column_letter(column), "most": limits.columns}
    )


# What reading a workbook raises when it cannot: not a ZIP, a missing part, a damaged member or XML.
_WORKBOOK_ERRORS = (zipfile.BadZipFile, WorkbookError, KeyError, OSError, ValueError, EOFError, zlib.error)


def _read_xlsx(data: bytes, filename: str, layout: TableLayout, headers: _Headers, limits: ReadLimits) -> Rows:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _WORKBOOK_ERRORS as error:
        raise FileRefused(_("%(file)s: not a readable XLSX workbook") % {"file": filename}) from error
    with archive:
        _scan_workbook(archive, filename, limits)
    try:
        workbook = Workbook(data)
    except _WORKBOOK_ERRORS as error:
        raise FileRefused(_("%(file)s: not a readable XLSX workbook") % {"file": filename}) from error
    tables: Rows = {name: [] for name in layout.names}
    names = {sheet.lower(): sheet for sheet in workbook.sheets}
    if not any(table in names for table in tables):
        raise FileRefused(
            _("%(file)s: the workbook has no sheet named %(sheets)s")
            % {"file": filename, "sheets": _("%(names)s or %(last)s") % _either(layout.names)}
        )
    for table in tables:
        if table in names:
            where = f"{filename}, sheet {table}"
            try:
                tables[table].extend(_sheet_rows(workbook, names[table], headers, table, where, limits))
            except FileRefused:
                raise
            except _WORKBOOK_ERRORS as error:
                raise FileRefused(_("%(where)s: the sheet cannot be read") % {"where": where}) from error
    return tables


def _either(names: Sequence[str]) -> dict[str, str]:
    return {"names": ", ".join(names[:-1]), "last": names[-1]}


TABLE_EXTENSIONS = (".xlsx", ".zip", ".csv", ".txt")


def read_tables(
    data: bytes,
    *,
    filename: str,
    layout: TableLayout,
    limits: ReadLimits | None = None,
    mapping: ColumnMapping | None = None,
) -> Rows:
    """Read an uploaded or given file by its extension: .csv (one table), .zip of CSVs, or .xlsx.

    `mapping` says what headers that name no column stand for; any other such header, in any table, makes the
    whole file refused with UnknownColumns once every table is read, so that all of them are named at once.
    """
    limits = limits or ReadLimits.from_settings()
    headers = _Headers(layout, mapping)
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        tables = _read_xlsx(data, filename, layout, headers, limits)
    elif lower.endswith(".zip"):
        tables = _read_zip(data, filename, layout, headers, limits)
    elif lower.endswith((".csv", ".txt")):
        table, rows = _read_csv_stream(
            io.BytesIO(data), layout=layout, headers=headers, name=None, where=filename, limits=limits
        )
        tables = {name: rows if name == table else [] for name in layout.names}
    else:
        raise FileRefused(
            _("%(file)s: unsupported file type; use .csv, .zip (of CSV files) or .xlsx") % {"file": filename}
        )
    headers.check(filename)
    return tables


_FORMULA_FIRST = frozenset(start[0] for start in FORMULA_STARTS)


def _csv_cell(value: object) -> str:
    """`escape_formula(cell_text(value))`, quicker for the usual cell (text that starts no formula): an export of
    a large map writes half a million cells."""
    text = value if type(value) is str else cell_text(value)
    if text[:1] in _FORMULA_FIRST:
        return escape_formula(text)
    return text


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([_csv_cell(cell) for cell in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def append_text(sheet: Worksheet | WriteOnlyWorksheet, values: Sequence[object]) -> None:
    """Append a row (text, numbers, dates) to a sheet of any XLSX export. openpyxl stores a value starting with "="
    as a formula: such a cell, and any other that a spreadsheet would read as one, is forced back to a string and
    marked with Excel's quote prefix, so that it stays text when edited; the text itself is kept as it is, and
    imports back unchanged."""
    if isinstance(sheet, WriteOnlyWorksheet):  # no cell to mark once appended: marked before
        sheet.append([_write_only_text(sheet, value) for value in values])
        return
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and escape_formula(cell.value) != cell.value:
            cell.data_type = "s"
            cell.quotePrefix = True


def _write_only_text(sheet: WriteOnlyWorksheet, value: object) -> object:
    if isinstance(value, str) and escape_formula(value) != value:
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell
    return value


LISTS_SHEET = "lists"
"""The hidden sheet that holds the drop-down lists of a template's coded columns."""


def _add_drop_downs(
    workbook: WorkbookWriter, sheets: Mapping[str, Worksheet], choices: Mapping[str, Mapping[str, Sequence[str]]]
) -> None:
    """A drop-down list on every coded column, its codes kept once each in a hidden sheet (a list written in the
    rule itself may hold only 255 characters, fewer than the kinds of actor take)."""
    lists = workbook.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    placed: dict[tuple[str, ...], str] = {}
    for name, columns in choices.items():
        sheet = sheets[name]
        header = [cell.value for cell in sheet[1]]
        for column, codes in columns.items():
            if column not in header or not codes:
                continue
            key = tuple(codes)
            if key not in placed:
                letter = get_column_letter(len(placed) + 1)
                for number, code in enumerate(codes, start=1):
                    lists[f"{letter}{number}"] = code
                placed[key] = f"{LISTS_SHEET}!${letter}$1:${letter}${len(codes)}"
            rule = DataValidation(type="list", formula1=placed[key], allow_blank=True, showErrorMessage=True)
            rule.error = _("Choose one of the codes of the list (the codes sheet says what each one means).")
            rule.errorTitle = _("Not a code of this column")
            sheet.add_data_validation(rule)
            target = get_column_letter(header.index(column) + 1)
            rule.add(f"{target}2:{target}{DROP_DOWN_ROWS}")


DROP_DOWN_ROWS = 50_001
"""The rows of a template that offer the drop-down lists: as many as an import accepts, after the header."""


def write_xlsx(
    sheets: Mapping[str, tuple[Sequence[str], Iterable[Sequence[object]]]],
    *,
    notes: Sequence[tuple[str, str, str]] = (),
    choices: Mapping[str, Mapping[str, Sequence[str]]] | None = None,
) -> bytes:
    """A workbook with one sheet per table (bold, frozen header), when given a sheet of valid codes, and drop-down
    lists of `choices` (sheet, then column, then its codes)."""
    workbook = WorkbookWriter(write_only=False)
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE6F0")
    created: dict[str, Worksheet] = {}
    for name, (columns, rows) in sheets.items():
        sheet = workbook.create_sheet(name)
        created[name] = sheet
        sheet.append(list(columns))
        for cell in sheet[1]:
            cell.font = bold
            cell.fill = fill
        sheet.freeze_panes = "A2"
        for row in rows:
            append_text(sheet, [cell_text(cell) for cell in row])
        for index, column in enumerate(columns, start=1):
            width = max(12, min(40, len(column) + 4))
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    if notes:
        sheet = workbook.create_sheet("codes")
        sheet.append(["column", "code", "meaning"])
        for cell in sheet[1]:
            cell.font = bold
        for note in notes:
            append_text(sheet, list(note))
        sheet.column_dimensions["A"].width = 20
        sheet.column_dimensions["B"].width = 28
        sheet.column_dimensions["C"].width = 60
    if choices:
        _add_drop_downs(workbook, created, choices)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
