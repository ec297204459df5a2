"""The JSON API under /api/v1/: the same rules as the pages, as JSON."""

import json
import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from egide.actors import services
from egide.actors.data import RelationshipData
from egide.actors.models import Actor, Citation, Relationship, Source
from egide.core.fuzzy_dates import FuzzyDate
from tests.actors.html import elements, inline_scripts, script_sources
from tests.conftest import ActorFactory, SmallMap


def send(client: Client, method: str, url: str, payload: Any = None) -> HttpResponse:
    if method == "get":
        return client.get(url)
    response: HttpResponse = getattr(client, method)(url, json.dumps(payload), content_type="application/json")
    return response


def body(response: HttpResponse) -> Any:
    return json.loads(response.content)


def detail_fields(response: HttpResponse) -> set[str]:
    """The fields a 422 answer names: our own {field: [messages]} or django-ninja's list of locations."""
    assert response.status_code == 422
    detail = body(response)["detail"]
    if isinstance(detail, dict):
        return set(detail)
    return {str(error["loc"][-1]) for error in detail}


# --- Who may use the API ---------------------------------------------------------------------------------------------


def _endpoints(small_map: SmallMap) -> list[tuple[str, str]]:
    return [
        ("get", "/api/v1/countries"),
        ("get", "/api/v1/countries/CF/map"),
        ("get", "/api/v1/countries/CF/actors"),
        ("post", "/api/v1/countries/CF/actors"),
        ("get", f"/api/v1/actors/{small_map.army.pk}"),
        ("put", f"/api/v1/actors/{small_map.army.pk}"),
        ("patch", f"/api/v1/actors/{small_map.army.pk}"),
        ("delete", f"/api/v1/actors/{small_map.army.pk}"),
        ("get", "/api/v1/countries/CF/relationships"),
        ("post", "/api/v1/countries/CF/relationships"),
        ("get", f"/api/v1/relationships/{small_map.commands.pk}"),
        ("put", f"/api/v1/relationships/{small_map.commands.pk}"),
        ("patch", f"/api/v1/relationships/{small_map.commands.pk}"),
        ("delete", f"/api/v1/relationships/{small_map.commands.pk}"),
    ]


def test_anonymous_visitors_may_not_write(anonymous_client: Client, small_map: SmallMap) -> None:
    for method, url in _endpoints(small_map):
        if method == "get":
            continue
        response = send(anonymous_client, method, url, {"kind": "police", "name_en": "Intruder"})
        assert response.status_code == 401, (method, url)
        assert body(response) == {"detail": "Unauthorized"}
    assert Actor.objects.count() == 7
    assert Relationship.objects.count() == 3
    assert Actor.objects.get(pk=small_map.army.pk).name_en == "Armed Forces"


def test_anonymous_visitors_read_public_records_only(anonymous_client: Client, small_map: SmallMap) -> None:
    """The demo's maps are partner-level by default: an anonymous reader sees none of it, and no hint of it."""
    small_map.army.confidentiality = "public"
    small_map.army.save()
    assert send(anonymous_client, "get", "/api/v1/countries/CF/map").json()["nodes"][0]["reference"] == "FACA"
    assert len(send(anonymous_client, "get", "/api/v1/countries/CF/map").json()["nodes"]) == 1
    assert send(anonymous_client, "get", f"/api/v1/actors/{small_map.army.pk}").status_code == 200
    assert send(anonymous_client, "get", f"/api/v1/actors/{small_map.police.pk}").status_code == 404
    assert send(anonymous_client, "get", f"/api/v1/relationships/{small_map.commands.pk}").status_code == 404
    countries = send(anonymous_client, "get", "/api/v1/countries").json()
    assert [(country["code"], country["actors"], country["relationships"]) for country in countries] == [("CF", 1, 0)]


def test_a_post_without_the_csrf_token_is_refused(member: User, small_map: SmallMap) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = send(client, "post", "/api/v1/countries/CF/actors", {"kind": "gendarmerie", "name_en": "Gendarmerie"})
    assert response.status_code == 403
    assert body(response) == {"detail": "CSRF check Failed"}
    assert not Actor.objects.filter(name_en="Gendarmerie").exists()


def test_a_delete_without_the_csrf_token_is_refused(member: User, small_map: SmallMap) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.delete(f"/api/v1/actors/{small_map.army.pk}").status_code == 403
    assert Actor.objects.filter(pk=small_map.army.pk).exists()


def test_a_post_with_the_pages_csrf_token_is_accepted(member: User, small_map: SmallMap) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    page = client.get("/countries/CF/").content.decode()
    token = re.search(r'"X-CSRFToken": "([\w-]+)"', page)
    assert token is not None
    response = client.post(
        "/api/v1/countries/CF/actors",
        json.dumps({"kind": "gendarmerie", "name_en": "Gendarmerie"}),
        content_type="application/json",
        headers={"X-CSRFToken": token.group(1)},
    )
    assert response.status_code == 201
    assert Actor.objects.filter(name_en="Gendarmerie").exists()


def test_reading_needs_no_csrf_token(member: User, small_map: SmallMap) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.get("/api/v1/countries").status_code == 200


# --- The API's description -------------------------------------------------------------------------------------------


def test_the_openapi_document_names_every_path(member_client: Client) -> None:
    response = member_client.get("/api/openapi.json")
    assert response.status_code == 200
    document = body(response)
    assert document["info"]["title"] == "Égide API"
    assert document["openapi"].startswith("3.")
    assert {
        "/api/v1/countries",
        "/api/v1/countries/{code}/map",
        "/api/v1/countries/{code}/actors",
        "/api/v1/countries/{code}/relationships",
        "/api/v1/actors/{pk}",
        "/api/v1/relationships/{pk}",
    } <= set(document["paths"])
    assert set(document["paths"]["/api/v1/actors/{pk}"]) == {"get", "put", "patch", "delete"}
    assert set(document["paths"]["/api/v1/countries/{code}/actors"]) == {"get", "post"}


def test_the_openapi_document_describes_the_session_login(member_client: Client) -> None:
    document = body(member_client.get("/api/openapi.json"))
    schemes = document["components"]["securitySchemes"]
    assert any(scheme["type"] == "apiKey" and scheme["in"] == "cookie" for scheme in schemes.values())


def test_the_api_docs_answer(member_client: Client) -> None:
    response = member_client.get("/api/docs")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Égide API" in html
    assert "/api/openapi.json" in html or 'id="swagger-settings"' in html


def test_the_api_docs_keep_to_the_content_security_policy(member_client: Client) -> None:
    response = member_client.get("/api/docs")
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    html = response.content.decode()
    assert inline_scripts(html) == []
    sources = script_sources(html) + [str(link["href"]) for link in elements(html, "link[href]")]
    assert sources
    assert all(source.startswith("/") for source in sources), sources


# --- Countries and the map -------------------------------------------------------------------------------------------


def test_countries_lists_mapped_countries_with_their_counts(
    member_client: Client, small_map: SmallMap, make_actor: ActorFactory
) -> None:
    make_actor(country="CD", kind="police", name="Police nationale congolaise")
    response = member_client.get("/api/v1/countries")
    assert response.status_code == 200
    assert body(response) == [
        {"code": "CF", "name": "Central African Republic", "actors": 7, "relationships": 3},
        {"code": "CD", "name": "Democratic Republic of the Congo", "actors": 1, "relationships": 0},
    ]


def test_countries_is_empty_without_maps(member_client: Client) -> None:
    assert body(member_client.get("/api/v1/countries")) == []


def test_countries_names_follow_the_language(member_client: Client, small_map: SmallMap) -> None:
    member_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert body(member_client.get("/api/v1/countries"))[0]["name"] == "République centrafricaine"


def test_the_map_holds_every_actor_and_relationship(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/api/v1/countries/CF/map")
    assert response.status_code == 200
    data = body(response)
    assert set(data) == {"country", "as_of", "commanders_on", "commanders", "nodes", "edges"}
    assert data["as_of"] is None  # every relationship, whatever its dates
    assert data["country"] == "CF"
    assert sorted(node["reference"] for node in data["nodes"]) == ["AN", "CIT", "FACA", "MOD", "MOI", "POL", "PR"]
    assert len(data["edges"]) == 3


def test_the_map_nodes_carry_family_and_kind(member_client: Client, small_map: SmallMap) -> None:
    nodes = {node["reference"]: node for node in body(member_client.get("/api/v1/countries/CF/map"))["nodes"]}
    army = nodes["FACA"]
    assert army == {
        "id": small_map.army.pk,
        "reference": "FACA",
        "name": "Armed Forces",
        "acronym": "FACA",
        "family": "security_providers",
        "family_label": "Security providers",
        "kind": "armed_forces",
        "kind_label": "Armed forces",
        "parent": small_map.defence.pk,
        "statutory": True,
        "legitimacy_disputed": False,
        "confidence": "medium",
    }
    assert nodes["CIT"]["family"] == "public_information"


def test_the_map_edges_carry_their_type(member_client: Client, small_map: SmallMap) -> None:
    services.relationship_update(
        user=None,
        relationship=small_map.commands,
        data=RelationshipData(
            source=small_map.presidency,
            target=small_map.army,
            type="commands",
            start=FuzzyDate.parse("2016-03"),
            strength="strong",
        ),
    )
    edges = {edge["id"]: edge for edge in body(member_client.get("/api/v1/countries/CF/map"))["edges"]}
    assert edges[small_map.commands.pk] == {
        "id": small_map.commands.pk,
        "source": small_map.presidency.pk,
        "target": small_map.army.pk,
        "type": "commands",
        "type_label": "commands",
        "start": "2016-03",
        "end": "",
        "ongoing": True,
        "strength": "strong",
        "confidence": "medium",
    }
    assert edges[small_map.oversees.pk]["type"] == "oversees"


def test_the_map_edges_join_nodes_of_the_map(member_client: Client, small_map: SmallMap) -> None:
    data = body(member_client.get("/api/v1/countries/CF/map"))
    ids = {node["id"] for node in data["nodes"]}
    assert len(ids) == 7
    assert {(edge["source"], edge["target"]) for edge in data["edges"]} == {
        (relationship.source_id, relationship.target_id) for relationship in Relationship.objects.all()
    }
    assert len(data["edges"]) == 3
    assert all(edge["source"] in ids and edge["target"] in ids for edge in data["edges"])


def test_the_map_holds_only_its_country(member_client: Client, small_map: SmallMap, make_actor: ActorFactory) -> None:
    make_actor(country="CD", kind="police", name="Police nationale congolaise", reference="PNC")
    references = {node["reference"] for node in body(member_client.get("/api/v1/countries/CF/map"))["nodes"]}
    assert references == {"AN", "CIT", "FACA", "MOD", "MOI", "POL", "PR"}


def test_the_map_of_a_country_without_actors_is_empty(member_client: Client, db: None) -> None:
    assert body(member_client.get("/api/v1/countries/fr/map")) == {
        "country": "FR",
        "as_of": None,
        "commanders_on": timezone.localdate().isoformat(),
        "commanders": [],
        "nodes": [],
        "edges": [],
    }


def test_the_map_speaks_french(member_client: Client, small_map: SmallMap) -> None:
    small_map.army.name_fr = "Forces armées centrafricaines"
    small_map.army.save()
    member_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    data = body(member_client.get("/api/v1/countries/CF/map"))
    army = next(node for node in data["nodes"] if node["reference"] == "FACA")
    assert (army["name"], army["family_label"], army["kind_label"]) == (
        "Forces armées centrafricaines",
        "Forces de sécurité",
        "Forces armées",
    )
    assert next(edge for edge in data["edges"] if edge["type"] == "commands")["type_label"] == "commande"


def test_the_map_of_an_unknown_country_is_not_found(member_client: Client, db: None) -> None:
    response = member_client.get("/api/v1/countries/ZZ/map")
    assert response.status_code == 404
    assert body(response) == {"detail": "No country has the code “ZZ”."}


# --- Listing actors ------------------------------------------------------------------------------------------------


def test_actors_list_is_paginated_by_reference(member_client: Client, small_map: SmallMap) -> None:
    data = body(member_client.get("/api/v1/countries/CF/actors"))
    assert data["count"] == 7
    assert [actor["reference"] for actor in data["items"]] == ["AN", "CIT", "FACA", "MOD", "MOI", "POL", "PR"]


def test_actors_list_takes_a_limit_and_an_offset(member_client: Client, small_map: SmallMap) -> None:
    data = body(member_client.get("/api/v1/countries/CF/actors", {"limit": 2, "offset": 2}))
    assert data["count"] == 7
    assert [actor["reference"] for actor in data["items"]] == ["FACA", "MOD"]
    last = body(member_client.get("/api/v1/countries/CF/actors", {"limit": 5, "offset": 5}))
    assert [actor["reference"] for actor in last["items"]] == ["POL", "PR"]


def test_actors_list_past_the_end_is_empty(member_client: Client, small_map: SmallMap) -> None:
    data = body(member_client.get("/api/v1/countries/CF/actors", {"offset": 100}))
    assert data == {"items": [], "count": 7}


def test_actors_list_filters_by_family_kind_and_search(member_client: Client, small_map: SmallMap) -> None:
    def references(**filters: str) -> list[str]:
        return [
            actor["reference"] for actor in body(member_client.get("/api/v1/countries/CF/actors", filters))["items"]
        ]

    assert references(family="management") == ["MOD", "MOI", "PR"]
    assert references(kind="media") == ["CIT"]
    assert references(search="ministry") == ["MOD", "MOI"]
    assert references(family="management", search="interior") == ["MOI"]
    assert body(member_client.get("/api/v1/countries/CF/actors", {"family": "management"}))["count"] == 3


def test_actors_list_shows_the_cited_sources(member_client: Client, small_map: SmallMap, constitution: Source) -> None:
    items = body(member_client.get("/api/v1/countries/CF/actors", {"search": "MOD"}))["items"]
    assert items[0]["citations"] == [
        {
            "id": Citation.objects.get(actor=small_map.defence).pk,
            "locator": "Art. 28",
            "locator_fr": "",
            "source": {
                "id": constitution.pk,
                "title": "Constitution of 30 March 2016",
                "author": "Constituent assembly",
                "date": "2016-03-30",
                "url": "",
                "has_document": False,
            },
        }
    ]


def test_actors_list_of_an_unknown_country_is_not_found(member_client: Client, db: None) -> None:
    assert member_client.get("/api/v1/countries/ZZ/actors").status_code == 404


# --- One actor ---------------------------------------------------------------------------------------------------


def test_creating_an_actor(member_client: Client, small_map: SmallMap) -> None:
    response = send(
        member_client,
        "post",
        "/api/v1/countries/cf/actors",
        {
            "kind": "gendarmerie",
            "name_en": "National Gendarmerie",
            "name_fr": "Gendarmerie nationale",
            "acronym_en": "GN",
            "parent": small_map.defence.pk,
            "confidence": "high",
            "legitimacy_disputed": True,
        },
    )
    assert response.status_code == 201
    data = body(response)
    actor = Actor.objects.get(pk=data["id"])
    assert (actor.country, actor.reference, actor.family, actor.parent, actor.confidence) == (
        "CF",
        "GN",
        "security_providers",
        small_map.defence,
        "high",
    )
    assert actor.legitimacy_disputed is True
    assert data["reference"] == "GN"
    assert data["family"] == "security_providers"
    assert data["parent"] == small_map.defence.pk
    assert data["citations"] == []


def test_creating_an_actor_records_who_did(member_client: Client, member: User, small_map: SmallMap) -> None:
    data = body(send(member_client, "post", "/api/v1/countries/CF/actors", {"kind": "customs", "name_en": "Customs"}))
    actor = Actor.objects.get(pk=data["id"])
    assert actor.created_by == member
    assert actor.updated_by == member


def test_creating_an_actor_without_a_kind_is_refused(member_client: Client, small_map: SmallMap) -> None:
    response = send(member_client, "post", "/api/v1/countries/CF/actors", {"name_en": "Something"})
    assert detail_fields(response) == {"kind"}


def test_creating_an_actor_of_an_unknown_kind_is_refused(member_client: Client, small_map: SmallMap) -> None:
    response = send(member_client, "post", "/api/v1/countries/CF/actors", {"kind": "tanks", "name_en": "Tanks"})
    assert body(response) == {"detail": {"kind": ["“tanks” is not a known kind of actor."]}}
    assert not Actor.objects.filter(name_en="Tanks").exists()


def test_creating_an_actor_without_a_name_is_refused(member_client: Client, small_map: SmallMap) -> None:
    response = send(member_client, "post", "/api/v1/countries/CF/actors", {"kind": "police"})
    assert body(response) == {"detail": {"name_en": ["Give the actor a name in English or French."]}}


def test_creating_an_actor_with_a_used_reference_is_refused(member_client: Client, small_map: SmallMap) -> None:
    response = send(
        member_client, "post", "/api/v1/countries/CF/actors", {"kind": "police", "name_en": "X", "reference": "POL"}
    )
    assert detail_fields(response) == {"reference"}


def test_creating_an_actor_with_a_missing_parent_is_refused(member_client: Client, small_map: SmallMap) -> None:
    response = send(
        member_client, "post", "/api/v1/countries/CF/actors", {"kind": "police", "name_en": "X", "parent": 999999}
    )
    assert body(response) == {"detail": {"parent": ["No actor has the id 999999."]}}


def test_creating_an_actor_with_a_parent_in_another_country_is_refused(
    member_client: Client, small_map: SmallMap, make_actor: ActorFactory
) -> None:
    congolese = make_actor(country="CD", kind="ministry_of_defence", name="Ministère de la Défense (RDC)")
    response = send(
        member_client, "post", "/api/v1/countries/CF/actors", {"kind": "police", "name_en": "X", "parent": congolese.pk}
    )
    assert body(response) == {"detail": {"parent": ["The parent actor belongs to another country."]}}


def test_creating_an_actor_with_a_wrong_type_is_refused(member_client: Client, small_map: SmallMap) -> None:
    response = send(
        member_client, "post", "/api/v1/countries/CF/actors", {"kind": "police", "name_en": "X", "statutory": "perhaps"}
    )
    assert detail_fields(response) == {"statutory"}


def test_creating_an_actor_in_an_unknown_country_is_not_found(member_client: Client, db: None) -> None:
    response = send(member_client, "post", "/api/v1/countries/ZZ/actors", {"kind": "police", "name_en": "X"})
    assert response.status_code == 404
    assert not Actor.objects.exists()


def test_a_body_that_is_not_json_is_refused(member_client: Client, db: None) -> None:
    response = member_client.post("/api/v1/countries/CF/actors", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert not Actor.objects.exists()


def test_reading_an_actor(member_client: Client, small_map: SmallMap, constitution: Source) -> None:
    response = member_client.get(f"/api/v1/actors/{small_map.defence.pk}")
    assert response.status_code == 200
    data = body(response)
    assert (data["id"], data["country"], data["reference"], data["kind"], data["name_en"]) == (
        small_map.defence.pk,
        "CF",
        "MOD",
        "ministry_of_defence",
        "Ministry of Defence",
    )
    assert data["parent"] == small_map.presidency.pk
    assert [citation["locator"] for citation in data["citations"]] == ["Art. 28"]
    assert data["created_at"]
    assert data["updated_at"]


def test_reading_an_unknown_actor_is_not_found(member_client: Client, db: None) -> None:
    response = member_client.get("/api/v1/actors/999999")
    assert response.status_code == 404
    assert body(response) == {"detail": "No such actor."}


def test_replacing_an_actor(member_client: Client, small_map: SmallMap) -> None:
    response = send(
        member_client,
        "put",
        f"/api/v1/actors/{small_map.army.pk}",
        {"kind": "armed_forces", "name_en": "Central African Armed Forces", "name_fr": "Forces armées centrafricaines"},
    )
    assert response.status_code == 200
    small_map.army.refresh_from_db()
    assert (small_map.army.name_en, small_map.army.name_fr) == (
        "Central African Armed Forces",
        "Forces armées centrafricaines",
    )
    # Fields left out take their defaults: the parent and the acronym are gone; the reference is kept.
    assert (small_map.army.parent, small_map.army.acronym_en, small_map.army.reference) == (None, "", "FACA")
    assert body(response)["parent"] is None


def test_replacing_an_actor_with_bad_values_changes_nothing(member_client: Client, small_map: SmallMap) -> None:
    response = send(
        member_client,
        "put",
        f"/api/v1/actors/{small_map.army.pk}",
        {"kind": "armed_forces", "name_en": "Army", "confidence": "certain"},
    )
    assert body(response) == {"detail": {"confidence": ["Confidence must be low, medium or high."]}}
    small_map.army.refresh_from_db()
    assert small_map.army.name_en == "Armed Forces"


def test_replacing_an_unknown_actor_is_not_found(member_client: Client, db: None) -> None:
    response = send(member_client, "put", "/api/v1/actors/999999", {"kind": "police", "name_en": "X"})
    assert response.status_code == 404


def test_patching_an_actor_changes_only_the_given_fields(member_client: Client, small_map: SmallMap) -> None:
    response = send(member_client, "patch", f"/api/v1/actors/{small_map.army.pk}", {"acronym_fr": "FACA", "notes": "x"})
    assert response.status_code == 200
    small_map.army.refresh_from_db()
    assert (small_map.army.acronym_fr, small_map.army.notes) == ("FACA", "x")
    assert (small_map.army.name_en, small_map.army.parent, small_map.army.reference) == (
        "Armed Forces",
        small_map.defence,
        "FACA",
    )


def test_patching_an_actors_kind_changes_its_family(member_client: Client, small_map: SmallMap) -> None:
    data = body(send(member_client, "patch", f"/api/v1/actors/{small_map.army.pk}", {"kind": "military_court"}))
    assert (data["kind"], data["family"]) == ("military_court", "justice")


def test_patching_the_parent_to_null_removes_it(member_client: Client, small_map: SmallMap) -> None:
    response = send(member_client, "patch", f"/api/v1/actors/{small_map.army.pk}", {"parent": None})
    assert response.status_code == 200
    small_map.army.refresh_from_db()
    assert small_map.army.parent is None


def test_patching_a_parent_loop_is_refused(member_client: Client, small_map: SmallMap) -> None:
    response = send(member_client, "patch", f"/api/v1/actors/{small_map.presidency.pk}", {"parent": small_map.army.pk})
    assert body(response) == {
        "detail": {"parent": ["This parent would make a loop: the actor is already one of its ancestors."]}
    }


def test_patching_a_used_reference_is_refused(member_client: Client, small_map: SmallMap) -> None:
    response = send(member_client, "patch", f"/api/v1/actors/{small_map.army.pk}", {"reference": "POL"})
    assert detail_fields(response) == {"reference"}
    small_map.army.refresh_from_db()
    assert small_map.army.reference == "FACA"


@pytest.mark.parametrize("field", ["name_en", "kind", "statutory", "confidence", "reference"])
def test_patching_a_required_field_to_null_is_refused(member_client: Client, small_map: SmallMap, field: str) -> None:
    response = send(member_client, "patch", f"/api/v1/actors/{small_map.army.pk}", {field: None})
    assert body(response) == {"detail": {field: ["This field cannot be null."]}}
    small_map.army.refresh_from_db()
    assert small_map.army.name_en == "Armed Forces"


def test_deleting_an_actor_deletes_its_relationships(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.delete(f"/api/v1/actors/{small_map.army.pk}")
    assert response.status_code == 204
    assert response.content == b""
    assert not Actor.objects.filter(pk=small_map.army.pk).exists()
    assert not Relationship.objects.filter(pk=small_map.commands.pk).exists()
    assert member_client.get(f"/api/v1/actors/{small_map.army.pk}").status_code == 404


def test_deleting_an_unknown_actor_is_not_found(member_client: Client, db: None) -> None:
    assert member_client.delete("/api/v1/actors/999999").status_code == 404


# --- Relationships -----------------------------------------------------------------------------------------------


def test_relationships_list(member_client: Client, small_map: SmallMap) -> None:
    data = body(member_client.get("/api/v1/countries/CF/relationships"))
    assert data["count"] == 3
    assert sorted((item["source"], item["type"], item["target"]) for item in data["items"]) == sorted(
        [
            (small_map.presidency.pk, "commands", small_map.army.pk),
            (small_map.interior.pk, "administers", small_map.police.pk),
            (small_map.parliament.pk, "oversees", small_map.defence.pk),
        ]
    )


def test_relationships_list_filters_by_type_and_pages(member_client: Client, small_map: SmallMap) -> None:
    filtered = body(member_client.get("/api/v1/countries/CF/relationships", {"type": "oversees"}))
    assert filtered["count"] == 1
    assert filtered["items"][0]["id"] == small_map.oversees.pk
    paged = body(member_client.get("/api/v1/countries/CF/relationships", {"limit": 1, "offset": 1}))
    assert paged["count"] == 3
    assert len(paged["items"]) == 1


def test_relationships_list_of_an_unknown_country_is_not_found(member_client: Client, db: None) -> None:
    assert member_client.get("/api/v1/countries/ZZ/relationships").status_code == 404


def test_creating_a_relationship(member_client: Client, member: User, small_map: SmallMap) -> None:
    response = send(
        member_client,
        "post",
        "/api/v1/countries/CF/relationships",
        {
            "source": small_map.defence.pk,
            "target": small_map.army.pk,
            "type": "administers",
            "start": "2017-05",
            "end": "2020",
            "ongoing": False,
            "legal_basis": "Law 17.011",
            "strength": "strong",
        },
    )
    assert response.status_code == 201
    data = body(response)
    relationship = Relationship.objects.get(pk=data["id"])
    assert (relationship.country, relationship.type, relationship.start, relationship.end) == (
        "CF",
        "administers",
        "2017-05",
        "2020",
    )
    assert (relationship.ongoing, relationship.strength, relationship.created_by) == (False, "strong", member)
    assert (data["start"], data["end"], data["legal_basis"]) == ("2017-05", "2020", "Law 17.011")


def test_a_relationship_to_itself_is_refused(member_client: Client, small_map: SmallMap) -> None:
    response = send(
        member_client,
        "post",
        "/api/v1/countries/CF/relationships",
        {"source": small_map.police.pk, "target": small_map.police.pk, "type": "coordinates_with"},
    )
    assert body(response) == {"detail": {"target": ["An actor cannot be related to itself."]}}


def test_a_newspaper_commanding_the_police_is_refused(member_client: Client, small_map: SmallMap) -> None:
    response = send(
        member_client,
        "post",
        "/api/v1/countries/CF/relationships",
        {"source": small_map.newspaper.pk, "target": small_map.police.pk, "type": "commands"},
    )
    assert body(response) == {
        "detail": {"type": ["An actor of the family “Public information” cannot be the source of “commands”."]}
    }
    assert not Relationship.objects.filter(source=small_map.newspaper).exists()


def test_an_end_before_the_start_is_refused(member_client: Client, small_map: SmallMap) -> None:
    response = send(
        member_client,
        "post",
        "/api/v1/countries/CF/relationships",
        {
            "source": small_map.defence.pk,
            "target": small_map.army.pk,
            "type": "administers",
            "start": "2016",
            "end": "2015-06",
            "ongoing": False,
        },
    )
    assert body(response) == {"detail": {"end": ["The end date comes before the start date."]}}


def test_an_unreadable_date_is_refused(member_client: Client, small_map: SmallMap) -> None:
    response = send(
        member_client,
        "post",
        "/api/v1/countries/CF/relationships",
        {"source": small_map.defence.pk, "target": small_map.army.pk, "type": "administers", "start": "May 2017"},
    )
    assert detail_fields(response) == {"start"}


def test_a_relationship_with_an_unknown_actor_is_refused(member_client: Client, small_map: SmallMap) -> None:
    response = send(
        member_client,
        "post",
        "/api/v1/countries/CF/relationships",
        {"source": small_map.defence.pk, "target": 999999, "type": "administers"},
    )
    assert body(response) == {"detail": {"target": ["No actor has the id 999999."]}}


def test_a_relationship_across_countries_is_refused(
    member_client: Client, small_map: SmallMap, make_actor: ActorFactory
) -> None:
    congolese = make_actor(country="CD", kind="police", name="Police nationale congolaise")
    response = send(
        member_client,
        "post",
        "/api/v1/countries/CF/relationships",
        {"source": small_map.interior.pk, "target": congolese.pk, "type": "administers"},
    )
    assert body(response) == {"detail": {"target": ["Both actors must belong to the same country."]}}


def test_a_relationship_posted_to_another_countrys_map_is_refused(member_client: Client, small_map: SmallMap) -> None:
    response = send(
        member_client,
        "post",
        "/api/v1/countries/CD/relationships",
        {"source": small_map.interior.pk, "target": small_map.police.pk, "type": "administers"},
    )
    assert detail_fields(response) == {"source"}
    assert Relationship.objects.count() == 3


def test_a_relationship_without_a_type_is_refused(member_client: Client, small_map: SmallMap) -> None:
    response = send(
        member_client,
        "post",
        "/api/v1/countries/CF/relationships",
        {"source": small_map.interior.pk, "target": small_map.police.pk},
    )
    assert detail_fields(response) == {"type"}


def test_reading_a_relationship(member_client: Client, small_map: SmallMap, constitution: Source) -> None:
    data = body(member_client.get(f"/api/v1/relationships/{small_map.oversees.pk}"))
    assert (data["source"], data["type"], data["target"], data["country"]) == (
        small_map.parliament.pk,
        "oversees",
        small_map.defence.pk,
        "CF",
    )
    assert [citation["source"]["title"] for citation in data["citations"]] == ["Constitution of 30 March 2016"]


def test_reading_an_unknown_relationship_is_not_found(member_client: Client, db: None) -> None:
    response = member_client.get("/api/v1/relationships/999999")
    assert response.status_code == 404
    assert body(response) == {"detail": "No such relationship."}


def test_replacing_a_relationship(member_client: Client, small_map: SmallMap) -> None:
    response = send(
        member_client,
        "put",
        f"/api/v1/relationships/{small_map.commands.pk}",
        {"source": small_map.defence.pk, "target": small_map.army.pk, "type": "administers", "start": "2016"},
    )
    assert response.status_code == 200
    small_map.commands.refresh_from_db()
    assert (small_map.commands.source, small_map.commands.type, small_map.commands.start) == (
        small_map.defence,
        "administers",
        "2016",
    )


def test_replacing_a_relationship_with_bad_values_changes_nothing(member_client: Client, small_map: SmallMap) -> None:
    response = send(
        member_client,
        "put",
        f"/api/v1/relationships/{small_map.commands.pk}",
        {"source": small_map.newspaper.pk, "target": small_map.army.pk, "type": "commands"},
    )
    assert detail_fields(response) == {"type"}
    small_map.commands.refresh_from_db()
    assert small_map.commands.source == small_map.presidency


def test_patching_a_relationship_changes_only_the_given_fields(member_client: Client, small_map: SmallMap) -> None:
    response = send(
        member_client,
        "patch",
        f"/api/v1/relationships/{small_map.commands.pk}",
        {"confidence": "high", "end": "2021", "ongoing": False},
    )
    assert response.status_code == 200
    small_map.commands.refresh_from_db()
    assert (small_map.commands.confidence, small_map.commands.end, small_map.commands.ongoing) == (
        "high",
        "2021",
        False,
    )
    assert (small_map.commands.source, small_map.commands.type, small_map.commands.target) == (
        small_map.presidency,
        "commands",
        small_map.army,
    )


def test_patching_a_relationships_date_to_null_clears_it(member_client: Client, small_map: SmallMap) -> None:
    send(member_client, "patch", f"/api/v1/relationships/{small_map.commands.pk}", {"start": "2016"})
    response = send(member_client, "patch", f"/api/v1/relationships/{small_map.commands.pk}", {"start": None})
    assert response.status_code == 200
    small_map.commands.refresh_from_db()
    assert small_map.commands.start == ""


def test_patching_an_end_date_onto_an_ongoing_relationship_is_refused(
    member_client: Client, small_map: SmallMap
) -> None:
    response = send(member_client, "patch", f"/api/v1/relationships/{small_map.commands.pk}", {"end": "2021"})
    assert body(response) == {"detail": {"end": ["An ongoing relationship has no end date."]}}


@pytest.mark.parametrize("field", ["source", "target", "type", "ongoing", "legal_basis", "strength"])
def test_patching_a_required_relationship_field_to_null_is_refused(
    member_client: Client, small_map: SmallMap, field: str
) -> None:
    response = send(member_client, "patch", f"/api/v1/relationships/{small_map.commands.pk}", {field: None})
    assert body(response) == {"detail": {field: ["This field cannot be null."]}}


def test_patching_an_unknown_relationship_is_not_found(member_client: Client, db: None) -> None:
    assert send(member_client, "patch", "/api/v1/relationships/999999", {"notes": "x"}).status_code == 404


def test_deleting_a_relationship(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.delete(f"/api/v1/relationships/{small_map.commands.pk}")
    assert response.status_code == 204
    assert not Relationship.objects.filter(pk=small_map.commands.pk).exists()
    assert Actor.objects.count() == 7


def test_deleting_an_unknown_relationship_is_not_found(member_client: Client, db: None) -> None:
    assert member_client.delete("/api/v1/relationships/999999").status_code == 404


def test_api_answers_carry_the_security_headers(member_client: Client, small_map: SmallMap) -> None:
    response = member_client.get("/api/v1/countries/CF/map")
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


def test_the_map_follows_its_documented_schema_and_is_compressed(member_client: Client, small_map: SmallMap) -> None:
    from egide.actors.schemas import MapOut

    response = member_client.get("/api/v1/countries/CF/map", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    plain = member_client.get("/api/v1/countries/CF/map")
    document = MapOut.model_validate(plain.json())
    assert len(document.nodes) == 7
    assert len(document.edges) == 3
