"""An allegation against a unit the reader may not see shows nothing but "a unit you cannot see": not its name, id,
status, confidence, notes or evidence, on the incident's page and in the API, in an assessment's risk listing (page
and API), and on a person's career; its forms are refused. For the owner's member, a partner the incident is shared
with, another partner and an anonymous reader."""

import datetime
import json

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from egide.accounts.models import Confidentiality, Organisation, Share
from egide.actors.models import Actor
from egide.duediligence.models import DiligenceAssessment, Evidence, Post, PostRole, Responsibility
from tests.duediligence.diligence_world import World, assessment, partner, sharing, world
from tests.duediligence.incident_fixtures import Scene, client_of, partner_user, scene

__all__ = ["assessment", "partner", "partner_user", "scene", "sharing", "world"]

pytestmark = pytest.mark.django_db

SECRETS = ("First battalion", "Convicted", "Unit link secret notes", "p. 5")
"""What the unit's allegation says: the unit's name, its status, its notes and the passage of its evidence."""


@pytest.fixture
def hidden_unit(scene: Scene) -> Scene:
    """The battalion is restricted to its owner: the partner reads the incident, not the battalion."""
    Actor.objects.filter(pk=scene.battalion.pk).update(confidentiality=Confidentiality.RESTRICTED)
    Responsibility.objects.filter(pk=scene.unit_link.pk).update(status="convicted", notes="Unit link secret notes")
    return scene


def test_the_incident_page_shows_a_hidden_unit_as_such_and_nothing_of_its_allegation(
    hidden_unit: Scene, member: User, partner_user: User, outsider: User
) -> None:
    address = reverse("incidents:detail", kwargs={"pk": hidden_unit.incident.pk})
    owner_page = client_of(member).get(address).content.decode()
    for text in SECRETS:
        assert text in owner_page, text
    partner_page = client_of(partner_user).get(address).content.decode()
    assert "a unit you cannot see" in partner_page
    assert "Night raid on the market" in partner_page
    assert "p. 4" in partner_page
    for text in SECRETS:
        assert text not in partner_page, text
    assert f"/actors/{hidden_unit.battalion.pk}/" not in partner_page
    assert client_of(outsider).get(address).status_code == 404
    assert Client().get(address).status_code == 302


def test_the_api_answers_a_hidden_units_allegation_empty(
    hidden_unit: Scene, member: User, partner_user: User, outsider: User
) -> None:
    url = f"/api/v1/incidents/{hidden_unit.incident.pk}"
    owner_link = client_of(member).get(url).json()["responsibilities"][0]
    assert (owner_link["unit"], owner_link["status"], owner_link["notes"]) == (
        hidden_unit.battalion.pk,
        "convicted",
        "Unit link secret notes",
    )
    assert owner_link["evidence"][0]["locator"] == "p. 5"
    partner_link = client_of(partner_user).get(url).json()["responsibilities"][0]
    assert partner_link == {
        "id": hidden_unit.unit_link.pk,
        "incident": hidden_unit.incident.pk,
        "unit": None,
        "person": None,
        "name": "",
        "status": "",
        "status_since": "",
        "confidence": "",
        "notes": "",
        "evidence": [],
    }
    assert client_of(outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 404


def test_an_editing_partner_may_not_change_or_cite_for_a_hidden_units_allegation(
    hidden_unit: Scene, partner_user: User
) -> None:
    Share.objects.filter(organisation=hidden_unit.partner).update(can_edit=True)
    client = client_of(partner_user)
    link = hidden_unit.unit_link.pk
    for name in ("incidents:responsibility-edit", "incidents:responsibility-evidence-create"):
        response = client.get(reverse(name, kwargs={"pk": link}))
        assert response.status_code == 403, name
        assert "First battalion" not in response.content.decode()
    patched = client.patch(
        f"/api/v1/responsibilities/{link}", json.dumps({"notes": "x"}), content_type="application/json"
    )
    assert patched.status_code == 403
    assert "unit named in this allegation" in patched.json()["detail"]
    cited = client.post(
        f"/api/v1/incidents/{hidden_unit.incident.pk}/evidence",
        json.dumps({"responsibility": link, "source_title": "A new report"}),
        content_type="application/json",
    )
    assert cited.status_code == 403
    assert Evidence.objects.filter(responsibility_id=link).count() == 1
    assert Responsibility.objects.get(pk=link).notes == "Unit link secret notes"


@pytest.fixture
def hidden_parent(
    assessment: DiligenceAssessment, world: World, partner: Organisation, other_organisation: Organisation
) -> DiligenceAssessment:
    """The ministry, parent of the supported battalion, is restricted to another organisation; its allegation holds
    a status, notes and evidence. The assessment and the incident against the ministry are shared with a partner."""
    Actor.objects.filter(pk=world.ministry.pk).update(
        confidentiality=Confidentiality.RESTRICTED, owner=other_organisation
    )
    raid = Responsibility.objects.get(incident=world.against_parent)
    Responsibility.objects.filter(pk=raid.pk).update(status="convicted", notes="Parent secret notes")
    Evidence.objects.create(source=world.source, responsibility=raid, locator="p. 77")
    Share.objects.create(record=assessment, organisation=partner, country="CF")
    Share.objects.create(record=world.against_parent, organisation=partner, country="CF")
    return assessment


def test_the_risk_listing_says_nothing_of_a_hidden_parents_allegation(
    hidden_parent: DiligenceAssessment, world: World, member: User, sharing: User, outsider: User
) -> None:
    page_address = reverse("diligence:assessment-detail", kwargs={"pk": hidden_parent.pk})
    api_address = f"/api/v1/due-diligence/{hidden_parent.pk}"
    for user in (member, sharing):
        page = client_of(user).get(page_address).content.decode()
        assert "Ministry raid" in page, user.username
        assert "a unit you cannot see" in page
        for text in ("Ministry of Exercises", "Convicted", "p. 77", f"/actors/{world.ministry.pk}/"):
            assert text not in page, (user.username, text)
        raid = next(
            item for item in client_of(user).get(api_address).json()["incidents"] if item["title"] == "Ministry raid"
        )
        assert raid["links"] == [
            {
                "path": "parent",
                "actor_id": None,
                "unit": "",
                "status": "",
                "confidence": "",
                "person_id": None,
                "role": "",
                "post_start": "",
                "post_end": "",
                "evidence": [],
            }
        ], user.username
    # The supported unit's own allegation is still told whole.
    owner_page = client_of(member).get(page_address).content.decode()
    assert "p. 13" in owner_page
    assert client_of(outsider).get(page_address).status_code == 404
    assert client_of(outsider).get(api_address).status_code == 404
    assert Client().get(page_address).status_code == 302
    assert Client().get(api_address).status_code == 401


def test_a_person_page_names_a_hidden_unit_of_the_career_as_such(
    world: World, member: User, other_organisation: Organisation
) -> None:
    Post.objects.create(
        person=world.commander,
        actor=world.ministry,
        country="CF",
        role=PostRole.DIRECTOR,
        start_date=datetime.date(2020, 1, 1),
        start_precision="year",
    )
    Actor.objects.filter(pk=world.ministry.pk).update(
        confidentiality=Confidentiality.RESTRICTED, owner=other_organisation
    )
    page = client_of(member).get(reverse("people:detail", kwargs={"pk": world.commander.pk})).content.decode()
    assert "a unit you cannot see" in page
    assert "Ministry of Exercises" not in page
