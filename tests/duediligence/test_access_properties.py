"""A property-based check of the due-diligence read rule over random organisations, memberships, sharing graphs
and levels: no person, incident or post reaches a reader without a grant, and a record marked public reaches
nobody beyond partners unless the platform allows publishing people."""

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from egide.accounts.models import Membership, Organisation, OrganisationType, Share
from egide.actors.models import Actor
from egide.duediligence.access import readable_filter
from egide.duediligence.models import Incident, Person, Post, PostRole, Violation

COUNTRIES = ("CF", "ML")
LEVELS = ("public", "partners", "organisation", "restricted")
ROLES = ("administrator", "editor", "viewer")

Grants = list[tuple[int, str, list[str]]]
Made = tuple[str, str, int, str, list[int]]  # kind, country, owner, level, shared with

memberships = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=2),
        st.sampled_from(ROLES),
        st.lists(st.sampled_from(COUNTRIES), max_size=1, unique=True),  # empty: every country
    ),
    max_size=3,
    unique_by=lambda membership: membership[0],
)
records = st.lists(
    st.tuples(
        st.sampled_from(("person", "incident")),
        st.sampled_from(COUNTRIES),
        st.integers(min_value=0, max_value=2),
        st.sampled_from(LEVELS),
        st.lists(st.integers(min_value=0, max_value=2), max_size=2, unique=True),
    ),
    min_size=1,
    max_size=8,
)


def may_read(record: Made, grants: Grants, *, reader: str, publishing: bool) -> bool:
    """The issue's rules, read independently of the selectors: a grant is needed for every level but a public
    one on a platform that allows publishing; public without that is read as for partners."""
    _kind, country, owner, level, shared_with = record
    if reader == "superuser":
        return True
    if level == "public" and publishing:
        return True
    if reader == "anonymous":
        return False
    covering = [organisation for organisation, _role, countries in grants if not countries or country in countries]
    if level in ("public", "partners"):
        return bool(covering)
    if level == "organisation":
        return owner in covering
    return owner in covering or any(organisation in shared_with for organisation in covering)


def _readable[M: Model](queryset: QuerySet[M], user: User | AnonymousUser, model: type[Model], prefix: str = "") -> set:
    condition = readable_filter(user=user, model=model, prefix=prefix)
    return set((queryset if condition is None else queryset.filter(condition)).values_list("pk", flat=True))


class DueDiligenceAccessProperties(TestCase):
    @settings(
        max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.differing_executors]
    )
    @given(
        grants=memberships,
        made=records,
        reader=st.sampled_from(("member", "anonymous", "superuser")),
        publishing=st.booleans(),
    )
    def test_nothing_reaches_a_reader_without_a_grant(
        self, grants: Grants, made: list[Made], reader: str, publishing: bool
    ) -> None:
        organisations = [
            Organisation.objects.create(
                name_en=f"Org {index}", name_fr=f"Org {index}", acronym=f"ORG{index}", type=OrganisationType.OTHER
            )
            for index in range(3)
        ]
        user: User | AnonymousUser = AnonymousUser()
        if reader != "anonymous":
            user = User.objects.create_user(username="reader", is_superuser=reader == "superuser")
            for organisation, role, countries in grants if reader == "member" else []:
                Membership.objects.create(
                    user=user, organisation=organisations[organisation], role=role, countries=countries
                )
        grants = grants if reader == "member" else []
        units = {
            country: Actor.objects.create(
                country=country, reference="U", kind="police", family="security_providers", name_en="U", name_fr="U"
            )
            for country in COUNTRIES
        }
        expected_people, expected_incidents, expected_posts = set(), set(), set()
        for index, record in enumerate(made):
            kind, country, owner, level, shared_with = record
            common = {"country": country, "owner": organisations[owner], "confidentiality": level}
            instance: Person | Incident
            if kind == "person":
                instance = Person.objects.create(**common)
                post = Post.objects.create(
                    person=instance, actor=units[country], country=country, role=PostRole.COMMANDER
                )
            else:
                instance = Incident.objects.create(title_en=f"Incident {index}", violation=Violation.OTHER, **common)
            content_type = ContentType.objects.get_for_model(type(instance))
            for organisation in shared_with:
                Share.objects.create(
                    content_type=content_type,
                    object_id=instance.pk,
                    organisation=organisations[organisation],
                    country=country,
                )
            if may_read(record, grants, reader=reader, publishing=publishing):
                if kind == "person":
                    expected_people.add(instance.pk)
                    expected_posts.add(post.pk)
                else:
                    expected_incidents.add(instance.pk)

        if isinstance(user, User):
            user = User.objects.get(pk=user.pk)  # a fresh reach
        with override_settings(EGIDE_PUBLISH_PEOPLE=publishing):
            assert _readable(Person.objects.all(), user, Person) == expected_people
            assert _readable(Incident.objects.all(), user, Incident) == expected_incidents
            assert _readable(Post.objects.all(), user, Person, prefix="person__") == expected_posts
