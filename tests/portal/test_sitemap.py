"""The portal's sitemap: every page a search engine should find, in both languages."""

import pytest
from django.test import Client
from lxml import etree

from tests.portal.conftest import Published

pytestmark = pytest.mark.django_db

NAMESPACE = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def locations(client: Client) -> list[str]:
    response = client.get("/public/sitemap.xml")
    assert response.status_code == 200
    return [element.text for element in etree.fromstring(response.content).iterfind("s:url/s:loc", NAMESPACE)]


def test_sitemap_lists_the_portal_pages_in_both_languages(client: Client, published: Published) -> None:
    assert locations(client) == [
        f"http://testserver{path}"
        for path in (
            "/public/en/",
            "/public/en/latest/",
            "/public/en/countries/CF/",
            "/public/fr/",
            "/public/fr/latest/",
            "/public/fr/countries/CF/",
        )
    ]


def test_sitemap_without_published_countries(client: Client, db: None) -> None:
    assert [location.split("testserver")[1] for location in locations(client)] == [
        "/public/en/",
        "/public/en/latest/",
        "/public/fr/",
        "/public/fr/latest/",
    ]
