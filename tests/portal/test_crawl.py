"""Every public address of the portal, walked as an anonymous visitor from its home pages and its sitemap: each
record it shows or links to is public (an assessment also published), and no name or amount of a record that is
not public appears in any page or file."""

import io
import re
from collections import deque
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from lxml import etree
from pypdf import PdfReader

from egide.actors.models import Actor
from egide.assessments.models import Assessment, Status
from egide.programmes.models import Programme
from tests.portal.conftest import NON_PUBLIC_AMOUNT_SPELLINGS, NON_PUBLIC_WORDS, Published

pytestmark = pytest.mark.django_db

RECORD_LINK = re.compile(r"^/(programmes|assessments|actors)/(\d+)/$")
MODELS = {"programmes": Programme, "assessments": Assessment, "actors": Actor}


def _sitemap(client: Client) -> list[str]:
    root = etree.fromstring(client.get("/public/sitemap.xml").content)
    return [urlsplit(element.text).path for element in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]


def _text(content: bytes) -> str:
    """A page's or a file's text; a PDF's as its pages read."""
    if content.startswith(b"%PDF"):
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return content.decode("utf-8")


def crawl(client: Client) -> tuple[dict[str, bytes], set[tuple[str, int]]]:
    """Every /public/ address reachable by links, its content, and the records linked to outside the portal."""
    queue = deque(["/public/en/", "/public/fr/", *_sitemap(client)])
    seen: dict[str, bytes] = {}
    records: set[tuple[str, int]] = set()
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        seen[path] = response.content
        if not response["Content-Type"].startswith("text/html"):
            continue
        for link in BeautifulSoup(response.content, "html.parser").find_all("a", href=True):
            target = urlsplit(str(link["href"]))
            if target.netloc:
                continue
            if target.path.startswith("/public/"):
                queue.append(target.path)
            elif found := RECORD_LINK.match(target.path):
                records.add((found[1], int(found[2])))
    return seen, records


def test_every_portal_address_shows_public_records_only(client: Client, published: Published) -> None:
    pages, records = crawl(client)
    # The walk reached every kind of address: both homes, latest developments, the country page and its files.
    for language in ("en", "fr"):
        for path in ("", "latest/", "countries/CF/", "countries/CF/data/programmes-iati.xml", "countries/CF/brief.pdf"):
            assert f"/public/{language}/{path}" in pages
        for name in ("actors", "relationships", "programmes", "findings"):
            for fmt in ("csv", "json"):
                assert f"/public/{language}/countries/CF/data/{name}.{fmt}" in pages
    for path, content in pages.items():
        text = _text(content)
        leaked = [word for word in (*NON_PUBLIC_WORDS, *NON_PUBLIC_AMOUNT_SPELLINGS) if word in text]
        assert not leaked, (path, leaked)
    # The records linked to: the public ones, and each of them is public.
    assert ("programmes", published.programme.pk) in records
    assert ("assessments", published.assessment.pk) in records
    assert ("actors", published.police.pk) in records
    for kind, pk in records:
        record = MODELS[kind].objects.get(pk=pk)
        assert record.confidentiality == "public", (kind, pk)
        if isinstance(record, Assessment):
            assert record.status == Status.PUBLISHED
    # And the public records' names do reach the pages: the walk read real content.
    every_page = "\n".join(_text(content) for content in pages.values())
    for name in ("Open justice support", "Appui ouvert à la justice", "Gendarmerie nationale", "Open baseline review"):
        assert name in every_page
