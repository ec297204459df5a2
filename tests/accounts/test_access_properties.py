"""A property-based check of the access rules: for random organisations, memberships, records and shares,
what each user can list, count and export equals what an independent reading of the rules says."""

import json

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from egide.accounts.models import Membership, Organisation, OrganisationType, Share
from egide.actors import exporter, selectors
from egide.actors.models import Actor

COUNTRIES = ("CF", "CD", "ML")
LEVELS = ("public", "partners", "organisation", "restricted")
ROLES = ("administrator", "editor", "reviewer", "viewer")

memberships = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=2),  # organisation
        st.sampled_from(ROLES),
        st.lists(st.sampled_from(COUNTRIES), max_size=2, unique=True),  # countries; empty means all
    ),
    max_size=3,
    unique_by=lambda membership: membership[0],
)
records = st.lists(
    st.tuples(
        st.sampled_from(COUNTRIES),
        st.integers(min_value=0, max_value=2),  # owner organisation
        st.sampled_from(LEVELS),
        st.lists(st.integers(min_value=0, max_value=2), max_size=2, unique=True),  # shared with
    ),
    min_size=1,
    max_size=8,
)


def may_read(
    record: tuple[str, int, str, list[int]], grants: list[tuple[int, str, list[str]]], superuser: bool
) -> bool:
    """The issue's rules, read independently of the selectors."""
    country, owner, level, shared_with = record
    if superuser or level == "public":
        return True
    covering = [organisation for organisation, _role, countries in grants if not countries or country in countries]
    if level == "partners":
        return bool(covering)
    if level == "organisation":
        return owner in covering
    return owner in covering or any(organisation in shared_with for organisation in covering)


class AccessProperties(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(grants=memberships, made=records, superuser=st.booleans())
    def test_listing_counting_and_exporting_follow_the_rules(
        self, grants: list[tuple[int, str, list[str]]], made: list[tuple[str, int, str, list[int]]], superuser: bool
    ) -> None:
        organisations = [
            Organisation.objects.create(
                name_en=f"Org {index}", name_fr=f"Org {index}", acronym=f"ORG{index}", type=OrganisationType.OTHER
            )
            for index in range(3)
        ]
        user = User.objects.create_user(username="reader", is_superuser=superuser)
        for organisation, role, countries in grants:
            Membership.objects.create(
                user=user, organisation=organisations[organisation], role=role, countries=countries
            )
        content_type = ContentType.objects.get_for_model(Actor)
        expected: dict[str, set[str]] = {country: set() for country in COUNTRIES}
        for index, record in enumerate(made):
            country, owner, level, shared_with = record
            actor = Actor.objects.create(
                country=country,
                reference=f"A{index}",
                kind="police",
                family="security_providers",
                name_en=f"Actor {index}",
                name_fr=f"Acteur {index}",
                owner=organisations[owner],
                confidentiality=level,
            )
            for organisation in shared_with:
                Share.objects.create(
                    content_type=content_type,
                    object_id=actor.pk,
                    organisation=organisations[organisation],
                    country=country,
                )
            if may_read(record, grants, superuser):
                expected[country].add(actor.reference)

        user = User.objects.get(pk=user.pk)
        for country in COUNTRIES:
            listed = set(selectors.country_actors(user=user, country=country).values_list("reference", flat=True))
            assert listed == expected[country], country
            document = json.loads(exporter.export_map(user=user, country=country, fmt="json"))
            assert {actor["reference"] for actor in document["actors"]} == expected[country], country
            nodes = selectors.country_map(user=user, country=country)["nodes"]
            assert {node["reference"] for node in nodes} == expected[country], country
        counts = {summary.code: summary.actors for summary in selectors.country_summaries(user=user)}
        assert counts == {country: len(refs) for country, refs in expected.items() if refs}


# --- Sources and parents ---------------------------------------------------------------------------------------------

actor_records = st.lists(
    st.tuples(
        st.sampled_from(COUNTRIES[:2]),
        st.integers(min_value=0, max_value=2),  # owner organisation
        st.sampled_from(LEVELS),
        st.lists(st.integers(min_value=0, max_value=2), max_size=2, unique=True),  # shared with
        st.integers(min_value=-1, max_value=7),  # parent: the index of an earlier actor of the country, or none
    ),
    min_size=2,
    max_size=8,
)
relationship_records = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=7),  # source actor
        st.integers(min_value=0, max_value=7),  # target actor
        st.integers(min_value=0, max_value=2),  # owner organisation
        st.sampled_from(LEVELS),
        st.lists(st.integers(min_value=0, max_value=2), max_size=2, unique=True),  # shared with
    ),
    max_size=8,
)
source_records = st.lists(
    st.tuples(
        st.sampled_from(COUNTRIES[:2]),
        st.integers(min_value=-1, max_value=2),  # the organisation that recorded it, or none
        st.lists(st.integers(min_value=0, max_value=7), max_size=2, unique=True),  # actors citing it
        st.lists(st.integers(min_value=0, max_value=7), max_size=2, unique=True),  # relationships citing it
    ),
    min_size=1,
    max_size=6,
)


def may_record(owner: int, country: str, grants: list[tuple[int, str, list[str]]]) -> bool:
    """A source recorded by one of the reader's organisations, in a country the membership covers."""
    return any(
        organisation == owner and (not countries or country in countries) for organisation, _r, countries in grants
    )


class SourceAndParentProperties(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        grants=memberships,
        made=actor_records,
        links=relationship_records,
        documents=source_records,
        superuser=st.booleans(),
    )
    def test_sources_and_parents_follow_the_rules(
        self,
        grants: list[tuple[int, str, list[str]]],
        made: list[tuple[str, int, str, list[int], int]],
        links: list[tuple[int, int, int, str, list[int]]],
        documents: list[tuple[str, int, list[int], list[int]]],
        superuser: bool,
    ) -> None:
        from egide.actors.models import Citation, Relationship, Source
        from egide.actors.schemas import ActorOut

        organisations = [
            Organisation.objects.create(
                name_en=f"Org {index}", name_fr=f"Org {index}", acronym=f"ORG{index}", type=OrganisationType.OTHER
            )
            for index in range(3)
        ]
        user = User.objects.create_user(username="reader", is_superuser=superuser)
        for organisation, role, countries in grants:
            Membership.objects.create(
                user=user, organisation=organisations[organisation], role=role, countries=countries
            )

        def share(model: type, pk: int, country: str, shared_with: list[int]) -> None:
            for organisation in shared_with:
                Share.objects.create(
                    content_type=ContentType.objects.get_for_model(model),
                    object_id=pk,
                    organisation=organisations[organisation],
                    country=country,
                )

        actors: list[Actor] = []
        seen_actors: set[int] = set()
        parent_of: dict[int, int | None] = {}
        for index, (country, owner, level, shared_with, parent) in enumerate(made):
            earlier = actors[parent] if 0 <= parent < index and actors[parent].country == country else None
            actor = Actor.objects.create(
                country=country,
                reference=f"A{index}",
                kind="police",
                family="security_providers",
                name_en=f"Actor {index}",
                name_fr=f"Acteur {index}",
                owner=organisations[owner],
                confidentiality=level,
                parent=earlier,
            )
            share(Actor, actor.pk, country, shared_with)
            actors.append(actor)
            parent_of[actor.pk] = earlier.pk if earlier else None
            if may_read((country, owner, level, shared_with), grants, superuser):
                seen_actors.add(actor.pk)

        relationships: list[Relationship] = []
        seen_relationships: set[int] = set()
        for source, target, owner, level, shared_with in links:
            if source >= len(actors) or target >= len(actors) or source == target:
                continue
            if actors[source].country != actors[target].country:
                continue
            country = actors[source].country
            relationship = Relationship.objects.create(
                country=country,
                source=actors[source],
                target=actors[target],
                type="commands",
                owner=organisations[owner],
                confidentiality=level,
            )
            share(Relationship, relationship.pk, country, shared_with)
            relationships.append(relationship)
            readable = may_read((country, owner, level, shared_with), grants, superuser)
            if readable and actors[source].pk in seen_actors and actors[target].pk in seen_actors:
                seen_relationships.add(relationship.pk)

        expected_sources: dict[str, set[str]] = {country: set() for country in COUNTRIES}
        for index, (country, owner, by_actors, by_relationships) in enumerate(documents):
            source = Source.objects.create(
                country=country, title=f"Source {index}", owner=organisations[owner] if owner >= 0 else None
            )
            cited_by_seen = False
            for position in by_actors:
                if position < len(actors) and actors[position].country == country:
                    Citation.objects.create(source=source, actor=actors[position])
                    cited_by_seen |= actors[position].pk in seen_actors
            for position in by_relationships:
                if position < len(relationships) and relationships[position].country == country:
                    Citation.objects.create(source=source, relationship=relationships[position])
                    cited_by_seen |= relationships[position].pk in seen_relationships
            if superuser or cited_by_seen or (owner >= 0 and may_record(owner, country, grants)):
                expected_sources[country].add(source.title)

        user = User.objects.get(pk=user.pk)
        for country in COUNTRIES:
            titles = set(selectors.country_sources(user=user, country=country).values_list("title", flat=True))
            assert titles == expected_sources[country], country
            # What each visible actor says of its parent: the id when the reader sees the parent, else nothing.
            expected_parents = {
                actor.reference: (parent_of[actor.pk] if parent_of[actor.pk] in seen_actors else None)
                for actor in actors
                if actor.country == country and actor.pk in seen_actors
            }
            nodes = selectors.country_map(user=user, country=country)["nodes"]
            assert {node["reference"]: node["parent"] for node in nodes} == expected_parents, country
            listed = selectors.country_actors(user=user, country=country)
            assert {actor.reference: ActorOut.from_actor(actor).parent for actor in listed} == expected_parents
            for actor in listed:
                assert (
                    ActorOut.from_actor(selectors.actor_get(user=user, pk=actor.pk)).parent
                    == (expected_parents[actor.reference])
                )
            references = {actor.pk: actor.reference for actor in actors}
            document = json.loads(exporter.export_map(user=user, country=country, fmt="json"))
            assert {item["reference"]: item["parent"] for item in document["actors"]} == {
                reference: references.get(parent, "") if parent else ""
                for reference, parent in expected_parents.items()
            }
            assert {source["title"] for source in document["sources"]} <= expected_sources[country]
