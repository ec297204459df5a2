"""Fixtures for the audit log: an owner organisation with an administrator and an editor, another organisation
with its own administrator, a superuser, and actors owned by the owner organisation."""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import User
from django.test import Client

from egide.accounts.models import Membership, Organisation, OrganisationType, Role
from egide.actors.models import Actor
from egide.core import taxonomy

RecordFactory = Callable[..., Actor]


@dataclass
class People:
    owner: Organisation
    other: Organisation
    administrator: User
    editor: User
    outsider: User
    superuser: User


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def people(db: None) -> People:
    owner = Organisation.objects.create(
        name_en="Donor Agency", name_fr="Agence donatrice", acronym="DA", type=OrganisationType.AGENCY
    )
    other = Organisation.objects.create(
        name_en="Other Mission", name_fr="Autre mission", acronym="OM", type=OrganisationType.MISSION
    )
    administrator = User.objects.create_user(username="ada", password="a-long-test-password")
    editor = User.objects.create_user(username="eddie", password="a-long-test-password")
    outsider = User.objects.create_user(username="otto", password="a-long-test-password")
    superuser = User.objects.create_superuser(username="root", password="a-long-test-password")
    Membership.objects.create(user=administrator, organisation=owner, role=Role.ADMINISTRATOR)
    Membership.objects.create(user=editor, organisation=owner, role=Role.EDITOR)
    Membership.objects.create(user=outsider, organisation=other, role=Role.ADMINISTRATOR)
    return People(owner, other, administrator, editor, outsider, superuser)


@pytest.fixture
def administrator_client(people: People) -> Client:
    return _client(people.administrator)


@pytest.fixture
def editor_client(people: People) -> Client:
    return _client(people.editor)


@pytest.fixture
def outsider_client(people: People) -> Client:
    return _client(people.outsider)


@pytest.fixture
def make_record(db: None) -> RecordFactory:
    """Actors written straight to the database, so that the only audit events are the ones a test records."""

    def make(name: str, *, country: str = "CF", owner: Organisation | None = None, **fields: object) -> Actor:
        reference = fields.pop("reference", f"R{Actor.objects.count() + 1}")
        return Actor.objects.create(
            country=country,
            reference=reference,
            kind="police",
            family=taxonomy.KIND_BY_CODE["police"].family,
            name_en=name,
            name_fr=name,
            owner=owner,
            **fields,
        )

    return make


@pytest.fixture
def owned_actor(people: People, make_record: RecordFactory) -> Actor:
    """An actor of the Central African Republic owned by the owner organisation."""
    return make_record("National Police", owner=people.owner, reference="POL", acronym_en="PN")
