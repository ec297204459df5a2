"""One import tells every problem of a file at once, where it is, and nothing that only follows from another."""

import io
import json

import pytest
from openpyxl import load_workbook

from egide.actors import exporter
from egide.actors.documents import read_map_file
from egide.actors.importer import ImportRejected, country_map_import
from egide.actors.models import Actor, Source
from egide.actors.tabular import TableError, write_csv
from egide.core.imports.problems import ImportProblem


def _rejected(data: bytes, filename: str, country: str = "CF") -> list[tuple[str, int, str, str]]:
    with pytest.raises(ImportRejected) as refused:
        country_map_import(user=None, country=country, tables=read_map_file(data, filename=filename))
    assert not Actor.objects.exists()
    return [(problem.table, problem.row, problem.column, problem.message) for problem in refused.value.problems]


def _document(**parts: object) -> bytes:
    return json.dumps({"country": "CF", **parts}).encode()


PRESIDENCY = {"reference": "PRES", "kind": "head_of_state", "name_en": "Presidency"}
ARMY = {"reference": "FACA", "kind": "armed_forces", "name_en": "Armed Forces"}


def test_an_unknown_kind_hides_no_other_problem_and_its_actor_is_named_as_not_imported(db: None) -> None:
    document = _document(
        actors=[PRESIDENCY | {"kind": "palace"}, ARMY | {"statutory": "perhaps"}],
        relationships=[
            {"source": "PRES", "type": "commands", "target": "FACA"},
            {"source": "FACA", "type": "commands", "target": "NOBODY"},
        ],
    )
    assert _rejected(document, "map.json") == [
        ("actors", 1, "kind", "“palace” is not a known kind of actor."),
        ("actors", 2, "statutory", "“perhaps” is not yes or no."),
        ("relationships", 1, "source", "The actor “PRES” is not imported because of the problems on actors row 1."),
        ("relationships", 2, "target", "No actor has the reference “NOBODY”."),
    ]


def test_a_spreadsheet_cites_the_row_that_keeps_an_actor_out(db: None) -> None:
    actors = write_csv(("reference", "kind", "name_en"), [("PRES", "palace", "Presidency"), ("FACA", "army", "Army")])
    citations = write_csv(("record", "actor", "title"), [("actor", "PRES", "Constitution")])
    from egide.actors.tabular import write_zip

    archive = write_zip({"actors.csv": actors, "citations.csv": citations})
    problems = _rejected(archive, "map.zip")
    assert ("citations", 2, "actor", "The actor “PRES” is not imported because of the problems on actors row 2.") in (
        problems
    )
    assert [problem[:3] for problem in problems if problem[0] == "actors"] == [
        ("actors", 2, "kind"),
        ("actors", 3, "kind"),
    ]


def test_unknown_and_missing_keys_are_named_where_they_are(db: None) -> None:
    document = _document(
        actors=[PRESIDENCY | {"mandate": "Commands the armies"}, ARMY],
        relationships=[{"source": "PRES", "type": "commands"}],
        colour="red",
    )
    problems = _rejected(document, "map.json")
    assert ("relationships", 1, "target", "relationships[1]: missing “target”.") in problems
    unknown = [problem for problem in problems if problem[2] in ("mandate", "colour")]
    assert [problem[:3] for problem in unknown] == [("actors", 1, "mandate"), ("document", 0, "colour")]
    assert unknown[0][3].startswith("actors[1]: unknown key “mandate”, which would be left out; the keys are ")
    # Nothing more is said about the missing target: not "no actor has the reference “”".
    assert [problem for problem in problems if problem[0] == "relationships"] == [
        ("relationships", 1, "target", "relationships[1]: missing “target”.")
    ]


def test_a_citation_fault_in_a_document_points_to_its_record(db: None) -> None:
    document = _document(
        sources=[{"key": "S1", "title": "Constitution", "url": "ftp://example.org", "date": "2016-13"}],
        actors=[PRESIDENCY | {"citations": [{"source": "S1", "locator": "Art. 1"}, {"source": "S9"}]}],
    )
    problems = _rejected(document, "map.json")
    assert sorted(problems) == [
        ("actors", 1, "citations[1].date", "“2016-13” is not a date: write YYYY, YYYY-MM or YYYY-MM-DD."),
        ("actors", 1, "citations[1].url", "A link must start with http:// or https://."),
        ("actors", 1, "citations[2].source", "actors[1].citations[2] cites unknown source “S9”."),
    ]


def test_a_document_of_another_country_is_refused(db: None) -> None:
    with pytest.raises(
        TableError,
        match=r"map of Democratic Republic of the Congo \(its “country” is CD\), not of Central African Republic",
    ):
        country_map_import(
            user=None,
            country="CF",
            tables=read_map_file(json.dumps({"country": "cd", "actors": [PRESIDENCY]}).encode(), filename="m.json"),
        )
    assert not Actor.objects.exists()


def test_a_link_longer_than_a_source_holds_is_refused_with_its_length(db: None) -> None:
    long_link = "https://example.org/" + "a" * 1000
    actors = write_csv(
        ("reference", "kind", "name_en", "source_title", "source_url"),
        [("PRES", "head_of_state", "Presidency", "Decree", long_link)],
    )
    assert _rejected(actors, "actors.csv") == [
        ("actors", 2, "source_url", "The link is 1,020 characters long; a link may have at most 1,000.")
    ]
    assert not Source.objects.exists()


def test_an_empty_required_cell_is_said_once(db: None) -> None:
    relationships = write_csv(("from", "type", "to"), [("PRES", "commands", "")])
    actors = write_csv(("reference", "kind", "name_en"), [("PRES", "head_of_state", "Presidency")])
    from egide.actors.tabular import write_zip

    problems = _rejected(write_zip({"actors.csv": actors, "relationships.csv": relationships}), "map.zip")
    assert problems == [("relationships", 2, "to", "A value is required here.")]


def test_an_unsupported_file_names_every_format_the_import_reads(db: None) -> None:
    with pytest.raises(TableError, match=r"use \.xlsx, \.csv, \.zip \(of CSV files\) or \.json"):
        read_map_file(b"%PDF", filename="map.pdf")


def test_the_template_offers_a_drop_down_list_on_every_coded_column() -> None:
    workbook = load_workbook(io.BytesIO(exporter.export_template("xlsx")))
    assert workbook["lists"].sheet_state == "hidden"
    lists = {
        column[0].value: [cell.value for cell in column]  # first code of each list
        for column in workbook["lists"].iter_cols()
    }
    for table, columns in exporter.drop_downs().items():
        sheet = workbook[table]
        header = [cell.value for cell in sheet[1]]
        offered = {}
        for rule in sheet.data_validations.dataValidation:
            assert rule.type == "list"
            letter = str(rule.sqref).split(":")[0].rstrip("0123456789")
            source = rule.formula1.split("!")[1].split(":")[0].replace("$", "")
            list_column = workbook["lists"][source.rstrip("0123456789")]
            offered[header[ord(letter) - ord("A")]] = [cell.value for cell in list_column if cell.value]
        assert offered == columns, table
    assert "police" in exporter.drop_downs()["actors"]["kind"]
    assert exporter.drop_downs()["relationships"]["type"][0] == "commands"
    assert lists  # the hidden sheet holds the codes


def test_problems_read_from_a_document_are_problems_of_the_import() -> None:
    problem = ImportProblem("actors", 1, "mandate", "x")
    assert str(problem) == "actors, row 1, mandate: x"
