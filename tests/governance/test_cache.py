"""The governance findings kept per map version: a warm request runs no rule, and any change to what the findings
depend on (an actor, a relationship, a citation, a source, a share, a rule's parameters, an import, the reader's
reach) is seen at once by every reader, while two readers of different reach never get each other's findings."""

import contextlib
import datetime
import io
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import AnonymousUser, User
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from egide.accounts import services as access_services
from egide.accounts.models import Membership, Organisation, Role
from egide.actors import services as map_services
from egide.actors.data import ActorData, CitationData, SourceCitation
from egide.actors.importer import country_map_import
from egide.actors.models import Actor, MapVersion, Relationship, Source
from egide.actors.tabular import ACTOR_COLUMNS, Row, Tables
from egide.actors.versions import map_version
from egide.core import json_output
from egide.core.users import Caller
from egide.environment import read_cache_url
from egide.governance import cache as findings_cache
from egide.governance import documents, services
from egide.governance.documents import findings_document
from egide.governance.models import FindingDecision
from egide.governance.presentation import anchor
from egide.governance.selectors import country_findings
from tests.conftest import ActorFactory

KEY = "parliamentary-oversight:POL"
"""The police's chain (the interior ministry) answers to no parliament, on the public map."""
DAY = datetime.date(2026, 1, 15)
FINDINGS = f"/api/v1/countries/CF/findings?as_of={DAY.isoformat()}"
PAGE = f"/countries/CF/governance/?as_of={DAY.isoformat()}"


def fresh(user: User) -> User:
    """The user as a new request loads them (the reach is read once per user object)."""
    return User.objects.get(pk=user.pk)


def keys(user: Caller | AnonymousUser, as_of: datetime.date | None = DAY) -> set[str]:
    return {item.key for item in country_findings(user=user, country="CF", as_of=as_of).findings}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_keys(client: Client) -> set[str]:
    response = client.get(FINDINGS)
    assert response.status_code == 200
    return {item["key"] for item in response.json()["findings"]}


# --- warm requests --------------------------------------------------------------------------------------------------


def test_a_warm_request_runs_no_rule(
    oversight_known_to_the_owner: Relationship, member: User, rule_runs: list[Any]
) -> None:
    client = client_for(member)
    assert client.get(PAGE).status_code == 200
    assert rule_runs == [DAY]
    assert client.get(PAGE).status_code == 200
    assert KEY not in api_keys(client)  # the member sees the oversight link
    assert rule_runs == [DAY]  # the page and the API share the answer
    # Another day is another answer.
    assert client.get("/countries/CF/governance/?as_of=2020-01-01").status_code == 200
    assert rule_runs == [DAY, datetime.date(2020, 1, 1)]


def test_the_answer_is_shared_through_the_cache_between_processes(
    oversight_known_to_the_owner: Relationship, rule_runs: list[Any]
) -> None:
    first = country_findings(user=None, country="CF", as_of=DAY)
    findings_cache.memory.clear()  # as another process would start: nothing in its memory
    second = country_findings(user=None, country="CF", as_of=DAY)
    assert rule_runs == [DAY]
    assert [item.key for item in second.findings] == [item.key for item in first.findings]
    assert second.graph.nodes == first.graph.nodes
    # What is kept is plain data: it survives pickling, as every cache backend stores it.
    stored = list(cache._cache.values())  # type: ignore[attr-defined]
    assert len(stored) == 1
    entry = findings_cache.loads(pickle.loads(stored[0]))
    assert entry.keys == {item.key for item in first.findings}
    assert list(entry.findings) == first.findings
    assert entry.graph.nodes == first.graph.nodes
    assert entry.graph.edge_by_id == first.graph.edge_by_id


def check(*args: str) -> str:
    out = io.StringIO()
    with contextlib.suppress(SystemExit):  # an open high-severity finding
        call_command("governance", "check", "CF", "--as-of", DAY.isoformat(), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_command_line_writes_nothing_to_a_cache_only_its_process_reads(
    oversight_known_to_the_owner: Relationship, rule_runs: list[Any], verified_superuser_client: Client
) -> None:
    assert not findings_cache.shared()  # the tests' cache: this process's memory
    table = check()
    assert "CF on 2026-01-15: 7 findings" in table
    assert rule_runs == [DAY]
    assert not list(cache._cache.keys())  # type: ignore[attr-defined]  # nothing pickled, nothing written
    # The process's own memory keeps it, without the page's extras, which the page then computes.
    assert check() == table
    assert rule_runs == [DAY]
    response = verified_superuser_client.get(PAGE)  # who reads the whole map, as the command line
    assert response.status_code == 200
    assert rule_runs == [DAY]


@pytest.mark.parametrize("backend", ["file", "dummy"])
def test_the_command_line_keeps_its_answer_in_a_shared_cache_only(
    oversight_known_to_the_owner: Relationship,
    rule_runs: list[Any],
    settings: LazySettings,
    tmp_path: Path,
    backend: str,
) -> None:
    settings.CACHES = read_cache_url("EGIDE_TEST_UNSET_CACHE_URL", default=f"{backend}://{tmp_path}")
    assert findings_cache.shared() is (backend == "file")
    table = check()
    findings_cache.memory.clear()  # the command's process has ended
    assert check() == table
    assert rule_runs == ([DAY] if backend == "file" else [DAY, DAY])
    if backend == "file":  # the entry written holds the page's extras, as the web would have written it
        entry = findings_cache.kept(country_findings(user=None, country="CF", as_of=DAY).key)
        assert entry is not None
        assert entry.ordered
        assert entry.concerned


def test_the_graph_kept_holds_what_the_findings_name(
    oversight_known_to_the_owner: Relationship, outsider: User
) -> None:
    result = country_findings(user=outsider, country="CF", as_of=DAY)
    found = next(item for item in result.findings if item.key == KEY)
    assert found.node_ids | found.searched_ids[0] <= result.graph.nodes.keys()
    assert found.edge_ids | found.searched_ids[1] <= result.graph.edge_by_id.keys()
    assert result.graph.nodes[found.subjects[0]].name == "National Police"


def warm_queries(client: Client, url: str) -> int:
    assert client.get(url).status_code == 200  # cold
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [PAGE, FINDINGS])
def test_warm_queries_do_not_grow_with_the_map(
    oversight_known_to_the_owner: Relationship, member: User, make_actor: ActorFactory, url: str, rule_runs: list[Any]
) -> None:
    client = client_for(member)
    small = warm_queries(client, url)
    for number in range(30):
        make_actor(kind="police", name=f"Police {number}", reference=f"P{number}", confidentiality="public")
    large = warm_queries(client, url)
    assert large == small
    assert len(rule_runs) == 2  # once per map version
    assert small <= 12


# --- a change is seen at once -----------------------------------------------------------------------------------


def test_a_new_actor_is_seen_at_once(oversight_known_to_the_owner: Relationship, make_actor: ActorFactory) -> None:
    assert "parliamentary-oversight:GEND" not in keys(None)
    make_actor(kind="gendarmerie", name="Gendarmerie", reference="GEND", confidentiality="public")
    assert "parliamentary-oversight:GEND" in keys(None)


def test_a_changed_actor_is_seen_at_once(oversight_known_to_the_owner: Relationship) -> None:
    police = Actor.objects.get(reference="POL")
    assert country_findings(user=None, country="CF", as_of=DAY).graph.nodes[police.pk].name == "National Police"
    map_services.actor_update(
        user=None,
        actor=police,
        data=ActorData(
            kind="police",
            name_en="Police Force",
            name_fr="Police Force",
            reference="POL",
            confidentiality="public",
            mandate_text="Law",
            owner=police.owner,
        ),
    )
    assert country_findings(user=None, country="CF", as_of=DAY).graph.nodes[police.pk].name == "Police Force"


def test_a_relationship_is_seen_at_once(oversight_known_to_the_owner: Relationship) -> None:
    assert KEY not in keys(None)
    map_services.relationship_delete(user=None, relationship=oversight_known_to_the_owner)  # type: ignore[arg-type]
    assert KEY in keys(None)


def test_a_citation_and_its_source_are_seen_at_once(oversight_known_to_the_owner: Relationship) -> None:
    police = Actor.objects.get(reference="POL")

    def sources() -> tuple[str, ...]:
        return country_findings(user=None, country="CF", as_of=DAY).graph.nodes[police.pk].sources

    assert sources() == ()
    source = map_services.source_get_or_create(user=None, country="CF", citation=CitationData(title="Police Act"))
    map_services.source_cite(user=None, record=police, citation=SourceCitation(recorded=source, locator="art. 2"))
    assert sources() == ("Police Act, art. 2",)
    # A change made outside the services (the admin) is seen too.
    renamed = Source.objects.get(pk=source.pk)
    renamed.title = "Police Act 2024"
    renamed.save()
    assert sources() == ("Police Act 2024, art. 2",)


def test_a_decision_is_seen_at_once(oversight_known_to_the_owner: Relationship, member: User, outsider: User) -> None:
    assert country_findings(user=outsider, country="CF", as_of=DAY).decisions == {}
    services.finding_decide(
        user=None, country="CF", key=KEY, rule="parliamentary-oversight", status="acknowledged", comment="Known"
    )
    decisions = country_findings(user=outsider, country="CF", as_of=DAY).decisions
    assert decisions[KEY].comment == "Known"
    services.finding_reopen(user=None, decision=decisions[KEY])
    assert country_findings(user=outsider, country="CF", as_of=DAY).decisions == {}


def api_decision(client: Client) -> Any:
    response = client.get(FINDINGS)
    assert response.status_code == 200
    return next(item["decision"] for item in response.json()["findings"] if item["key"] == KEY)


def test_a_decision_shows_at_once_on_the_warm_page_and_in_the_warm_api(
    oversight_known_to_the_owner: Relationship, outsider: User, rule_runs: list[Any]
) -> None:
    client = client_for(outsider)
    card = f'id="{anchor(KEY)}" class="finding finding-high status-'
    assert f"{card}open" in client.get(PAGE).content.decode()
    assert api_decision(client) is None
    assert api_decision(client) is None  # warm: its findings written once
    services.finding_decide(
        user=None, country="CF", key=KEY, rule="parliamentary-oversight", status="acknowledged", comment="Known «x»"
    )
    assert f"{card}acknowledged" in client.get(PAGE).content.decode()
    decision = api_decision(client)
    assert decision["status"] == "acknowledged"
    assert decision["comment"] == "Known «x»"
    services.finding_reopen(user=None, decision=FindingDecision.objects.get(key=KEY))
    assert api_decision(client) is None
    assert f"{card}open" in client.get(PAGE).content.decode()
    assert rule_runs == [DAY]  # all of it warm


def test_the_warm_api_writes_each_finding_once_and_answers_the_same_bytes(
    oversight_known_to_the_owner: Relationship, monkeypatch: pytest.MonkeyPatch
) -> None:
    written: list[str] = []
    original = documents._Writer.finding

    def counted(self: Any, item: Any, decision: Any) -> Any:
        written.append(item.key)
        return original(self, item, decision)

    monkeypatch.setattr(documents._Writer, "finding", counted)
    services.finding_decide(
        user=None, country="CF", key=KEY, rule="parliamentary-oversight", status="false_positive", comment="No"
    )
    client = Client()
    first = client.get(FINDINGS)
    count = len(first.json()["findings"])
    assert count >= 2
    assert len(written) == count
    second = client.get(FINDINGS)
    assert len(written) == count  # nothing built again
    assert second.content == first.content
    result = country_findings(user=None, country="CF", as_of=DAY)  # the anonymous reader's reach is the public map
    visible = country_findings(user=AnonymousUser(), country="CF", as_of=DAY)
    assert result.findings  # the whole map has findings too
    built = json_output.dumps(findings_document(visible, country="CF", as_of=DAY))
    assert second.content == built
    filtered = client.get(FINDINGS + "&status=false_positive").json()["findings"]
    assert [item["key"] for item in filtered] == [KEY]
    assert filtered[0]["decision"]["comment"] == "No"


def test_a_rule_parameter_is_seen_at_once(oversight_known_to_the_owner: Relationship) -> None:
    assert KEY not in keys(None)
    # Parliament's oversight no longer counts when only committees do.
    services.rule_setting_set(
        user=None,
        country="CF",
        rule="parliamentary-oversight",
        parameters={"overseer_kinds": ["parliamentary_committee"]},
    )
    assert KEY in keys(None)


def test_an_import_is_seen_at_once(
    oversight_known_to_the_owner: Relationship, member: User, organisation: Organisation
) -> None:
    assert "parliamentary-oversight:COAST" not in keys(None)
    row = dict.fromkeys(ACTOR_COLUMNS, "") | {
        "reference": "COAST",
        "kind": "coast_guard",
        "name_en": "Coast Guard",
        "name_fr": "Garde-côtes",
        "confidentiality": "public",
    }
    country_map_import(user=member, country="CF", tables=Tables(actors=[Row(number=2, values=row)]), owner=organisation)
    assert "parliamentary-oversight:COAST" in keys(None)


def test_a_share_is_seen_at_once_by_the_organisation_it_is_shared_with(
    oversight_known_to_the_owner: Relationship, owner: User, outsider: User, other_organisation: Organisation
) -> None:
    oversight_known_to_the_owner.confidentiality = "restricted"
    oversight_known_to_the_owner.save()
    assert KEY in keys(fresh(outsider))
    access_services.record_share(
        user=owner, record=oversight_known_to_the_owner, organisation=other_organisation, can_edit_too=False
    )
    assert KEY not in keys(fresh(outsider))


def test_a_new_membership_is_seen_at_once(
    oversight_known_to_the_owner: Relationship, outsider: User, organisation: Organisation
) -> None:
    assert KEY in keys(fresh(outsider))
    Membership.objects.create(user=outsider, organisation=organisation, role=Role.VIEWER)
    assert KEY not in keys(fresh(outsider))


# --- readers of different reach ---------------------------------------------------------------------------------


@pytest.mark.parametrize("first", ["owner", "outsider", "anonymous"])
def test_readers_of_different_reach_never_get_each_others_findings(
    oversight_known_to_the_owner: Relationship, owner: User, member: User, outsider: User, first: str
) -> None:
    readers: dict[str, Callable[[], set[str]]] = {
        "owner": lambda: api_keys(client_for(owner)),
        "member": lambda: api_keys(client_for(member)),
        "outsider": lambda: api_keys(client_for(outsider)),
        "anonymous": lambda: api_keys(Client()),
    }
    order = [first, *(name for name in readers if name != first)]
    seen = {name: readers[name]() for name in order}
    assert KEY not in seen["owner"] | seen["member"]
    assert KEY in seen["outsider"] & seen["anonymous"]
    # Each reader's cached answer, read again, is still their own.
    assert {name: readers[name]() for name in reversed(order)} == seen


def test_a_change_by_anyone_is_seen_at_once_by_everyone(
    oversight_known_to_the_owner: Relationship, owner: User, member: User, outsider: User, staff: User
) -> None:
    readers = [owner, member, outsider, staff]
    for reader in readers:
        assert "parliamentary-oversight:GEND" not in keys(fresh(reader))
    assert "parliamentary-oversight:GEND" not in keys(AnonymousUser())
    gendarmerie = ActorData(
        kind="gendarmerie",
        name_en="Gendarmerie",
        name_fr="Gendarmerie",
        reference="GEND",
        confidentiality="public",
        owner=Organisation.objects.get(pk=outsider.memberships.get().organisation_id),
    )
    map_services.actor_create(user=outsider, country="CF", data=gendarmerie)
    for reader in readers:
        assert "parliamentary-oversight:GEND" in keys(fresh(reader))
    assert "parliamentary-oversight:GEND" in keys(AnonymousUser())


# --- the map version --------------------------------------------------------------------------------------------


def test_the_map_version_changes_with_every_write_and_only_then(oversight_known_to_the_owner: Relationship) -> None:
    first = map_version(country="CF")
    assert map_version(country="CF") == first
    assert map_version(country="ML") != first  # another country's
    Actor.objects.filter(reference="POL").get().save()
    second = map_version(country="CF")
    assert second != first


def test_a_write_rolled_back_leaves_the_version_as_it_was(oversight_known_to_the_owner: Relationship) -> None:
    before = map_version(country="CF")

    def write_then_fail() -> None:
        with transaction.atomic():
            Actor.objects.filter(reference="POL").get().save()
            assert map_version(country="CF") != before
            raise RuntimeError

    with pytest.raises(RuntimeError):
        write_then_fail()
    assert map_version(country="CF") == before
    assert MapVersion.objects.filter(country="CF").count() == 1
