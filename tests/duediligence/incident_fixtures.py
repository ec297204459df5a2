"""What the incidents' tests share: the owner's organisation records an incident in CF against a battalion and an
invented colonel, with sources; a partner organisation reads it through a share, another partner does not."""

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client

from egide.accounts.models import Confidentiality, Organisation, OrganisationType, Role, Share
from egide.actors.data import CitationData
from egide.actors.models import Actor, Source
from egide.actors.services import source_get_or_create
from egide.core.fuzzy_dates import FuzzyDate
from egide.duediligence import incident_services as services
from egide.duediligence.models import Incident, NameKind, Person, PersonName, Responsibility
from tests.conftest import ActorFactory, make_user


@dataclass
class Scene:
    incident: Incident
    battalion: Actor
    colonel: Person
    unit_link: Responsibility
    person_link: Responsibility
    source: Source
    partner: Organisation


def incident_data(owner: Organisation | None, **changes: object) -> services.IncidentData:
    values: dict[str, object] = {
        "title_en": "Night raid on the market",
        "title_fr": "Raid nocturne sur le marché",
        "description_en": "Shots fired at civilians.",
        "violation": "attack_on_civilians",
        "occurred": FuzzyDate.parse("2021-03"),
        "region": "Ouham",
        "place": "Bossangoa",
        "victims": 4,
        "owner": owner,
    }
    values.update(changes)
    return services.IncidentData(**values)  # type: ignore[arg-type]


def make_person(owner: Organisation, name: str, level: str = Confidentiality.RESTRICTED) -> Person:
    person = Person.objects.create(country="CF", owner=owner, confidentiality=level)
    PersonName.objects.create(person=person, name=name, kind=NameKind.PRIMARY)
    return person


@pytest.fixture
def partner(db: None) -> Organisation:
    return Organisation.objects.create(
        name_en="Sharing partner", name_fr="Partenaire", acronym="SHARED", type=OrganisationType.AGENCY
    )


@pytest.fixture
def partner_user(partner: Organisation) -> User:
    return make_user("partner", partner, Role.EDITOR)


@pytest.fixture
def scene(organisation: Organisation, partner: Organisation, make_actor: ActorFactory) -> Scene:
    battalion = make_actor(kind="armed_forces", name="First battalion", reference="BAT1")
    colonel = make_person(organisation, "Colonel Exemplar Testperson")
    incident = services.incident_create(user=None, country="CF", data=incident_data(organisation))
    unit_link = services.responsibility_create(
        user=None, incident=incident, data=services.ResponsibilityData(actor=battalion, confidence="high")
    )
    person_link = services.responsibility_create(
        user=None,
        incident=incident,
        data=services.ResponsibilityData(
            person=colonel, status="under_investigation", status_since=FuzzyDate.parse("2022")
        ),
    )
    source = source_get_or_create(
        user=None, country="CF", citation=CitationData(title="Monitoring report 12"), owner=organisation
    )
    services.evidence_add(
        user=None, incident=incident, data=services.EvidenceData(source=source, locator="p. 4", confidence="high")
    )
    services.evidence_add(
        user=None, responsibility=unit_link, data=services.EvidenceData(source=source, locator="p. 5")
    )
    Share.objects.create(record=incident, organisation=partner, country="CF")
    incident.refresh_from_db()
    return Scene(incident, battalion, colonel, unit_link, person_link, source, partner)


def client_of(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


DAY = datetime.date(2021, 3, 1)
