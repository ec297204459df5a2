# ruff: noqa: F811 (the fixtures imported from incident_fixtures are parameters of the tests)
"""The incidents' API for the owner's member, the sharing partner, another partner and anonymous readers: lists,
the audited read of one incident, changes, responsibilities, and the commanders of a country on a day."""

import datetime
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client

from egide.accounts.models import Organisation, Share
from egide.audit.models import Action, AuditEvent
from egide.duediligence.models import Evidence, Incident, Post, PostRole, Responsibility
from tests.duediligence.incident_fixtures import (  # noqa: F401 (fixtures)
    Scene,
    client_of,
    partner,
    partner_user,
    scene,
)

pytestmark = pytest.mark.django_db


def send(client: Client, method: str, url: str, payload: Any = None) -> HttpResponse:
    response: HttpResponse = getattr(client, method)(url, json.dumps(payload), content_type="application/json")
    return response


def titles(client: Client, query: str = "") -> list[str]:
    response = client.get(f"/api/v1/countries/CF/incidents{query}")
    assert response.status_code == 200
    return [item["title_en"] for item in response.json()["items"]]


def test_each_reader_lists_what_it_may_read(scene: Scene, member: User, partner_user: User, outsider: User) -> None:
    assert titles(client_of(member)) == ["Night raid on the market"]
    assert titles(client_of(partner_user)) == ["Night raid on the market"]
    assert titles(client_of(outsider)) == []
    assert titles(Client()) == []
    assert Client().get("/api/v1/countries/CF/incidents").json()["count"] == 0


def test_the_list_filters(scene: Scene, member: User) -> None:
    client = client_of(member)
    assert titles(client, "?violation=torture") == []
    assert titles(client, "?year_from=2021&year_to=2021") == ["Night raid on the market"]
    assert titles(client, f"?unit={scene.battalion.pk}&status=alleged") == ["Night raid on the market"]
    assert titles(client, "?status=convicted") == []
    assert client.get("/api/v1/countries/CF/incidents?year_from=soon").status_code == 422
    assert client.get("/api/v1/countries/ZZ/incidents").status_code == 404


def test_reading_one_incident_is_audited_and_hides_what_the_reader_may_not_see(
    scene: Scene, member: User, partner_user: User, outsider: User
) -> None:
    url = f"/api/v1/incidents/{scene.incident.pk}"
    full = client_of(member).get(url).json()
    assert [item["name"] for item in full["responsibilities"]] == ["First battalion", "Colonel Exemplar Testperson"]
    assert full["responsibilities"][0]["evidence"][0]["locator"] == "p. 5"
    assert full["evidence"][0]["source_title"] == "Monitoring report 12"
    shared = client_of(partner_user).get(url).json()
    assert [(item["name"], item["person"]) for item in shared["responsibilities"]][1] == ("", None)
    assert client_of(outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 404
    reads = AuditEvent.objects.filter(action=Action.READ, object_id=scene.incident.pk)
    assert sorted(reads.values_list("username", flat=True)) == ["member", "partner"]


def test_a_member_records_and_changes_an_incident(organisation: Organisation, member: User) -> None:
    client = client_of(member)
    refused = send(
        client,
        "post",
        "/api/v1/countries/CF/incidents",
        {"title_en": "Shelling", "violation": "attack_on_civilians", "latitude": 6.5, "longitude": 200},
    )
    assert refused.status_code == 422
    assert refused.json()["detail"] == {"longitude": ["The longitude must be between -180 and 180 degrees."]}
    created = send(
        client,
        "post",
        "/api/v1/countries/CF/incidents",
        {"title_en": "Shelling", "violation": "attack_on_civilians", "occurred": "2022-05", "victims": 3},
    )
    assert created.status_code == 201
    answer = created.json()
    assert (answer["occurred"], answer["confidentiality"], answer["owner"]) == (
        "2022-05",
        "restricted",
        organisation.pk,
    )
    url = f"/api/v1/incidents/{answer['id']}"
    changed = send(client, "patch", url, {"victims": 5, "version": 1})
    assert changed.status_code == 200
    assert (changed.json()["victims"], changed.json()["version"], changed.json()["title_en"]) == (5, 2, "Shelling")
    stale = send(client, "patch", url, {"victims": 6, "version": 1})
    assert stale.status_code == 409
    assert send(client, "patch", url, {"violation": None}).status_code == 422
    assert send(client, "patch", url, {"confidentiality": "public"}).status_code == 422
    assert client.delete(url).status_code == 204
    assert not Incident.objects.exists()


def test_others_may_not_change(scene: Scene, partner_user: User, outsider: User) -> None:
    url = f"/api/v1/incidents/{scene.incident.pk}"
    assert send(client_of(partner_user), "patch", url, {"victims": 1}).status_code == 403
    assert send(client_of(outsider), "patch", url, {"victims": 1}).status_code == 404
    assert send(Client(), "patch", url, {"victims": 1}).status_code == 401
    assert client_of(partner_user).delete(url).status_code == 403
    assert Client().delete(url).status_code == 401
    new = {"title_en": "x", "violation": "torture"}
    assert send(Client(), "post", "/api/v1/countries/CF/incidents", new).status_code == 401
    assert Incident.objects.count() == 1


def test_an_outsider_records_for_its_own_organisation(
    other_organisation: Organisation, outsider: User, scene: Scene
) -> None:
    created = send(
        client_of(outsider),
        "post",
        "/api/v1/countries/CF/incidents",
        {"title_en": "x", "violation": "torture", "owner": other_organisation.pk},
    )
    assert created.status_code == 201
    assert (
        send(
            client_of(outsider),
            "post",
            "/api/v1/countries/CF/incidents",
            {"title_en": "x", "violation": "torture", "owner": scene.incident.owner_id},
        ).status_code
        == 403
    )


def test_responsibilities_through_the_api(scene: Scene, member: User, make_actor: Any) -> None:
    client = client_of(member)
    second = make_actor(kind="police", name="Second battalion")
    chad = make_actor(country="TD", kind="police", name="Chadian police")
    url = f"/api/v1/incidents/{scene.incident.pk}/responsibilities"
    refused = send(client, "post", url, {"unit": chad.pk})
    assert refused.status_code == 422
    assert "another country" in refused.json()["detail"]["actor"][0]
    early = send(client, "post", url, {"unit": second.pk, "status": "prosecuted", "status_since": "2020"})
    assert early.json()["detail"] == {"status_since": ["The status date (2020) is before the incident (2021-03)."]}
    created = send(client, "post", url, {"unit": second.pk, "source": scene.source.pk, "locator": "p. 8"})
    assert created.status_code == 201
    link = created.json()
    assert (link["name"], link["evidence"][0]["locator"]) == ("Second battalion", "p. 8")
    changed = send(client, "patch", f"/api/v1/responsibilities/{link['id']}", {"status": "dismissed"})
    assert changed.json()["status"] == "dismissed"
    assert client.delete(f"/api/v1/responsibilities/{link['id']}").status_code == 204
    assert Responsibility.objects.count() == 2


def test_others_may_not_touch_responsibilities(scene: Scene, partner_user: User, outsider: User) -> None:
    url = f"/api/v1/responsibilities/{scene.unit_link.pk}"
    assert send(client_of(partner_user), "patch", url, {"status": "dismissed"}).status_code == 403
    assert send(client_of(outsider), "patch", url, {"status": "dismissed"}).status_code == 404
    assert client_of(outsider).delete(url).status_code == 404
    assert Client().delete(url).status_code == 401
    new = f"/api/v1/incidents/{scene.incident.pk}/responsibilities"
    assert send(client_of(partner_user), "post", new, {"unit": scene.battalion.pk}).status_code == 403
    assert Responsibility.objects.get(pk=scene.unit_link.pk).status == "alleged"


def test_the_commanders_of_a_country_on_a_day(scene: Scene, member: User, partner_user: User) -> None:
    Post.objects.create(
        person=scene.colonel,
        actor=scene.battalion,
        country="CF",
        role=PostRole.COMMANDER,
        start_date=datetime.date(2019, 1, 1),
        start_precision="year",
    )
    url = "/api/v1/countries/CF/commanders?as_of=2020-02-02"
    assert client_of(member).get(url).json() == [
        {
            "unit": scene.battalion.pk,
            "person": scene.colonel.pk,
            "name": "Colonel Exemplar Testperson",
            "role": "commander",
            "role_label": "Commander",
            "start": "2019",
            "end": "",
        }
    ]
    assert client_of(member).get("/api/v1/countries/CF/commanders?as_of=2018-12-31").json() == []
    assert client_of(partner_user).get(url).json() == []  # the incident is shared, not the colonel's record
    Share.objects.create(record=scene.colonel, organisation=scene.partner, country="CF")
    assert len(client_of(partner_user).get(url).json()) == 1
    assert Client().get(url).json() == []
    assert client_of(member).get("/api/v1/countries/CF/commanders?as_of=yesterday").status_code == 422


def test_evidence_through_the_api(scene: Scene, member: User, partner_user: User, outsider: User) -> None:
    url = f"/api/v1/incidents/{scene.incident.pk}/evidence"
    client = client_of(member)
    assert send(client, "post", url, {"locator": "p. 1"}).json()["detail"]["source"] == [
        "Choose a recorded source or describe a new one."
    ]
    wrong = send(client, "post", url, {"source": scene.source.pk, "responsibility": 999_999})
    assert wrong.json()["detail"] == {"responsibility": ["This incident has no alleged responsibility 999999."]}
    created = send(
        client,
        "post",
        url,
        {
            "source_title": "Field notes 7",
            "responsibility": scene.person_link.pk,
            "locator": "§ 4",
            "confidence": "low",
        },
    )
    assert created.status_code == 201
    evidence = created.json()
    assert (evidence["source_title"], evidence["locator"], evidence["confidence"]) == ("Field notes 7", "§ 4", "low")
    assert send(client_of(partner_user), "post", url, {"source": scene.source.pk}).status_code == 403
    assert send(client_of(outsider), "post", url, {"source": scene.source.pk}).status_code == 404
    assert client_of(outsider).delete(f"/api/v1/evidence/{evidence['id']}").status_code == 404
    assert client_of(partner_user).delete(f"/api/v1/evidence/{evidence['id']}").status_code == 403
    assert Client().delete(f"/api/v1/evidence/{evidence['id']}").status_code == 401
    assert client.delete(f"/api/v1/evidence/{evidence['id']}").status_code == 204
    assert not Evidence.objects.filter(pk=evidence["id"]).exists()
