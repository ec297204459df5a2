"""The exports of a country's map and the import templates."""

import csv
import io
import json
import zipfile

import networkx as nx
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from egide.actors.models import Source
from tests.conftest import ActorFactory, SmallMap


def export(client: Client, fmt: str) -> HttpResponse:
    response = client.get(reverse("country-export", kwargs={"code": "CF", "fmt": fmt}))
    assert response.status_code == 200
    return response


REFERENCES = ["AN", "CIT", "FACA", "MOD", "MOI", "POL", "PR"]


def test_export_csv_is_a_zip_of_the_three_tables(
    member_client: Client, small_map: SmallMap, constitution: Source
) -> None:
    response = export(member_client, "csv")
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="egide-CF-map.zip"'
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == ["actors.csv", "citations.csv", "relationships.csv"]
        actors = list(csv.DictReader(io.StringIO(archive.read("actors.csv").decode("utf-8-sig"))))
        relationships = list(csv.DictReader(io.StringIO(archive.read("relationships.csv").decode("utf-8-sig"))))
        citations = list(csv.DictReader(io.StringIO(archive.read("citations.csv").decode("utf-8-sig"))))
    assert [row["reference"] for row in actors] == REFERENCES
    assert next(row for row in actors if row["reference"] == "FACA")["parent"] == "MOD"
    assert sorted((row["from"], row["type"], row["to"]) for row in relationships) == [
        ("AN", "oversees", "MOD"),
        ("MOI", "administers", "POL"),
        ("PR", "commands", "FACA"),
    ]
    assert sorted((row["record"], row["locator"]) for row in citations) == [
        ("actor", "Art. 28"),
        ("relationship", "Art. 60"),
    ]


def test_export_xlsx_holds_a_sheet_per_table(member_client: Client, small_map: SmallMap, constitution: Source) -> None:
    response = export(member_client, "xlsx")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="egide-CF-map.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    try:
        assert workbook.sheetnames == ["actors", "relationships", "citations"]
        actor_rows = list(workbook["actors"].iter_rows(values_only=True))
        relationship_rows_ = list(workbook["relationships"].iter_rows(values_only=True))
        citation_rows = list(workbook["citations"].iter_rows(values_only=True))
    finally:
        workbook.close()
    assert actor_rows[0][:3] == ("reference", "kind", "name_en")
    assert [row[0] for row in actor_rows[1:]] == REFERENCES
    assert len(relationship_rows_) == 4
    assert len(citation_rows) == 3


def test_export_json_is_the_map_document(member_client: Client, small_map: SmallMap, constitution: Source) -> None:
    response = export(member_client, "json")
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="egide-CF-map.json"'
    document = json.loads(response.content)
    assert document["country"] == "CF"
    assert [actor["reference"] for actor in document["actors"]] == REFERENCES
    assert document["sources"] == [
        {
            "key": "S1",
            "title": "Constitution of 30 March 2016",
            "author": "Constituent assembly",
            "date": "2016-03-30",
            "url": "",
        }
    ]
    defence = next(actor for actor in document["actors"] if actor["reference"] == "MOD")
    assert defence["citations"] == [{"source": "S1", "locator": "Art. 28", "locator_fr": ""}]
    assert sorted((item["source"], item["type"], item["target"]) for item in document["relationships"]) == [
        ("AN", "oversees", "MOD"),
        ("MOI", "administers", "POL"),
        ("PR", "commands", "FACA"),
    ]


def test_export_json_is_written_for_people_to_read(member_client: Client, small_map: SmallMap) -> None:
    """Indented by two spaces, accented letters as they are (not escaped), as the demo data's files are."""
    small_map.army.name_fr = "Forces armées centrafricaines"
    small_map.army.save()
    text = export(member_client, "json").content.decode("utf-8")
    assert text.startswith('{\n  "country": "CF",\n  "sources": [],\n  "actors": [\n    {\n      "reference": ')
    assert '"name_fr": "Forces armées centrafricaines"' in text
    assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=2)


def test_export_graphml_reads_as_a_network(member_client: Client, small_map: SmallMap) -> None:
    response = export(member_client, "graphml")
    assert response["Content-Type"] == "application/graphml+xml"
    assert response["Content-Disposition"] == 'attachment; filename="egide-CF-map.graphml"'
    graph = nx.read_graphml(io.BytesIO(response.content))
    assert sorted(graph.nodes) == REFERENCES
    assert graph.nodes["FACA"]["family"] == "security_providers"
    assert graph.nodes["FACA"]["name"] == "Armed Forces"
    assert sorted((source, data["type"], target) for source, target, data in graph.edges(data=True)) == [
        ("AN", "oversees", "MOD"),
        ("MOI", "administers", "POL"),
        ("PR", "commands", "FACA"),
    ]


def test_export_holds_only_the_country(member_client: Client, small_map: SmallMap, make_actor: ActorFactory) -> None:
    make_actor(country="CD", kind="police", name="Police nationale congolaise", reference="PNC")
    document = json.loads(export(member_client, "json").content)
    assert sorted(actor["reference"] for actor in document["actors"]) == REFERENCES
    assert {item[end] for item in document["relationships"] for end in ("source", "target")} <= set(REFERENCES)
    assert len(document["relationships"]) == 3


def test_export_of_an_unknown_format_is_not_found(member_client: Client, small_map: SmallMap) -> None:
    assert member_client.get("/countries/CF/export.pdf").status_code == 404


def test_the_xlsx_template_lists_the_sheets_and_codes(member_client: Client) -> None:
    response = member_client.get(reverse("import-template", kwargs={"fmt": "xlsx"}))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="egide-map-template.xlsx"'
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    try:
        assert workbook.sheetnames == ["actors", "relationships", "citations", "codes", "lists"]
        codes = {(row[0], row[1]) for row in workbook["codes"].iter_rows(min_row=2, values_only=True)}
    finally:
        workbook.close()
    assert ("kind", "armed_forces") in codes
    assert ("type", "commands") in codes


def test_the_csv_template_is_a_zip_of_tables(member_client: Client) -> None:
    response = member_client.get(reverse("import-template", kwargs={"fmt": "csv"}))
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="egide-map-template.zip"'
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == ["actors.csv", "citations.csv", "codes.csv", "relationships.csv"]
        header = archive.read("actors.csv").decode("utf-8-sig").splitlines()[0]
    assert header.startswith("reference,kind,name_en,name_fr")


def test_a_template_of_an_unknown_format_is_not_found(member_client: Client) -> None:
    assert member_client.get("/import-template.json").status_code == 404
