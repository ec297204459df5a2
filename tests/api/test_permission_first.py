"""Every write endpoint checks who asks before it reads the body: a user who may not make the change hears 403 (or
404 for a record hidden from them), never a list of the body's field errors. Owner, member, outsider, viewer."""

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client

from egide.accounts.models import Confidentiality, Organisation, Role
from egide.actors.models import Actor
from egide.security.tokens import token_create
from tests.conftest import ActorFactory, SmallMap, make_user


def send(user: User, method: str, url: str, body: Any = None) -> HttpResponse:
    headers = {"Authorization": f"Bearer {token_create(user=user, name='script', by=user)[1]}"}
    text = json.dumps(body) if body is not None else ""
    response: HttpResponse = getattr(Client(), method)(url, text, content_type="application/json", headers=headers)
    return response


def country_writes(small_map: SmallMap) -> list[tuple[str, str]]:
    return [
        ("post", "/api/v1/countries/CF/actors"),
        ("post", "/api/v1/countries/CF/relationships"),
        ("post", "/api/v1/countries/CF/findings/decisions"),
        ("post", "/api/v1/countries/CF/findings/decisions/bulk"),
        ("put", "/api/v1/countries/CF/governance/rules/civilian-chain"),
    ]


def record_writes(small_map: SmallMap) -> list[tuple[str, str]]:
    return [
        ("put", f"/api/v1/actors/{small_map.army.pk}"),
        ("patch", f"/api/v1/actors/{small_map.army.pk}"),
        ("put", f"/api/v1/relationships/{small_map.commands.pk}"),
        ("patch", f"/api/v1/relationships/{small_map.commands.pk}"),
    ]


BAD_BODY = {"kind": 5, "type": 5, "status": 5, "parameters": 5, "key": 5}


@pytest.fixture
def elsewhere(organisation: Organisation) -> User:
    """An editor of the owner organisation whose membership covers Mali only."""
    return make_user("elsewhere", organisation, Role.EDITOR, countries=["ML"])


@pytest.mark.django_db
def test_an_editor_of_another_country_is_refused_before_the_body(elsewhere: User, small_map: SmallMap) -> None:
    for method, url in country_writes(small_map) + record_writes(small_map):
        response = send(elsewhere, method, url, {})
        assert response.status_code in (403, 404), (method, url, response.content)
        response = send(elsewhere, method, url, BAD_BODY)
        assert response.status_code in (403, 404), (method, url, response.content)
    for method, url in country_writes(small_map):
        response = send(elsewhere, method, url, {})
        assert response.status_code == 403
        assert "this country" in response.json()["detail"]
    assert Actor.objects.get(pk=small_map.army.pk).notes == ""


@pytest.mark.django_db
def test_an_editor_who_may_not_edit_the_record_is_refused_before_the_body(outsider: User, small_map: SmallMap) -> None:
    """The outsider edits for another organisation in every country: it may create there, and read the owner's
    records shared with partners, but not change them."""
    assert Actor.objects.get(pk=small_map.army.pk).confidentiality == Confidentiality.PARTNERS
    for method, url in record_writes(small_map):
        response = send(outsider, method, url, BAD_BODY)
        assert response.status_code == 403, (method, url, response.content)
        assert response.json() == {"detail": "You may not change this record."}
    for url in (f"/api/v1/actors/{small_map.army.pk}", f"/api/v1/relationships/{small_map.commands.pk}"):
        assert send(outsider, "delete", url).status_code == 403


@pytest.mark.django_db
def test_a_record_hidden_from_the_writer_is_not_found_before_the_body(outsider: User, make_actor: ActorFactory) -> None:
    hidden = make_actor(name="Hidden unit", confidentiality=Confidentiality.RESTRICTED)
    for method in ("put", "patch"):
        response = send(outsider, method, f"/api/v1/actors/{hidden.pk}", BAD_BODY)
        assert response.status_code == 404, response.content
        assert response.json() == {"detail": "No such actor."}
    assert send(outsider, "delete", f"/api/v1/actors/{hidden.pk}").status_code == 404


@pytest.mark.django_db
def test_an_unknown_country_is_not_found_before_the_body(member: User, small_map: SmallMap) -> None:
    response = send(member, "post", "/api/v1/countries/QQ/actors", {})
    assert response.status_code == 404
    assert response.json() == {"detail": "No country has the code “QQ”."}


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["owner", "member"])
def test_those_who_may_write_are_told_the_fields(request: pytest.FixtureRequest, small_map: SmallMap, who: str) -> None:
    user = request.getfixturevalue(who)
    for method, url in country_writes(small_map) + record_writes(small_map):
        response = send(user, method, url, BAD_BODY)
        assert response.status_code == 422, (method, url, response.content)
        assert isinstance(response.json()["detail"], dict)


@pytest.mark.django_db
def test_the_outsider_may_still_create_in_its_own_name(outsider: User, small_map: SmallMap) -> None:
    response = send(outsider, "post", "/api/v1/countries/CF/actors", {"kind": "police", "name_en": "Unit"})
    assert response.status_code == 201, response.content
    assert response.json()["owner"]["id"] == outsider.memberships.get().organisation_id


@pytest.mark.django_db
def test_a_reviewer_is_told_the_fields_of_a_decision_and_refused_the_rest(
    organisation: Organisation, small_map: SmallMap
) -> None:
    """A reviewer decides on the findings of the countries it covers, and changes nothing else."""
    reviewer = make_user("reviewer", organisation, Role.REVIEWER, countries=["CF"])
    decisions = {"/api/v1/countries/CF/findings/decisions", "/api/v1/countries/CF/findings/decisions/bulk"}
    for method, url in country_writes(small_map) + record_writes(small_map):
        response = send(reviewer, method, url, BAD_BODY)
        expected = 422 if url in decisions else 403
        assert response.status_code == expected, (method, url, response.content)
    elsewhere = send(reviewer, "post", "/api/v1/countries/ML/findings/decisions", BAD_BODY)
    assert elsewhere.status_code == 403
    assert "this country" in elsewhere.json()["detail"]
