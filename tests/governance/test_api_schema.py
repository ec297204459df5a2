"""The findings' answers are written from plain data, not through their schemas: real answers must still be
exactly what the declared schemas (and the OpenAPI document built from them) say."""

import datetime
import json
from typing import Any

import jsonschema_rs
import pytest
from django.contrib.auth.models import User
from django.test import Client
from pydantic import TypeAdapter

from egide.actors import services as map_services
from egide.actors.data import CitationData
from egide.actors.models import Actor
from egide.governance import services
from egide.governance.schemas import ComparisonOut, FindingOut, FindingsOut

FINDINGS = "/api/v1/countries/CF/findings"
GUARD = "irregular-forces:GUARD"
MANDATE = "legal-basis:POL:mandate"


def _moments_read(value: Any) -> Any:
    """The answer with its dates and times read, since the schema may write the same instant another way."""
    if isinstance(value, dict):
        return {
            key: datetime.datetime.fromisoformat(item) if key == "decided_at" else _moments_read(item)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_moments_read(item) for item in value]
    return value


def assert_declared(shape: Any, answer: Any, openapi: dict[str, Any], path: str, method: str) -> None:
    """The answer is valid for its schema, which gives it back unchanged (a field missing, added, renamed or of
    another type would not come back the same), and valid for the OpenAPI document's schema of the operation."""
    adapter = TypeAdapter(shape)
    validated = adapter.validate_python(answer)
    assert _moments_read(adapter.dump_python(validated, mode="json", by_alias=True)) == _moments_read(answer)
    declared = openapi["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]
    jsonschema_rs.Draft202012Validator({**declared, "components": openapi["components"]}).validate(answer)


@pytest.fixture
def openapi(anonymous_client: Client) -> dict[str, Any]:
    document: dict[str, Any] = anonymous_client.get("/api/openapi.json").json()
    return document


@pytest.fixture
def decided(layered: dict[str, Actor], member: User) -> Client:
    """The member's client, on a map with a cited actor and a decision taken."""
    source = map_services.source_get_or_create(user=None, country="CF", citation=CitationData(title="Decree 12"))
    map_services.citation_add(user=None, source=source, actor=layered["GUARD"], locator="art. 3")
    services.finding_decide(
        user=member, country="CF", key=GUARD, rule="irregular-forces", status="acknowledged", comment="Known."
    )
    client = Client()
    client.force_login(member)
    return client


def test_the_findings_answer_is_what_its_schema_declares(decided: Client, openapi: dict[str, Any]) -> None:
    answer = decided.get(FINDINGS).json()
    findings = {item["key"]: item for item in answer["findings"]}
    # A sample that exercises every field: a decision, sources, searched bodies, relationships.
    assert findings[GUARD]["decision"]["decided_by"] == "member"
    assert any(piece["sources"] == ["Decree 12, art. 3"] for piece in findings[GUARD]["evidence"])
    assert any(piece["searched"] for item in answer["findings"] for piece in item["evidence"])
    assert any(piece["relationships"] for item in answer["findings"] for piece in item["evidence"])
    assert_declared(FindingsOut, answer, openapi, "/api/v1/countries/{code}/findings", "get")


def test_the_comparison_answer_is_what_its_schema_declares(decided: Client, openapi: dict[str, Any]) -> None:
    answer = decided.get(f"{FINDINGS}/compare", {"from": "2015-06-01"}).json()
    assert answer["stayed"]
    assert (answer["from"], answer["country"]) == ("2015-06-01", "CF")
    assert_declared(ComparisonOut, answer, openapi, "/api/v1/countries/{code}/findings/compare", "get")


def test_the_decisions_answers_are_what_their_schemas_declare(decided: Client, openapi: dict[str, Any]) -> None:
    one = decided.post(
        f"{FINDINGS}/decisions",
        json.dumps({"key": MANDATE, "status": "acknowledged"}),
        content_type="application/json",
    )
    assert one.status_code == 200, one.content
    assert one.json()["decision"]["status"] == "acknowledged"
    assert_declared(FindingOut, one.json(), openapi, "/api/v1/countries/{code}/findings/decisions", "post")
    several = decided.post(
        f"{FINDINGS}/decisions/bulk",
        json.dumps({"keys": [GUARD, MANDATE], "status": "false_positive", "comment": "Checked."}),
        content_type="application/json",
    )
    assert several.status_code == 200, several.content
    assert [item["decision"]["comment"] for item in several.json()] == ["Checked.", "Checked."]
    assert_declared(
        list[FindingOut], several.json(), openapi, "/api/v1/countries/{code}/findings/decisions/bulk", "post"
    )
