"""Every list page offers its CSV and XLSX exports, with the filters on screen (without the page number)."""

import html

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from egide.programmes.models import Programme
from tests.exports.conftest import LevelledMap, client_of


def links(page: str) -> list[str]:
    return [html.unescape(part.split('"', 1)[0]) for part in page.split('href="')[1:] if "/exports/" in part[:80]]


@pytest.mark.parametrize(
    ("page", "query", "expected"),
    [
        ("country-actors", "?kind=police&page=2", "/countries/CF/exports/actors.{}?kind=police"),
        ("country-actors-table", "?q=pol", "/countries/CF/exports/actors.{}?q=pol"),
        ("country-relationships", "?rtype=commands", "/countries/CF/exports/relationships.{}?rtype=commands"),
        ("country-sources", "", "/countries/CF/exports/sources.{}"),
        ("country-governance", "?severity=high", "/countries/CF/exports/findings.{}?severity=high"),
        ("country-programmes", "?status=2", "/countries/CF/exports/programmes.{}?status=2"),
    ],
)
def test_country_pages(levelled_map: LevelledMap, member: User, page: str, query: str, expected: str) -> None:
    found = links(client_of(member).get(reverse(page, kwargs={"code": "CF"}) + query).content.decode())
    for fmt in ("csv", "xlsx"):
        assert expected.format(fmt) in found


@pytest.mark.parametrize(
    ("page", "query", "expected"),
    [
        ("programme-list", "?country=CF&page=1", "/exports/programmes.{}?country=CF"),
        ("assessment-list", "?status=draft", "/exports/assessments.{}?status=draft"),
    ],
)
def test_platform_pages(db: None, member: User, page: str, query: str, expected: str) -> None:
    found = links(client_of(member).get(reverse(page) + query).content.decode())
    for fmt in ("csv", "xlsx"):
        assert expected.format(fmt) in found


@pytest.mark.parametrize(("page", "name"), [("programme-money", "transactions"), ("programme-results", "results")])
def test_programme_tabs(programmes: dict[str, Programme], member: User, page: str, name: str) -> None:
    pk = programmes["public"].pk
    found = links(client_of(member).get(reverse(page, kwargs={"pk": pk})).content.decode())
    for fmt in ("csv", "xlsx"):
        assert f"/programmes/{pk}/exports/{name}.{fmt}" in found


def test_the_buttons_are_translated(levelled_map: LevelledMap, member: User) -> None:
    page = client_of(member).get(reverse("country-actors", kwargs={"code": "CF"}), HTTP_ACCEPT_LANGUAGE="fr")
    assert "Exporter ces lignes" in page.content.decode()
