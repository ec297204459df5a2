"""The people's pages, each read (and each change made) by the owner organisation's editor, a partner the person
is shared with (for reading), another partner and an anonymous visitor; reads of a person are audited."""

import io
import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from egide.accounts.models import Role
from egide.actors.models import Actor
from egide.audit.models import Action, AuditEvent
from egide.duediligence import people_services as services
from egide.duediligence.models import Evidence, Incident, Person, PersonName, Post, Responsibility, Violation
from tests.conftest import make_user
from tests.duediligence.people_world import COUNTRY, World, client_of, make_person, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

READERS = ("member", "sharing", "outsider", "anonymous")


def _client(world: World, who: str) -> Client:
    return client_of(None if who == "anonymous" else getattr(world, who))


def _text(response: object) -> str:
    return BeautifulSoup(response.content.decode(), "html.parser").get_text(" ", strip=True)  # type: ignore[attr-defined]


def _reads(person: Person) -> list[str]:
    return list(
        AuditEvent.objects.filter(
            action=Action.READ, content_type=ContentType.objects.get_for_model(Person), object_id=person.pk
        ).values_list("username", flat=True)
    )


@pytest.fixture
def career(world: World) -> Post:
    post = services.post_create(
        user=None, person=world.person, data=services.PostData(actor=world.unit, role="commander")
    )
    services.evidence_add(user=None, person=world.person, post=post, source=world.source, locator="p. 3")
    return post


@pytest.mark.parametrize(
    ("who", "status", "listed"),
    [("member", 200, True), ("sharing", 200, True), ("outsider", 200, False), ("anonymous", 302, False)],
)
def test_list_and_search(world: World, who: str, status: int, listed: bool) -> None:
    make_person(world.organisation, "Unshared Testperson")
    client = _client(world, who)
    for query in ({}, {"q": "Exemplar Testperson"}, {"q": "Testpersonne"}, {"country": COUNTRY, "role": "commander"}):
        response = client.get(reverse("people:list"), query)
        assert response.status_code == status, query
        if status == 302:
            assert "/login" in response["Location"]
            continue
        page = _text(response)
        if query.get("role"):
            assert "Colonel Exemplar Testperson" not in page  # no post yet
            continue
        assert ("Colonel Exemplar Testperson" in page) is listed, (who, query)
    if who == "member":
        assert "2 people" in _text(client.get(reverse("people:list")))
    if who == "sharing":
        assert "1 person" in _text(client.get(reverse("people:list")))
        assert "Unshared" not in _text(client.get(reverse("people:list"), {"q": "Testperson"}))
    if who == "outsider":
        assert "0 people" in _text(client.get(reverse("people:list"), {"q": "Testperson"}))


def test_list_filters_by_role_and_unit(world: World, career: Post) -> None:
    client = client_of(world.member)
    assert "Colonel Exemplar" in _text(client.get(reverse("people:list"), {"role": "commander"}))
    assert "Colonel Exemplar" not in _text(client.get(reverse("people:list"), {"role": "minister"}))
    assert "Colonel Exemplar" in _text(client.get(reverse("people:list"), {"actor": world.unit.pk}))
    assert client.get(reverse("people:list"), {"q": "a\x00b"}).status_code == 400


@pytest.mark.parametrize(("who", "status"), [("member", 200), ("sharing", 200), ("outsider", 404), ("anonymous", 302)])
def test_person_page_is_read_by_whom_it_may_be_and_every_read_is_audited(
    world: World, career: Post, who: str, status: int
) -> None:
    response = _client(world, who).get(reverse("people:detail", kwargs={"pk": world.person.pk}))
    assert response.status_code == status
    if status != 200:
        assert _reads(world.person) == []
        return
    page = _text(response)
    for shown in ("Colonel Exemplar Testperson", "Exemplaire Testpersonne", "Commander", "Exercise Brigade", "p. 3"):
        assert shown in page
    assert _reads(world.person) == [who]
    assert ("Export (JSON)" in page) is (who == "member")
    assert "Mali" in page  # the nationality, named
    # Who consulted the record is for administrators: not in the history every reader sees.
    history = BeautifulSoup(response.content.decode(), "html.parser").find(id="history-section")
    assert history is not None
    assert "Consulted" not in history.get_text()
    assert "Created" in history.get_text()


def test_person_page_lists_readable_incidents_only(world: World, other_organisation: object) -> None:
    readable = Incident.objects.create(
        country=COUNTRY, owner=world.organisation, title_en="Invented readable incident", violation=Violation.TORTURE
    )
    hidden = Incident.objects.create(
        country=COUNTRY, owner=other_organisation, title_en="Invented hidden incident", violation=Violation.TORTURE
    )
    for incident in (readable, hidden):
        Responsibility.objects.create(incident=incident, person=world.person)
    page = _text(client_of(world.member).get(reverse("people:detail", kwargs={"pk": world.person.pk})))
    assert "Invented readable incident" in page
    assert "Invented hidden incident" not in page


def _change_pages(world: World, post: Post) -> list[tuple[str, dict[str, object]]]:
    pk = world.person.pk
    return [
        (reverse("people:edit", kwargs={"pk": pk}), {}),
        (reverse("people:name-add", kwargs={"pk": pk}), {}),
        (reverse("people:post-create", kwargs={"pk": pk}), {}),
        (reverse("people:post-edit", kwargs={"pk": pk, "post": post.pk}), {}),
        (reverse("people:evidence-add", kwargs={"pk": pk}), {}),
    ]


@pytest.mark.parametrize(("who", "status"), [("member", 200), ("sharing", 403), ("outsider", 404), ("anonymous", 302)])
def test_change_forms_are_for_editors(world: World, career: Post, who: str, status: int) -> None:
    client = _client(world, who)
    for address, _query in _change_pages(world, career):
        assert client.get(address).status_code == status, address
    pk = world.person.pk
    name = PersonName.objects.filter(person=world.person).first()
    assert name is not None
    evidence = Evidence.objects.get(post=career)
    posts = [
        reverse("people:name-remove", kwargs={"pk": pk, "name": name.pk}),
        reverse("people:evidence-remove", kwargs={"pk": pk, "evidence": evidence.pk}),
        reverse("people:post-delete", kwargs={"pk": pk, "post": career.pk}),
    ]
    for address in posts:
        response = client.post(address)
        assert response.status_code == (302 if who == "member" else status), address
    removed = who == "member"
    assert PersonName.objects.filter(pk=name.pk).exists() is not removed
    assert Post.objects.filter(pk=career.pk).exists() is not removed


def test_create_edit_and_refusals_through_the_pages(world: World) -> None:
    client = client_of(world.member)
    response = client.post(
        reverse("people:create"),
        {
            "name": "Major Invented Testperson",
            "country": COUNTRY,
            "confidence": "high",
            "owner": world.organisation.pk,
            "confidentiality": "restricted",
            "birth": "1975-13",
        },
    )
    assert response.status_code == 200
    assert "is not a valid date" in _text(response)
    response = client.post(
        reverse("people:create"),
        {
            "name": "Major Invented Testperson",
            "country": COUNTRY,
            "confidence": "high",
            "owner": world.organisation.pk,
            "confidentiality": "restricted",
            "birth": "1975",
        },
    )
    person = Person.objects.get(names__name="Major Invented Testperson")
    assert response["Location"] == reverse("people:detail", kwargs={"pk": person.pk})
    assert (person.born, person.confidence) == ("1975", "high")
    edit = reverse("people:edit", kwargs={"pk": person.pk})
    values = {"country": COUNTRY, "confidence": "low", "owner": world.organisation.pk, "confidentiality": "restricted"}
    assert client.post(edit, values | {"version": 1}).status_code == 302
    response = client.post(edit, values | {"version": 1, "notes": "late"})
    assert "Someone changed this record" in _text(response)
    response = client.post(
        reverse("people:post-create", kwargs={"pk": person.pk}),
        {"actor": world.unit.pk, "role": "commander", "start": "2020", "end": "2019", "confidence": "medium"},
    )
    assert "The post ends before it starts." in _text(response)
    response = client.post(
        reverse("people:evidence-add", kwargs={"pk": person.pk}),
        {"target": "fact:birth", "source_title": "Invented gazette", "locator": "no. 7", "confidence": "high"},
    )
    assert response.status_code == 302
    assert Evidence.objects.get(person=person).source.title == "Invented gazette"


def test_sharing_through_the_page(world: World, other_organisation: object) -> None:
    address = reverse("people:share", kwargs={"pk": world.person.pk})
    assert client_of(world.sharing).post(address, {"organisation": "AGENCY"}).status_code == 403
    assert client_of(world.member).post(address, {"organisation": "AGENCY"}).status_code == 302
    assert "Colonel Exemplar" in _text(client_of(world.outsider).get(reverse("people:list")))


@pytest.mark.parametrize(("who", "status"), [("member", 200), ("sharing", 403), ("outsider", 404), ("anonymous", 302)])
def test_export_holds_everything_for_the_owner_only(world: World, career: Post, who: str, status: int) -> None:
    services.evidence_add(user=None, person=world.person, fact="nationality", source=world.source, locator="p. 1")
    incident = Incident.objects.create(
        country=COUNTRY, owner=world.organisation, title_en="Invented incident", violation=Violation.TORTURE
    )
    link = Responsibility.objects.create(incident=incident, person=world.person, notes="Link note")
    Evidence.objects.create(source=world.source, responsibility=link, locator="p. 12")
    client = _client(world, who)
    response = client.get(reverse("people:export-json", kwargs={"pk": world.person.pk}))
    assert response.status_code == status
    xlsx = client.get(reverse("people:export-xlsx", kwargs={"pk": world.person.pk}))
    assert xlsx.status_code == status
    if status != 200:
        return
    record = json.loads(response.content)
    assert [name["name"] for name in record["names"]] == ["Colonel Exemplar Testperson", "Exemplaire Testpersonne"]
    assert record["notes"] == "Secret note about the person"
    assert record["evidence"][0] | {} == {
        "fact": "nationality",
        "title": "Invented monitoring report",
        "author": "",
        "url": "",
        "published": "",
        "page_or_passage": "p. 1",
        "confidence": "medium",
    }
    assert record["posts"][0]["actor"] == "Exercise Brigade"
    assert record["posts"][0]["evidence"][0]["page_or_passage"] == "p. 3"
    assert record["incidents"][0]["title"] == "Invented incident"
    assert record["incidents"][0]["evidence"][0]["page_or_passage"] == "p. 12"
    assert record["links_in_incidents_not_readable"] == 0
    workbook = load_workbook(io.BytesIO(xlsx.content))
    assert workbook.sheetnames == ["Person", "Names", "Evidence", "Posts", "Incidents"]
    cells = {str(cell.value) for sheet in workbook for row in sheet.iter_rows() for cell in row}
    assert {
        "Colonel Exemplar Testperson",
        "Exercise Brigade",
        "Invented incident",
        "Secret note about the person",
    } <= cells
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_id=world.person.pk).count() == 2


def test_erasure_through_the_page(world: World, career: Post) -> None:
    address = reverse("people:erase", kwargs={"pk": world.person.pk})
    assert client_of(world.sharing).get(address).status_code == 403
    assert client_of(world.outsider).post(address, {"reason": "x"}).status_code == 404
    client = client_of(world.member)
    assert "1 post" in _text(client.get(address))
    response = client.post(address, {"reason": "Asked by Colonel Testperson's lawyer"})
    assert "holds a word of the person's names" in _text(response)
    assert Person.objects.filter(pk=world.person.pk).exists()
    response = client.post(address, {"reason": "Data-protection request 2026-7"})
    assert response["Location"] == reverse("people:list")
    assert not Person.objects.filter(pk=world.person.pk).exists()


def test_consultations_for_administrators(world: World, other_organisation: object) -> None:
    administrator = make_user("administrator", world.organisation, Role.ADMINISTRATOR)
    client_of(world.sharing).get(reverse("people:detail", kwargs={"pk": world.person.pk}))
    client_of(world.member).get(reverse("people:detail", kwargs={"pk": world.person.pk}))
    address = reverse("people:consultations", kwargs={"pk": world.organisation.pk})
    page = _text(client_of(administrator).get(address))
    assert "2 consultations" in page
    assert "sharing" in page
    assert "Colonel Exemplar Testperson" in page
    assert "1 consultation" in _text(client_of(administrator).get(address, {"user": "shar"}))
    assert "0 consultations" in _text(client_of(administrator).get(address, {"record_type": "incident"}))
    assert "0 consultations" in _text(client_of(administrator).get(address, {"since": "2999-01-01"}))
    assert "2 consultations" in _text(client_of(administrator).get(address, {"record_id": world.person.pk}))
    for user in (world.member, world.sharing, world.outsider):
        assert client_of(user).get(address).status_code == 403
    assert client_of(None).get(address).status_code == 302


@pytest.mark.parametrize(
    ("who", "shown"), [("member", True), ("sharing", True), ("outsider", False), ("anonymous", False)]
)
def test_actor_page_lists_the_holders_a_reader_may_read(world: World, career: Post, who: str, shown: bool) -> None:
    Actor.objects.filter(pk=world.unit.pk).update(confidentiality="public")  # the unit, not its holders
    response = _client(world, who).get(reverse("actor-detail", kwargs={"pk": world.unit.pk}))
    assert response.status_code == 200
    page = _text(response)
    assert ("Colonel Exemplar Testperson" in page) is shown
    assert ("Holders over time" in page) is (who != "anonymous")


def test_user_without_organisation_sees_nobody(world: World) -> None:
    alone: User = make_user("alone")
    assert "0 people" in _text(client_of(alone).get(reverse("people:list")))
    assert client_of(alone).get(reverse("people:create")).status_code == 403


def _queries(client: Client, address: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(address)  # the caches of content types and the like, filled once per process
    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def test_pages_make_as_many_queries_for_many_people_as_for_few(world: World) -> None:
    def grow(count: int) -> None:
        for number in range(count):
            person = make_person(world.organisation, f"Invented Testperson {number}", f"Other Spelling {number}")
            services.post_create(user=None, person=person, data=services.PostData(actor=world.unit, role="officer"))
            services.post_create(user=None, person=world.person, data=services.PostData(actor=world.unit, role="head"))

    client = client_of(world.member)
    addresses = [
        reverse("people:list"),
        reverse("people:list") + "?q=Testperson",
        reverse("people:detail", kwargs={"pk": world.person.pk}),
        reverse("actor-detail", kwargs={"pk": world.unit.pk}),
    ]
    grow(3)
    few = [_queries(client, address) for address in addresses]
    grow(20)
    assert [_queries(client, address) for address in addresses] == few


def test_signed_in_readers_find_the_people_in_the_menu(world: World) -> None:
    links = BeautifulSoup(client_of(world.member).get(reverse("organisation-list")).content.decode(), "html.parser")
    assert links.select_one(f'nav a[href="{reverse("people:list")}"]') is not None
    anonymous = BeautifulSoup(client_of(None).get(reverse("country-list")).content.decode(), "html.parser")
    assert anonymous.select_one(f'nav a[href="{reverse("people:list")}"]') is None
