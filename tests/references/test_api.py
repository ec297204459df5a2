"""The API of frameworks, missions and reference documents: reading with the visibility rule, full-text search,
writing through the services, and who may write, checked before the body is read."""

import json
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client

from egide.accounts.models import Confidentiality, Organisation
from egide.audit.models import Action, AuditEvent
from egide.references.models import Framework, Mission, ReferenceDocument

pytestmark = pytest.mark.django_db


def send(user: User | None, method: str, url: str, payload: Any = None) -> HttpResponse:
    client = Client()
    if user is not None:
        client.force_login(user)
    if method == "get":
        return client.get(url)
    text = json.dumps(payload) if payload is not None else ""
    response: HttpResponse = getattr(client, method)(url, text, content_type="application/json")
    return response


def test_lists_and_details_follow_the_visibility_rule(
    make_document: Callable[..., ReferenceDocument],
    make_mission: Callable[..., Mission],
    make_framework: Callable[..., Framework],
    member: User,
) -> None:
    document = make_document(countries=["XK"])
    make_document(title_en="Hidden", symbol="", confidentiality=Confidentiality.ORGANISATION)
    mission = make_mission(document_ids=[document.pk])
    framework = make_framework()
    public = send(None, "get", "/api/v1/documents").json()
    assert [item["symbol"] for item in public["items"]] == ["S/RES/2151 (2014)"]
    assert public["items"][0]["countries"] == ["XK"]
    assert send(member, "get", "/api/v1/documents").json()["count"] == 2
    answer = send(None, "get", f"/api/v1/missions/{mission.pk}").json()
    assert (answer["acronym_en"], answer["start"], answer["documents"]) == ("EULEX Kosovo", "2008-04", [document.pk])
    assert send(None, "get", "/api/v1/missions?country=xk").json()["items"][0]["id"] == mission.pk
    assert send(None, "get", "/api/v1/missions?country=HT").json()["count"] == 0
    assert send(None, "get", f"/api/v1/frameworks/{framework.pk}").json()["adopted"] == "2006-05"
    hidden = ReferenceDocument.objects.get(title_en="Hidden")
    assert send(None, "get", f"/api/v1/documents/{hidden.pk}").status_code == 404


def test_the_document_search_is_ranked_and_says_its_rank(make_document: Callable[..., ReferenceDocument]) -> None:
    make_document(title_en="Annual report", symbol="", summary_en="A word on police reform.", summary_fr="")
    make_document(title_en="Police reform", symbol="", summary_en="", summary_fr="")
    answer = send(None, "get", "/api/v1/documents?search=police").json()
    assert [item["title_en"] for item in answer["items"]] == ["Police reform", "Annual report"]
    assert answer["items"][0]["rank"] > answer["items"][1]["rank"]


def test_an_editor_creates_replaces_and_deletes_through_the_api(member: User, organisation: Organisation) -> None:
    created = send(
        member,
        "post",
        "/api/v1/documents",
        {"type": "resolution", "title_en": "Resolution 2553", "issued": "2020-12-03", "countries": ["cf"]},
    )
    assert created.status_code == 201, created.content
    document = created.json()
    assert (document["owner"], document["countries"], document["issued"]) == (organisation.pk, ["CF"], "2020-12-03")
    mission = send(
        member,
        "post",
        "/api/v1/missions",
        {
            "country": "CF",
            "kind": "un_peace_operation",
            "name_en": "MINUSCA",
            "start": "2014-04",
            "documents": [document["id"]],
        },
    )
    assert mission.status_code == 201
    assert mission.json()["documents"] == [document["id"]]
    framework = send(member, "post", "/api/v1/frameworks", {"code": "AU-SSR", "title_en": "AU policy framework"})
    assert framework.status_code == 201
    replaced = send(
        member,
        "put",
        f"/api/v1/frameworks/{framework.json()['id']}",
        {"code": "AU-SSR", "title_en": "African Union policy framework on SSR", "adopted": "2013-01"},
    )
    assert replaced.json()["adopted"] == "2013-01"
    assert replaced.json()["title_fr"] == "African Union policy framework on SSR"
    assert send(member, "delete", f"/api/v1/missions/{mission.json()['id']}").status_code == 204
    assert not Mission.objects.exists()
    assert AuditEvent.objects.filter(action=Action.DELETE, content_type__model="mission").exists()


def test_field_errors_name_their_field(member: User) -> None:
    refused = send(member, "post", "/api/v1/missions", {"country": "ZZ", "kind": "army", "start": "2014-13"})
    assert refused.status_code == 422
    assert set(refused.json()["detail"]) == {"start"}
    refused = send(member, "post", "/api/v1/missions", {"country": "ZZ", "kind": "army"})
    assert set(refused.json()["detail"]) == {"country", "kind", "name_en"}


@pytest.mark.parametrize("kind", ["frameworks", "missions", "documents"])
def test_who_may_not_write_is_refused_before_the_body(
    kind: str,
    outsider: User,
    viewer: User,
    make_framework: Callable[..., Framework],
    make_mission: Callable[..., Mission],
    make_document: Callable[..., ReferenceDocument],
) -> None:
    record = {"frameworks": make_framework, "missions": make_mission, "documents": make_document}[kind]()
    garbage = {"not": "a valid body"}
    # An editor of another organisation: 403 on the record, whatever the body.
    assert send(outsider, "put", f"/api/v1/{kind}/{record.pk}", garbage).status_code == 403
    assert send(outsider, "delete", f"/api/v1/{kind}/{record.pk}").status_code == 403
    # A reader may change nothing at all.
    assert send(viewer, "post", f"/api/v1/{kind}", garbage).status_code == 403
    # A visitor must authenticate.
    assert send(None, "post", f"/api/v1/{kind}", garbage).status_code == 401
    # A record hidden from the writer is not found.
    record.confidentiality = Confidentiality.ORGANISATION
    record.save()
    assert send(outsider, "put", f"/api/v1/{kind}/{record.pk}", garbage).status_code == 404


def test_the_owner_organisation_is_checked_once_the_body_is_read(outsider: User, organisation: Organisation) -> None:
    refused = send(outsider, "post", "/api/v1/frameworks", {"code": "X", "title_en": "X", "owner": organisation.pk})
    assert refused.status_code == 403
    assert not Framework.objects.exists()
