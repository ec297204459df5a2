"""A source is seen only through a record its reader may see in full, or by the organisation that recorded it.

The leak of issue 7: a source cited by a relationship to a hidden actor was listed on the country page to
anonymous visitors, offered in partners' citation choices, and its uploaded document was served to anyone.
"""

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape

from egide.accounts.models import Organisation
from egide.actors import selectors, services
from egide.actors.data import CitationData, RelationshipData
from egide.actors.models import Actor, Citation, Relationship, Source
from tests.conftest import ActorFactory

DECREE = "Decree on the national intelligence agency"


@pytest.fixture
def hidden_link(make_actor: ActorFactory, organisation: Organisation) -> dict[str, object]:
    """A public presidency commanding an intelligence agency that only its owner sees, by a public relationship
    cited by a decree with an uploaded document; and a public actor cited by a public law."""
    presidency = make_actor(kind="head_of_state", name="Presidency", reference="PR", confidentiality="public")
    agency = make_actor(
        kind="civilian_intelligence", name="Intelligence agency", reference="ANR", confidentiality="organisation"
    )
    command = services.relationship_create(
        user=None,
        data=RelationshipData(
            source=presidency, target=agency, type="commands", owner=organisation, confidentiality="public"
        ),
    )
    decree = services.source_get_or_create(
        user=None,
        country="CF",
        citation=CitationData(title=DECREE),
        document=SimpleUploadedFile("decree.pdf", b"%PDF-1.4 the decree"),
    )
    services.citation_add(user=None, source=decree, relationship=command, locator="Art. 1")
    law = services.source_get_or_create(user=None, country="CF", citation=CitationData(title="Constitution"))
    services.citation_add(user=None, source=law, actor=presidency, locator="Art. 33")
    return {"presidency": presidency, "agency": agency, "command": command, "decree": decree, "law": law}


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_a_source_cited_by_a_link_to_a_hidden_actor_is_hidden(
    hidden_link: dict[str, object], member: User, outsider: User, nobody: User
) -> None:
    decree, law = hidden_link["decree"], hidden_link["law"]
    assert isinstance(decree, Source)
    assert isinstance(law, Source)
    for reader in (AnonymousUser(), outsider, nobody):
        titles = set(selectors.country_sources(user=reader, country="CF").values_list("title", flat=True))
        assert titles == {"Constitution"}, reader
    assert set(selectors.country_sources(user=member, country="CF").values_list("title", flat=True)) == {
        "Constitution",
        DECREE,
    }


@pytest.mark.parametrize(("reader", "sees"), [("anonymous", False), ("outsider", False), ("member", True)])
def test_the_country_page_lists_only_visible_sources(
    hidden_link: dict[str, object], member: User, outsider: User, reader: str, sees: bool
) -> None:
    user = {"anonymous": None, "outsider": outsider, "member": member}[reader]
    html = _client(user).get("/countries/CF/sources/").content.decode()
    sources = html.split('<section id="sources" aria-labelledby="sources-title">', 1)[1].split("</section>", 1)[0]
    assert "Constitution" in sources
    assert (DECREE in sources) is sees


@pytest.mark.parametrize(("reader", "status"), [("anonymous", 404), ("outsider", 404), ("member", 200)])
def test_a_hidden_sources_document_is_not_served(
    hidden_link: dict[str, object], member: User, outsider: User, reader: str, status: int
) -> None:
    decree = hidden_link["decree"]
    assert isinstance(decree, Source)
    user = {"anonymous": None, "outsider": outsider, "member": member}[reader]
    response = _client(user).get(f"/sources/{decree.pk}/document/")
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == b"%PDF-1.4 the decree"  # type: ignore[attr-defined]


def test_the_citation_choices_offer_only_visible_sources(
    hidden_link: dict[str, object], member: User, outsider: User
) -> None:
    decree = hidden_link["decree"]
    assert isinstance(decree, Source)
    options = _client(outsider).get("/countries/CF/actors/new/").content.decode()
    assert "Constitution" in options
    assert DECREE not in options
    assert f'value="{decree.pk}"' not in options.split('name="cite_source"', 1)[1].split("</select>", 1)[0]
    assert DECREE in _client(member).get("/countries/CF/actors/new/").content.decode()


def test_a_source_recorded_by_an_organisation_is_seen_by_its_members_only(
    small_map: object, organisation: Organisation, member: User, viewer: User, outsider: User
) -> None:
    notes = services.source_get_or_create(
        user=None, country="CF", citation=CitationData(title="Field notes"), owner=organisation
    )
    assert selectors.sources_visible(user=member).filter(pk=notes.pk).exists()
    assert selectors.sources_visible(user=viewer).filter(pk=notes.pk).exists()
    assert not selectors.sources_visible(user=outsider).filter(pk=notes.pk).exists()
    assert not selectors.sources_visible(user=AnonymousUser()).filter(pk=notes.pk).exists()


def test_the_demo_shows_anonymous_visitors_no_hidden_source(db: None) -> None:
    """The attack as found: the demo's country pages listed sources of hidden records to anonymous visitors."""
    from egide.demo.loader import demo_load

    demo_load(user=None)
    public_actors = set(Actor.objects.filter(confidentiality="public").values_list("id", flat=True))
    public_relationships = {
        pk
        for pk, source, target in Relationship.objects.filter(confidentiality="public").values_list(
            "id", "source_id", "target_id"
        )
        if source in public_actors and target in public_actors
    }
    leaked_before = 0
    for country in ("CF", "CD"):
        expected = set()
        everything = set()
        for citation in Citation.objects.filter(source__country=country).select_related("source"):
            everything.add(citation.source.title)
            if citation.actor_id in public_actors or citation.relationship_id in public_relationships:
                expected.add(citation.source.title)
        html = Client().get(f"/countries/{country}/sources/").content.decode()
        section = html.split('<section id="sources" aria-labelledby="sources-title">', 1)[1].split("</section>", 1)[0]
        shown = {title for title in everything if f">{escape(title)}<" in section}
        leaked_before += len(everything - expected)
        assert shown == expected, sorted(shown - expected)
    assert leaked_before > 0  # the demo does hold sources that anonymous visitors must not see


def test_a_hidden_source_cannot_be_reached_by_typing_its_title(
    hidden_link: dict[str, object], make_actor: ActorFactory, outsider: User, other_organisation: Organisation
) -> None:
    """Citing "a new source" with a hidden source's title and link would otherwise cite the hidden one, and show
    its author, date and document to whoever guessed the title."""
    decree = hidden_link["decree"]
    assert isinstance(decree, Source)
    own = make_actor(kind="gendarmerie", name="Gendarmerie", reference="GEND", owner=other_organisation)
    response = _client(outsider).post(
        f"/actors/{own.pk}/edit/",
        {
            "name_en": "Gendarmerie",
            "name_fr": "Gendarmerie",
            "kind": own.kind,
            "reference": own.reference,
            "confidence": "medium",
            "owner": other_organisation.pk,
            "confidentiality": "partners",
            "source_title": DECREE,
        },
    )
    assert response.status_code == 200
    assert "A source with this title and link is already recorded" in response.content.decode()
    assert not own.citations.exists()
    assert not selectors.sources_visible(user=outsider).filter(pk=decree.pk).exists()
