"""Shared fixtures: users, clients, and a small map built through the services."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.test import Client

from egide.actors import services
from egide.actors.data import ActorData, RelationshipData
from egide.actors.models import Actor, Relationship


@pytest.fixture(autouse=True)
def file_roots(settings: LazySettings, tmp_path: Path) -> Path:
    """Uploads and collected static files go to a temporary folder, never to ./data.

    WhiteNoise warns about a missing static root, so the folder exists.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    return tmp_path


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: LazySettings) -> None:
    """Argon2 takes a fifth of a second per password; tests check behaviour, not hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def member(db: None) -> User:
    """A signed-in user of the platform (organisations and roles come with the access issue)."""
    return User.objects.create_user(username="member", password="a-long-test-password")


@pytest.fixture
def member_client(member: User) -> Client:
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def anonymous_client() -> Client:
    return Client()


@dataclass
class SmallMap:
    presidency: Actor
    defence: Actor
    army: Actor
    police: Actor
    interior: Actor
    parliament: Actor
    newspaper: Actor
    commands: Relationship
    administers: Relationship
    oversees: Relationship


ActorFactory = Callable[..., Actor]


@pytest.fixture
def make_actor(db: None) -> ActorFactory:
    def make(country: str = "CF", kind: str = "police", name: str = "", **fields: object) -> Actor:
        name = name or f"{kind} {Actor.objects.count() + 1}"
        return services.actor_create(
            user=None, country=country, data=ActorData(kind=kind, name_en=name, name_fr=name, **fields)
        )

    return make


@pytest.fixture
def small_map(make_actor: ActorFactory) -> SmallMap:
    presidency = make_actor(kind="head_of_state", name="Presidency", acronym_en="PR", reference="PR")
    defence = make_actor(kind="ministry_of_defence", name="Ministry of Defence", reference="MOD", parent=presidency)
    army = make_actor(kind="armed_forces", name="Armed Forces", acronym_en="FACA", reference="FACA", parent=defence)
    police = make_actor(kind="police", name="National Police", reference="POL")
    interior = make_actor(kind="ministry_of_interior", name="Ministry of the Interior", reference="MOI")
    parliament = make_actor(kind="parliament", name="National Assembly", reference="AN")
    newspaper = make_actor(kind="media", name="Le Citoyen", reference="CIT")

    def relate(source: Actor, type: str, target: Actor) -> Relationship:
        return services.relationship_create(user=None, data=RelationshipData(source=source, target=target, type=type))

    return SmallMap(
        presidency=presidency,
        defence=defence,
        army=army,
        police=police,
        interior=interior,
        parliament=parliament,
        newspaper=newspaper,
        commands=relate(presidency, "commands", army),
        administers=relate(interior, "administers", police),
        oversees=relate(parliament, "oversees", defence),
    )
