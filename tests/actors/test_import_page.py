"""The import page: uploads of workbooks, CSV tables and map documents, and their reports."""

import json

from django.conf import LazySettings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from egide.actors.models import Actor, Citation, Relationship, Source
from egide.actors.tabular import write_csv, write_xlsx, write_zip
from tests.actors.html import field_errors, table_rows, text
from tests.actors.pages import messages_shown
from tests.conftest import SmallMap

ACTOR_HEADER = ("reference", "kind", "name_en", "name_fr", "parent", "confidence", "source_title", "source_locator")


RELATIONSHIP_HEADER = ("from", "type", "to", "start", "strength")


GOOD_ACTORS = [
    (
        "MOD",
        "ministry_of_defence",
        "Ministry of Defence",
        "Ministère de la Défense",
        "",
        "high",
        "Constitution",
        "Art. 12",
    ),
    ("ARMY", "armed_forces", "Armed Forces", "Forces armées", "MOD", "medium", "", ""),
    ("CIT", "media", "Le Citoyen", "Le Citoyen", "", "low", "", ""),
]


GOOD_RELATIONSHIPS = [
    ("MOD", "administers", "ARMY", "2017-05", "strong"),
    ("CIT", "scrutinises", "MOD", "2019", "weak"),
]


def good_workbook() -> bytes:
    return write_xlsx(
        {"actors": (ACTOR_HEADER, GOOD_ACTORS), "relationships": (RELATIONSHIP_HEADER, GOOD_RELATIONSHIPS)}
    )


def upload(client: Client, name: str, content: bytes, country: str = "CD") -> HttpResponse:
    return client.post(reverse("country-import", kwargs={"code": country}), {"file": SimpleUploadedFile(name, content)})


def report_rows(response: HttpResponse) -> list[list[str]]:
    return table_rows(response.content.decode(), "import-report")


def problem_rows(response: HttpResponse) -> list[list[str]]:
    return table_rows(response.content.decode(), "import-problems")


def test_import_page_shows_the_form_and_the_templates(member_client: Client) -> None:
    html = member_client.get(reverse("country-import", kwargs={"code": "CD"})).content.decode()
    assert "Import actors and relationships into Democratic Republic of the Congo" in text(html)
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file" name="file"' in html
    assert 'href="/import-template.xlsx"' in html
    assert 'href="/import-template.csv"' in html


def test_importing_a_good_workbook_reports_what_was_created(member_client: Client, db: None) -> None:
    response = upload(member_client, "map.xlsx", good_workbook())
    assert response.status_code == 200
    assert report_rows(response) == [["Actors", "3", "0", "0"], ["Relationships", "2", "0", "0"]]
    assert "1 new sources, 1 new citations." in text(response.content.decode())
    assert messages_shown(response) == ["Import finished."]
    assert problem_rows(response) == []


def test_importing_a_good_workbook_writes_the_map(member_client: Client, db: None) -> None:
    upload(member_client, "map.xlsx", good_workbook())
    army = Actor.objects.get(country="CD", reference="ARMY")
    assert (army.name_fr, army.parent.reference if army.parent else None, army.family) == (
        "Forces armées",
        "MOD",
        "security_providers",
    )
    administers = Relationship.objects.get(country="CD", type="administers")
    assert (administers.source.reference, administers.target.reference, administers.start, administers.strength) == (
        "MOD",
        "ARMY",
        "2017-05",
        "strong",
    )
    citation = Citation.objects.get(actor__reference="MOD")
    assert (citation.source.title, citation.source.country, citation.locator) == ("Constitution", "CD", "Art. 12")


def test_importing_the_same_workbook_again_changes_nothing(member_client: Client, db: None) -> None:
    upload(member_client, "map.xlsx", good_workbook())
    before = sorted(Actor.objects.values_list("reference", "updated_at"))
    again = upload(member_client, "map.xlsx", good_workbook())
    assert report_rows(again) == [["Actors", "0", "0", "3"], ["Relationships", "0", "0", "2"]]
    assert "0 new sources, 0 new citations." in text(again.content.decode())
    assert sorted(Actor.objects.values_list("reference", "updated_at")) == before
    assert (Relationship.objects.count(), Source.objects.count(), Citation.objects.count()) == (2, 1, 1)


def test_importing_a_csv_table(member_client: Client, db: None) -> None:
    response = upload(member_client, "actors.csv", write_csv(ACTOR_HEADER, GOOD_ACTORS))
    assert report_rows(response) == [["Actors", "3", "0", "0"], ["Relationships", "0", "0", "0"]]
    assert sorted(Actor.objects.filter(country="CD").values_list("reference", flat=True)) == ["ARMY", "CIT", "MOD"]


def test_importing_a_semicolon_csv_from_a_french_spreadsheet(member_client: Client, db: None) -> None:
    content = b"reference;kind;name_en;name_fr\nPN;police;National Police;Police nationale\n"
    response = upload(member_client, "acteurs.csv", content)
    assert report_rows(response)[0] == ["Actors", "1", "0", "0"]
    assert Actor.objects.get(reference="PN").name_fr == "Police nationale"


def test_importing_a_zip_of_csv_tables(member_client: Client, db: None) -> None:
    archive = write_zip(
        {
            "actors.csv": write_csv(ACTOR_HEADER, GOOD_ACTORS),
            "relationships.csv": write_csv(RELATIONSHIP_HEADER, GOOD_RELATIONSHIPS),
        }
    )
    response = upload(member_client, "map.zip", archive)
    assert report_rows(response) == [["Actors", "3", "0", "0"], ["Relationships", "2", "0", "0"]]


def test_importing_a_bad_workbook_lists_every_problem_and_writes_nothing(member_client: Client, db: None) -> None:
    actors = [
        ("MOD", "ministry_of_defence", "Ministry of Defence", "", "", "high", "", ""),
        ("ARMY", "tanks", "Armed Forces", "", "MOD", "medium", "", ""),
        ("CIT", "media", "", "", "", "sure", "", ""),
        ("MOD", "ministry_of_defence", "Ministry of Defence again", "", "", "", "", ""),
    ]
    relationships = [
        ("CIT", "commands", "MOD", "2017", ""),
        ("MOD", "administers", "NAVY", "", ""),
        ("MOD", "administers", "MOD", "last year", ""),
    ]
    workbook = write_xlsx({"actors": (ACTOR_HEADER, actors), "relationships": (RELATIONSHIP_HEADER, relationships)})
    response = upload(member_client, "map.xlsx", workbook)
    rows = [row[:3] for row in problem_rows(response)]
    assert ["actors", "3", "kind"] in rows
    assert ["actors", "4", "name_en"] in rows
    assert ["actors", "4", "confidence"] in rows
    assert ["actors", "5", "reference"] in rows
    assert ["relationships", "2", "type"] in rows
    assert ["relationships", "3", "to"] in rows
    assert ["relationships", "4", "start"] in rows
    assert ["relationships", "4", "to"] in rows
    assert f"{len(rows)} problems found: nothing was imported" in text(response.content.decode())
    assert report_rows(response) == []
    assert not Actor.objects.exists()
    assert not Relationship.objects.exists()


def test_import_problems_explain_themselves(member_client: Client, db: None) -> None:
    actors = [("ARMY", "tanks", "Armed Forces", "", "", "", "", "")]
    response = upload(member_client, "actors.csv", write_csv(ACTOR_HEADER, actors))
    assert problem_rows(response) == [["actors", "2", "kind", "“tanks” is not a known kind of actor."]]


def test_importing_a_file_with_one_bad_row_keeps_the_existing_map(member_client: Client, small_map: SmallMap) -> None:
    actors = [("POL", "police", "Police renamed", "", "", "", "", ""), ("X", "unknown", "X", "", "", "", "", "")]
    response = upload(member_client, "actors.csv", write_csv(ACTOR_HEADER, actors), country="CF")
    assert len(problem_rows(response)) == 1
    assert Actor.objects.get(reference="POL", country="CF").name_en == "National Police"


def test_importing_a_csv_that_is_not_utf8_says_so(member_client: Client, db: None) -> None:
    content = "reference,kind,name_en\nMOD,ministry_of_defence,Ministère de la Défense\n".encode("latin-1")
    response = upload(member_client, "actors.csv", content)
    assert field_errors(response.content.decode(), "file") == ["actors.csv, line 2: the file is not UTF-8 text"]
    assert not Actor.objects.exists()


def test_importing_a_file_of_another_type_says_so(member_client: Client, db: None) -> None:
    response = upload(member_client, "map.pdf", b"%PDF-1.4")
    assert field_errors(response.content.decode(), "file") == [
        "map.pdf: unsupported file type; use .xlsx, .csv, .zip (of CSV files) or .json"
    ]


def test_importing_a_damaged_workbook_says_so(member_client: Client, db: None) -> None:
    response = upload(member_client, "map.xlsx", b"this is not a workbook")
    assert field_errors(response.content.decode(), "file") == ["map.xlsx: not a readable XLSX workbook"]


def test_importing_a_table_with_unknown_columns_asks_what_they_hold(member_client: Client, db: None) -> None:
    response = upload(member_client, "actors.csv", b"reference,kind,colour\nMOD,ministry_of_defence,red\n")
    assert field_errors(response.content.decode(), "file") == []
    assert table_rows(response.content.decode(), "column-mapping")[0][:2] == ["actors", "colour"]
    assert not Actor.objects.exists()


def test_importing_a_file_too_large_says_so(member_client: Client, db: None, settings: LazySettings) -> None:
    settings.EGIDE_IMPORT_MAX_BYTES = 2**20
    content = write_csv(ACTOR_HEADER, GOOD_ACTORS) + b" " * 2**20
    response = upload(member_client, "actors.csv", content)
    assert field_errors(response.content.decode(), "file") == ["The file is larger than 1 MB."]
    assert not Actor.objects.exists()


def test_importing_without_a_file_says_so(member_client: Client, db: None) -> None:
    response = member_client.post(reverse("country-import", kwargs={"code": "CD"}), {})
    assert field_errors(response.content.decode(), "file") == ["This field is required."]


def test_importing_a_json_map_document(member_client: Client, small_map: SmallMap, constitution: Source) -> None:
    document = json.loads(member_client.get("/countries/CF/export.json").content) | {"country": "CD"}
    response = upload(member_client, "map.json", json.dumps(document).encode(), country="CD")
    assert report_rows(response) == [["Actors", "7", "0", "0"], ["Relationships", "3", "0", "0"]]
    assert "1 new sources, 2 new citations." in text(response.content.decode())
    assert Actor.objects.get(country="CD", reference="FACA").parent == Actor.objects.get(country="CD", reference="MOD")


def test_importing_a_broken_json_document_says_where(member_client: Client, db: None) -> None:
    response = upload(member_client, "map.json", b'{"actors": [\n  {"reference": "MOD",}\n]}')
    errors = field_errors(response.content.decode(), "file")
    assert len(errors) == 1
    assert errors[0].startswith("map.json, line 2, column")


def test_reimporting_an_exported_workbook_changes_nothing(
    member_client: Client, small_map: SmallMap, constitution: Source
) -> None:
    exported = member_client.get("/countries/CF/export.xlsx").content
    response = upload(member_client, "egide-CF-map.xlsx", exported, country="CF")
    assert report_rows(response) == [["Actors", "0", "0", "7"], ["Relationships", "0", "0", "3"]]
    assert "0 new sources, 0 new citations." in text(response.content.decode())


def test_the_import_template_imports_cleanly(member_client: Client, db: None) -> None:
    template = member_client.get(reverse("import-template", kwargs={"fmt": "xlsx"})).content
    response = upload(member_client, "egide-map-template.xlsx", template)
    assert report_rows(response) == [["Actors", "2", "0", "0"], ["Relationships", "1", "0", "0"]]
