"""A small world for the people's tests: an owner organisation with an editor, a partner the person is shared
with, another partner, a unit of the map and a source, all in the exercise country (invented names only)."""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client

from egide.accounts.models import Confidentiality, Organisation, OrganisationType, Role
from egide.accounts.services import record_share
from egide.actors.models import Actor, Source
from egide.duediligence import people_services as services
from egide.duediligence.models import Person
from tests.conftest import ActorFactory, make_user

COUNTRY = "ML"


@dataclass
class World:
    organisation: Organisation
    partner: Organisation
    member: User
    sharing: User
    outsider: User
    unit: Actor
    source: Source
    person: Person


def client_of(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def person_data(organisation: Organisation, **changes: object) -> services.PersonData:
    values: dict[str, object] = {
        "country": COUNTRY,
        "owner": organisation,
        "confidentiality": Confidentiality.RESTRICTED,
        "nationality": "ML",
        "notes": "Secret note about the person",
    }
    values.update(changes)
    return services.PersonData(**values)  # type: ignore[arg-type]


def make_person(organisation: Organisation, *names: str, **changes: object) -> Person:
    return services.person_create(
        user=None,
        data=person_data(organisation, **changes),
        names=[
            services.NameData(name=name, kind="primary" if index == 0 else "spelling")
            for index, name in enumerate(names)
        ],
    )


@pytest.fixture(name="world")
def world_fixture(organisation: Organisation, other_organisation: Organisation, make_actor: ActorFactory) -> World:
    partner = Organisation.objects.create(
        name_en="Sharing partner", name_fr="Partenaire associé", acronym="SHARED", type=OrganisationType.AGENCY
    )
    member = make_user("member", organisation, Role.EDITOR)
    sharing = make_user("sharing", partner, Role.EDITOR)
    outsider = make_user("outsider", other_organisation, Role.EDITOR)
    unit = make_actor(country=COUNTRY, kind="armed_forces", name="Exercise Brigade", confidentiality="partners")
    source = Source.objects.create(country=COUNTRY, title="Invented monitoring report", owner=organisation)
    person = make_person(organisation, "Colonel Exemplar Testperson", "Exemplaire Testpersonne")
    record_share(user=None, record=person, organisation=partner, can_edit_too=False)
    return World(organisation, partner, member, sharing, outsider, unit, source, person)
