"""What an incident's or a person's reader may not see stays hidden: the status, notes and evidence of an allegation
against a person they may not read, the units of a person's posts they may not see, and the incident list's filter
by a unit they may not see."""

import datetime
import json

import pytest

from egide.accounts.services import record_share
from egide.duediligence import incident_services as isvc
from egide.duediligence import people_services as services
from egide.duediligence.models import Incident, Responsibility, Violation
from tests.duediligence.people_world import COUNTRY, World, client_of, make_person, world_fixture

__all__ = ["world_fixture"]

pytestmark = pytest.mark.django_db

SECRET = "Zorglubovitch"


def _incident(world: World) -> Incident:
    return Incident.objects.create(
        country=COUNTRY,
        owner=world.organisation,
        title_en="Beating",
        violation=Violation.TORTURE,
        occurred_on=datetime.date(2020, 1, 2),
    )


@pytest.fixture
def hidden_link(world: World) -> Responsibility:
    """An allegation against a person not shared with the partner, in an incident shared with it (may edit)."""
    hidden = make_person(world.organisation, f"Captain {SECRET}")
    incident = _incident(world)
    link = isvc.responsibility_create(
        user=world.member,
        incident=incident,
        data=isvc.ResponsibilityData(person=hidden, notes=f"{SECRET} ordered it", status="alleged"),
    )
    isvc.evidence_add(
        user=world.member, responsibility=link, data=isvc.EvidenceData(source=world.source, locator=f"{SECRET} p. 4")
    )
    record_share(user=None, record=incident, organisation=world.partner, can_edit_too=True)
    return link


def test_an_allegation_against_a_person_the_reader_may_not_read_shows_only_that_a_person_is_named(
    world: World, hidden_link: Responsibility
) -> None:
    incident = hidden_link.incident_id
    body = json.loads(client_of(world.sharing).get(f"/api/v1/incidents/{incident}").content)
    (shown,) = body["responsibilities"]
    assert shown["person"] is None
    assert shown["name"] == ""
    assert shown["notes"] == ""
    assert shown["status"] == ""
    assert shown["evidence"] == []
    page = client_of(world.sharing).get(f"/incidents/{incident}/").content.decode()
    assert SECRET not in page
    assert "p. 4" not in page
    assert "a person whose record you may not read" in page
    # The owner's member reads all of it.
    owner_body = client_of(world.member).get(f"/api/v1/incidents/{incident}").content.decode()
    assert f"{SECRET} ordered it" in owner_body
    assert "p. 4" in owner_body
    # Another partner reads nothing of the incident.
    assert client_of(world.outsider).get(f"/api/v1/incidents/{incident}").status_code == 404


def test_an_editor_of_the_incident_may_not_change_an_allegation_against_a_person_they_may_not_read(
    world: World, hidden_link: Responsibility
) -> None:
    client = client_of(world.sharing)
    assert client.get(f"/incidents/responsibilities/{hidden_link.pk}/edit/").status_code == 403
    assert client.get(f"/incidents/responsibilities/{hidden_link.pk}/evidence/new/").status_code == 403
    answer = client.patch(
        f"/api/v1/responsibilities/{hidden_link.pk}", {"notes": "guess"}, content_type="application/json"
    )
    assert answer.status_code == 403
    evidence = client.post(
        f"/api/v1/incidents/{hidden_link.incident_id}/evidence",
        {"responsibility": hidden_link.pk, "source_title": "A guess"},
        content_type="application/json",
    )
    assert evidence.status_code == 403
    hidden_link.refresh_from_db()
    assert hidden_link.notes == f"{SECRET} ordered it"
    assert client_of(world.member).get(f"/incidents/responsibilities/{hidden_link.pk}/edit/").status_code == 200


def test_a_persons_posts_do_not_name_a_unit_the_reader_may_not_see(world: World, make_actor) -> None:
    secret_unit = make_actor(
        country=COUNTRY, kind="civilian_intelligence", name="Covert Unit Nine", confidentiality="restricted"
    )
    services.post_create(user=None, person=world.person, data=services.PostData(actor=secret_unit, role="commander"))
    answer = client_of(world.sharing).get(f"/api/v1/people/{world.person.pk}/posts")
    assert answer.status_code == 200
    assert "Covert Unit Nine" not in answer.content.decode()
    assert {post["actor"] for post in json.loads(answer.content)} == {None}
    owner_view = client_of(world.member).get(f"/api/v1/people/{world.person.pk}/posts").content.decode()
    assert "Covert Unit Nine" in owner_view
    assert client_of(world.outsider).get(f"/api/v1/people/{world.person.pk}/posts").status_code == 404


def test_the_incident_list_filters_only_by_a_unit_the_reader_may_see(world: World, make_actor) -> None:
    secret_unit = make_actor(
        country=COUNTRY, kind="civilian_intelligence", name="Covert Unit Nine", confidentiality="restricted"
    )
    incident = _incident(world)
    Responsibility.objects.create(incident=incident, actor=secret_unit)
    record_share(user=None, record=incident, organisation=world.partner, can_edit_too=False)
    address = f"/api/v1/countries/{COUNTRY}/incidents?unit={secret_unit.pk}"
    hidden = json.loads(client_of(world.sharing).get(address).content)
    missing = json.loads(client_of(world.sharing).get(f"/api/v1/countries/{COUNTRY}/incidents?unit=987654").content)
    assert hidden["items"] == [] == missing["items"]
    assert hidden["count"] == missing["count"] == 0
    assert [item["id"] for item in json.loads(client_of(world.member).get(address).content)["items"]] == [incident.pk]
