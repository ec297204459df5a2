"""The people's API: the same read rule and services as the pages; reads of a person are audited."""

import json
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.test import Client

from egide.audit.models import Action, AuditEvent
from egide.duediligence import people_services as services
from egide.duediligence.models import Person
from tests.duediligence.people_world import COUNTRY, World, client_of, make_person, world_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def _client(world: World, who: str) -> Client:
    return client_of(None if who == "anonymous" else getattr(world, who))


def _send(client: Client, method: str, url: str, payload: Any = None) -> HttpResponse:
    if method == "get":
        return client.get(url)
    response: HttpResponse = getattr(client, method)(url, json.dumps(payload), content_type="application/json")
    return response


def _names(response: HttpResponse) -> list[str]:
    assert response.status_code == 200, response.content
    return [person["name"] for person in json.loads(response.content)["items"]]


@pytest.mark.parametrize(
    ("who", "listed"), [("member", True), ("sharing", True), ("outsider", False), ("anonymous", False)]
)
def test_list_and_search(world: World, who: str, listed: bool) -> None:
    make_person(world.organisation, "Unshared Testperson")
    client = _client(world, who)
    for query in ("", "?search=Testpersonne", "?search=exemplar%20testperson", f"?country={COUNTRY}"):
        names = _names(client.get(f"/api/v1/people{query}"))
        assert ("Colonel Exemplar Testperson" in names) is listed, (who, query)
    expected = {"member": 2, "sharing": 1, "outsider": 0, "anonymous": 0}[who]
    assert len(_names(client.get("/api/v1/people"))) == expected
    assert json.loads(client.get("/api/v1/people?limit=1").content)["count"] == expected


@pytest.mark.parametrize(("who", "status"), [("member", 200), ("sharing", 200), ("outsider", 404), ("anonymous", 404)])
def test_get_person_and_posts_audited(world: World, who: str, status: int) -> None:
    services.post_create(user=None, person=world.person, data=services.PostData(actor=world.unit, role="commander"))
    client = _client(world, who)
    response = client.get(f"/api/v1/people/{world.person.pk}")
    assert response.status_code == status
    posts = client.get(f"/api/v1/people/{world.person.pk}/posts")
    assert posts.status_code == status
    reads = AuditEvent.objects.filter(
        action=Action.READ, content_type=ContentType.objects.get_for_model(Person), object_id=world.person.pk
    )
    if status != 200:
        assert not reads.exists()
        return
    record = json.loads(response.content)
    assert record["name"] == "Colonel Exemplar Testperson"
    assert [name["name"] for name in record["names"]] == ["Colonel Exemplar Testperson", "Exemplaire Testpersonne"]
    assert [(post["role"], post["actor_name"]) for post in json.loads(posts.content)] == [
        ("commander", "Exercise Brigade")
    ]
    # The record read whole, then its posts: each read recorded, the second saying how.
    assert [(event.username, event.channel, event.after) for event in reads.order_by("id")] == [
        (who, "api", None),
        (who, "api", {"via": "posts"}),
    ]


@pytest.mark.parametrize(("who", "status"), [("member", 201), ("sharing", 403), ("outsider", 403), ("anonymous", 401)])
def test_create(world: World, who: str, status: int) -> None:
    payload = {
        "country": COUNTRY,
        "names": [{"name": "Captain Invented Testperson"}],
        "born": "1980-02",
        "owner": world.organisation.pk,
    }
    response = _send(_client(world, who), "post", "/api/v1/people", payload)
    assert response.status_code == status, response.content
    if status == 201:
        record = json.loads(response.content)
        assert (record["born"], record["confidentiality"]) == ("1980-02", "restricted")


def test_create_refuses_bad_input_naming_the_field(world: World) -> None:
    client = client_of(world.member)
    response = _send(
        client, "post", "/api/v1/people", {"country": COUNTRY, "names": [], "owner": world.organisation.pk}
    )
    assert response.status_code == 422
    assert "name" in json.loads(response.content)["detail"]
    response = _send(
        client,
        "post",
        "/api/v1/people",
        {"country": COUNTRY, "names": [{"name": "A"}], "born": "soon", "owner": world.organisation.pk},
    )
    assert response.status_code == 422
    assert "born" in json.loads(response.content)["detail"]
    response = _send(client, "post", "/api/v1/people", {"country": COUNTRY, "names": [{"name": "x" * 301}], "owner": 1})
    assert response.status_code == 422


@pytest.mark.parametrize(("who", "status"), [("member", 200), ("sharing", 403), ("outsider", 404), ("anonymous", 401)])
def test_update(world: World, who: str, status: int) -> None:
    response = _send(_client(world, who), "patch", f"/api/v1/people/{world.person.pk}", {"born": "1969", "version": 1})
    assert response.status_code == status, response.content
    person = Person.objects.get(pk=world.person.pk)
    assert (person.born == "1969") is (status == 200)
    if status == 200:
        stale = _send(_client(world, who), "patch", f"/api/v1/people/{world.person.pk}", {"notes": "x", "version": 1})
        assert stale.status_code == 409
        refused = _send(
            _client(world, who), "patch", f"/api/v1/people/{world.person.pk}", {"confidentiality": "public"}
        )
        assert refused.status_code == 422
