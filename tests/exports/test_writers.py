"""The files themselves: formulas neutralised, numbers as numbers and dates as dates in XLSX, UTF-8 with a byte-order
mark in CSV, and the first bytes of a CSV sent before its rows are read."""

import datetime
import io
from decimal import Decimal

from openpyxl import load_workbook

from egide.exports.writers import csv_chunks, csv_text, write_xlsx
from tests.exports.conftest import read_csv

HOSTILE = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "plain", "-12.5"]


def test_csv_neutralises_formulas_but_not_negative_numbers() -> None:
    content = b"".join(csv_chunks(["Text"], [[value] for value in HOSTILE]))
    assert [row["Text"] for row in read_csv(content)] == [
        '\'=HYPERLINK("http://x")',
        "'+1+1",
        "'-2+3",
        "'@SUM(A1)",
        "plain",
        "-12.5",
    ]


def test_csv_cells() -> None:
    assert csv_text(Decimal("-1200.50")) == "-1200.50"
    assert csv_text(datetime.date(2021, 3, 4)) == "2021-03-04"
    assert csv_text(None) == ""
    assert csv_text(True) == "true"
    assert csv_text("Côte d’Ivoire") == "Côte d’Ivoire"


def test_csv_sends_its_headers_before_reading_any_row() -> None:
    def rows() -> object:
        raise AssertionError("no row is read for the first chunk")
        yield  # pragma: no cover

    first = next(csv_chunks(["Nom", "Montant"], rows()))  # type: ignore[arg-type]
    assert first == "\ufeffNom,Montant\r\n".encode()


def test_xlsx_keeps_types_and_neutralises_formulas() -> None:
    destination = io.BytesIO()
    rows = [[text, Decimal("1234.56"), datetime.date(2021, 3, 4), 7] for text in HOSTILE]
    assert write_xlsx(["Text", "Amount", "Date", "Count"], rows, destination, title="Transactions: 2021/1") == 6
    workbook = load_workbook(io.BytesIO(destination.getvalue()))
    sheet = workbook.worksheets[0]
    assert sheet.title == "Transactions  2021 1"
    cells = list(sheet.iter_rows(min_row=2))
    assert [row[0].value for row in cells] == HOSTILE
    assert all(row[0].data_type == "s" for row in cells)  # stored as text, never as a formula
    assert cells[0][0].quotePrefix
    assert cells[0][1].value == 1234.56
    assert cells[0][1].data_type == "n"
    assert cells[0][2].value == datetime.datetime(2021, 3, 4)
    assert cells[0][2].is_date
    assert cells[0][3].value == 7
