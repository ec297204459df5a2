"""The RSS and Atom feeds of the latest developments: valid, newest first, and public items only, whoever asks."""

import xml.etree.ElementTree as ElementTree
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from egide.accounts.models import Confidentiality
from egide.references.models import Mission, ReferenceDocument
from tests.security.helpers import verified_client

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
FEEDS = [
    ("latest-developments-rss", {}),
    ("latest-developments-atom", {}),
    ("country-latest-developments-rss", {"code": "CF"}),
    ("country-latest-developments-atom", {"code": "CF"}),
]


@pytest.fixture
def records(make_document: Callable[..., ReferenceDocument], make_mission: Callable[..., Mission]) -> None:
    make_document(title_en="Open debate on SSR", type="debate", countries=["CF"], symbol="")
    make_document(title_en="Older resolution", countries=["CF"], symbol="", issued=None)
    for level in (Confidentiality.PARTNERS, Confidentiality.ORGANISATION, Confidentiality.RESTRICTED):
        make_document(title_en=f"Secret {level} note", countries=["CF"], symbol="", confidentiality=level)
        make_mission(country="CF", acronym_en=f"SECRET-{level}", confidentiality=level)
    make_mission(country="CF", acronym_en="MINUSCA")


def _titles(content: bytes, atom: bool) -> list[str]:
    root = ElementTree.fromstring(content)
    if atom:
        assert root.tag == f"{ATOM}feed"
        return [entry.findtext(f"{ATOM}title") or "" for entry in root.iter(f"{ATOM}entry")]
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    return [item.findtext("title") or "" for item in root.iter("item")]


@pytest.mark.parametrize(("name", "kwargs"), FEEDS)
@pytest.mark.parametrize("reader", ["visitor", "staff"])
def test_a_feed_holds_the_public_items_only_whoever_asks(
    records: None, staff: User, name: str, kwargs: dict[str, str], reader: str
) -> None:
    client = verified_client(staff) if reader == "staff" else Client()
    response = client.get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    atom = name.endswith("atom")
    assert response["Content-Type"].startswith("application/atom+xml" if atom else "application/rss+xml")
    titles = _titles(response.content, atom)
    assert "Debate record: Open debate on SSR" in titles
    assert "Mission started: European Union Rule of Law Mission in Kosovo (MINUSCA)" in titles
    assert not [title for title in titles if "SECRET" in title or "Secret" in title]
    assert not [title for title in titles if "Older resolution" in title]  # undated: not a development


def test_the_country_feed_is_for_that_country(records: None, make_document: Callable[..., ReferenceDocument]) -> None:
    make_document(title_en="Congo statement", countries=["CD"], symbol="")
    titles = _titles(Client().get(reverse("country-latest-developments-rss", kwargs={"code": "CF"})).content, False)
    assert titles
    assert not [title for title in titles if "Congo" in title]
    assert Client().get(reverse("country-latest-developments-atom", kwargs={"code": "QQ"})).status_code == 404
