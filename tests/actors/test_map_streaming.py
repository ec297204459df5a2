"""The map's data written as it is read: a large map is streamed, in batches of rows, and is still the very same
document, compressed only for clients that accept gzip; what a reader may not see stays out of every batch."""

import gzip
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client

from egide.accounts.models import Organisation
from egide.actors import selectors, services
from egide.actors.data import RelationshipData
from egide.actors.models import Actor
from egide.actors.schemas import MapOut
from egide.core import json_output
from egide.core.fuzzy_dates import FuzzyDate
from tests.conftest import ActorFactory, SmallMap

URL = "/api/v1/countries/CF/map"


def _body(response: HttpResponse) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]


@pytest.fixture
def streamed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every map longer than 100 bytes streamed, as a large one is."""
    monkeypatch.setattr(json_output, "WHOLE_BELOW", 100)


@pytest.fixture
def hidden_rows(small_map: SmallMap, make_actor: ActorFactory, other_organisation: Organisation) -> dict[str, Actor]:
    """A directorate only the owner organisation sees, the parent of a public unit that another organisation owns,
    and public relationships from the unit to the directorate and to the army."""
    directorate = make_actor(
        kind="civilian_intelligence", name="Directorate", reference="DIR", confidentiality="organisation"
    )
    unit = make_actor(
        kind="civilian_intelligence",
        name="Unit",
        reference="UNIT",
        parent=directorate,
        owner=other_organisation,
        confidentiality="public",
    )
    for target in (directorate, small_map.army):
        services.relationship_create(
            user=None,
            data=RelationshipData(
                source=unit,
                target=target,
                type="reports_to",
                start=FuzzyDate.parse("2019-05"),
                owner=other_organisation,
                confidentiality="public",
            ),
        )
    return {"directorate": directorate, "unit": unit}


def test_a_large_map_is_streamed_and_is_the_same_document(
    member_client: Client, member: User, small_map: SmallMap, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = member_client.get(URL)
    assert not whole.streaming
    monkeypatch.setattr(json_output, "WHOLE_BELOW", 100)
    streamed = member_client.get(URL)
    assert streamed.streaming
    assert streamed["Content-Type"] == "application/json"
    assert _body(streamed) == whole.content
    assert json.loads(whole.content) == selectors.country_map(user=member, country="CF")


@pytest.mark.usefixtures("streamed")
def test_a_streamed_map_is_compressed_for_clients_that_accept_gzip(member_client: Client, small_map: SmallMap) -> None:
    plain = member_client.get(URL)
    compressed = member_client.get(URL, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert compressed.streaming
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(_body(compressed)) == _body(plain)
    assert not plain.has_header("Content-Encoding")
    for response in (plain, compressed):
        assert "Accept-Encoding" in response["Vary"]


def test_a_whole_map_varies_with_accept_encoding(member_client: Client, small_map: SmallMap) -> None:
    plain = member_client.get(URL)
    compressed = member_client.get(URL, headers={"Accept-Encoding": "gzip"})
    assert not plain.streaming
    assert "Accept-Encoding" in plain["Vary"]
    assert "Accept-Encoding" in compressed["Vary"]
    assert gzip.decompress(compressed.content) == plain.content


@pytest.mark.usefixtures("streamed")
def test_a_streamed_map_follows_its_schema_strictly(member_client: Client, small_map: SmallMap) -> None:
    """Strict: booleans must be JSON booleans (SQLite gives them as 0 and 1), ids numbers, labels text."""
    document = json.loads(_body(member_client.get(URL)))
    checked = MapOut.model_validate(document, strict=True)
    assert len(checked.nodes) == 7
    assert len(checked.edges) == 3
    assert all(type(node[name]) is bool for node in document["nodes"] for name in ("statutory", "legitimacy_disputed"))
    assert all(type(edge["ongoing"]) is bool for edge in document["edges"])


def test_the_openapi_document_declares_what_the_map_sends(member_client: Client, small_map: SmallMap) -> None:
    openapi = json.loads(member_client.get("/api/openapi.json").content)
    schemas = openapi["components"]["schemas"]
    answer = openapi["paths"]["/api/v1/countries/{code}/map"]["get"]["responses"]["200"]
    assert answer["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/MapOut"}
    document = json.loads(member_client.get(URL).content)
    assert set(schemas["MapOut"]["properties"]) == set(document)
    assert set(schemas["MapNode"]["properties"]) == set(document["nodes"][0])
    assert set(schemas["MapEdge"]["properties"]) == set(document["edges"][0])


@pytest.mark.parametrize("batch", [1, 2, 3])
@pytest.mark.parametrize("reader", ["outsider", "member", "staff"])
def test_batches_make_the_same_map(
    hidden_rows: dict[str, Actor], outsider: User, member: User, staff: User, reader: str, batch: int
) -> None:
    user = {"outsider": outsider, "member": member, "staff": staff}[reader]
    parts = selectors.country_map_parts(user=user, country="CF", batch=batch)
    batches = list(parts.nodes)
    assert all(len(nodes) <= batch for nodes in batches)
    nodes = [node for nodes in batches for node in nodes]
    edges = [edge for edges in parts.edges for edge in edges]
    assert parts.head | {"nodes": nodes, "edges": edges} == selectors.country_map(user=user, country="CF")
    unit = next(node for node in nodes if node["reference"] == "UNIT")
    directorate = hidden_rows["directorate"].pk
    if reader == "outsider":
        # The hidden directorate is neither a node, nor the unit's parent, nor the end of an edge.
        assert directorate not in {node["id"] for node in nodes}
        assert unit["parent"] is None
        assert [edge["target"] for edge in edges if edge["source"] == unit["id"]] == [
            hidden_rows["unit"].pk and _army(nodes)
        ]
    else:
        assert unit["parent"] == directorate
        assert {edge["target"] for edge in edges if edge["source"] == unit["id"]} == {directorate, _army(nodes)}
    assert {edge["start"] for edge in edges if edge["source"] == unit["id"]} == {"2019-05"}


def _army(nodes: list[dict[str, Any]]) -> int:
    return next(node["id"] for node in nodes if node["reference"] == "FACA")


@pytest.mark.parametrize("batch", [1, 2, 50])
@pytest.mark.parametrize("reader", ["outsider", "member", "staff"])
def test_a_parent_read_after_its_child_is_sent_only_to_those_who_see_it(
    small_map: SmallMap,
    make_actor: ActorFactory,
    other_organisation: Organisation,
    outsider: User,
    member: User,
    staff: User,
    reader: str,
    batch: int,
) -> None:
    """Batches are read in order of id: a parent with a greater id than its child is not read yet when the child
    is written, and is named only if the reader may see it."""
    public = {"owner": other_organisation, "confidentiality": "public"}
    unit = make_actor(kind="police", name="Unit", reference="UNIT", **public)
    brigade = make_actor(kind="police", name="Brigade", reference="BRIG", **public)
    directorate = make_actor(kind="police", name="Directorate", reference="DIR", confidentiality="organisation")
    bureau = make_actor(kind="police", name="Bureau", reference="BUR", **public)
    # Parents given afterwards, so that each has a greater id than its child.
    Actor.objects.filter(pk=unit.pk).update(parent=directorate)
    Actor.objects.filter(pk=brigade.pk).update(parent=bureau)
    user = {"outsider": outsider, "member": member, "staff": staff}[reader]
    parts = selectors.country_map_parts(user=user, country="CF", batch=batch)
    nodes = {node["reference"]: node for nodes in parts.nodes for node in nodes}
    assert nodes["BRIG"]["parent"] == bureau.pk
    if reader == "outsider":
        assert "DIR" not in nodes
        assert nodes["UNIT"]["parent"] is None
    else:
        assert nodes["UNIT"]["parent"] == directorate.pk
    assert parts.head | {"nodes": list(nodes.values()), "edges": [e for edges in parts.edges for e in edges]} == (
        selectors.country_map(user=user, country="CF")
    )
