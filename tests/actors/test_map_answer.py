"""The map API's answer kept under the map's version (egide.actors.map_answer): sent again, compressed, to the next
reader who sees the same records, never once the map has changed, never to a reader who sees other records."""

import gzip
import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from egide.accounts.models import Organisation
from egide.accounts.services import record_share
from egide.actors import map_answer, services
from egide.actors.data import ActorData
from egide.actors.models import Actor
from egide.actors.versions import map_changed
from tests.conftest import ActorFactory, SmallMap

URL = "/api/v1/countries/CF/map"
GZIP = {"Accept-Encoding": "gzip, deflate"}


def _map(client: Client, url: str = URL, **headers: str) -> dict[str, Any]:
    response = client.get(url, headers=GZIP | headers)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    return json.loads(gzip.decompress(body))


def _references(answer: dict[str, Any]) -> set[str]:
    return {node["reference"] for node in answer["nodes"]}


def _client(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def secret(make_actor: ActorFactory) -> Actor:
    """An actor only its owner organisation sees."""
    return make_actor(
        kind="civilian_intelligence", name="Secret service", reference="SEC", confidentiality="organisation"
    )


def _node_queries(client: Client) -> int:
    """How many queries read the map's actors for one answer."""
    with CaptureQueriesContext(connection) as queries:
        _map(client)
    return sum('FROM "actors_actor"' in query["sql"] and '"reference"' in query["sql"] for query in queries)


def test_the_second_answer_is_the_kept_one(member_client: Client, small_map: SmallMap) -> None:
    first = member_client.get(URL, headers=GZIP)
    assert _node_queries(member_client) == 0  # the second answer reads no actor
    again = member_client.get(URL, headers=GZIP)
    assert gzip.decompress(again.content) == gzip.decompress(first.content)
    plain = member_client.get(URL)  # without gzip: written afresh, the very same document
    assert "Content-Encoding" not in plain
    assert plain.content == gzip.decompress(again.content)


def test_each_answer_has_a_gzip_header_of_its_own(member_client: Client, small_map: SmallMap) -> None:
    """A random file name in each answer's header, as every compressed answer has (BREACH)."""
    member_client.get(URL, headers=GZIP)
    headers = {member_client.get(URL, headers=GZIP).content[10:].split(b"\0")[0] for _ in range(6)}
    assert len(headers) > 1


def test_a_change_to_the_map_is_seen_at_once(member: User, member_client: Client, small_map: SmallMap) -> None:
    assert "Police nationale" not in {node["name"] for node in _map(member_client)["nodes"]}
    police = small_map.police
    data = ActorData(
        kind=police.kind,
        name_en="Police nationale",
        name_fr=police.name_fr,
        reference=police.reference,
        owner=police.owner,
        confidentiality=police.confidentiality,
    )
    services.actor_update(user=member, actor=police, data=data)
    assert "Police nationale" in {node["name"] for node in _map(member_client)["nodes"]}
    assert _node_queries(member_client) == 0  # kept again, under the new version


def test_a_new_actor_and_a_deleted_one(member: User, member_client: Client, small_map: SmallMap) -> None:
    _map(member_client)
    services.actor_delete(user=member, actor=small_map.newspaper)
    assert "CIT" not in _references(_map(member_client))


@pytest.mark.parametrize("first", ["owner", "member", "outsider", "anonymous"])
def test_a_confidential_actor_never_reaches_an_outsider(
    first: str, owner: User, member: User, outsider: User, small_map: SmallMap, secret: Actor
) -> None:
    """Whoever reads first, the owner organisation's administrator and editor see the confidential actor, and an
    editor of another organisation and an anonymous visitor never do, from a kept answer or not."""
    readers = {"owner": owner, "member": member, "outsider": outsider, "anonymous": None}
    order = [first, *(name for name in readers if name != first)]
    for _round in range(2):
        for name in order:
            seen = "SEC" in _references(_map(_client(readers[name])))
            assert seen is (name in ("owner", "member")), name


def test_sharing_changes_what_is_kept(
    member: User, outsider: User, other_organisation: Organisation, small_map: SmallMap, make_actor: ActorFactory
) -> None:
    restricted = make_actor(kind="civilian_intelligence", name="Cell", reference="CELL", confidentiality="restricted")
    outsider_client = _client(outsider)
    assert "CELL" not in _references(_map(outsider_client))
    record_share(user=member, record=restricted, organisation=other_organisation, can_edit_too=False)
    assert "CELL" in _references(_map(outsider_client))


def test_french_readers_get_french_names(member_client: Client, make_actor: ActorFactory) -> None:
    actor = make_actor(kind="police", name="Police force", reference="PF")
    Actor.objects.filter(pk=actor.pk).update(name_fr="Force de police")  # no signal: the map's version kept
    map_changed(country="CF")
    english = _map(member_client)
    french = _map(member_client, **{"Accept-Language": "fr"})
    assert [node["name"] for node in english["nodes"]] == ["Police force"]
    assert [node["name"] for node in french["nodes"]] == ["Force de police"]


def test_a_day_is_kept_apart(member_client: Client, small_map: SmallMap) -> None:
    today = _map(member_client)
    dated = _map(member_client, f"{URL}?as_of=1990-01-01")
    assert dated["as_of"] == "1990-01-01"
    assert today["as_of"] is None
    assert _map(member_client)["as_of"] is None


class _BrokenCache:
    def get(self, *args: object, **kwargs: object) -> None:
        raise ConnectionError("the cache is down")

    set = get


def test_an_unreadable_cache_costs_a_computation(
    member_client: Client, small_map: SmallMap, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(map_answer, "cache", _BrokenCache())
    assert "FACA" in _references(_map(member_client))
    assert "FACA" in _references(_map(member_client))
