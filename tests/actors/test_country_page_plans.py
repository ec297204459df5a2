"""The country page reads its own country's rows only: another country's records, however many, cost it nothing.

Every query of the page's tabs is run under PostgreSQL's EXPLAIN ANALYZE, which tells the rows each scan of a
table read. With a second country ten times larger than the page's in the database, the rows the page reads from
the tables of records must stay the same when a third country as large is added (and analysed, so that the
planner knows of it): a query that reads other countries' rows reads thousands more.
"""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.test import Client
from django.test.utils import CaptureQueriesContext

from egide.accounts.models import Confidentiality, Organisation, Role, Share
from egide.accounts.selectors import owned_by_reader_filter
from egide.actors import selectors
from egide.actors.models import Actor, Citation, Relationship, Source
from egide.core import taxonomy
from tests.conftest import make_user

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the rows each scan read come from PostgreSQL's EXPLAIN ANALYZE: SQLite's EXPLAIN QUERY PLAN tells none",
)

MEASURED, OTHER, THIRD = "CF", "ML", "NE"
MEASURED_ACTORS, OTHER_ACTORS = 150, 1_500
RECORD_TABLES = ("actors_actor", "actors_relationship", "actors_source", "actors_citation", "accounts_share")
MARGIN = 100
"""Rows a query may read beyond those it read before the third country came: a fifteenth of that country's
actors."""

PAGES = [
    "/countries/CF/",
    "/countries/CF/actors/",
    "/countries/CF/relationships/",
    "/countries/CF/sources/",
    "/countries/CF/counts/",
    "/countries/CF/actors/table/?sort=-relationships",
    "/countries/CF/actors/table/?q=unit&sort=-confidence",
    "/countries/CF/relationships/table/?rsort=-target",
]
LEVELS = [Confidentiality.PUBLIC, Confidentiality.PARTNERS, Confidentiality.ORGANISATION, Confidentiality.RESTRICTED]


def fill(country: str, size: int, organisation: Organisation) -> None:
    """A country's map of `size` actors, three times as many relationships, a source per five actors, a citation
    for every record, and every restricted record shared with the organisation; made in bulk (the services would
    take minutes), then analysed."""
    actors = Actor.objects.bulk_create(
        Actor(
            country=country,
            reference=f"{country}{number:05d}",
            family=taxonomy.KIND_BY_CODE["armed_forces"].family,
            kind="armed_forces",
            name_en=f"Unit {number}",
            name_fr=f"Unité {number}",
            owner=organisation,
            confidentiality=LEVELS[number % 4],
        )
        for number in range(size)
    )
    relationships = Relationship.objects.bulk_create(
        Relationship(
            country=country,
            source=actors[number % size],
            target=actors[(number * 7 + 1) % size],
            type="commands",
            owner=organisation,
            confidentiality=LEVELS[number % 4],
        )
        for number in range(size * 3)
        if number % size != (number * 7 + 1) % size
    )
    sources = Source.objects.bulk_create(
        Source(country=country, title=f"Decree {number}", owner=organisation if number % 9 == 0 else None)
        for number in range(size // 5)
    )
    Citation.objects.bulk_create(
        [Citation(source=sources[number % len(sources)], actor=actor) for number, actor in enumerate(actors)]
        + [
            Citation(source=sources[number % len(sources)], relationship=relationship)
            for number, relationship in enumerate(relationships)
        ]
    )
    Share.objects.bulk_create(
        Share(
            content_type=ContentType.objects.get_for_model(type(record)),
            object_id=record.pk,
            organisation=organisation,
            country=country,
        )
        for record in [*actors, *relationships]
        if record.confidentiality == Confidentiality.RESTRICTED
    )
    with connection.cursor() as cursor:
        for table in RECORD_TABLES:
            cursor.execute(f"ANALYZE {table}")


def _scans(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    if "Relation Name" in plan:
        yield plan
    for child in plan.get("Plans", []):
        yield from _scans(child)


def _rows_read(scan: dict[str, Any]) -> int:
    """The rows a scan read, over all its loops: those it kept and those its filter removed."""
    per_loop = (
        scan["Actual Rows"] + scan.get("Rows Removed by Filter", 0) + scan.get("Rows Removed by Index Recheck", 0)
    )
    return int(per_loop * scan["Actual Loops"])


def rows_read(sql: str, params: Any = None) -> dict[str, int]:
    """The rows one query read from each table of records, by EXPLAIN ANALYZE."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        document = cursor.fetchone()[0]
    plan = (json.loads(document) if isinstance(document, str) else document)[0]["Plan"]
    read: dict[str, int] = {}
    for scan in _scans(plan):
        if scan["Relation Name"] in RECORD_TABLES:
            read[scan["Relation Name"]] = read.get(scan["Relation Name"], 0) + _rows_read(scan)
    return read


def page_rows_read(client: Client) -> dict[tuple[str, int], dict[str, int]]:
    """For each page and each of its queries, the rows it read from each table of records."""
    read = {}
    for path in PAGES:
        headers = {"HX-Request": "true"} if "/table/" in path or path.endswith("/counts/") else {}
        assert client.get(path, headers=headers).status_code == 200  # a first visit warms the caches
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path, headers=headers).status_code == 200
        for number, query in enumerate(queries.captured_queries):
            if query["sql"].lstrip().upper().startswith("SELECT"):
                read[(path, number)] = rows_read(query["sql"])
    return read


def growth(before: dict[Any, dict[str, int]], after: dict[Any, dict[str, int]]) -> list[str]:
    """The queries that read more rows with the other country in the database, with how many more."""
    grown = []
    for key, tables in after.items():
        extra = {table: rows - before.get(key, {}).get(table, 0) for table, rows in tables.items()}
        if sum(extra.values()) > MARGIN:
            grown.append(f"{key}: {extra}")
    return grown


@pytest.fixture
def measured(organisation: Organisation) -> Organisation:
    """The page's country, and another one ten times larger."""
    fill(MEASURED, MEASURED_ACTORS, organisation)
    fill(OTHER, OTHER_ACTORS, organisation)
    return organisation


@pytest.mark.parametrize("who", ["viewer", "limited viewer", "staff"])
def test_the_country_page_reads_no_other_country(
    who: str, measured: Organisation, viewer: User, verified_superuser_client: Client
) -> None:
    if who == "staff":
        client = verified_superuser_client
    else:
        user = viewer
        if who == "limited viewer":
            user = make_user("limited", measured, Role.VIEWER, countries=[MEASURED, OTHER, THIRD])
        client = Client()
        client.force_login(user)
    before = page_rows_read(client)
    fill(THIRD, OTHER_ACTORS, measured)
    after = page_rows_read(client)
    assert after.keys() == before.keys()
    grown = growth(before, after)
    assert grown == [], "\n".join(grown)


def test_the_check_catches_a_query_that_reads_every_country(measured: Organisation, viewer: User) -> None:
    """The check itself: the country's sources as the sources tab once read them, each citation's record checked
    against every record the viewer may see in any country, read the other country too."""
    by_actor = Citation.objects.filter(source=OuterRef("pk"), actor__in=selectors.actors_visible(user=viewer))
    by_relationship = Citation.objects.filter(
        source=OuterRef("pk"), relationship__in=selectors.relationships_visible(user=viewer)
    )
    sources = Source.objects.filter(country=MEASURED).filter(
        Q(Exists(by_actor)) | Q(Exists(by_relationship)) | owned_by_reader_filter(user=viewer)
    )
    before = {"sources": rows_read(*sources.query.sql_with_params())}
    fill(THIRD, OTHER_ACTORS, measured)
    after = {"sources": rows_read(*sources.query.sql_with_params())}
    assert growth(before, after) != []
