"""Reading and writing the map's spreadsheets: CSV, a ZIP of CSVs, and XLSX with one sheet per table.

Pure file handling: bytes in, rows with their line numbers out (and back). No database here.
"""

import csv
import datetime
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.worksheet import Worksheet

ACTOR_COLUMNS = (
    "reference",
    "kind",
    "name_en",
    "name_fr",
    "acronym_en",
    "acronym_fr",
    "parent",
    "statutory",
    "legitimacy_disputed",
    "mandate_text",
    "mandate_reference",
    "confidence",
    "notes",
    "confidentiality",
)
RELATIONSHIP_COLUMNS = (
    "from",
    "type",
    "to",
    "legal_basis",
    "start",
    "end",
    "ongoing",
    "strength",
    "confidence",
    "notes",
    "confidentiality",
)
# A row of the actors or relationships table may cite one source inline with these columns; any number more
# go in the citations table.
INLINE_CITATION_COLUMNS = ("source_title", "source_author", "source_date", "source_url", "source_locator")
CITATION_COLUMNS = ("record", "actor", "from", "type", "to", "start", "title", "author", "date", "url", "locator")

TABLES = ("actors", "relationships", "citations")
COLUMNS = {
    "actors": ACTOR_COLUMNS + INLINE_CITATION_COLUMNS,
    "relationships": RELATIONSHIP_COLUMNS + INLINE_CITATION_COLUMNS,
    "citations": CITATION_COLUMNS,
}
REQUIRED = {"actors": ("reference", "kind"), "relationships": ("from", "type", "to"), "citations": ("record", "title")}

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024


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


class TableError(ValueError):
    """The file cannot be read as the map's tables; the message says which file and where."""


@dataclass(frozen=True, slots=True)
class Row:
    number: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()


@dataclass(slots=True)
class Tables:
    actors: list[Row] = field(default_factory=list)
    relationships: list[Row] = field(default_factory=list)
    citations: list[Row] = field(default_factory=list)

    def table(self, name: str) -> list[Row]:
        rows: list[Row] = getattr(self, name)
        return rows


def _cell_text(value: object) -> str:
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


def _rows(name: str, header: Sequence[object], body: Iterable[tuple[int, Sequence[object]]]) -> list[Row]:
    columns = [_cell_text(cell).strip().lower() for cell in header]
    missing = [column for column in REQUIRED[name] if column not in columns]
    if missing:
        raise TableError(f"{name}: missing column(s) {', '.join(missing)} in the header row")
    unknown = [column for column in columns if column and column not in COLUMNS[name]]
    if unknown:
        raise TableError(f"{name}: unknown column(s) {', '.join(unknown)}; expected {', '.join(COLUMNS[name])}")
    rows = []
    for number, cells in body:
        values = {
            column: unescape_formula(_cell_text(cell)) for column, cell in zip(columns, cells, strict=False) if column
        }
        if any(value.strip() for value in values.values()):
            rows.append(Row(number, values))
    return rows


def _guess_table(header: Sequence[str]) -> str:
    columns = {column.strip().lower() for column in header}
    if "record" in columns:
        return "citations"
    if {"from", "to"} <= columns:
        return "relationships"
    if "kind" in columns:
        return "actors"
    raise TableError(
        "the header row matches no table: actors need 'reference' and 'kind', relationships "
        "'from', 'type' and 'to', citations 'record' and 'title'"
    )


def _read_csv(data: bytes, *, name: str | None, filename: str) -> tuple[str, list[Row]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise TableError(f"{filename}, line {line}: the file is not UTF-8 text") from error
    sample = text[:4096]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise TableError(f"{filename}: the file is empty") from None
    except csv.Error as error:
        raise TableError(f"{filename}, line 1: {error}") from error
    table = name or _guess_table(header)
    try:
        body = [(reader.line_num, cells) for cells in reader]
    except csv.Error as error:
        raise TableError(f"{filename}, line {reader.line_num}: {error}") from error
    try:
        return table, _rows(table, header, body)
    except TableError as error:
        raise TableError(f"{filename}: {error}") from error


def _check_zip(archive: zipfile.ZipFile, filename: str) -> None:
    total = sum(member.file_size for member in archive.infolist())
    if total > MAX_UNCOMPRESSED_BYTES:
        raise TableError(f"{filename}: the archive unpacks to more than {MAX_UNCOMPRESSED_BYTES // 2**20} MB")


def _read_zip(data: bytes, filename: str) -> Tables:
    tables = Tables()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise TableError(f"{filename}: not a valid ZIP file") from error
    with archive:
        _check_zip(archive, filename)
        found = False
        for member in archive.namelist():
            stem = member.rsplit("/", 1)[-1].removesuffix(".csv").lower()
            if stem in TABLES and member.lower().endswith(".csv"):
                found = True
                _, rows = _read_csv(archive.read(member), name=stem, filename=f"{filename}:{member}")
                tables.table(stem).extend(rows)
        if not found:
            raise TableError(f"{filename}: the archive holds none of actors.csv, relationships.csv, citations.csv")
    return tables


def _read_xlsx(data: bytes, filename: str) -> Tables:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_zip(archive, filename)
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as error:
        raise TableError(f"{filename}: not a readable XLSX workbook") from error
    tables = Tables()
    try:
        names = {sheet.lower(): sheet for sheet in workbook.sheetnames}
        if not any(table in names for table in TABLES):
            raise TableError(f"{filename}: the workbook has no sheet named actors, relationships or citations")
        for table in TABLES:
            if table not in names:
                continue
            rows = workbook[names[table]].iter_rows(values_only=True)
            header = next(rows, None)
            if header is None:
                continue
            body = ((number, cells) for number, cells in enumerate(rows, start=2))
            try:
                tables.table(table).extend(_rows(table, header, body))
            except TableError as error:
                raise TableError(f"{filename}, sheet {error}") from error
    finally:
        workbook.close()
    return tables


def read_tables(data: bytes, *, filename: str) -> Tables:
    """Read an uploaded or given file by its extension: .csv (one table), .zip of CSVs, or .xlsx."""
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        return _read_xlsx(data, filename)
    if lower.endswith(".zip"):
        return _read_zip(data, filename)
    if lower.endswith((".csv", ".txt")):
        table, rows = _read_csv(data, name=None, filename=filename)
        tables = Tables()
        tables.table(table).extend(rows)
        return tables
    raise TableError(f"{filename}: unsupported file type; use .csv, .zip (of CSV files) or .xlsx")


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(columns)
    writer.writerows([escape_formula(_cell_text(cell)) for cell in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def write_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _append_text(sheet: Worksheet, values: list[str]) -> None:
    """Append a row of text. openpyxl stores a value starting with "=" as a formula: such a cell, and any other
    that a spreadsheet would read as one, is forced back to a string and marked with Excel's quote prefix, so that
    it stays text when edited; the text itself is kept as it is, and imports back unchanged."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and escape_formula(cell.value) != cell.value:
            cell.data_type = "s"
            cell.quotePrefix = True


def write_xlsx(
    sheets: Mapping[str, tuple[Sequence[str], Iterable[Sequence[object]]]],
    *,
    notes: Sequence[tuple[str, str, str]] = (),
) -> bytes:
    """A workbook with one sheet per table (bold, frozen header) and, when given, a sheet of valid codes."""
    workbook = Workbook(write_only=False)
    default = workbook.active
    if default is not None:
        workbook.remove(default)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE6F0")
    for name, (columns, rows) in sheets.items():
        sheet = workbook.create_sheet(name)
        sheet.append(list(columns))
        for cell in sheet[1]:
            cell.font = bold
            cell.fill = fill
        sheet.freeze_panes = "A2"
        for row in rows:
            _append_text(sheet, [_cell_text(cell) for cell in row])
        for index, column in enumerate(columns, start=1):
            width = max(12, min(40, len(column) + 4))
            sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = width
    if notes:
        sheet = workbook.create_sheet("codes")
        sheet.append(["column", "code", "meaning"])
        for cell in sheet[1]:
            cell.font = bold
        for note in notes:
            _append_text(sheet, list(note))
        sheet.column_dimensions["A"].width = 20
        sheet.column_dimensions["B"].width = 28
        sheet.column_dimensions["C"].width = 60
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
