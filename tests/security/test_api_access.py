"""Who may use the API: anybody may read (public records only), changes need a token or a logged-in session."""

import json

from django.contrib.auth.models import User
from django.test import Client

from egide.actors.models import Actor
from tests.conftest import SmallMap


def test_anonymous_visitors_may_read(small_map: SmallMap) -> None:
    client = Client(enforce_csrf_checks=True)
    for url in ["/api/v1/countries", "/api/v1/countries/CF/map", "/api/v1/countries/CF/actors"]:
        assert client.get(url).status_code == 200, url


def test_anonymous_changes_are_refused_with_401(small_map: SmallMap) -> None:
    client = Client(enforce_csrf_checks=True)
    payload = json.dumps({"kind": "police", "name_en": "Intruder"})
    requests = [
        client.post("/api/v1/countries/CF/actors", payload, content_type="application/json"),
        client.put(f"/api/v1/actors/{small_map.army.pk}", payload, content_type="application/json"),
        client.patch(f"/api/v1/actors/{small_map.army.pk}", payload, content_type="application/json"),
        client.delete(f"/api/v1/actors/{small_map.army.pk}"),
        client.delete(f"/api/v1/relationships/{small_map.commands.pk}"),
    ]
    for response in requests:
        assert response.status_code == 401
        assert response.json() == {"detail": "Unauthorized"}
    assert Actor.objects.count() == 7
    assert Actor.objects.filter(pk=small_map.army.pk, name_en="Armed Forces").exists()


def test_a_session_still_needs_the_csrf_token_for_changes(member: User, small_map: SmallMap) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(
        "/api/v1/countries/CF/actors",
        json.dumps({"kind": "gendarmerie", "name_en": "G"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "CSRF check Failed"}


def test_the_openapi_document_describes_the_bearer_token_and_the_session(db: None) -> None:
    document = Client().get("/api/openapi.json").json()
    schemes = document["components"]["securitySchemes"]
    assert schemes["BearerToken"]["type"] == "http"
    assert schemes["BearerToken"]["scheme"] == "bearer"
    assert any(scheme["type"] == "apiKey" and scheme["in"] == "cookie" for scheme in schemes.values())
    reading = document["paths"]["/api/v1/countries"]["get"]["security"]
    assert {"BearerToken": []} in reading
    assert {} in reading, "reading works without credentials"
    writing = document["paths"]["/api/v1/countries/{code}/actors"]["post"]["security"]
    assert {} not in writing
    assert "Bearer" in document["info"]["description"]


def test_the_api_docs_still_answer(db: None) -> None:
    assert Client().get("/api/docs").status_code == 200
