"""A country's open data: CSV and JSON of its public actors, relationships, programmes and findings, and IATI XML
of its public programmes, each carrying the licence its owner chose."""

import csv
import io
import json

import pytest
from django.test import Client
from lxml import etree

from egide.portal import services as portal_services
from egide.portal.licences import Licence
from tests.portal.conftest import NON_PUBLIC_WORDS, Published

pytestmark = pytest.mark.django_db


def rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


@pytest.fixture
def licensed(published: Published) -> Published:
    assert published.programme.owner is not None
    portal_services.licence_set(user=None, organisation=published.programme.owner, licence=Licence.CC_BY_SA)
    return published


def test_actors_csv_holds_the_public_actors_with_their_licence(client: Client, licensed: Published) -> None:
    response = client.get("/public/en/countries/CF/data/actors.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="egide-cf-actors.csv"' in response["Content-Disposition"]
    found = rows(response.content)
    assert sorted(row["reference"] for row in found) == ["FACA", "GN"]
    assert {(row["owner"], row["licence"], row["licence_url"]) for row in found} == {
        ("MEAE", "CC-BY-SA-4.0", "https://creativecommons.org/licenses/by-sa/4.0/")
    }
    assert "confidentiality" not in found[0]


def test_relationships_json_has_the_licences_at_its_head(client: Client, licensed: Published) -> None:
    document = json.loads(client.get("/public/en/countries/CF/data/relationships.json").content)
    assert document["country"] == "CF"
    assert document["dataset"] == "relationships"
    assert document["licences"] == [
        {
            "organisation": "MEAE",
            "organisation_name": "Ministry for Europe and Foreign Affairs",
            "licence": "CC-BY-SA-4.0",
            "licence_title": "Creative Commons Attribution-ShareAlike 4.0 (CC BY-SA 4.0)",
            "licence_url": "https://creativecommons.org/licenses/by-sa/4.0/",
        }
    ]
    # The relationship from the hidden unit is left out: only the one between two public actors.
    assert [(item["from"], item["type"], item["to"]) for item in document["records"]] == [
        ("FACA", "coordinates_with", "GN")
    ]


def test_programmes_files(client: Client, licensed: Published) -> None:
    found = rows(client.get("/public/en/countries/CF/data/programmes.csv").content)
    assert [(row["iati_identifier"], row["title_en"], row["licence"]) for row in found] == [
        ("FR-TEST-1", "Open justice support", "CC-BY-SA-4.0")
    ]
    document = json.loads(client.get("/public/fr/countries/CF/data/programmes.json").content)
    assert [item["title_fr"] for item in document["records"]] == ["Appui ouvert à la justice"]


def test_findings_files_carry_the_licences_of_the_actors_concerned(client: Client, licensed: Published) -> None:
    found = rows(client.get("/public/en/countries/CF/data/findings.csv").content)
    assert found, "the public map yields findings"
    assert all(row["licence"] == "CC-BY-SA-4.0" for row in found if row["actors"])
    french = json.loads(client.get("/public/fr/countries/CF/data/findings.json").content)
    assert len(french["records"]) == len(found)


def test_iati_file_holds_the_public_programmes_and_their_licence(client: Client, licensed: Published) -> None:
    response = client.get("/public/en/countries/CF/data/programmes-iati.xml")
    assert response["Content-Type"] == "application/xml"
    root = etree.fromstring(response.content)
    assert [element.text for element in root.iter("iati-identifier")] == ["FR-TEST-1"]
    comment = root.getprevious()
    assert isinstance(comment, etree._Comment)
    assert "MEAE: CC-BY-SA-4.0 https://creativecommons.org/licenses/by-sa/4.0/" in comment.text
    assert b"4242" in response.content


def test_no_file_holds_a_record_that_is_not_public(client: Client, licensed: Published) -> None:
    for name in ("actors", "relationships", "programmes", "findings"):
        for fmt in ("csv", "json"):
            content = client.get(f"/public/en/countries/CF/data/{name}.{fmt}").content.decode()
            assert not [word for word in NON_PUBLIC_WORDS if word in content], (name, fmt)
    iati = client.get("/public/en/countries/CF/data/programmes-iati.xml").content.decode()
    assert not [word for word in NON_PUBLIC_WORDS if word in iati]


def test_downloads_are_conditional_too(client: Client, licensed: Published) -> None:
    first = client.get("/public/en/countries/CF/data/actors.json")
    assert (
        client.get("/public/en/countries/CF/data/actors.json", headers={"if-none-match": first["ETag"]}).status_code
        == 304
    )
    kept = client.get("/public/en/countries/CF/data/actors.json")
    assert kept.content == first.content
    assert kept["Content-Disposition"] == first["Content-Disposition"]
