"""A scene for the concurrent-edit tests, and a threaded server over a file SQLite database.

`make_scene` builds, through the services, an organisation with two editors (logged in, with API tokens) and one
actor. `main` (once Django is set up) migrates the database named by DATABASE_URL, builds the scene, prints it as
one JSON line and serves the platform on the port given, one thread per request, as a deployment would.
"""

import json
import sys
from dataclasses import asdict, dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client

from egide.accounts.models import Membership, Organisation, OrganisationType, Role
from egide.actors import services
from egide.actors.data import ActorData
from egide.security.tokens import token_create


@dataclass
class Scene:
    actor: int
    sessions: list[str]
    tokens: list[str]
    usernames: list[str]


def make_scene() -> Scene:
    organisation = Organisation.objects.create(
        name_en="Secretariat", name_fr="Secrétariat", acronym="SEC", type=OrganisationType.MINISTRY
    )
    sessions, tokens, usernames = [], [], []
    for username in ("first-editor", "second-editor"):
        user = User.objects.create_user(username=username, password=None)
        Membership.objects.create(user=user, organisation=organisation, role=Role.EDITOR)
        client = Client()
        client.force_login(user)
        sessions.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
        tokens.append(token_create(user=user, name="concurrency", by=user)[1])
        usernames.append(username)
    actor = services.actor_create(
        user=None,
        country="CF",
        data=ActorData(kind="police", name_en="National Police", name_fr="Police nationale", owner=organisation),
    )
    return Scene(actor=actor.pk, sessions=sessions, tokens=tokens, usernames=usernames)


def main() -> None:
    from django.core.management import call_command
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application

    call_command("migrate", verbosity=0)
    scene = make_scene()
    print(json.dumps(asdict(scene)), flush=True)
    run("127.0.0.1", int(sys.argv[1]), get_wsgi_application(), threading=True)
