"""The workbook reader gives the values openpyxl gives in read-only mode, as the import reads them (a cell's text),
whichever way a sheet is written."""

import datetime
import io
import warnings
import zipfile
from collections.abc import Sequence

import pytest
from openpyxl import Workbook as OpenpyxlWorkbook
from openpyxl import load_workbook

from egide.core.imports.tables import cell_text
from egide.core.imports.workbooks import Workbook, WorkbookError


def _ours(data: bytes, sheet: str, columns: int = 64) -> list[tuple[int, list[object]]]:
    return [(number, _trimmed(cells)) for number, cells, _beyond in Workbook(data).rows(sheet, columns)]


def _openpyxl(data: bytes, sheet: str) -> list[tuple[int, list[object]]]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a hand-made workbook's styles are only those it needs
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        rows = enumerate(workbook[sheet].iter_rows(values_only=True), start=1)
        return [
            (number, _trimmed(list(cells))) for number, cells in rows if any(cell not in (None, "") for cell in cells)
        ]
    finally:
        workbook.close()


def _texts(rows: list[tuple[int, list[object]]]) -> list[tuple[int, list[str]]]:
    """The rows as the import reads them: each cell's text (12 and 12.0 alike, a date and midnight of that day)."""
    return [(number, [cell_text(cell) for cell in cells]) for number, cells in rows]


def _trimmed(cells: Sequence[object]) -> list[object]:
    """Empty text and absent cells alike, without the trailing ones."""
    cells = [None if cell == "" else cell for cell in cells]
    while cells and cells[-1] is None:
        cells.pop()
    return cells


def test_a_workbook_written_by_openpyxl_reads_as_openpyxl_reads_it() -> None:
    book = OpenpyxlWorkbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "actors"
    sheet.append(["reference", "name_en", "count", "share", "ongoing", "start"])
    sheet.append(["A&B", "Police <nationale>\nsecond line", 12, 0.5, True, datetime.datetime(2019, 3, 1)])
    sheet.append(["C", None, None, 1e20, False, None])
    sheet.append([])
    sheet.append(["D", "“quoted” 'text' é", -3, None, None, datetime.date(2001, 1, 31)])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()

    ours = _ours(data, "actors")

    assert _texts(ours) == _texts(_openpyxl(data, "actors"))
    assert ours[1] == (2, ["A&B", "Police <nationale>\nsecond line", 12.0, 0.5, True, datetime.date(2019, 3, 1)])
    assert [number for number, _cells in ours] == [1, 2, 3, 5]


SHEET = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
    '<x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c></x:row>'
    '<x:row r="3"><x:c r="A3" t="s"><x:v>2</x:v></x:c><x:c r="C3" s="1"><x:v>43525</x:v></x:c>'
    '<x:c r="D3"><x:f>1+1</x:f><x:v>2</x:v></x:c><x:c r="E3" t="str"><x:f>"a"&amp;"b"</x:f><x:v>ab</x:v></x:c>'
    '<x:c r="F3" t="b"><x:v>1</x:v></x:c></x:row>'
    "</x:sheetData></x:worksheet>"
)
STRINGS = (
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<si><t>reference</t></si><si><t>name_en</t></si>"
    '<si><r><t xml:space="preserve">Gendarmerie </t></r><r><rPr><b/></rPr><t>nationale &amp; co</t></r>'
    '<rPh sb="0" eb="1"><t>PHONETIC</t></rPh></si></sst>'
)
STYLES = (
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>'
    '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>'
)


def _hand_made(sheet: str = SHEET) -> bytes:
    """A workbook as other programs write them: shared strings with rich text and a phonetic reading, a namespace
    prefix on every element, formulas with their cached values, a date style of its own."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relationship = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package = "http://schemas.openxmlformats.org/package/2006/relationships"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{package}"><Relationship Id="rId1" '
            f'Type="{relationship}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{relationship}"><sheets>'
            '<sheet name="Actors" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{package}">'
            f'<Relationship Id="rId1" Type="{relationship}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{relationship}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{relationship}/styles" Target="styles.xml"/></Relationships>',
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        archive.writestr("xl/sharedStrings.xml", STRINGS)
        archive.writestr("xl/styles.xml", STYLES)
    return buffer.getvalue()


def test_a_workbook_of_another_program_reads_as_openpyxl_reads_it() -> None:
    data = _hand_made()

    ours = _ours(data, "Actors")

    assert _texts(ours) == _texts(_openpyxl(data, "Actors"))
    assert ours == [
        (1, ["reference", "name_en"]),
        (3, ["Gendarmerie nationale & co", None, datetime.date(2019, 3, 1), 2.0, "ab", True]),
    ]


def test_a_value_beyond_the_last_column_allowed_is_named() -> None:
    rows = list(Workbook(_hand_made()).rows("Actors", 4))

    assert rows[1] == (3, ["Gendarmerie nationale & co", None, datetime.date(2019, 3, 1), 2.0], 5)


@pytest.mark.parametrize(
    "broken",
    [SHEET[:200], SHEET.replace("<x:v>0</x:v>", "<x:v>99</x:v>", 1)],
    ids=["cut-short", "shared-string-missing"],
)
def test_a_damaged_sheet_is_refused(broken: str) -> None:
    with pytest.raises(WorkbookError):
        _ours(_hand_made(broken), "Actors")


def test_cells_beyond_the_caps_are_found_before_the_sheet_is_read() -> None:
    far = SHEET.replace("</x:sheetData>", '<x:row r="9"><x:c r="XFD9" t="b"><x:v>1</x:v></x:c></x:row></x:sheetData>')
    workbook = Workbook(_hand_made(far))

    assert workbook.first_beyond("Actors", 100, 64) == (9, 16384)
    assert workbook.first_beyond("Actors", 2, 64) == (3, 1)
    assert Workbook(_hand_made()).first_beyond("Actors", 100, 6) is None


HEAD, TAIL = SHEET.split("<x:sheetData>")[0] + "<x:sheetData>", "</x:sheetData></x:worksheet>"


def test_rows_and_cells_are_numbered_from_a1_wherever_the_first_value_is() -> None:
    sheet = (
        HEAD + '<x:row r="3"><x:c r="C3" t="b"><x:v>1</x:v></x:c></x:row>'
        '<x:row/><x:row><x:c/><x:c/><x:c/><x:c/><x:c t="b"><x:v>0</x:v></x:c></x:row>' + TAIL
    )

    assert _ours(_hand_made(sheet), "Actors") == [(3, [None, None, True]), (5, [None, None, None, None, False])]


@pytest.mark.parametrize(
    "row",
    [
        "<x:row r='2'><x:c r='XFD2' t='b'><x:v>1</x:v></x:c></x:row>",
        '<x:row r="2">' + "<x:c/>" * 16383 + '<x:c t="b"><x:v>1</x:v></x:c></x:row>',
        '<x:row r = "2"><x:c r="XFC2"/><x:c t="b"><x:v>1</x:v></x:c></x:row>',
    ],
    ids=["single-quotes", "cells-without-references", "after-an-empty-cell"],
)
def test_a_far_cell_is_found_however_its_place_is_written(row: str) -> None:
    workbook = Workbook(_hand_made(HEAD + row + TAIL))

    assert workbook.first_beyond("Actors", 100, 64) == (2, 16384)


def test_rows_without_references_are_counted_to_find_a_far_row() -> None:
    sheet = HEAD + "<x:row/>" * 2000 + '<x:row><x:c t="b"><x:v>1</x:v></x:c></x:row>' + TAIL

    assert Workbook(_hand_made(sheet)).first_beyond("Actors", 1000, 64) == (2001, 1)
    assert Workbook(_hand_made(sheet)).first_beyond("Actors", 2001, 64) is None


def _rewritten(data: bytes, changes: dict[str, str]) -> bytes:
    """The workbook with some parts' text changed (old → new, in every part), and any part added by name."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as archive:
        for info in source.infolist():
            text = source.read(info).decode()
            for old, new in changes.items():
                text = text.replace(old, new)
            archive.writestr(info.filename, text)
    return buffer.getvalue()


@pytest.mark.parametrize("target", ["/xl/worksheets/sheet1.xml", "worksheets/../worksheets/sheet1.xml"])
def test_the_sheet_looked_at_is_the_one_its_target_names_however_written(target: str) -> None:
    far = SHEET.replace('<x:c r="F3"', '<x:c r="XFD3"')
    data = _rewritten(_hand_made(far), {'Target="worksheets/sheet1.xml"': f'Target="{target}"'})

    assert Workbook(data).first_beyond("Actors", 100, 64) == (3, 16384)


def test_a_workbook_with_two_parts_of_one_name_is_refused() -> None:
    buffer = io.BytesIO(_hand_made())
    with warnings.catch_warnings(), zipfile.ZipFile(buffer, "a") as archive:
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate it is asked to write
        archive.writestr("xl/worksheets/sheet1.xml", SHEET.replace('<x:c r="F3"', '<x:c r="XFD3"'))

    with pytest.raises(WorkbookError):
        Workbook(buffer.getvalue())


def test_dates_of_the_1904_system_read_as_openpyxl_reads_them() -> None:
    data = _rewritten(_hand_made(), {"<sheets>": '<workbookPr date1904="1"/><sheets>'})

    ours = _ours(data, "Actors")

    assert _texts(ours) == _texts(_openpyxl(data, "Actors"))
    assert ours[1][1][2] == datetime.date(2023, 3, 2)
