"""The busiest pages make as many SQL queries for a map of 55 actors as for a map of 5."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from egide.actors import services
from egide.actors.data import CitationData, RelationshipData
from egide.actors.models import Actor, Relationship
from tests.conftest import ActorFactory


class Growing:
    """A country's map that can grow: a ministry, the actor under study, and as many units as wanted."""

    def __init__(self, make_actor: ActorFactory) -> None:
        self.make_actor = make_actor
        self.ministry = make_actor(kind="ministry_of_interior", name="Ministry of the Interior", reference="MOI")
        self.police = make_actor(kind="police", name="National Police", reference="POL", parent=self.ministry)
        self.size = 2
        self.grow(3)

    def _cite(self, *, title: str, actor: Actor | None = None, relationship: Relationship | None = None) -> None:
        source = services.source_get_or_create(user=None, country="CF", citation=CitationData(title=title))
        services.citation_add(user=None, source=source, actor=actor, relationship=relationship, locator="p. 1")

    def grow(self, count: int) -> None:
        """Add police units, each under the national police, related both ways to it and cited."""
        for _ in range(count):
            self.size += 1
            unit = self.make_actor(
                kind="police", name=f"Police unit {self.size:03d}", reference=f"UNIT{self.size:03d}", parent=self.police
            )
            outgoing = services.relationship_create(
                user=None, data=RelationshipData(source=self.police, target=unit, type="commands")
            )
            incoming = services.relationship_create(
                user=None, data=RelationshipData(source=unit, target=self.police, type="reports_to")
            )
            self._cite(title=f"Decree {self.size}", actor=unit)
            self._cite(title=f"Order {self.size}", relationship=outgoing)
            self._cite(title=f"Report {self.size}", relationship=incoming)


@pytest.fixture
def growing(make_actor: ActorFactory) -> Growing:
    return Growing(make_actor)


def count_queries(request: Callable[[], object]) -> int:
    request()  # a first visit warms what is cached once per process or session
    with CaptureQueriesContext(connection) as queries:
        request()
    return len(queries)


def assert_constant(growing: Growing, request: Callable[[], object]) -> None:
    small = count_queries(request)
    assert Actor.objects.count() == 5
    growing.grow(50)
    assert Actor.objects.count() == 55
    large = count_queries(request)
    assert large == small, f"{small} queries for 5 actors, {large} for 55"


@pytest.mark.parametrize("tab", ["", "actors/", "relationships/", "sources/"])
def test_country_page_queries_do_not_grow_with_the_map(member_client: Client, growing: Growing, tab: str) -> None:
    def visit() -> None:
        response = member_client.get(f"/countries/CF/{tab}")
        assert response.status_code == 200

    assert_constant(growing, visit)


def test_relationship_page_queries_do_not_grow_with_the_map(member_client: Client, growing: Growing) -> None:
    from egide.actors.models import Relationship

    def visit() -> None:
        relationship = Relationship.objects.order_by("pk").first()
        assert relationship is not None
        response = member_client.get(f"/relationships/{relationship.pk}/")
        assert response.status_code == 200

    assert_constant(growing, visit)


def test_actors_table_queries_do_not_grow_with_the_map(member_client: Client, growing: Growing) -> None:
    def visit() -> None:
        response = member_client.get("/countries/CF/actors/table/", {"sort": "-name"}, headers={"HX-Request": "true"})
        assert response.status_code == 200

    assert_constant(growing, visit)


def test_relationships_table_queries_do_not_grow_with_the_map(member_client: Client, growing: Growing) -> None:
    def visit() -> None:
        response = member_client.get("/countries/CF/relationships/table/", headers={"HX-Request": "true"})
        assert response.status_code == 200

    assert_constant(growing, visit)


def test_actor_page_queries_do_not_grow_with_its_relationships(member_client: Client, growing: Growing) -> None:
    def visit() -> None:
        response = member_client.get(f"/actors/{growing.police.pk}/")
        assert response.status_code == 200

    assert_constant(growing, visit)


def test_map_endpoint_queries_do_not_grow_with_the_map(member_client: Client, growing: Growing) -> None:
    sizes = []

    def visit() -> None:
        response = member_client.get("/api/v1/countries/CF/map")
        assert response.status_code == 200
        sizes.append(len(response.json()["nodes"]))

    assert_constant(growing, visit)
    assert sizes[-1] == 55


def test_actors_api_list_queries_do_not_grow_with_the_map(member_client: Client, growing: Growing) -> None:
    def visit() -> None:
        response = member_client.get("/api/v1/countries/CF/actors")
        assert response.status_code == 200

    assert_constant(growing, visit)


def test_export_queries_do_not_grow_with_the_map(member_client: Client, growing: Growing) -> None:
    def visit() -> None:
        response = member_client.get("/countries/CF/export.json")
        assert response.status_code == 200

    assert_constant(growing, visit)


def _counted(member_client: Client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = member_client.get(path)
    assert response.status_code == 200
    counts = [query["sql"] for query in queries.captured_queries if query["sql"].startswith("SELECT COUNT(*)")]
    return sorted(sql.split(" FROM ", 1)[1].split()[0].strip('"') for sql in counts)


@pytest.mark.parametrize("tab", ["", "actors/", "relationships/", "sources/"])
def test_country_page_counts_actors_and_relationships_once(member_client: Client, growing: Growing, tab: str) -> None:
    """The heading's counts serve the tables too: each tab counts the actors once and the relationships once, and
    only until the map changes: the counts are kept per map version."""
    assert _counted(member_client, f"/countries/CF/{tab}") == ["actors_actor", "actors_relationship"]
    assert _counted(member_client, f"/countries/CF/{tab}") == []
    growing.grow(1)
    assert _counted(member_client, f"/countries/CF/{tab}") == ["actors_actor", "actors_relationship"]


def test_a_filtered_table_counts_its_own_rows(member_client: Client, growing: Growing) -> None:
    """With a search, the table counts the rows found, not the country's: its pager says how many it found."""
    response = member_client.get("/countries/CF/actors/", {"q": "unit 004"})
    assert response.status_code == 200
    assert response.context["counts"].actors == 5
    assert response.context["actors_page"].paginator.count == 1
    response = member_client.get("/countries/CF/relationships/", {"rtype": "commands"})
    assert response.context["counts"].relationships == 6
    assert response.context["relationships_page"].paginator.count == 3
