"""Every way a person's record or an incident reaches a reader is recorded as a read ("Consulted") for its owner's
administrators: the API's lists and searches (one event per record returned, written together), a person's posts
through the API, the edit forms, and every export is listed with the reads on "who consulted what"."""

import json

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from egide.accounts.models import Organisation, Role
from egide.audit.models import Action, AuditEvent
from egide.duediligence import people_services as services
from egide.duediligence.models import Person
from egide.duediligence.people_selectors import consultations
from tests.conftest import make_user
from tests.duediligence.people_world import COUNTRY, World, client_of, make_person, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _reads(model: str) -> list[tuple[str, int, object]]:
    events = AuditEvent.objects.filter(action=Action.READ, content_type__model=model).order_by("id")
    return [(event.username, event.object_id, event.after) for event in events]


def _client(world: World, who: str) -> Client:
    return client_of(None if who == "anonymous" else getattr(world, who))


@pytest.mark.parametrize(("who", "read"), [("member", 1), ("sharing", 1), ("outsider", 0), ("anonymous", 0)])
def test_the_people_list_records_each_person_it_returns(world: World, who: str, read: int) -> None:
    body = _client(world, who).get("/api/v1/people?search=Testperson").json()
    assert len(body["items"]) == read
    assert _reads("person") == [(who, world.person.pk, {"via": "list"})] * read
    if read:
        assert body["items"][0]["notes"] == "Secret note about the person"
        event = AuditEvent.objects.get(action=Action.READ)
        assert (event.organisation_id, event.country, event.channel) == (world.organisation.pk, COUNTRY, "api")
        assert event.object_repr == f"person #{world.person.pk}"


def test_only_the_page_returned_is_recorded_in_one_insert(world: World) -> None:
    others = [make_person(world.organisation, f"Captain Number{index} Testperson") for index in range(6)]
    client = client_of(world.member)
    with CaptureQueriesContext(connection) as small:
        assert len(client.get("/api/v1/people?limit=2&offset=1").json()["items"]) == 2
    assert [pk for _user, pk, _after in _reads("person")] == [others[0].pk, others[1].pk]
    with CaptureQueriesContext(connection) as large:
        assert len(client.get("/api/v1/people?limit=100").json()["items"]) == 7
    assert len(_reads("person")) == 9
    # The same queries for two people as for seven: the events of a page are one insert.
    assert len(large.captured_queries) == len(small.captured_queries)
    inserts = [query for query in large.captured_queries if query["sql"].startswith('INSERT INTO "audit_auditevent"')]
    assert len(inserts) == 1


def test_a_persons_posts_through_the_api_are_recorded(world: World) -> None:
    services.post_create(user=None, person=world.person, data=services.PostData(actor=world.unit, role="commander"))
    assert client_of(world.sharing).get(f"/api/v1/people/{world.person.pk}/posts").status_code == 200
    assert _reads("person") == [("sharing", world.person.pk, {"via": "posts"})]
    assert client_of(world.outsider).get(f"/api/v1/people/{world.person.pk}/posts").status_code == 404
    assert len(_reads("person")) == 1


def test_the_edit_forms_of_a_person_are_recorded_when_shown(world: World) -> None:
    post = services.post_create(
        user=None, person=world.person, data=services.PostData(actor=world.unit, role="commander", notes="Post note")
    )
    client = client_of(world.member)
    page = client.get(f"/people/{world.person.pk}/edit/")
    assert b"Secret note about the person" in page.content
    assert client.get(f"/people/{world.person.pk}/posts/{post.pk}/edit/").status_code == 200
    assert _reads("person") == [("member", world.person.pk, {"via": "form"})] * 2
    # Saving is a change (audited as such), not another read; readers who may not edit read nothing here.
    assert client_of(world.sharing).get(f"/people/{world.person.pk}/edit/").status_code == 403
    assert client_of(world.outsider).get(f"/people/{world.person.pk}/edit/").status_code == 404
    client.post(
        f"/people/{world.person.pk}/edit/",
        {
            "country": COUNTRY,
            "nationality": "ML",
            "notes": "Another note",
            "confidence": "medium",
            "owner": world.organisation.pk,
            "confidentiality": "restricted",
            "version": world.person.version,
        },
    )
    assert Person.objects.get(pk=world.person.pk).notes == "Another note"
    assert len(_reads("person")) == 2


def test_who_consulted_what_lists_exports_and_says_how(world: World) -> None:
    administrator = make_user("administrator", world.organisation, Role.ADMINISTRATOR)
    client_of(world.member).get(f"/people/{world.person.pk}/export.json")
    client_of(world.member).get(f"/people/{world.person.pk}/edit/")
    client_of(world.sharing).get("/api/v1/people")
    client_of(world.sharing).get(reverse("people:detail", kwargs={"pk": world.person.pk}))
    events = consultations(user=administrator, organisation=world.organisation)
    assert [event.action for event in events] == ["read", "read", "read", "export"]
    response = client_of(administrator).get(reverse("people:consultations", kwargs={"pk": world.organisation.pk}))
    page = response.content.decode()
    assert "4 consultations" in page
    for how in ("Exported (JSON)", "Edit form", "In a list or search results", "The record itself"):
        assert how in page, how
    french = client_of(administrator).get(
        reverse("people:consultations", kwargs={"pk": world.organisation.pk}), HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert "Exporté (JSON)" in french.content.decode()


def test_an_export_is_listed_only_for_the_exported_records_organisation(
    world: World, other_organisation: Organisation
) -> None:
    stranger_admin: User = make_user("stranger", other_organisation, Role.ADMINISTRATOR)
    client_of(world.member).get(f"/people/{world.person.pk}/export.xlsx")
    administrator = make_user("administrator", world.organisation, Role.ADMINISTRATOR)
    assert [event.action for event in consultations(user=administrator, organisation=world.organisation)] == ["export"]
    assert not consultations(user=stranger_admin, organisation=other_organisation).exists()
    assert json.loads(json.dumps(AuditEvent.objects.get(action=Action.EXPORT).after)) == {"format": "xlsx"}
