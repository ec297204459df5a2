"""The lists, the latest developments and the API's lists read the same number of queries at 3 and at 30
records: a behaviour, not a timing."""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from egide.references.models import Framework, Mission, ReferenceDocument

pytestmark = pytest.mark.django_db

ADDRESSES = [
    "/references/documents/",
    "/references/documents/?q=security",
    "/references/missions/",
    "/references/frameworks/",
    "/references/latest/",
    "/countries/XK/latest/",
    "/references/latest/rss/",
    "/api/v1/documents?search=security",
    "/api/v1/missions",
]


def _counts(client: Client) -> list[int]:
    counts = []
    for address in ADDRESSES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(address).status_code == 200, address
        counts.append(len(queries))
    return counts


def test_the_number_of_queries_does_not_grow_with_the_records(
    make_document: Callable[..., ReferenceDocument],
    make_mission: Callable[..., Mission],
    make_framework: Callable[..., Framework],
    member: User,
) -> None:
    client = Client()
    client.force_login(member)

    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            document = make_document(symbol=f"S/{number}", countries=["XK", "CF"])
            make_mission(acronym_en=f"M{number}", document_ids=[document.pk])
            make_framework(code=f"F{number}")

    add(3, 0)
    _counts(client)  # fills the per-process caches (content types) first
    few = _counts(client)
    add(27, 3)
    assert _counts(client) == few
