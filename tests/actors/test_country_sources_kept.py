"""Which of a country's sources a reader may see is kept per map version and per scope of readers, as the counts
are: every change that can show or hide a source shows at once, readers of different reach never read each
other's list, and the sources tab reads the map version once and then the sources by their ids."""

from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from egide.accounts import services as account_services
from egide.accounts.models import Confidentiality, Organisation, Share
from egide.actors import selectors, services
from egide.actors.data import CitationData, RelationshipData
from egide.actors.models import Actor, Source
from tests.conftest import ActorFactory


def _titles(user: object) -> set[str]:
    return set(selectors.country_sources(user=user, country="CF").values_list("title", flat=True))  # type: ignore[arg-type]


def _cite(title: str, *, actor: Actor | None = None, relationship: object = None) -> Source:
    source = services.source_get_or_create(user=None, country="CF", citation=CitationData(title=title))
    services.citation_add(user=None, source=source, actor=actor, relationship=relationship, locator="p. 1")  # type: ignore[arg-type]
    return source


def _hidden_agency(make_actor: ActorFactory) -> Actor:
    return make_actor(
        kind="civilian_intelligence", name="Intelligence agency", reference="ANR", confidentiality="organisation"
    )


def test_a_change_that_shows_or_hides_a_source_is_seen_at_once(
    make_actor: ActorFactory, outsider: User, other_organisation: Organisation
) -> None:
    police = make_actor(kind="police", name="National Police", reference="POL", confidentiality="public")
    agency = _hidden_agency(make_actor)
    _cite("Police act", actor=police)
    decree = _cite("Decree on the agency", actor=agency)
    assert _titles(outsider) == {"Police act"}
    assert _titles(outsider) == {"Police act"}  # kept: the same answer

    # The cited record made public: the source shows (a save, as the services, the admin and the importer make).
    agency.confidentiality = Confidentiality.PUBLIC
    agency.save()
    assert _titles(outsider) == {"Police act", "Decree on the agency"}

    # Restricted, then shared with the outsider's organisation: hidden, then seen.
    agency.confidentiality = Confidentiality.RESTRICTED
    agency.save()
    assert _titles(outsider) == {"Police act"}
    account_services.record_share(user=None, record=agency, organisation=other_organisation, can_edit_too=False)
    assert _titles(outsider) == {"Police act", "Decree on the agency"}

    # A citation added, then removed.
    budget = _cite("Budget law", actor=police)
    assert _titles(outsider) == {"Police act", "Decree on the agency", "Budget law"}
    services.citation_remove(user=None, citation=budget.citations.get())
    assert _titles(outsider) == {"Police act", "Decree on the agency"}
    assert decree.pk


def test_readers_of_different_reach_never_share_the_list(
    make_actor: ActorFactory,
    staff: User,
    member: User,
    viewer: User,
    outsider: User,
    nobody: User,
    organisation: Organisation,
) -> None:
    police = make_actor(kind="police", name="National Police", reference="POL", confidentiality="public")
    agency = _hidden_agency(make_actor)
    president = make_actor(kind="head_of_state", name="Presidency", reference="PR", confidentiality="public")
    command = services.relationship_create(
        user=None,
        data=RelationshipData(source=president, target=agency, type="commands", confidentiality="public"),
    )
    _cite("Police act", actor=police)
    _cite("Decree on the agency", relationship=command)  # a public link to a hidden actor
    notes = services.source_get_or_create(
        user=None, country="CF", citation=CitationData(title="Field notes"), owner=organisation
    )  # cited by nothing: seen by its organisation's members alone
    everything = {"Police act", "Decree on the agency", "Field notes"}
    readers = (
        ("staff", staff, everything),
        ("member", member, everything),
        ("viewer", viewer, everything),
        ("outsider", outsider, {"Police act"}),
        ("nobody", nobody, {"Police act"}),
        ("anonymous", AnonymousUser(), {"Police act"}),
    )
    for _ in range(2):  # computed, then read back as kept, in turn
        for name, user, expected in readers:
            assert _titles(user) == expected, name
        readers = readers[::-1]
    assert notes.owner_id == organisation.pk


def test_the_sources_tab_reads_the_map_version_once(make_actor: ActorFactory, outsider: User) -> None:
    police = make_actor(kind="police", name="National Police", reference="POL", confidentiality="public")
    _cite("Police act", actor=police)
    client = Client()
    client.force_login(outsider)
    assert client.get("/countries/CF/sources/").status_code == 200  # computes and keeps the counts and the list
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/countries/CF/sources/")
    assert response.status_code == 200
    assert "Police act" in response.content.decode()
    sql = [query["sql"] for query in queries.captured_queries]
    assert sum('"actors_mapversion"' in text for text in sql) == 1
    # The sources read by their ids: no visibility subquery over citations, shares or records.
    read = [text for text in sql if 'FROM "actors_source"' in text]
    assert len(read) == 1
    assert '"actors_citation"' not in read[0]
    assert '"accounts_share"' not in read[0]
    assert Share.objects.count() == 0
