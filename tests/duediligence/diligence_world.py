"""A small world for the due-diligence tests: a programme supporting an army unit under a ministry, a commander
with posts, incidents alleged against the unit, its parent and the commander (invented names only)."""

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User

from egide.accounts.models import Confidentiality, Organisation, OrganisationType, Role
from egide.actors.models import Actor, Source
from egide.duediligence import diligence_services as services
from egide.duediligence.models import (
    DiligenceAssessment,
    Evidence,
    Incident,
    Person,
    PersonName,
    Post,
    PostRole,
    Responsibility,
    Violation,
)
from egide.programmes.models import Programme, SupportedActor
from tests.conftest import ActorFactory, make_user


@dataclass
class World:
    programme: Programme
    support: SupportedActor
    ministry: Actor
    unit: Actor
    commander: Person
    post: Post
    source: Source
    against_unit: Incident
    against_parent: Incident
    during_command: Incident
    before_command: Incident


def incident(owner: Organisation, title: str, day: datetime.date, precision: str = "day", **fields: object) -> Incident:
    return Incident.objects.create(
        country="CF",
        owner=owner,
        title_en=title,
        title_fr=f"{title} (fr)",
        violation=Violation.ARBITRARY_DETENTION,
        occurred_on=day,
        occurred_precision=precision,
        **fields,
    )


def person(owner: Organisation, name: str) -> Person:
    someone = Person.objects.create(country="CF", owner=owner)
    PersonName.objects.create(person=someone, name=name, kind="primary")
    return someone


def build_world(organisation: Organisation, make_actor: ActorFactory) -> World:
    ministry = make_actor(kind="ministry_of_defence", name="Ministry of Exercises")
    unit = make_actor(kind="armed_forces", name="First Test Battalion", parent=ministry)
    programme = Programme.objects.create(
        country="CF", title_en="Training the battalion", owner=organisation, confidentiality=Confidentiality.PUBLIC
    )
    support = SupportedActor.objects.create(programme=programme, actor=unit, support_en="training")
    source = Source.objects.create(country="CF", title="Invented monitoring report", url="https://example.org/r")
    commander = person(organisation, "Colonel Exemplar Testperson")
    post = Post.objects.create(
        person=commander,
        actor=unit,
        country="CF",
        role=PostRole.COMMANDER,
        start_date=datetime.date(2015, 1, 1),
        start_precision="year",
        end_date=datetime.date(2019, 6, 1),
        end_precision="month",
        ongoing=False,
    )
    against_unit = incident(organisation, "Detentions at the barracks", datetime.date(2016, 3, 2))
    against_parent = incident(organisation, "Ministry raid", datetime.date(2017, 1, 1), "year")
    during_command = incident(organisation, "Checkpoint beating", datetime.date(2018, 5, 1), "month")
    before_command = incident(organisation, "Earlier abuse", datetime.date(2012, 1, 1), "year")
    responsibility = Responsibility.objects.create(incident=against_unit, actor=unit)
    Responsibility.objects.create(incident=against_parent, actor=ministry)
    Responsibility.objects.create(incident=during_command, person=commander)
    Responsibility.objects.create(incident=before_command, person=commander)
    Evidence.objects.create(source=source, incident=against_unit, locator="p. 12")
    Evidence.objects.create(source=source, responsibility=responsibility, locator="p. 13")
    return World(
        programme=programme,
        support=support,
        ministry=ministry,
        unit=unit,
        commander=commander,
        post=post,
        source=source,
        against_unit=against_unit,
        against_parent=against_parent,
        during_command=during_command,
        before_command=before_command,
    )


@pytest.fixture
def world(organisation: Organisation, make_actor: ActorFactory) -> World:
    return build_world(organisation, make_actor)


@pytest.fixture
def partner(db: None) -> Organisation:
    return Organisation.objects.create(
        name_en="Sharing partner", name_fr="Partenaire", acronym="SHARED", type=OrganisationType.AGENCY
    )


@pytest.fixture
def sharing(partner: Organisation) -> User:
    """A reader of a partner the assessment is shared with."""
    return make_user("sharing", partner, Role.VIEWER)


@pytest.fixture
def assessment(world: World, member: User) -> DiligenceAssessment:
    return services.diligence_create(
        user=member,
        support=world.support,
        data=services.DiligenceData(period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2099, 12, 31)),
    )
