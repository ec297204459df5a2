"""The portal's pages for an anonymous visitor, in English and in French: what each shows, its title and
description, and the addresses that do not exist."""

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from tests.portal.conftest import Published

pytestmark = pytest.mark.django_db


def soup(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def description(page: BeautifulSoup) -> str:
    tag = page.find("meta", attrs={"name": "description"})
    assert tag is not None
    return str(tag["content"])


def test_root_sends_to_the_home_in_the_readers_language(client: Client) -> None:
    assert client.get("/public/").url == "/public/en/"
    assert client.get("/public/", headers={"accept-language": "fr"}).url == "/public/fr/"


def test_home_lists_the_countries_with_published_data(client: Client, published: Published) -> None:
    english = soup(client.get("/public/en/"))
    assert english.title is not None
    assert english.title.string == "Public portal: security system reform by country · Égide"
    assert "security system reform" in description(english)
    assert english.find("a", href="/public/en/countries/CF/").get_text() == "Central African Republic"
    assert english.find(id="context-map-data") is not None  # the map's data, drawn by the context bundle
    assert english.html["lang"] == "en"
    french = soup(client.get("/public/fr/"))
    assert french.html["lang"] == "fr"
    assert french.title is not None
    assert french.title.string.startswith("Portail public")
    assert "réforme des systèmes de sécurité" in description(french)
    assert french.find("a", href="/public/fr/countries/CF/").get_text() == "République centrafricaine"
    assert french.find("a", hreflang="en")["href"] == "/public/en/"


def test_home_without_any_published_country(client: Client, db: None) -> None:
    page = soup(client.get("/public/en/"))
    assert "No country has published anything yet." in page.get_text()
    assert page.find(id="context-map-data") is None


def test_country_page_shows_the_public_records(client: Client, published: Published) -> None:
    response = client.get("/public/en/countries/cf/")
    page = soup(response)
    text = page.get_text()
    assert page.title is not None
    assert page.title.string == "Central African Republic: security system reform · Égide"
    assert "2 public institutions" in description(page)
    assert page.find("a", href=f"/programmes/{published.programme.pk}/").get_text() == "Open justice support"
    assert page.find("a", href=f"/assessments/{published.assessment.pk}/") is not None
    assert page.find("a", href="/countries/CF/") is not None  # the public map
    assert page.find("a", href="/public/en/countries/CF/data/actors.csv") is not None
    assert page.find("a", href="/public/en/countries/CF/data/programmes-iati.xml") is not None
    assert "All rights reserved" in text  # the owner chose no licence
    for word in ("ZETASECRET", "CLANDESTINE", "COVERTREVIEW", "DRAFTYREVIEW"):
        assert word not in text


def test_country_page_in_french(client: Client, published: Published) -> None:
    page = soup(client.get("/public/fr/countries/CF/"))
    assert page.title is not None
    assert page.title.string.startswith("République centrafricaine")
    assert "institutions publiques" in description(page)
    assert page.find("a", href=f"/programmes/{published.programme.pk}/").get_text() == "Appui ouvert à la justice"
    assert "Données ouvertes" in page.get_text()
    assert "Tous droits réservés" in page.get_text()


def test_country_page_lists_the_findings_of_the_public_map(client: Client, published: Published) -> None:
    page = soup(client.get("/public/en/countries/CF/"))
    findings = page.find(id="findings")
    assert findings is not None
    assert findings.find("table") is not None
    assert "finding" in findings.get_text()


def test_latest_developments(client: Client, published: Published) -> None:
    page = soup(client.get("/public/en/latest/"))
    assert page.title is not None
    assert page.title.string == "Latest developments · Égide"
    assert page.find("a", href=f"/programmes/{published.programme.pk}/") is not None
    assert page.find("a", href=f"/assessments/{published.assessment.pk}/") is not None
    assert page.find("a", href=f"/actors/{published.police.pk}/") is not None
    assert page.find("a", href=f"/programmes/{published.secret_programme.pk}/") is None
    french = soup(client.get("/public/fr/latest/"))
    assert french.title is not None
    assert french.title.string == "Dernières évolutions · Égide"


@pytest.mark.parametrize(
    "address",
    [
        "/public/de/",  # no such language
        "/public/en/countries/ZZ/",  # no such country
        "/public/en/countries/ML/",  # nothing published
        "/public/en/countries/CF/data/people.csv",
        "/public/en/countries/CF/data/actors.xlsx",
    ],
)
def test_missing_pages(client: Client, published: Published, address: str) -> None:
    assert client.get(address).status_code == 404


def test_pages_are_read_only(client: Client, published: Published) -> None:
    assert client.post("/public/en/").status_code == 405
