"""Shared fixtures: users, clients, and a small map built through the services."""

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIServer
from django.test import Client
from django.test.testcases import LiveServerThread
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from egide.accounts.models import Membership, Organisation, OrganisationType, Role
from egide.actors import services
from egide.actors.data import ActorData, RelationshipData
from egide.actors.models import Actor, Relationship
from egide.governance import cache as findings_cache

# `make mutation` runs the same property tests several times in one process (mapping, clean run, each mutant),
# which Hypothesis would otherwise report as a test called from several executors.
hypothesis_settings.register_profile(
    "mutation", suppress_health_check=[HealthCheck.differing_executors], derandomize=True
)


class _Answering:
    """Counts the requests a browser test's server is answering, so that the test's end waits for the last one.

    The browser may still be fetching (an HTMX refresh after a click) when a test's last assertion passes; the
    suite then empties the database, and a request still reading a table makes that fail ("database table is
    locked" on SQLite, whose test database is one connection shared with the server's thread).
    """

    def _answering_init(self) -> None:
        self._answering = 0
        self._answering_changed = threading.Condition()

    def _answering_add(self, step: int) -> None:
        with self._answering_changed:
            self._answering += step
            self._answering_changed.notify_all()

    def wait_until_idle(self, quiet: float = 0.05, timeout: float = 10.0) -> None:
        """Return once no request has been answered for `quiet` seconds (or after `timeout`)."""
        deadline = time.monotonic() + timeout
        with self._answering_changed:
            while time.monotonic() < deadline:
                if self._answering == 0 and not self._answering_changed.wait(quiet):
                    return
                if self._answering:
                    self._answering_changed.wait(max(0.0, deadline - time.monotonic()))


class _SerialWSGIServer(_Answering, WSGIServer):
    """The browser tests' server on SQLite, one request at a time, over the suite's connection."""

    def __init__(self, *args: object, connections_override: object = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.connections_override = connections_override
        self._answering_init()

    def process_request(self, request: Any, client_address: Any) -> None:
        self._answering_add(1)
        try:
            super().process_request(request, client_address)
        finally:
            self._answering_add(-1)


class _ThreadedWSGIServer(_Answering, ThreadedWSGIServer):
    """The browser tests' server on PostgreSQL: a thread and a connection per request, counted."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._answering_init()

    def process_request(self, request: Any, client_address: Any) -> None:
        self._answering_add(1)
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._answering_add(-1)
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._answering_add(-1)


def pytest_configure(config: pytest.Config) -> None:
    # On SQLite the suite's database lives in memory, and the live server's threads share its one connection: two
    # requests at once (a page and its map's data) could then read a half-written row. The server answers them one
    # after the other instead (PostgreSQL gives each thread its own connection and keeps the threads).
    if django_settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        LiveServerThread.server_class = _SerialWSGIServer
    else:
        LiveServerThread.server_class = _ThreadedWSGIServer


@pytest.fixture
def live_server(live_server: Any, transactional_db: None) -> Iterator[Any]:
    """pytest-django's server, and at the test's end a wait for the requests it is still answering (the browser's
    page is closed by then), before the database is emptied."""
    yield live_server
    live_server.thread.httpd.wait_until_idle()


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
def cache_in_memory(settings: LazySettings, request: pytest.FixtureRequest) -> Iterator[None]:
    """Each test gets a cache of its own in this process's memory (the default writes into ./data/cache), and
    starts with no governance answer kept in memory."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": request.node.nodeid}
    }
    findings_cache.memory.clear()
    yield
    findings_cache.memory.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: LazySettings) -> None:
    """Argon2 takes a fifth of a second per password; tests check behaviour, not hashing."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english_after_each_test() -> Iterator[None]:
    """A page asked for in French leaves French active in the thread (the locale middleware activates it and
    nothing deactivates it): each test starts from the default language, whatever the test before it read."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


PASSWORD = "a-long-test-password"


@pytest.fixture
def organisation(db: None) -> Organisation:
    """The organisation that owns the records the tests make."""
    return Organisation.objects.create(
        name_en="Ministry for Europe and Foreign Affairs",
        name_fr="Ministère de l’Europe et des Affaires étrangères",
        acronym="MEAE",
        type=OrganisationType.MINISTRY,
        home_country="FR",
    )


@pytest.fixture
def other_organisation(db: None) -> Organisation:
    return Organisation.objects.create(
        name_en="Partner agency", name_fr="Agence partenaire", acronym="AGENCY", type=OrganisationType.AGENCY
    )


def make_user(
    username: str, organisation: Organisation | None = None, role: str = Role.EDITOR, **membership: object
) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD)
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation, role=role, **membership)
    return user


@pytest.fixture
def owner(organisation: Organisation) -> User:
    """An administrator of the owner organisation."""
    return make_user("owner", organisation, Role.ADMINISTRATOR)


@pytest.fixture
def member(organisation: Organisation) -> User:
    """An editor of the owner organisation: creates and changes its records."""
    return make_user("member", organisation, Role.EDITOR)


@pytest.fixture
def viewer(organisation: Organisation) -> User:
    """A reader in the owner organisation."""
    return make_user("viewer", organisation, Role.VIEWER)


@pytest.fixture
def outsider(other_organisation: Organisation) -> User:
    """An editor of another organisation that works on every country."""
    return make_user("outsider", other_organisation, Role.EDITOR)


@pytest.fixture
def nobody(db: None) -> User:
    """A signed-in user with no organisation at all."""
    return make_user("nobody")


@pytest.fixture
def staff(db: None) -> User:
    """Platform staff: a superuser."""
    return User.objects.create_superuser(username="staff", password=PASSWORD)


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
def make_actor(organisation: Organisation) -> ActorFactory:
    def make(country: str = "CF", kind: str = "police", name: str = "", **fields: object) -> Actor:
        name = name or f"{kind} {Actor.objects.count() + 1}"
        fields.setdefault("owner", organisation)
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
        return services.relationship_create(
            user=None, data=RelationshipData(source=source, target=target, type=type, owner=source.owner)
        )

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


# --- Log-in security (egide.security) ---------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def login_delays(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Log-in throttling pauses are recorded here instead of slept, so that tests stay fast and can check them."""
    from egide.security import throttle

    delays: list[float] = []
    monkeypatch.setattr(throttle, "sleep", delays.append)
    return delays


@pytest.fixture
def verified_superuser(db: None) -> User:
    """Platform staff (a superuser), for verified_superuser_client."""
    return User.objects.create_superuser(username="verified-staff", password="a-long-test-password")


@pytest.fixture
def verified_superuser_client(verified_superuser: User) -> Client:
    """A client logged in as a superuser whose session confirmed a two-factor code, as every superuser's must.

    For another superuser (e.g. `staff`), use `tests.security.helpers.verified_client(user)` instead of
    `client.force_login(user)`.
    """
    from tests.security.helpers import verified_client

    return verified_client(verified_superuser)
