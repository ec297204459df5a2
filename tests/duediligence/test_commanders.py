"""Who commanded each unit on a day: imprecise dates, ended posts, roles that do not command, and people the reader
may not read; on the map's data and on the command tree."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from egide.accounts.models import Confidentiality, Organisation
from egide.actors.models import Actor
from egide.core.fuzzy_dates import DAY, MONTH, YEAR
from egide.duediligence.commanders import commanders_on
from egide.duediligence.models import NameKind, Person, PersonName, Post, PostRole
from tests.conftest import ActorFactory

pytestmark = pytest.mark.django_db

DAY_ONE = datetime.date(2020, 6, 15)


def person(owner: Organisation, name: str, level: str = Confidentiality.RESTRICTED) -> Person:
    found = Person.objects.create(country="CF", owner=owner, confidentiality=level)
    PersonName.objects.create(person=found, name=f"{name} Alias", kind=NameKind.ALIAS)
    PersonName.objects.create(person=found, name=name, kind=NameKind.PRIMARY)
    return found


def post(
    who: Person,
    unit: Actor,
    *,
    role: str = PostRole.COMMANDER,
    start: tuple[datetime.date, str] | None = None,
    end: tuple[datetime.date, str] | None = None,
    ongoing: bool = True,
) -> Post:
    return Post.objects.create(
        person=who,
        actor=unit,
        country=unit.country,
        role=role,
        start_date=start[0] if start else None,
        start_precision=start[1] if start else DAY,
        end_date=end[0] if end else None,
        end_precision=end[1] if end else DAY,
        ongoing=ongoing,
    )


def names(user: User | AnonymousUser | None, day: datetime.date = DAY_ONE) -> dict[str, list[str]]:
    found = commanders_on(user=user, country="CF", day=day)
    units = {actor.pk: actor.name for actor in Actor.objects.all()}
    return {units[actor_id]: [commander.name for commander in commanders] for actor_id, commanders in found.items()}


@pytest.fixture
def battalion(make_actor: ActorFactory) -> Actor:
    return make_actor(kind="armed_forces", name="First battalion")


def test_an_imprecise_start_counts_from_its_first_day_and_an_imprecise_end_to_its_last(
    organisation: Organisation, member: User, battalion: Actor
) -> None:
    colonel = person(organisation, "Colonel Exemplar Testperson")
    post(colonel, battalion, start=(datetime.date(2020, 1, 1), YEAR), end=(datetime.date(2020, 6, 1), MONTH))
    assert names(member, datetime.date(2020, 1, 1)) == {"First battalion": ["Colonel Exemplar Testperson"]}
    assert names(member, datetime.date(2020, 6, 30)) == {"First battalion": ["Colonel Exemplar Testperson"]}
    assert names(member, datetime.date(2020, 7, 1)) == {}
    assert names(member, datetime.date(2019, 12, 31)) == {}


def test_ended_posts_and_roles_that_do_not_command_are_left_out(
    organisation: Organisation, member: User, battalion: Actor
) -> None:
    post(
        person(organisation, "Major Former Sample"),
        battalion,
        start=(datetime.date(2015, 1, 1), DAY),
        end=(datetime.date(2019, 5, 1), DAY),
    )
    post(person(organisation, "Captain Unknown End"), battalion, start=(datetime.date(2018, 1, 1), DAY), ongoing=False)
    post(person(organisation, "Lieutenant Deputy Example"), battalion, role=PostRole.DEPUTY_COMMANDER)
    post(person(organisation, "General Current Specimen"), battalion, start=(datetime.date(2019, 5, 2), DAY))
    assert names(member) == {"First battalion": ["General Current Specimen"]}
    assert names(member, datetime.date(2016, 3, 1)) == {"First battalion": ["Major Former Sample"]}


def test_the_primary_name_is_given_and_every_commanding_role_counts(
    organisation: Organisation, member: User, make_actor: ActorFactory
) -> None:
    ministry = make_actor(kind="ministry_of_defence", name="Ministry of Defence")
    service = make_actor(kind="civilian_intelligence", name="Intelligence service")
    post(person(organisation, "Minister Invented Name"), ministry, role=PostRole.MINISTER)
    post(person(organisation, "Director Placeholder Person"), service, role=PostRole.DIRECTOR)
    assert names(member) == {
        "Ministry of Defence": ["Minister Invented Name"],
        "Intelligence service": ["Director Placeholder Person"],
    }


def test_only_people_the_reader_may_read_are_named(
    organisation: Organisation,
    other_organisation: Organisation,
    member: User,
    outsider: User,
    battalion: Actor,
    staff: User,
) -> None:
    post(person(organisation, "Colonel Restricted Testperson"), battalion)
    post(person(organisation, "Colonel Partners Testperson", Confidentiality.PARTNERS), battalion)
    post(person(organisation, "Colonel Marked Public", Confidentiality.PUBLIC), battalion)
    everyone = ["Colonel Restricted Testperson", "Colonel Partners Testperson", "Colonel Marked Public"]
    assert names(member) == {"First battalion": everyone}
    assert names(staff) == {"First battalion": everyone}
    assert names(outsider) == {"First battalion": ["Colonel Partners Testperson", "Colonel Marked Public"]}
    with CaptureQueriesContext(connection) as queries:
        assert names(AnonymousUser()) == {}
    assert len(queries) == 1  # the units' names in `names`, none for the commanders


def test_a_unit_the_reader_cannot_see_names_nobody(
    organisation: Organisation, outsider: User, make_actor: ActorFactory
) -> None:
    hidden = make_actor(kind="police", name="Hidden unit", confidentiality=Confidentiality.RESTRICTED)
    post(person(organisation, "Colonel Partners Testperson", Confidentiality.PARTNERS), hidden)
    assert names(outsider) == {}


def test_the_commanders_are_read_in_one_query(
    organisation: Organisation, member: User, make_actor: ActorFactory
) -> None:
    for number in range(6):
        unit = make_actor(kind="police", name=f"Unit {number}")
        post(person(organisation, f"Commander Number{number}"), unit)
    member.refresh_from_db()
    commanders_on(user=member, country="CF", day=DAY_ONE)  # reads the reader's memberships once
    with CaptureQueriesContext(connection) as queries:
        assert len(commanders_on(user=member, country="CF", day=DAY_ONE)) == 6
    assert len(queries) == 1


def test_the_map_names_the_commanders_on_its_day(
    organisation: Organisation, member_client: Client, battalion: Actor
) -> None:
    post(
        person(organisation, "Colonel Exemplar Testperson"),
        battalion,
        start=(datetime.date(2010, 1, 1), YEAR),
        end=(datetime.date(2021, 1, 1), YEAR),
    )
    data = member_client.get("/api/v1/countries/CF/map", {"as_of": "2020-06-15"}).json()
    assert data["commanders_on"] == "2020-06-15"
    assert data["commanders"] == [
        {
            "actor": battalion.pk,
            "person": Person.objects.get().pk,
            "name": "Colonel Exemplar Testperson",
            "role": "commander",
            "role_label": "Commander",
            "start": "2010",
            "end": "2021",
        }
    ]
    later = member_client.get("/api/v1/countries/CF/map", {"as_of": "2022-01-01"}).json()
    assert later["commanders"] == []
    undated = member_client.get("/api/v1/countries/CF/map").json()
    assert undated["commanders_on"] == timezone.localdate().isoformat()


def test_the_map_names_nobody_to_anonymous_visitors_or_other_partners(
    organisation: Organisation, outsider: User, battalion: Actor
) -> None:
    post(person(organisation, "Colonel Exemplar Testperson"), battalion)
    battalion.confidentiality = Confidentiality.PUBLIC
    battalion.save()
    anonymous = Client().get("/api/v1/countries/CF/map", {"as_of": "2020-06-15"}).json()
    assert anonymous["commanders"] == []
    assert [node["name"] for node in anonymous["nodes"]] == ["First battalion"]
    other = Client()
    other.force_login(outsider)
    assert other.get("/api/v1/countries/CF/map", {"as_of": "2020-06-15"}).json()["commanders"] == []


def test_the_command_tree_names_the_commanders_of_its_day(
    organisation: Organisation, member_client: Client, outsider: User, make_actor: ActorFactory
) -> None:
    ministry = make_actor(kind="ministry_of_defence", name="Ministry of Defence", confidentiality="public")
    battalion = make_actor(kind="armed_forces", name="First battalion", parent=ministry, confidentiality="public")
    post(person(organisation, "Colonel Exemplar Testperson"), battalion, start=(datetime.date(2020, 1, 1), YEAR))
    page = member_client.get("/countries/CF/command-tree/", {"as_of": "2021-03-01"}).content.decode()
    assert "Colonel Exemplar Testperson</a> (Commander)" in page
    assert 'id="command-tree-commanders"' in page
    before = member_client.get("/countries/CF/command-tree/", {"as_of": "2019-03-01"}).content.decode()
    assert "Colonel Exemplar Testperson" not in before
    for client in (Client(), _logged_in(outsider)):
        page = client.get("/countries/CF/command-tree/", {"as_of": "2021-03-01"}).content.decode()
        assert "First battalion" in page
        assert "Colonel Exemplar Testperson" not in page


def _logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_person_recorded_in_another_country_is_read_through_its_own_shares(
    organisation: Organisation, other_organisation: Organisation, outsider: User, battalion: Actor
) -> None:
    from egide.accounts.models import Share

    foreigner = Person.objects.create(country="TD", owner=organisation)
    PersonName.objects.create(person=foreigner, name="Colonel Visiting Example", kind=NameKind.PRIMARY)
    post(foreigner, battalion)
    assert names(outsider) == {}
    Share.objects.create(record=foreigner, organisation=other_organisation, country="TD")
    assert names(outsider) == {"First battalion": ["Colonel Visiting Example"]}
