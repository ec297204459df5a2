"""Reading the sheets of an XLSX workbook as rows of values, as fast as a CSV file is read.

A workbook is a ZIP of XML parts: the workbook names its sheets, the relationships say where each part is, the
shared strings hold the text of the cells, the styles say which numbers are dates. Each part is read here with
expat, keeping only the values (a cell's cached value, never its formula): no object per cell, and a sheet is read
as a stream, so that a reader that stops at a cap has not read the rest. The archive must have been checked first
(sizes, and no DTD or entity declarations: `archives.scan_parts`).

The values are those openpyxl gives in read-only mode with `values_only=True`: text, int or float, bool, and
datetime (or time) for the numbers that a date format shows as dates.
"""

import codecs
import contextlib
import datetime
import itertools
import operator
import posixpath
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from typing import IO
from xml.parsers import expat

from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

_CHUNK = 2**16
_OFFICE_DOCUMENT = "/officeDocument"
Cell = str | int | float | bool | datetime.datetime | datetime.date | datetime.time | datetime.timedelta | None


class WorkbookError(ValueError):
    """The workbook's structure cannot be read: a part is missing or is not the XML it should be."""


def _local(name: str) -> str:
    """An element's or attribute's name without its namespace (expat gives "namespace name")."""
    return name.rpartition(" ")[2]


def _attributes(attributes: dict[str, str]) -> dict[str, str]:
    return {_local(name): value for name, value in attributes.items()}


def _parse(
    stream: IO[bytes],
    start: Callable[[str, dict[str, str]], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> Iterator[None]:
    """Feed the stream to expat in chunks, yielding after each, with the handlers given (names without their
    namespace)."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = lambda name, attributes: start(_local(name), attributes)
    if end is not None:
        parser.EndElementHandler = lambda name: end(_local(name))
    if text is not None:
        parser.CharacterDataHandler = text
    try:
        while chunk := stream.read(_CHUNK):
            parser.Parse(chunk, False)
            yield
        parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise WorkbookError(str(error)) from error
    yield


def _read_all(stream: IO[bytes], start: Callable[[str, dict[str, str]], None], **handlers: Callable) -> None:
    for _ in _parse(stream, start, **handlers):
        pass


def _part(archive: zipfile.ZipFile, name: str) -> IO[bytes]:
    try:
        return archive.open(name)
    except KeyError as error:
        raise WorkbookError(f"no part {name}") from error


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, tuple[str, str]]:
    """The relationships of a part: by id, (type, the target's name in the archive)."""
    folder, name = posixpath.split(part)
    found: dict[str, tuple[str, str]] = {}

    def start(tag: str, attributes: dict[str, str]) -> None:
        if tag == "Relationship":
            values = _attributes(attributes)
            target = values.get("Target", "")
            if values.get("TargetMode") == "External":
                return
            target = (
                target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
            )
            found[values.get("Id", "")] = (values.get("Type", ""), target)

    try:
        stream = archive.open(posixpath.join(folder, "_rels", f"{name}.rels"))
    except KeyError:
        return found
    with stream:
        _read_all(stream, start)
    return found


class Workbook:
    """The sheets of a workbook (by name, as written) and what reading their cells needs."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        package = _relationships(archive, "")
        documents = [target for kind, target in package.values() if kind.endswith(_OFFICE_DOCUMENT)]
        self.part = documents[0] if documents else "xl/workbook.xml"
        related = _relationships(archive, self.part)
        self.sheets: dict[str, str] = {}
        self.epoch = CALENDAR_WINDOWS_1900
        sheet_ids: list[tuple[str, str]] = []

        def start(tag: str, attributes: dict[str, str]) -> None:
            if tag == "sheet":
                values = _attributes(attributes)
                sheet_ids.append((values.get("name", ""), values.get("id", "")))
            elif tag == "workbookPr" and _attributes(attributes).get("date1904", "").lower() in ("1", "true"):
                self.epoch = CALENDAR_MAC_1904

        with _part(archive, self.part) as stream:
            _read_all(stream, start)
        for name, relationship in sheet_ids:
            kind, target = related.get(relationship, ("", ""))
            if kind.endswith("/worksheet"):
                self.sheets[name] = target
        targets = {kind.rpartition("/")[2]: target for kind, target in related.values()}
        self.strings = self._strings(targets.get("sharedStrings"))
        self.dates, self.durations = self._date_styles(targets.get("styles"))

    def _strings(self, part: str | None) -> list[str]:
        """The shared strings: each item's text, its runs joined, without its phonetic reading."""
        strings: list[str] = []
        if part is None or part not in self.archive.namelist():
            return strings
        pieces: list[str] = []
        state = {"text": False, "phonetic": 0}

        def start(tag: str, attributes: dict[str, str]) -> None:
            if tag == "si":
                pieces.clear()
            elif tag == "t":
                state["text"] = True
            elif tag == "rPh":
                state["phonetic"] += 1

        def end(tag: str) -> None:
            if tag == "si":
                strings.append("".join(pieces))
            elif tag == "t":
                state["text"] = False
            elif tag == "rPh":
                state["phonetic"] -= 1

        def text(data: str) -> None:
            if state["text"] and not state["phonetic"]:
                pieces.append(data)

        with _part(self.archive, part) as stream:
            _read_all(stream, start, end=end, text=text)
        return strings

    def _date_styles(self, part: str | None) -> tuple[set[int], set[int]]:
        """The cell styles (their index) that show a number as a date or time, and those that show a duration."""
        dates: set[int] = set()
        durations: set[int] = set()
        if part is None or part not in self.archive.namelist():
            return dates, durations
        formats = dict(BUILTIN_FORMATS)
        styles: list[int] = []
        within = {"cellXfs": False}

        def start(tag: str, attributes: dict[str, str]) -> None:
            values = _attributes(attributes)
            if tag == "numFmt":
                with contextlib.suppress(ValueError):
                    formats[int(values.get("numFmtId", ""))] = values.get("formatCode", "")
            elif tag == "cellXfs":
                within["cellXfs"] = True
            elif tag == "xf" and within["cellXfs"]:
                try:
                    styles.append(int(values.get("numFmtId", "0")))
                except ValueError:
                    styles.append(0)

        def end(tag: str) -> None:
            if tag == "cellXfs":
                within["cellXfs"] = False

        with _part(self.archive, part) as stream:
            _read_all(stream, start, end=end)
        for index, number_format in enumerate(styles):
            code = formats.get(number_format, "")
            if code and is_date_format(code):
                dates.add(index)
                if is_timedelta_format(code):
                    durations.add(index)
        return dates, durations

    def rows(self, name: str, columns: int) -> Iterator[tuple[int, list[Cell], int]]:
        """The sheet's rows as they are in its XML, each as (its number, its values up to `columns`, the number of
        the first column beyond `columns` that holds a value or 0). Rows without a cell are not given.

        The sheet is parsed once by expat without handlers (in C: is it well-formed XML, and is it written
        plainly?); a plain sheet, as spreadsheet programs write them, is then read with regular expressions, each
        row's cells at once, and any other with expat's handlers, one call per element.
        """
        part = self.sheets[name]
        reader = _SheetReader(self, part, columns)
        if _plain(self.archive, part):
            return _plain_rows(reader)
        return reader.rows()


_UNUSUAL = (b"<![CDATA[", b"<!--")


def _plain(archive: zipfile.ZipFile, part: str) -> bool:
    """Whether the part is well-formed XML in UTF-8 without CDATA sections, comments or processing instructions
    (past its declaration): what a regular expression reads as expat would. WorkbookError if it is not XML."""
    parser = expat.ParserCreate()
    plain = True
    tail = b""
    first = True
    with _part(archive, part) as stream:
        try:
            while chunk := stream.read(_CHUNK):
                parser.Parse(chunk, False)
                window = tail + chunk
                if first:
                    declaration = window[: window.find(b"?>") + 2] if window.startswith(b"<?xml") else b""
                    if declaration and b"encoding" in declaration and b"utf-8" not in declaration.lower():
                        plain = False
                    window = window[len(declaration) :]
                    first = False
                if plain and (any(marker in window for marker in _UNUSUAL) or b"<?" in window):
                    plain = False
                tail = window[-8:]
            parser.Parse(b"", True)
        except expat.ExpatError as error:
            raise WorkbookError(f"{part}: {error}") from error
    return plain


_ROW = re.compile(r"<(?:[\w.-]+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?row\s*>)", re.S)
_CELL = re.compile(r"<(?:[\w.-]+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?c\s*>)", re.S)
_ATTRIBUTE = re.compile(r"(?:[\w.-]+:)?([\w.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_VALUE = re.compile(r"<(?:[\w.-]+:)?v(?:\s[^>]*)?>(.*?)</(?:[\w.-]+:)?v\s*>", re.S)
_TEXT = re.compile(r"<(?:[\w.-]+:)?t(?:\s[^>]*)?>(.*?)</(?:[\w.-]+:)?t\s*>", re.S)
_PHONETIC = re.compile(r"<(?:[\w.-]+:)?rPh\b.*?</(?:[\w.-]+:)?rPh\s*>", re.S)
_REFERENCE = re.compile(r"&(?:#(\d+)|#x([0-9a-fA-F]+)|(lt|gt|amp|quot|apos));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _character(match: re.Match[str]) -> str:
    decimal, hexadecimal, name = match.groups()
    if name:
        return _NAMED[name]
    return chr(int(decimal) if decimal else int(hexadecimal, 16))


def _unescape(text: str) -> str:
    """XML's text as expat gives it: references replaced, line ends normalised."""
    if "&" in text:
        text = _REFERENCE.sub(_character, text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _plain_rows(reader: "_SheetReader") -> Iterator[tuple[int, list[Cell], int]]:
    """A plain sheet's rows (see `_plain`), read with regular expressions, a chunk of whole rows at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    buffer = ""
    number = 0
    with _part(reader.workbook.archive, reader.part) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            buffer += decoder.decode(chunk, final=not chunk)
            cut = buffer.rfind("row>") + 4 if chunk else len(buffer)
            if cut >= 4:
                text, buffer = buffer[:cut], buffer[cut:]
                yield from _rows_of(reader, text, number)
                number = reader.number
            if not chunk:
                return


def _rows_of(reader: "_SheetReader", text: str, number: int) -> Iterator[tuple[int, list[Cell], int]]:
    """The rows of a piece of a plain sheet that ends with a whole row; the last row's number is left in
    `reader.number`."""
    cells = _CANONICAL_CELL.findall(text)
    if len(cells) == text.count("<c ") + text.count("<c>") + text.count("<c/>") and ":c" not in text:
        for row_number, found in itertools.groupby(cells, key=_ROW_NUMBER):
            reader.number = int(row_number)
            yield _canonical_row(reader, reader.number, found)
        return
    for match in _ROW.finditer(text):
        number += 1
        for name, double, single in _ATTRIBUTE.findall(match.group(1)):
            if name == "r" and (double or single).isdigit():
                number = int(double or single)
        reader.number = number
        yield _plain_row(reader, number, match.group(2) or "")


_ROW_NUMBER = operator.itemgetter(1)


_CANONICAL_CELL = re.compile(
    r'<c r="([A-Z]{1,3})(\d+)"(?: s="(\d+)")?(?: t="(\w+)")?(?: s="(\d+)")?\s*'
    r"(?:/>|>(?:<v>([^<]*)</v>|<is><t(?: [^>]*)?>([^<]*)</t></is>)?</c>)"
)
"""A cell as spreadsheet programs write it: its reference, style, type, and a value or inline text (no formula,
no rich text): each row of such cells is read with one call, the rest as `_plain_row` reads them."""
_COLUMNS: dict[str, int] = {}


def _canonical_row(
    reader: "_SheetReader", number: int, found: Iterable[tuple[str, ...]]
) -> tuple[int, list[Cell], int]:
    cells: list[Cell] = []
    beyond = 0
    strings = reader.workbook.strings
    columns = _COLUMNS
    for letters, _number, style, kind, style_after, value, inline in found:
        column = columns.get(letters) or columns.setdefault(letters, _column_number(letters))
        text = inline if kind == "inlineStr" else value
        if "&" in text or "\r" in text:
            text = _unescape(text)
        if kind == "inlineStr" or kind == "str":
            cell: Cell = text
        elif kind == "s":
            cell = strings[int(text)] if text else None
        else:
            cell = reader.cell(text, kind or "n", int(style or style_after or 0))
        if cell is None or cell == "":
            continue  # as absent as an empty cell is (the row is padded with None)
        if column > reader.columns:
            beyond = beyond or column
            continue
        present = len(cells)
        if column == present + 1:
            cells.append(cell)
        elif column > present:
            cells.extend([None] * (column - present - 1))
            cells.append(cell)
        else:
            cells[column - 1] = cell
    return number, cells, beyond


def _plain_row(reader: "_SheetReader", number: int, content: str) -> tuple[int, list[Cell], int]:
    cells: list[Cell] = []
    beyond = 0
    column = 0
    for attributes, inner in _CELL.findall(content):
        column += 1
        reader.kind = "n"
        reader.style = 0
        for name, double, single in _ATTRIBUTE.findall(attributes):
            value = double or single
            if name == "r":
                column = _column_number(value) or column
            elif name == "t":
                reader.kind = value
            elif name == "s":
                reader.style = int(value) if value.isdigit() else 0
        if not inner:
            text = ""
        elif reader.kind == "inlineStr":
            if "rPh" in inner:
                inner = _PHONETIC.sub("", inner)
            text = _unescape("".join(_TEXT.findall(inner)))
        else:
            found = _VALUE.search(inner)
            text = _unescape(found.group(1)) if found else ""
        value = reader.cell(text, reader.kind, reader.style)
        if value is None:
            continue
        if column > reader.columns:
            beyond = beyond or column
            continue
        if column > len(cells):
            cells.extend([None] * (column - len(cells)))
        cells[column - 1] = value
    return number, cells, beyond


def _column_number(reference: str) -> int:
    """The column of a cell reference (B12 → 2)."""
    number = 0
    for letter in reference:
        if "A" <= letter <= "Z":
            number = number * 26 + ord(letter) - 64
        elif "a" <= letter <= "z":
            number = number * 26 + ord(letter) - 96
        else:
            break
    return number


class _SheetReader:
    """One sheet read with expat's handlers called directly (the hot loop of reading a workbook): element names
    are compared without their namespace prefix, looked up once per name."""

    def __init__(self, workbook: Workbook, part: str, columns: int) -> None:
        self.workbook = workbook
        self.part = part
        self.columns = columns
        self.names: dict[str, str] = {}
        self.done: list[tuple[int, list[Cell], int]] = []
        self.number = 0
        self.cells: list[Cell] = []
        self.beyond = 0
        self.column = 0
        self.kind = "n"
        self.style = 0
        self.value: list[str] = []
        self.reading = False
        self.inline = False

    def local(self, name: str) -> str:
        tag = self.names.get(name)
        if tag is None:
            tag = self.names[name] = name.rpartition(":")[2]
        return tag

    def start(self, name: str, attributes: dict[str, str]) -> None:
        tag = self.names.get(name) or self.local(name)
        if tag == "c":
            self.column += 1
            self.kind = "n"
            self.style = 0
            for key, value in attributes.items():
                key = self.names.get(key) or self.local(key)
                if key == "r":
                    self.column = _column_number(value) or self.column
                elif key == "t":
                    self.kind = value
                elif key == "s":
                    self.style = int(value) if value.isdigit() else 0
            self.value.clear()
        elif tag == "v" or (tag == "t" and self.inline):
            self.reading = True
        elif tag == "is":
            self.inline = True
        elif tag == "row":
            self.number += 1
            for key, value in attributes.items():
                if (self.names.get(key) or self.local(key)) == "r" and value.isdigit():
                    self.number = int(value)
            self.cells = []
            self.beyond = 0
            self.column = 0

    def end(self, name: str) -> None:
        tag = self.names.get(name) or self.local(name)
        if tag == "c":
            value = self.cell("".join(self.value), self.kind, self.style)
            if value is None:
                return
            if self.column > self.columns:
                if not self.beyond:
                    self.beyond = self.column
                return
            if self.column > len(self.cells):
                self.cells.extend([None] * (self.column - len(self.cells)))
            self.cells[self.column - 1] = value
        elif tag == "v" or tag == "t":
            self.reading = False
        elif tag == "is":
            self.inline = False
        elif tag == "row":
            self.done.append((self.number, self.cells, self.beyond))

    def text(self, data: str) -> None:
        if self.reading:
            self.value.append(data)

    def cell(self, text: str, kind: str, style: int) -> Cell:
        if kind == "s":
            return self.workbook.strings[int(text)] if text else None
        if kind == "inlineStr" or kind == "str" or kind == "e":
            return text
        if not text:
            return None
        if kind == "b":
            return text.strip() in ("1", "true")
        if kind == "d":
            return from_ISO8601(text)
        number: int | float = float(text) if ("." in text or "E" in text or "e" in text) else int(text)
        if style in self.workbook.dates:
            try:
                return from_excel(number, self.workbook.epoch, timedelta=style in self.workbook.durations)
            except (OverflowError, ValueError):
                return "#VALUE!"
        return number

    def rows(self) -> Iterator[tuple[int, list[Cell], int]]:
        parser = expat.ParserCreate()
        parser.buffer_text = True
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.text
        with _part(self.workbook.archive, self.part) as stream:
            try:
                while chunk := stream.read(_CHUNK):
                    parser.Parse(chunk, False)
                    yield from self.done
                    self.done.clear()
                parser.Parse(b"", True)
            except expat.ExpatError as error:
                raise WorkbookError(f"{self.part}: {error}") from error
            yield from self.done
