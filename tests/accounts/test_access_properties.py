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
from egide.actors.models import Actor, Relationship

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


def make_reader(grants: list[tuple[int, str, list[str]]], *, superuser: bool) -> tuple[list[Organisation], User]:
    """Three organisations, and a reader with the generated memberships in them."""
    organisations = [
        Organisation.objects.create(
            name_en=f"Org {index}", name_fr=f"Org {index}", acronym=f"ORG{index}", type=OrganisationType.OTHER
        )
        for index in range(3)
    ]
    user = User.objects.create_user(username="reader", is_superuser=superuser)
    for organisation, role, countries in grants:
        Membership.objects.create(user=user, organisation=organisations[organisation], role=role, countries=countries)
    return organisations, user


class AccessProperties(TestCase):
    @settings(
        max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors]
    )
    @given(grants=memberships, made=records, superuser=st.booleans())
    def test_listing_counting_and_exporting_follow_the_rules(
        self, grants: list[tuple[int, str, list[str]]], made: list[tuple[str, int, str, list[int]]], superuser: bool
    ) -> None:
        organisations, user = make_reader(grants, superuser=superuser)
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


# --- History: what each reader sees of a record's audit events ---------------------------------------------------

HISTORY_READERS = ("anonymous", "member", "superuser")
histories = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=2),  # owner organisation from this change on
        st.sampled_from(LEVELS),
        st.one_of(st.none(), st.integers(min_value=0, max_value=2)),  # then shared with this organisation
    ),
    min_size=1,
    max_size=5,
)


def reads_history_in_full(
    grants: list[tuple[int, str, list[str]]], superuser: bool, country: str, owners: set[int]
) -> bool:
    """The owner's members (now, or when the change was made) and staff read an event in full."""
    covering = {organisation for organisation, _role, countries in grants if not countries or country in countries}
    return superuser or bool(covering & owners)


class HistoryProperties(TestCase):
    @settings(
        max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors]
    )
    @given(
        grants=memberships,
        reader=st.sampled_from(HISTORY_READERS),
        country=st.sampled_from(COUNTRIES),
        states=histories,
        shared_now=st.lists(st.integers(min_value=0, max_value=2), max_size=2, unique=True),
    )
    def test_history_shows_each_reader_only_what_they_may_see(
        self,
        grants: list[tuple[int, str, list[str]]],
        reader: str,
        country: str,
        states: list[tuple[int, str, int | None]],
        shared_now: list[int],
    ) -> None:
        # Imported here so that this block stays apart from the rest of the file.
        from django.contrib.auth.models import AnonymousUser

        from egide.accounts.models import Confidentiality
        from egide.audit.context import audit_context
        from egide.audit.history import record_history_for
        from egide.audit.services import audit_record, snapshot

        organisations = [
            Organisation.objects.create(
                name_en=f"Org {index}", name_fr=f"Org {index}", acronym=f"ORG{index}", type=OrganisationType.OTHER
            )
            for index in range(3)
        ]
        writer = User.objects.create_user(username="writer")
        grants = [] if reader != "member" else grants
        superuser = reader == "superuser"
        user: User | AnonymousUser = AnonymousUser()
        if reader != "anonymous":
            user = User.objects.create_user(username="reader", is_superuser=superuser)
            for organisation, role, countries in grants:
                Membership.objects.create(
                    user=user, organisation=organisations[organisation], role=role, countries=countries
                )
        # Chronological expectations: (full, names shown, acronyms allowed) per event.
        expected: list[tuple[bool, set[str]]] = []
        final_owner = states[-1][0]
        actor: Actor | None = None
        with audit_context(ip="198.51.100.7", channel="web"):
            for index, (owner, level, shared_with) in enumerate(states):
                if actor is None:
                    actor = Actor.objects.create(
                        country=country,
                        reference="H1",
                        kind="police",
                        family="security_providers",
                        name_en="Name0",
                        name_fr="Name0",
                        owner=organisations[owner],
                        confidentiality=level,
                    )
                    audit_record(user=writer, action="create", instance=actor, before=None, after=snapshot(actor))
                else:
                    before = snapshot(actor)
                    actor.name_en = f"Name{index}"
                    actor.owner = organisations[owner]
                    actor.confidentiality = level
                    actor.save()
                    audit_record(user=writer, action="update", instance=actor, before=before, after=snapshot(actor))
                full = reads_history_in_full(grants, superuser, country, {owner, final_owner})
                names = set()
                for step in (index - 1, index):
                    if step < 0:
                        continue
                    step_owner, step_level, _shared = states[step]
                    if full or may_read((country, step_owner, step_level, shared_now), grants, superuser):
                        names.add(f"Name{step}")
                expected.append((full, names))
                if shared_with is not None:
                    audit_record(
                        user=writer,
                        action="share",
                        instance=actor,
                        before=None,
                        after={"organisation": f"ORG{shared_with}", "can_edit": False},
                    )
                    expected.append((full, set()))
        assert actor is not None
        for organisation in shared_now:
            Share.objects.create(
                content_type=ContentType.objects.get_for_model(Actor),
                object_id=actor.pk,
                organisation=organisations[organisation],
                country=country,
            )
        if not may_read((country, final_owner, states[-1][1], shared_now), grants, superuser):
            return  # the record's page answers "not found": no history to read

        history = record_history_for(user=user, instance=actor)
        assert len(history) == len(expected)
        for entry, (full, names) in zip(history, reversed(expected), strict=True):
            values = {value for row in entry.rows for value in (row.before, row.after) if value}
            assert entry.full == full
            assert (entry.username, entry.ip) == (("writer", "198.51.100.7") if full else ("", None))
            assert {value for value in values if value.startswith("Name")} == names
            if not full:
                # No owner, level nor share; and nothing at all from a state the reader may not see.
                assert not any("ORG" in value for value in values), values
                assert not values & {str(label) for label in Confidentiality.labels}, values
                assert bool(values) == bool(names), values
                assert entry.channel == ""


# --- Governance findings ---------------------------------------------------------------------------------------------

FINDING_KINDS = (
    ("ministry_of_interior", "management_oversight"),
    ("police", "security_providers"),
    ("armed_forces", "security_providers"),
    ("civilian_intelligence", "security_providers"),
    ("parliament", "supervisory_bodies"),
)
FINDING_TYPES = ("administers", "commands", "oversees")
# The n-th actor is of the n-th kind (then round again): every map has a ministry, forces and a parliament to link.
finding_actors = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=2),  # owner organisation
        st.sampled_from(LEVELS),
        st.lists(st.integers(min_value=0, max_value=2), max_size=1, unique=True),  # shared with
    ),
    min_size=3,
    max_size=6,
)
finding_links = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=5),  # from (modulo the number of actors)
        st.integers(min_value=0, max_value=5),  # to
        st.sampled_from(FINDING_TYPES),
        st.integers(min_value=0, max_value=2),  # owner organisation
        st.sampled_from(LEVELS),
    ),
    max_size=8,
)


class FindingProperties(TestCase):
    @settings(
        max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors]
    )
    @given(grants=memberships, made=finding_actors, links=finding_links, superuser=st.booleans())
    def test_findings_are_those_of_the_map_the_reader_may_see(
        self,
        grants: list[tuple[int, str, list[str]]],
        made: list[tuple[int, str, list[int]]],
        links: list[tuple[int, int, str, int, str]],
        superuser: bool,
    ) -> None:
        """Whatever the hidden records, a reader's findings are exactly those of the records the rules let them
        read: a hidden record can neither show a finding nor make one disappear."""
        from egide.governance.engine import run
        from egide.governance.graph import Graph
        from egide.governance.selectors import country_findings, country_graph

        organisations, user = make_reader(grants, superuser=superuser)
        actor_type = ContentType.objects.get_for_model(Actor)
        actors, readable_actors = [], set()
        for index, (owner, level, shared_with) in enumerate(made):
            kind, family = FINDING_KINDS[index % len(FINDING_KINDS)]
            actor = Actor.objects.create(
                country="CF",
                reference=f"A{index}",
                kind=kind,
                family=family,
                name_en=f"Actor {index}",
                name_fr=f"Acteur {index}",
                owner=organisations[owner],
                confidentiality=level,
            )
            for organisation in shared_with:
                Share.objects.create(
                    content_type=actor_type, object_id=actor.pk, organisation=organisations[organisation], country="CF"
                )
            actors.append(actor)
            if may_read(("CF", owner, level, shared_with), grants, superuser):
                readable_actors.add(actor.pk)
        readable_links = set()
        for source, target, type_, owner, level in links:
            source_actor, target_actor = actors[source % len(actors)], actors[target % len(actors)]
            if source_actor.pk == target_actor.pk:
                continue
            relationship = Relationship.objects.create(
                country="CF",
                source=source_actor,
                target=target_actor,
                type=type_,
                owner=organisations[owner],
                confidentiality=level,
            )
            if (
                may_read(("CF", owner, level, []), grants, superuser)
                and {source_actor.pk, target_actor.pk} <= readable_actors
            ):
                readable_links.add(relationship.pk)

        user = User.objects.get(pk=user.pk)
        whole = country_graph(country="CF")
        own = Graph.build(
            [
                node if node.parent in readable_actors or node.parent is None else node._replace(parent=None)
                for node in whole.nodes.values()
                if node.id in readable_actors
            ],
            [edge for edge in whole.edges if edge.id in readable_links],
        )
        expected = {item.key for item in run(own)}
        shown = country_findings(user=user, country="CF")
        assert {item.key for item in shown.findings} == expected
        for item in shown.findings:
            assert item.node_ids <= readable_actors, item.key
            assert item.edge_ids <= readable_links, item.key


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
    @settings(
        max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors]
    )
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

        organisations, user = make_reader(grants, superuser=superuser)

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
