"""Who reads the records of due diligence: the map's rules, except that nothing is public unless the platform
allows publishing people, and anonymous visitors read nothing."""

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import AnonymousUser, User

from egide.accounts.models import Confidentiality, Organisation, OrganisationType, Role, Share
from egide.duediligence.access import allowed_levels, readable_filter
from egide.duediligence.models import Incident, Person, PersonName, Post, PostRole, Violation
from tests.conftest import ActorFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(db: None) -> Organisation:
    return Organisation.objects.create(
        name_en="Sharing partner", name_fr="Partenaire", acronym="SHARED", type=OrganisationType.AGENCY
    )


def _person(organisation: Organisation, level: str, name: str) -> Person:
    person = Person.objects.create(country="ML", owner=organisation, confidentiality=level)
    PersonName.objects.create(person=person, name=name)
    return person


def _readable_names(user: User | AnonymousUser | None) -> set[str]:
    condition = readable_filter(user=user, model=Person)
    people = Person.objects.all() if condition is None else Person.objects.filter(condition)
    return {person.display_name for person in people.prefetch_related("names")}


def test_a_person_is_restricted_by_default(organisation: Organisation) -> None:
    assert Person.objects.create(country="ML", owner=organisation).confidentiality == Confidentiality.RESTRICTED
    assert Incident(country="ML", title_en="x", violation=Violation.TORTURE).confidentiality == "restricted"


def test_readers_of_each_level(
    organisation: Organisation, partner: Organisation, member: User, outsider: User, staff: User
) -> None:
    sharing = make_user("sharing", partner, Role.VIEWER)
    restricted = _person(organisation, Confidentiality.RESTRICTED, "Restricted")
    _person(organisation, Confidentiality.ORGANISATION, "Organisation")
    _person(organisation, Confidentiality.PARTNERS, "Partners")
    _person(organisation, Confidentiality.PUBLIC, "Marked public")
    Share.objects.create(record=restricted, organisation=partner, country="ML")

    everything = {"Restricted", "Organisation", "Partners", "Marked public"}
    assert _readable_names(member) == everything
    assert _readable_names(staff) == everything
    assert _readable_names(None) == everything  # the platform itself
    assert _readable_names(sharing) == {"Restricted", "Partners", "Marked public"}
    assert _readable_names(outsider) == {"Partners", "Marked public"}
    assert _readable_names(AnonymousUser()) == set()


def test_a_record_marked_public_by_mistake_is_read_as_for_partners(organisation: Organisation) -> None:
    _person(organisation, Confidentiality.PUBLIC, "Marked public")
    covering_mali = make_user("mali", Organisation.objects.create(name_en="A", name_fr="A", acronym="A", type="agency"))
    covering_mali.memberships.update(countries=["ML"])
    elsewhere = make_user(
        "elsewhere", Organisation.objects.create(name_en="B", name_fr="B", acronym="B", type="agency")
    )
    elsewhere.memberships.update(countries=["SN"])
    no_organisation = make_user("alone")

    assert _readable_names(covering_mali) == {"Marked public"}
    assert _readable_names(elsewhere) == set()
    assert _readable_names(no_organisation) == set()
    assert _readable_names(AnonymousUser()) == set()


def test_the_platform_may_allow_publishing(organisation: Organisation, settings: LazySettings) -> None:
    _person(organisation, Confidentiality.PUBLIC, "Published")
    _person(organisation, Confidentiality.PARTNERS, "Partners")
    assert Confidentiality.PUBLIC not in allowed_levels()
    settings.EGIDE_PUBLISH_PEOPLE = True
    assert Confidentiality.PUBLIC in allowed_levels()
    assert _readable_names(AnonymousUser()) == {"Published"}


def test_a_post_is_read_with_its_person(
    organisation: Organisation, member: User, outsider: User, make_actor: ActorFactory
) -> None:
    unit = make_actor(country="ML", kind="police", name="First battalion")
    person = _person(organisation, Confidentiality.ORGANISATION, "Colonel")
    Post.objects.create(person=person, actor=unit, country=unit.country, role=PostRole.COMMANDER)

    def posts(user: User) -> int:
        condition = readable_filter(user=user, model=Person, prefix="person__")
        assert condition is not None
        return Post.objects.filter(condition).count()

    assert posts(member) == 1
    assert posts(outsider) == 0
