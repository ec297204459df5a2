# ruff: noqa: F811 (the fixtures imported from incident_fixtures are parameters of the tests)
"""Incidents read in a list of the API or in their edit forms are recorded as reads for their owner's
administrators, as a visit to an incident's page is."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from egide.audit.models import Action, AuditEvent
from tests.duediligence.incident_fixtures import (  # noqa: F401 (fixtures)
    Scene,
    client_of,
    partner,
    partner_user,
    scene,
)

pytestmark = pytest.mark.django_db


def _reads() -> list[tuple[str, int, object]]:
    events = AuditEvent.objects.filter(action=Action.READ, content_type__model="incident").order_by("id")
    return [(event.username, event.object_id, event.after) for event in events]


@pytest.mark.parametrize("who", ["member", "partner_user", "outsider", "anonymous"])
def test_the_incident_list_records_each_incident_it_returns(
    scene: Scene, who: str, request: pytest.FixtureRequest
) -> None:
    user: User | None = None if who == "anonymous" else request.getfixturevalue(who)
    client = client_of(user) if user is not None else Client()
    items = client.get("/api/v1/countries/CF/incidents").json()["items"]
    readable = who in ("member", "partner_user")
    assert [item["id"] for item in items] == ([scene.incident.pk] if readable else [])
    expected = [(user.get_username(), scene.incident.pk, {"via": "list"})] if readable and user else []
    assert _reads() == expected
    if readable:
        event = AuditEvent.objects.get(action=Action.READ)
        assert (event.organisation_id, event.country) == (scene.incident.owner_id, "CF")


def test_the_edit_forms_of_an_incident_are_recorded_when_shown(
    scene: Scene, member: User, partner_user: User, outsider: User
) -> None:
    client = client_of(member)
    assert client.get(f"/incidents/{scene.incident.pk}/edit/").status_code == 200
    assert client.get(f"/incidents/responsibilities/{scene.person_link.pk}/edit/").status_code == 200
    assert _reads() == [("member", scene.incident.pk, {"via": "form"})] * 2
    # The partner reads the incident but may not edit it; an outsider does not read it: neither sees a form.
    assert client_of(partner_user).get(f"/incidents/{scene.incident.pk}/edit/").status_code in (403, 404)
    assert client_of(outsider).get(f"/incidents/{scene.incident.pk}/edit/").status_code == 404
    assert len(_reads()) == 2
