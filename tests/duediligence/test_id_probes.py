# ruff: noqa: F811 (the fixtures imported from incident_fixtures are parameters of the tests)
"""Ids sent to the due-diligence API and pages tell nothing of records hidden from the caller: an id that exists
but that the caller may not read is refused exactly as one that does not exist (same status, same message but for
the id typed), for the owner's editor, a partner the incident is shared with for editing, another partner and an
anonymous caller."""

import json
import re
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import Client

from egide.accounts.models import Confidentiality, Organisation, Share
from egide.actors.data import CitationData
from egide.actors.models import Source
from egide.actors.services import source_get_or_create
from egide.duediligence import incident_services as services
from egide.duediligence.models import Responsibility
from tests.duediligence.incident_fixtures import (  # noqa: F401 (fixtures)
    Scene,
    client_of,
    make_person,
    partner,
    partner_user,
    scene,
)

pytestmark = pytest.mark.django_db

MISSING = 987_654


def send(client: Client, url: str, payload: Any) -> HttpResponse:
    response: HttpResponse = client.post(url, json.dumps(payload), content_type="application/json")
    return response


def answer(response: HttpResponse, typed: int) -> tuple[int, str]:
    """The status and the body, the id typed written as ID: what must not differ between a hidden and a missing id."""
    return response.status_code, re.sub(rf"\b{typed}\b", "ID", response.content.decode())


@pytest.fixture
def editing_share(scene: Scene) -> Scene:
    """The incident is shared with the partner for editing; the colonel's record is not shared with it."""
    Share.objects.filter(organisation=scene.partner).update(can_edit=True)
    return scene


@pytest.fixture
def hidden(other_organisation: Organisation, make_actor: Any) -> dict[str, int]:
    """A person, a unit and a source of another organisation, restricted: hidden from the owner and the partner."""
    person = make_person(other_organisation, "Major Hidden Testperson")
    unit = make_actor(
        kind="police", name="Hidden brigade", owner=other_organisation, confidentiality=Confidentiality.RESTRICTED
    )
    source = source_get_or_create(
        user=None, country="TD", citation=CitationData(title="Another organisation's report"), owner=other_organisation
    )
    return {"person": person.pk, "unit": unit.pk, "source": source.pk}


@pytest.mark.parametrize("field", ["person", "unit", "source"])
def test_naming_a_hidden_id_answers_as_a_missing_one(
    editing_share: Scene, hidden: dict[str, int], member: User, partner_user: User, field: str
) -> None:
    url = f"/api/v1/incidents/{editing_share.incident.pk}/responsibilities"
    base: dict[str, Any] = {"unit": editing_share.battalion.pk} if field == "source" else {}
    for user in (member, partner_user):
        client = client_of(user)
        missing = send(client, url, base | {field: MISSING})
        concealed = send(client, url, base | {field: hidden[field]})
        assert missing.status_code == 422, missing.content
        assert answer(concealed, hidden[field]) == answer(missing, MISSING), user.username
    assert Responsibility.objects.count() == 2


def test_the_partner_may_not_name_the_owners_person_it_may_not_read(
    editing_share: Scene, member: User, partner_user: User
) -> None:
    """The colonel is named already: the partner, who may not read the colonel's record, hears no "already named"."""
    url = f"/api/v1/incidents/{editing_share.incident.pk}/responsibilities"
    colonel = editing_share.colonel.pk
    missing = send(client_of(partner_user), url, {"person": MISSING})
    concealed = send(client_of(partner_user), url, {"person": colonel})
    assert answer(concealed, colonel) == answer(missing, MISSING)
    assert "already named" not in concealed.content.decode()
    # The owner's editor, who reads the colonel, is told why.
    assert "already named" in send(client_of(member), url, {"person": colonel}).content.decode()


def test_other_readers_hear_the_same_for_any_id(
    editing_share: Scene, hidden: dict[str, int], outsider: User, partner_user: User
) -> None:
    url = f"/api/v1/incidents/{editing_share.incident.pk}/responsibilities"
    for user, status in ((outsider, 404), (None, 401)):
        client = client_of(user)
        for field in ("person", "unit"):
            missing = send(client, url, {field: MISSING})
            concealed = send(client, url, {field: hidden[field]})
            assert missing.status_code == status
            assert answer(concealed, hidden[field]) == answer(missing, MISSING)


def test_citing_a_hidden_source_answers_as_a_missing_one(
    editing_share: Scene, hidden: dict[str, int], member: User, partner_user: User
) -> None:
    """A source of another country hidden from the caller: not "of another country", which would tell it exists."""
    url = f"/api/v1/incidents/{editing_share.incident.pk}/evidence"
    for user in (member, partner_user):
        missing = send(client_of(user), url, {"source": MISSING})
        concealed = send(client_of(user), url, {"source": hidden["source"]})
        assert missing.status_code == 422
        assert answer(concealed, hidden["source"]) == answer(missing, MISSING)
        assert "another country" not in concealed.content.decode()
    # A source the owner reads, of another country, is refused saying so.
    chadian = Source.objects.create(country="TD", title="Chadian report", owner=editing_share.incident.owner)
    visible = send(client_of(member), url, {"source": chadian.pk})
    assert "another country" in visible.content.decode()


def test_the_services_tell_nothing_of_a_hidden_unit_or_source(
    editing_share: Scene, hidden: dict[str, int], make_actor: Any, partner_user: User, other_organisation: Organisation
) -> None:
    """Whoever calls them (a form, an import): a hidden unit of another country is not named, nor its country."""
    abroad = make_actor(
        country="TD", kind="police", name="Hidden abroad", owner=other_organisation, confidentiality="restricted"
    )
    with pytest.raises(ValidationError) as excinfo:
        services.responsibility_create(
            user=partner_user, incident=editing_share.incident, data=services.ResponsibilityData(actor=abroad)
        )
    text = str(excinfo.value)
    assert "Hidden abroad" not in text
    assert "TD" not in text
    assert f"No actor has the id {abroad.pk}." in text
