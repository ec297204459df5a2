"""Creating or changing a record together with the source it cites is one service call: both are written, or
neither."""

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from egide.actors import services
from egide.actors.data import ActorData, CitationData, RelationshipData, SourceCitation
from egide.actors.models import Actor, Citation, Relationship, Source
from egide.audit.models import AuditEvent
from tests.conftest import SmallMap

LAW = "Law 2024-12 on the police"
NEW_LAW = SourceCitation(new=CitationData(title=LAW, url="https://example.org/law"), locator="Art. 4")


def _police_data(actor: Actor, **changes: object) -> ActorData:
    data = ActorData(
        kind=actor.kind,
        name_en=actor.name_en,
        name_fr=actor.name_fr,
        reference=actor.reference,
        owner=actor.owner,
        confidentiality=actor.confidentiality,
    )
    for name, value in changes.items():
        setattr(data, name, value)
    return data


def test_an_actor_is_created_with_a_new_source_cited_for_it(small_map: SmallMap, member: User) -> None:
    actor = services.actor_create(
        user=member,
        country="CF",
        data=ActorData(kind="gendarmerie", name_en="Gendarmerie", owner=small_map.police.owner),
        citation=NEW_LAW,
    )

    citation = Citation.objects.get(actor=actor)
    assert citation.locator == "Art. 4"
    assert (citation.source.title, citation.source.url) == (LAW, "https://example.org/law")
    # A new source belongs to the organisation of the record that cites it.
    assert citation.source.owner == actor.owner
    assert citation.source.country == "CF"
    logged = AuditEvent.objects.filter(content_type__model="actor", object_id=actor.pk)
    assert sorted(logged.values_list("action", flat=True)) == ["cite", "create"]


def test_an_actor_is_changed_and_cites_a_recorded_source(small_map: SmallMap, owner: User, member: User) -> None:
    recorded = services.source_get_or_create(user=None, country="CF", citation=CitationData(title="Decree 2020-1"))
    for user, name in ((owner, "National Police Force"), (member, "Police nationale")):
        police = Actor.objects.get(pk=small_map.police.pk)
        services.actor_update(
            user=user,
            actor=police,
            data=_police_data(police, name_en=name),
            expected_version=police.version,
            citation=SourceCitation(recorded=recorded, locator=f"cited by {user.username}"),
        )
        assert Actor.objects.get(pk=police.pk).name_en == name
    assert sorted(Citation.objects.filter(actor=small_map.police).values_list("locator", flat=True)) == [
        "cited by member",
        "cited by owner",
    ]


def test_an_outsider_changes_neither_the_actor_nor_its_citations(small_map: SmallMap, outsider: User) -> None:
    police = small_map.police
    with pytest.raises(PermissionDenied):
        services.actor_update(
            user=outsider, actor=police, data=_police_data(police, name_en="Seized"), citation=NEW_LAW
        )
    assert Actor.objects.get(pk=police.pk).name_en == "National Police"
    assert not Citation.objects.filter(actor=police).exists()
    assert not Source.objects.filter(title=LAW).exists()


def test_a_refused_citation_leaves_no_new_actor(small_map: SmallMap, member: User) -> None:
    untitled = SourceCitation(new=CitationData(title="  "), locator="p. 3")
    with pytest.raises(ValidationError) as refusal:
        services.actor_create(
            user=member,
            country="CF",
            data=ActorData(kind="gendarmerie", name_en="Gendarmerie", owner=small_map.police.owner),
            citation=untitled,
        )
    assert "source_title" in refusal.value.message_dict
    assert not Actor.objects.filter(name_en="Gendarmerie").exists()


def test_a_refused_citation_leaves_the_actor_unchanged(small_map: SmallMap, member: User) -> None:
    police = small_map.police
    with pytest.raises(ValidationError):
        services.actor_update(
            user=member,
            actor=police,
            data=_police_data(police, name_en="Renamed"),
            citation=SourceCitation(new=CitationData(title="")),
        )
    current = Actor.objects.get(pk=police.pk)
    assert (current.name_en, current.version) == ("National Police", 1)


def test_a_stale_save_writes_no_citation(small_map: SmallMap, member: User) -> None:
    police = small_map.police
    services.actor_update(user=member, actor=Actor.objects.get(pk=police.pk), data=_police_data(police, notes="new"))
    with pytest.raises(services.StaleRecord):
        services.actor_update(
            user=member, actor=police, data=_police_data(police), expected_version=1, citation=NEW_LAW
        )
    assert not Citation.objects.filter(actor=police).exists()
    assert not Source.objects.filter(title=LAW).exists()


def test_a_relationship_is_created_and_changed_with_its_citations(small_map: SmallMap, member: User) -> None:
    data = RelationshipData(
        source=small_map.interior, target=small_map.newspaper, type="funds", owner=small_map.interior.owner
    )
    relationship = services.relationship_create(user=member, data=data, citation=NEW_LAW)
    document = SimpleUploadedFile("budget.pdf", b"%PDF-1.4 budget")
    budget = SourceCitation(new=CitationData(title="Budget 2025"), document=document, locator="line 12")
    services.relationship_update(
        user=member, relationship=relationship, data=data, expected_version=relationship.version, citation=budget
    )

    cited = {c.source.title: c for c in Citation.objects.filter(relationship=relationship).select_related("source")}
    assert set(cited) == {LAW, "Budget 2025"}
    assert cited["Budget 2025"].locator == "line 12"
    assert cited["Budget 2025"].source.document.read() == b"%PDF-1.4 budget"


def test_a_refused_citation_leaves_no_new_relationship(small_map: SmallMap, member: User) -> None:
    data = RelationshipData(
        source=small_map.interior, target=small_map.newspaper, type="funds", owner=small_map.interior.owner
    )
    with pytest.raises(ValidationError):
        services.relationship_create(user=member, data=data, citation=SourceCitation(new=CitationData(title="")))
    assert not Relationship.objects.filter(source=small_map.interior, target=small_map.newspaper).exists()


def test_a_citation_names_one_source(small_map: SmallMap, member: User) -> None:
    recorded = services.source_get_or_create(user=None, country="CF", citation=CitationData(title="Decree 2020-1"))
    both = SourceCitation(recorded=recorded, new=CitationData(title="Another"))
    with pytest.raises(ValidationError):
        services.source_cite(user=member, record=small_map.police, citation=both)
    assert services.source_cite(user=member, record=small_map.police, citation=SourceCitation(locator="p. 1")) is None
    assert not Citation.objects.filter(actor=small_map.police).exists()
    assert not Source.objects.filter(title="Another").exists()
