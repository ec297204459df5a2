"""Business rules of the map, tested at the service level: every validation rule refuses, naming its field."""

import pytest
from django.core.exceptions import ValidationError

from egide.actors import services
from egide.actors.data import ActorData, CitationData, RelationshipData
from egide.actors.models import Actor, Citation, Relationship
from egide.core.fuzzy_dates import FuzzyDate
from tests.conftest import ActorFactory, SmallMap


def _error_fields(error: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(error.value.message_dict)


def test_actor_create_derives_family_and_reference(make_actor: ActorFactory) -> None:
    actor = make_actor(kind="gendarmerie", name="Gendarmerie nationale", acronym_en="GN")
    assert actor.family == "security_providers"
    assert actor.reference == "GN"
    assert make_actor(kind="gendarmerie", name="Other", acronym_en="GN").reference == "GN-2"


def test_actor_name_falls_back_to_the_other_language(db: None) -> None:
    actor = services.actor_create(user=None, country="CD", data=ActorData(kind="media", name_en="", name_fr="Radio"))
    assert (actor.name_en, actor.name_fr) == ("Radio", "Radio")


@pytest.mark.parametrize(
    ("country", "kind", "name", "field"),
    [
        ("ZZ", "police", "Police", "country"),
        ("CF", "spaceship", "Police", "kind"),
        ("CF", "police", "", "name_en"),
    ],
)
def test_actor_create_refuses_bad_values(db: None, country: str, kind: str, name: str, field: str) -> None:
    with pytest.raises(ValidationError) as error:
        services.actor_create(user=None, country=country, data=ActorData(kind=kind, name_en=name, name_fr=name))
    assert field in _error_fields(error)
    assert not Actor.objects.exists()


def test_actor_confidence_must_be_known(db: None) -> None:
    with pytest.raises(ValidationError) as error:
        services.actor_create(user=None, country="CF", data=ActorData(kind="police", name_en="P", confidence="certain"))
    assert _error_fields(error) == {"confidence"}


def test_actor_reference_must_be_unique_and_well_formed(make_actor: ActorFactory) -> None:
    make_actor(reference="POL")
    with pytest.raises(ValidationError) as error:
        make_actor(reference="POL")
    assert _error_fields(error) == {"reference"}
    with pytest.raises(ValidationError) as error:
        make_actor(reference="has space")
    assert _error_fields(error) == {"reference"}
    # The same reference in another country is fine.
    assert make_actor(country="CD", reference="POL").reference == "POL"


def test_parent_must_be_in_the_same_country(make_actor: ActorFactory) -> None:
    foreign = make_actor(country="CD", kind="ministry_of_interior")
    with pytest.raises(ValidationError) as error:
        make_actor(country="CF", parent=foreign)
    assert _error_fields(error) == {"parent"}


def test_parent_cannot_make_a_loop(small_map: SmallMap) -> None:
    presidency = small_map.presidency
    data = ActorData(kind=presidency.kind, name_en=presidency.name_en, reference="PR", parent=small_map.army)
    with pytest.raises(ValidationError) as error:
        services.actor_update(user=None, actor=presidency, data=data)
    assert "loop" in error.value.message_dict["parent"][0]


def test_actor_update_changes_kind_and_family(small_map: SmallMap) -> None:
    police = small_map.police
    services.actor_update(
        user=None, actor=police, data=ActorData(kind="gendarmerie", name_en="Gendarmerie", reference="POL")
    )
    police.refresh_from_db()
    assert (police.kind, police.family, police.name_en) == ("gendarmerie", "security_providers", "Gendarmerie")


def test_actor_delete_removes_its_relationships_and_orphans_children(small_map: SmallMap) -> None:
    services.actor_delete(user=None, actor=small_map.defence)
    assert not Relationship.objects.filter(pk=small_map.oversees.pk).exists()
    small_map.army.refresh_from_db()
    assert small_map.army.parent is None


def _relationship(source: Actor, target: Actor, type: str = "commands", **fields: object) -> RelationshipData:
    return RelationshipData(source=source, target=target, type=type, **fields)  # type: ignore[arg-type]


def test_relationship_create_records_country_and_dates(small_map: SmallMap) -> None:
    relationship = services.relationship_create(
        user=None,
        data=_relationship(
            small_map.defence,
            small_map.army,
            "administers",
            start=FuzzyDate.parse("2017-05"),
            end=FuzzyDate.parse("2020"),
            ongoing=False,
        ),
    )
    assert relationship.country == "CF"
    assert (relationship.start, relationship.end) == ("2017-05", "2020")


def test_relationship_to_itself_is_refused(small_map: SmallMap) -> None:
    with pytest.raises(ValidationError) as error:
        services.relationship_create(user=None, data=_relationship(small_map.army, small_map.army))
    assert _error_fields(error) == {"target"}


def test_relationship_across_countries_is_refused(small_map: SmallMap, make_actor: ActorFactory) -> None:
    foreign = make_actor(country="CD", kind="armed_forces")
    with pytest.raises(ValidationError) as error:
        services.relationship_create(user=None, data=_relationship(small_map.presidency, foreign))
    assert _error_fields(error) == {"target"}


def test_relationship_end_before_start_is_refused(small_map: SmallMap) -> None:
    with pytest.raises(ValidationError) as error:
        services.relationship_create(
            user=None,
            data=_relationship(
                small_map.presidency,
                small_map.police,
                start=FuzzyDate.parse("2015"),
                end=FuzzyDate.parse("2014-12"),
                ongoing=False,
            ),
        )
    assert _error_fields(error) == {"end"}


def test_imprecise_end_in_the_start_year_is_accepted(small_map: SmallMap) -> None:
    relationship = services.relationship_create(
        user=None,
        data=_relationship(
            small_map.presidency,
            small_map.police,
            start=FuzzyDate.parse("2015-06-10"),
            end=FuzzyDate.parse("2015"),
            ongoing=False,
        ),
    )
    assert relationship.end == "2015"


def test_ongoing_relationship_cannot_have_an_end(small_map: SmallMap) -> None:
    with pytest.raises(ValidationError) as error:
        services.relationship_create(
            user=None, data=_relationship(small_map.presidency, small_map.police, end=FuzzyDate.parse("2020"))
        )
    assert _error_fields(error) == {"end"}


@pytest.mark.parametrize(
    ("source", "type", "target"),
    [
        ("newspaper", "commands", "police"),  # media command nobody
        ("presidency", "commands", "parliament"),  # nobody commands parliament
        ("army", "audits", "defence"),  # a force does not audit
        ("newspaper", "adjudicates", "police"),  # only justice adjudicates
        ("police", "oversees", "army"),  # a force does not oversee
        ("presidency", "reports_to", "newspaper"),  # nobody reports to a newspaper
    ],
)
def test_types_that_cannot_join_two_families_are_refused(
    small_map: SmallMap, source: str, type: str, target: str
) -> None:
    with pytest.raises(ValidationError) as error:
        services.relationship_create(
            user=None, data=_relationship(getattr(small_map, source), getattr(small_map, target), type)
        )
    assert _error_fields(error) == {"type"}


def test_recordable_bad_arrangements_are_accepted(small_map: SmallMap, make_actor: ActorFactory) -> None:
    """A governance problem must be recordable to be found: the executive commanding a court is allowed here."""
    court = make_actor(kind="court", name="Court of Cassation")
    relationship = services.relationship_create(user=None, data=_relationship(small_map.presidency, court))
    assert relationship.type == "commands"


def test_strength_and_confidence_must_be_known(small_map: SmallMap) -> None:
    with pytest.raises(ValidationError) as error:
        services.relationship_create(
            user=None,
            data=_relationship(small_map.presidency, small_map.police, strength="huge", confidence="sure"),
        )
    assert _error_fields(error) == {"strength", "confidence"}


def test_relationship_update_and_delete(small_map: SmallMap) -> None:
    services.relationship_update(
        user=None,
        relationship=small_map.commands,
        data=_relationship(small_map.presidency, small_map.army, legal_basis="Constitution, art. 33"),
    )
    small_map.commands.refresh_from_db()
    assert small_map.commands.legal_basis == "Constitution, art. 33"
    services.relationship_delete(user=None, relationship=small_map.commands)
    assert not Relationship.objects.filter(pk=small_map.commands.pk).exists()


def test_sources_are_shared_and_citations_not_duplicated(small_map: SmallMap) -> None:
    citation = CitationData(
        title="Constitution", author="République centrafricaine", published=FuzzyDate.parse("2016-03-30")
    )
    source = services.source_get_or_create(user=None, country="CF", citation=citation)
    assert services.source_get_or_create(user=None, country="CF", citation=citation) == source
    assert source.published == "2016-03-30"
    first = services.citation_add(user=None, source=source, actor=small_map.army, locator="Art. 33")
    again = services.citation_add(user=None, source=source, actor=small_map.army, locator="Art. 33")
    assert first == again
    services.citation_add(user=None, source=source, relationship=small_map.commands, locator="Art. 33")
    assert Citation.objects.count() == 2
    services.citation_remove(user=None, citation=first)
    assert Citation.objects.count() == 1


def test_citation_must_cite_exactly_one_record_of_its_country(small_map: SmallMap, make_actor: ActorFactory) -> None:
    source = services.source_get_or_create(user=None, country="CF", citation=CitationData(title="Law"))
    with pytest.raises(ValidationError):
        services.citation_add(user=None, source=source)
    with pytest.raises(ValidationError):
        services.citation_add(user=None, source=source, actor=small_map.army, relationship=small_map.commands)
    with pytest.raises(ValidationError) as error:
        services.citation_add(user=None, source=source, actor=make_actor(country="CD"))
    assert _error_fields(error) == {"source"}


def test_source_needs_a_title(db: None) -> None:
    with pytest.raises(ValidationError) as error:
        services.source_get_or_create(user=None, country="CF", citation=CitationData(title="  "))
    assert _error_fields(error) == {"source_title"}


def test_a_relationship_cannot_move_to_another_country(small_map: SmallMap, make_actor: ActorFactory) -> None:
    chief = make_actor(country="CD", kind="head_of_state")
    army = make_actor(country="CD", kind="armed_forces")
    with pytest.raises(ValidationError) as error:
        services.relationship_update(user=None, relationship=small_map.commands, data=_relationship(chief, army))
    assert _error_fields(error) == {"source"}
    small_map.commands.refresh_from_db()
    assert small_map.commands.country == "CF"
