"""A property-based check of who reads people: for random organisations, memberships, people and shares, what a
reader lists, finds by name, sees among a unit's holders and reads through the API equals an independent reading
of the rules (the map's, with nothing public and nothing for anonymous visitors)."""

import json

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from egide.accounts.models import Membership, Organisation, OrganisationType, Share
from egide.actors.models import Actor
from egide.duediligence.models import Person, PersonName, Post
from egide.duediligence.names import search_text
from egide.duediligence.people_selectors import actor_holders, people_list

COUNTRIES = ("CF", "ML")
LEVELS = ("public", "partners", "organisation", "restricted")
ROLES = ("administrator", "editor", "viewer")

memberships = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=2),  # organisation
        st.sampled_from(ROLES),
        st.lists(st.sampled_from(COUNTRIES), max_size=1, unique=True),  # countries; empty means all
    ),
    max_size=3,
    unique_by=lambda membership: membership[0],
)
people = st.lists(
    st.tuples(
        st.sampled_from(COUNTRIES),
        st.integers(min_value=0, max_value=2),  # owner organisation
        st.sampled_from(LEVELS),
        st.lists(st.integers(min_value=0, max_value=2), max_size=2, unique=True),  # shared with
    ),
    min_size=1,
    max_size=6,
)


def may_read(person: tuple[str, int, str, list[int]], grants: list[tuple[int, str, list[str]]]) -> bool:
    """The issue's rules, read independently of the selectors: a person marked public is read as one for
    partners."""
    country, owner, level, shared_with = person
    covering = [organisation for organisation, _role, countries in grants if not countries or country in countries]
    if level in ("public", "partners"):
        return bool(covering)
    if level == "organisation":
        return owner in covering
    return owner in covering or any(organisation in shared_with for organisation in covering)


class PeopleAccessProperties(TestCase):
    @settings(
        max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors]
    )
    @given(grants=memberships, made=people)
    def test_every_surface_shows_the_people_the_rules_allow(
        self, grants: list[tuple[int, str, list[str]]], made: list[tuple[str, int, str, list[int]]]
    ) -> None:
        organisations = [
            Organisation.objects.create(
                name_en=f"Org {index}", name_fr=f"Org {index}", acronym=f"ORG{index}", type=OrganisationType.OTHER
            )
            for index in range(3)
        ]
        reader = User.objects.create_user(username="reader")
        for organisation, role, countries in grants:
            Membership.objects.create(
                user=reader, organisation=organisations[organisation], role=role, countries=countries
            )
        units = {
            country: Actor.objects.create(
                country=country,
                reference="UNIT",
                kind="armed_forces",
                family="security_providers",
                name_en=f"Unit {country}",
                name_fr=f"Unité {country}",
                confidentiality="public",
            )
            for country in COUNTRIES
        }
        content_type = ContentType.objects.get_for_model(Person)
        expected: set[int] = set()
        for index, record in enumerate(made):
            country, owner, level, shared_with = record
            name = f"Invented Testperson {index}"
            person = Person.objects.create(
                country=country, owner=organisations[owner], confidentiality=level, search_names=search_text([name])
            )
            PersonName.objects.create(person=person, name=name)
            Post.objects.create(person=person, actor=units[country], country=country, role="commander")
            for organisation in shared_with:
                Share.objects.create(
                    content_type=content_type,
                    object_id=person.pk,
                    organisation=organisations[organisation],
                    country=country,
                )
            if may_read(record, grants):
                expected.add(person.pk)

        reader = User.objects.get(pk=reader.pk)
        listed = {person.pk for person in people_list(user=reader).people}
        assert listed == expected
        found = {person.pk for person in people_list(user=reader, text="testperson").people}
        assert found == expected
        holders = {post.person_id for unit in units.values() for post in actor_holders(user=reader, actor=unit)}
        assert holders == expected
        client = Client()
        client.force_login(reader)
        answer = json.loads(client.get("/api/v1/people?limit=100").content)
        assert {person["id"] for person in answer["items"]} == expected
        assert answer["count"] == len(expected)
        for person in Person.objects.all():
            status = client.get(f"/api/v1/people/{person.pk}").status_code
            assert status == (200 if person.pk in expected else 404)
        anonymous = AnonymousUser()
        assert list(people_list(user=anonymous).people) == []
        assert people_list(user=anonymous, text="testperson").people == []
