"""Reading the sheets of an XLSX workbook as rows of values, with calamine.

calamine reads a sheet whole, into a grid as large as the span of its cells: one cell at the last row and another
at the last column would make it ask for hundreds of gigabytes, and a failed allocation ends the process. So each
sheet's cell references are looked at first (two regular expressions over its XML when every cell gives its
reference first, else each row and cell placed in turn as calamine places them; the archive must have been
checked by `archives.scan_parts`: real sizes, no DTD), and a sheet with a value beyond the caps is refused before
calamine reads it. The workbook's parts must have distinct names, and every part a sheet's target could name is
looked at, so that the part looked at is the one calamine reads.

The values are calamine's: text, float (an integer as Excel writes it: 12.0), bool, and date, datetime, time or
timedelta for numbers that a date format shows as such (1900 and 1904 systems), a formula's cached value; an
empty cell is None here, as it is with openpyxl.
"""

import datetime
import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from xml.etree import ElementTree

from python_calamine import CalamineError, CalamineWorkbook

Cell = str | int | float | bool | datetime.datetime | datetime.date | datetime.time | datetime.timedelta | None

_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_REFERENCE = rb"""\br\s*=\s*["']([A-Za-z]+)(\d+)["']"""
# Every cell, with its column letters and row number when they come first as spreadsheet programs write them
# (`<c r="B12"`), else two empty groups.
_CELL = re.compile(rb'<(?:[\w.-]+:)?c(?: r="([A-Z]{1,3})(\d+)"|(?=[\s/>]))')
_ELEMENT = re.compile(rb"<(?:[\w.-]+:)?(row|c)(?=[\s/>])([^>]*?)(/?)>(</(?:[\w.-]+:)?c>)?")
_ROW_NUMBER = re.compile(rb"""\br\s*=\s*["'](\d+)["']""")
_CELL_REFERENCE = re.compile(_REFERENCE)


class WorkbookError(ValueError):
    """The workbook cannot be read: it is not an XLSX workbook, or a part of it is damaged."""


def column_number(letters: str) -> int:
    """A column's number from its letters (B → 2)."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


class Workbook:
    """The sheets of a workbook (by name, as written), each read row by row."""

    def __init__(self, data: bytes) -> None:
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
            self.book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        except (zipfile.BadZipFile, CalamineError, ValueError, OSError) as error:
            raise WorkbookError(str(error)) from error
        self.sheets: list[str] = list(self.book.sheet_names)
        self.parts = self._parts()

    def _parts(self) -> dict[str, tuple[str, ...]]:
        """Each sheet's part in the archive, by the sheet's name: every name its target could be read as, so that
        the part looked at is the one the reader reads, however the target is written."""
        names = self.archive.namelist()
        if len(set(names)) != len(names):
            raise WorkbookError("two parts have the same name")
        try:
            workbook = ElementTree.fromstring(self.archive.read("xl/workbook.xml"))
            relationships = ElementTree.fromstring(self.archive.read("xl/_rels/workbook.xml.rels"))
        except (KeyError, ElementTree.ParseError) as error:
            raise WorkbookError(str(error)) from error
        targets = {}
        for relationship in relationships:
            target = relationship.get("Target", "")
            read_as = {target.lstrip("/"), f"xl/{target}", posixpath.normpath(posixpath.join("xl", target))}
            targets[relationship.get("Id")] = tuple(sorted(part for part in read_as if part in names))
        return {
            sheet.get("name", ""): targets.get(sheet.get(_RELATIONSHIP), ())
            for sheet in workbook.iter()
            if sheet.tag.rpartition("}")[2] == "sheet"
        }

    def first_beyond(self, name: str, rows: int, columns: int) -> tuple[int, int] | None:
        """The (row, column) of the first cell with a value past `rows` or `columns`, in the sheet's order."""
        parts = self.parts.get(name)
        if not parts:
            raise WorkbookError(f"no part for the sheet {name}")
        for part in parts:
            data = self.archive.read(part)
            references = _CELL.findall(data)
            numbers = {number for _letters, number in references}
            if references and b"" not in numbers:
                # Every cell says where it is: the farthest row and column tell whether to look further.
                row = max(map(int, numbers))
                column = max(column_number(letters.decode()) for letters in {letters for letters, _ in references})
                if row <= rows and column <= columns:
                    continue
            if far := _first_beyond_counted(data, rows, columns):
                return far
        return None

    def rows(self, name: str, columns: int) -> Iterator[tuple[int, list[Cell], int]]:
        """The sheet's rows, each as (its number, its values up to `columns`, the number of the first column
        beyond `columns` that holds a value or 0). Rows without a value are not given."""
        try:
            sheet = self.book.get_sheet_by_name(name)
            # The rows are given from the first (empty ones before the sheet's first value), their cells from the
            # sheet's first column with a value.
            padding: list[Cell] = [None] * (sheet.start or (0, 0))[1]
            for offset, values in enumerate(sheet.iter_rows()):
                cells: list[Cell] = padding + [None if value == "" else value for value in values]
                while cells and cells[-1] is None:
                    cells.pop()
                if not cells:
                    continue
                beyond = columns + 1 if len(cells) > columns else 0
                while beyond and cells[beyond - 1] is None:
                    beyond += 1
                yield offset + 1, cells[:columns], beyond
        except CalamineError as error:
            raise WorkbookError(str(error)) from error


def _first_beyond_counted(data: bytes, rows: int, columns: int) -> tuple[int, int] | None:
    """`Workbook.first_beyond` for a sheet with rows or cells that do not say where they are: each is placed after
    the one before it, as the reader places them."""
    row = column = 0
    for match in _ELEMENT.finditer(data):
        tag, attributes, closed, empty = match.groups()
        if tag == b"row":
            found = _ROW_NUMBER.search(attributes)
            row = int(found.group(1)) if found else row + 1
            column = 0
            continue
        found = _CELL_REFERENCE.search(attributes)
        if found:
            row, column = int(found.group(2)), column_number(found.group(1).decode())
        else:
            column += 1
        if not closed and not empty and (row > rows or column > columns):
            return row, column
    return None
