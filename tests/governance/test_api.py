"""Governance analysis in the API: the same findings, decisions and parameters as the pages, under the same
access rules."""

import json
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.test import Client

from egide.actors.models import Actor
from egide.audit.models import AuditEvent
from egide.governance.models import FindingDecision, RuleSetting
from egide.governance.rules import RULE_BY_CODE, RULES
from egide.security import tokens

FINDINGS = "/api/v1/countries/CF/findings"
DECISIONS = "/api/v1/countries/CF/findings/decisions"
COMPARE = "/api/v1/countries/CF/findings/compare"
SECRET = "intelligence:SECRET"  # rests on an organisation-level actor
GUARD = "irregular-forces:GUARD"  # rests on a partners-level actor
MANDATE = "legal-basis:POL:mandate"  # rests on a public actor
HIDDEN_LINK = "legal-basis:MOI+POL:administers"  # public actors, organisation-level relationship


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def clients(layered: dict[str, Actor], member: User, outsider: User, viewer: User, nobody: User) -> dict[str, Client]:
    return {
        "anonymous": Client(),
        "member": client_for(member),
        "outsider": client_for(outsider),
        "viewer": client_for(viewer),
        "nobody": client_for(nobody),
    }


def send(client: Client, method: str, url: str, payload: Any = None) -> HttpResponse:
    response: HttpResponse = getattr(client, method)(url, json.dumps(payload), content_type="application/json")
    return response


def listed(client: Client, **query: str) -> set[str]:
    response = client.get(FINDINGS, query)
    assert response.status_code == 200, response.content
    return {item["key"] for item in response.json()["findings"]}


def fields(response: HttpResponse) -> set[str]:
    assert response.status_code == 422, response.content
    detail = response.json()["detail"]
    return set(detail) if isinstance(detail, dict) else {str(error["loc"][-1]) for error in detail}


# --- Reading findings ------------------------------------------------------------------------------------------------


def test_findings_follow_the_readers_access(clients: dict[str, Client]) -> None:
    member, outsider, anonymous = (listed(clients[name]) for name in ("member", "outsider", "anonymous"))
    assert {SECRET, GUARD, MANDATE, HIDDEN_LINK} <= member
    assert GUARD in outsider
    assert MANDATE in outsider
    assert SECRET not in outsider
    assert HIDDEN_LINK not in outsider
    assert MANDATE in anonymous
    assert GUARD not in anonymous
    assert SECRET not in anonymous
    # Each reads the findings of the map they may see: without the hidden link, the police has no civilian chain.
    assert "civilian-chain:POL" in outsider
    assert "civilian-chain:POL" not in member
    assert anonymous <= outsider <= member | {"civilian-chain:POL"}


def test_a_finding_in_full(clients: dict[str, Client], layered: dict[str, Actor]) -> None:
    body = clients["member"].get(FINDINGS, {"as_of": "2024-05-01"}).json()
    assert (body["country"], body["as_of"]) == ("CF", "2024-05-01")
    found = {item["key"]: item for item in body["findings"]}
    guard = found[GUARD]
    assert guard == {
        "key": GUARD,
        "rule": "irregular-forces",
        "title": "Paramilitary forces and the presidential guard are controlled like the others",
        "principle": "accountable_forces",
        "area": "internal_security_roles",
        "severity": "high",
        "confidence": "medium",
        "actors": [{"id": layered["GUARD"].pk, "reference": "GUARD", "name": "Guard"}],
        "evidence": [
            {
                "kind": "missing",
                "text": "Guard is not inside a ministry’s chain of command or administration: none of the bodies "
                "above it (Presidency) is a ministry, or answers to one.",
                "actors": [layered["GUARD"].pk],
                "relationships": [],
                "searched": [layered["PR"].pk],
                "sources": [],
            },
            {
                "kind": "missing",
                "text": "Neither Guard nor any body above it (Presidency) is overseen by parliament or one of its "
                "committees.",
                "actors": [layered["GUARD"].pk],
                "relationships": [],
                "searched": [layered["PR"].pk],
                "sources": [],
            },
        ],
        "decision": None,
    }
    link = found[HIDDEN_LINK]["evidence"][0]
    assert link["kind"] == "edge"
    assert link["text"] == "Interior administers Police: no legal basis is recorded."
    assert link["actors"] == sorted([layered["MOI"].pk, layered["POL"].pk])
    assert len(link["relationships"]) == 1
    severities = [item["severity"] for item in body["findings"]]
    assert severities == sorted(severities, key=["high", "medium", "low"].index)


def test_findings_in_french(clients: dict[str, Client], layered: dict[str, Actor]) -> None:
    layered["GUARD"].name_fr = "Garde républicaine"
    layered["GUARD"].save()
    body = clients["member"].get(FINDINGS, {"rule": "irregular-forces"}, HTTP_ACCEPT_LANGUAGE="fr").json()
    (guard,) = body["findings"]
    assert guard["title"] == "Forces paramilitaires et garde présidentielle sont contrôlées comme les autres"
    assert guard["actors"][0]["name"] == "Garde républicaine"
    # No article on record: the name is quoted after "l’acteur", which is grammatical whatever its gender.
    assert guard["evidence"][0]["text"].startswith("L’acteur « Garde républicaine » ne relève")
    layered["GUARD"].article_fr = "la"
    layered["GUARD"].save()
    body = clients["member"].get(FINDINGS, {"rule": "irregular-forces"}, HTTP_ACCEPT_LANGUAGE="fr").json()
    assert body["findings"][0]["evidence"][1]["text"] == (
        "Le parlement et ses commissions ne contrôlent ni la Garde républicaine ni aucun de ses organes de tutelle "
        "(l’acteur « Presidency »)."
    )


def test_findings_are_filtered(clients: dict[str, Client], member: User) -> None:
    client = clients["member"]
    everything = listed(client)
    high = listed(client, severity="high")
    assert GUARD in high
    assert MANDATE not in high
    assert listed(client, severity="low") == {key for key in everything if key.startswith("legal-basis:")}
    assert listed(client, rule="intelligence") == {SECRET}
    assert listed(client, status="open") == everything
    assert listed(client, status="acknowledged") == set()
    send(client, "post", DECISIONS, {"key": SECRET, "status": "acknowledged"})
    assert listed(client, status="acknowledged") == {SECRET}
    assert listed(client, status="open") == everything - {SECRET}
    assert listed(client, status="false_positive") == set()
    assert listed(client, rule="intelligence", severity="low") == set()


def test_findings_are_read_a_part_at_a_time(clients: dict[str, Client]) -> None:
    client = clients["member"]

    def keys(**query: Any) -> list[str]:
        response = client.get(FINDINGS, query)
        assert response.status_code == 200
        return [item["key"] for item in response.json()["findings"]]

    everything = keys()
    assert len(everything) >= 3
    assert keys(limit=2) == everything[:2]
    assert keys(offset=1, limit=1) == everything[1:2]
    assert keys(offset=2) == everything[2:]
    assert keys(offset=len(everything)) == []
    assert keys(severity="low", limit=1) == keys(severity="low")[:1]
    for query in ({"limit": 0}, {"offset": -1}, {"limit": "some"}):
        assert client.get(FINDINGS, query).status_code == 422


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"as_of": "2024-02-30"}, "as_of"),
        ({"as_of": "yesterday"}, "as_of"),
        ({"as_of": "2024"}, "as_of"),
        ({"severity": "critical"}, "severity"),
        ({"rule": "no-such-rule"}, "rule"),
        ({"status": "closed"}, "status"),
    ],
)
def test_bad_filters_are_refused_naming_the_field(
    clients: dict[str, Client], query: dict[str, str], field: str
) -> None:
    assert fields(clients["anonymous"].get(FINDINGS, query)) == {field}


def test_unknown_countries_are_not_found(clients: dict[str, Client]) -> None:
    client = clients["member"]
    for url in (
        "/api/v1/countries/QQ/findings",
        "/api/v1/countries/QQ/findings/compare?from=2010-01-01",
        "/api/v1/countries/QQ/governance/rules",
    ):
        assert client.get(url).status_code == 404, url
    assert send(client, "put", "/api/v1/countries/QQ/governance/rules/ombudsman", {"parameters": {}}).status_code == 404
    payload = {"key": MANDATE, "status": "acknowledged"}
    assert send(client, "post", "/api/v1/countries/QQ/findings/decisions", payload).status_code == 404
    assert client.delete(f"/api/v1/countries/QQ/findings/decisions/{MANDATE}").status_code == 404


def test_the_date_changes_the_findings(clients: dict[str, Client], layered: dict[str, Actor]) -> None:
    from egide.core.fuzzy_dates import FuzzyDate
    from tests.governance.conftest import relate

    relate(layered["PR"], "appoints", layered["POL"], start=FuzzyDate.parse("2020"), confidentiality="public")
    client = clients["anonymous"]
    assert "legal-basis:POL+PR:appoints" in listed(client)
    assert "legal-basis:POL+PR:appoints" in listed(client, as_of="2020-01-01")
    assert "legal-basis:POL+PR:appoints" not in listed(client, as_of="2019-12-31")


# --- Comparing two dates ---------------------------------------------------------------------------------------------


def test_compare_two_dates(clients: dict[str, Client], layered: dict[str, Actor]) -> None:
    from egide.core.fuzzy_dates import FuzzyDate
    from tests.governance.conftest import relate

    relate(layered["PR"], "appoints", layered["POL"], start=FuzzyDate.parse("2020"), confidentiality="public")
    relate(layered["PR"], "funds", layered["POL"], legal_basis="Budget law", end=FuzzyDate.parse("2018"),
           ongoing=False, confidentiality="public")  # fmt: skip
    body = clients["anonymous"].get(COMPARE, {"from": "2015-06-01", "to": "2022-06-01"}).json()
    assert (body["country"], body["from"], body["to"]) == ("CF", "2015-06-01", "2022-06-01")
    appeared = {item["key"] for item in body["appeared"]}
    assert "legal-basis:POL+PR:appoints" in appeared
    assert MANDATE in {item["key"] for item in body["stayed"]}
    assert body["disappeared"] == []
    member = clients["member"].get(COMPARE, {"from": "2015-06-01"}).json()
    assert SECRET in {item["key"] for item in member["stayed"]}
    assert "legal-basis:POL+PR:appoints" in {item["key"] for item in member["appeared"]}
    assert member["to"] == listed_date(clients["member"])
    outsider = clients["outsider"].get(COMPARE, {"from": "2015-06-01"}).json()
    assert SECRET not in {item["key"] for group in ("appeared", "disappeared", "stayed") for item in outsider[group]}


def listed_date(client: Client) -> str:
    return str(client.get(FINDINGS).json()["as_of"])


@pytest.mark.parametrize(
    ("query", "field"),
    [({}, "from"), ({"from": "2010"}, "from"), ({"from": "2010-01-01", "to": "2010-02-31"}, "to")],
)
def test_compare_needs_good_dates(clients: dict[str, Client], query: dict[str, str], field: str) -> None:
    assert fields(clients["anonymous"].get(COMPARE, query)) == {field}


# --- Rules and their parameters --------------------------------------------------------------------------------------


def test_the_rules_with_their_defaults(clients: dict[str, Client]) -> None:
    body = clients["anonymous"].get("/api/v1/governance/rules").json()
    assert [rule["code"] for rule in body] == [rule.code for rule in RULES]
    chain = body[0]
    assert chain["title"] == chain["title_en"] == "Forces answer to a civilian authority"
    assert chain["title_fr"] == "Les forces relèvent d’une autorité civile"
    assert chain["explanation_en"]
    assert chain["explanation_fr"]
    assert (chain["principle"], chain["area"], chain["severity"]) == ("accountable_forces", "democratic_forces", "high")
    assert chain["parameters"][0]["name"] == "civilian_kinds"
    assert chain["parameters"][0]["default"] == list(RULE_BY_CODE["civilian-chain"].defaults()["civilian_kinds"])
    border = next(rule for rule in body if rule["code"] == "border-coordination")
    assert border["parameters"][1] == {
        "name": "coastal",
        "label": "The country has a coast",
        "label_en": "The country has a coast",
        "label_fr": "Le pays a une façade maritime",
        "default": False,
    }
    french = clients["anonymous"].get("/api/v1/governance/rules", HTTP_ACCEPT_LANGUAGE="fr").json()
    assert french[0]["title"] == "Les forces relèvent d’une autorité civile"


def test_a_country_s_parameters_are_read_and_set_by_its_editors(clients: dict[str, Client], member: User) -> None:
    url = "/api/v1/countries/CF/governance/rules"
    before = {rule["code"]: rule for rule in clients["anonymous"].get(url).json()}
    assert len(before) == 16
    assert before["border-coordination"]["values"] == {"required_kinds": ["border_guard", "customs"], "coastal": False}
    assert not any(rule["customised"] for rule in before.values())
    assert "border-coordination::coast_guard" not in listed(clients["anonymous"])

    payload = {"parameters": {"coastal": True}}
    assert send(clients["anonymous"], "put", f"{url}/border-coordination", payload).status_code == 401
    for name in ("viewer", "nobody"):
        assert send(clients[name], "put", f"{url}/border-coordination", payload).status_code == 403, name
    assert not RuleSetting.objects.exists()
    response = send(clients["member"], "put", f"{url}/border-coordination", payload)
    assert response.status_code == 200
    assert response.json()["values"] == {"required_kinds": ["border_guard", "customs"], "coastal": True}
    assert response.json()["customised"] is True
    after = {rule["code"]: rule for rule in clients["anonymous"].get(url).json()}
    assert after["border-coordination"]["customised"] is True
    assert {rule["code"]: rule for rule in clients["anonymous"].get("/api/v1/countries/CD/governance/rules").json()}[
        "border-coordination"
    ]["customised"] is False
    assert "border-coordination::coast_guard" in listed(clients["anonymous"])
    setting = RuleSetting.objects.get()
    assert setting.updated_by == member
    event = AuditEvent.objects.get(content_type=ContentType.objects.get_for_model(RuleSetting))
    assert (event.action, event.user, event.channel) == ("create", member, "api")


@pytest.mark.parametrize(
    ("rule", "parameters", "status", "field"),
    [
        ("civilian-chain", {"civilian_kinds": ["king"]}, 422, "civilian_kinds"),
        ("civilian-chain", {"colour": ["blue"]}, 422, "colour"),
        ("border-coordination", {"coastal": ["coast_guard"]}, 422, "coastal"),
        ("no-such-rule", {}, 404, ""),
    ],
)
def test_bad_parameters_are_refused(
    clients: dict[str, Client], rule: str, parameters: dict[str, object], status: int, field: str
) -> None:
    response = send(
        clients["member"], "put", f"/api/v1/countries/CF/governance/rules/{rule}", {"parameters": parameters}
    )
    assert response.status_code == status
    if field:
        assert field in fields(response)
    assert not RuleSetting.objects.exists()


# --- Decisions -------------------------------------------------------------------------------------------------------


def test_a_member_acknowledges_and_reopens_a_finding(clients: dict[str, Client], member: User) -> None:
    client = clients["member"]
    response = send(client, "post", DECISIONS, {"key": SECRET, "status": "acknowledged", "comment": "Known gap."})
    assert response.status_code == 200
    body = response.json()
    assert body["key"] == SECRET
    assert body["decision"]["status"] == "acknowledged"
    assert body["decision"]["comment"] == "Known gap."
    assert body["decision"]["decided_by"] == "member"
    assert body["decision"]["decided_at"]
    listed_decision = {item["key"]: item for item in client.get(FINDINGS).json()["findings"]}[SECRET]["decision"]
    assert listed_decision == body["decision"]
    decision = FindingDecision.objects.get()
    assert (decision.rule, decision.decided_by) == ("intelligence", member)

    response = send(client, "post", DECISIONS, {"key": SECRET, "status": "false_positive", "comment": "Overseen."})
    assert response.json()["decision"]["status"] == "false_positive"
    assert FindingDecision.objects.count() == 1

    assert client.delete(f"{DECISIONS}/{SECRET}").status_code == 204
    assert not FindingDecision.objects.exists()
    assert client.delete(f"{DECISIONS}/{SECRET}").status_code == 404  # nothing left to reopen
    actions = AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(FindingDecision))
    assert list(actions.order_by("pk").values_list("action", flat=True)) == ["acknowledged", "false_positive", "reopen"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"key": MANDATE, "status": "false_positive"}, "comment"),
        ({"key": MANDATE, "status": "false_positive", "comment": "  "}, "comment"),
        ({"key": MANDATE, "status": "ignored"}, "status"),
        ({"key": MANDATE, "status": "acknowledged", "as_of": "2024-13-01"}, "as_of"),
        ({"status": "acknowledged"}, "key"),
    ],
)
def test_bad_decisions_are_refused_naming_the_field(
    clients: dict[str, Client], payload: dict[str, str], field: str
) -> None:
    assert field in fields(send(clients["member"], "post", DECISIONS, payload))
    assert not FindingDecision.objects.exists()


def test_decisions_need_a_finding_the_user_can_see(clients: dict[str, Client], member: User) -> None:
    for key in ("intelligence:NOBODY", "no-such-rule:POL", "nonsense"):
        response = send(clients["member"], "post", DECISIONS, {"key": key, "status": "acknowledged"})
        assert response.status_code == 404, key
    # The outsider may decide (an editor working on the country), but not on what is hidden from them.
    for key in (SECRET, HIDDEN_LINK):
        response = send(clients["outsider"], "post", DECISIONS, {"key": key, "status": "acknowledged"})
        assert response.status_code == 404, key
    assert not FindingDecision.objects.exists()
    assert send(clients["outsider"], "post", DECISIONS, {"key": GUARD, "status": "acknowledged"}).status_code == 200
    # A decision on a hidden finding cannot be withdrawn either, nor seen.
    send(clients["member"], "post", DECISIONS, {"key": SECRET, "status": "acknowledged"})
    assert clients["outsider"].delete(f"{DECISIONS}/{SECRET}").status_code == 404
    assert FindingDecision.objects.filter(key=SECRET).exists()


def test_readers_and_anonymous_visitors_may_not_decide(clients: dict[str, Client]) -> None:
    payload = {"key": MANDATE, "status": "acknowledged"}
    assert send(clients["anonymous"], "post", DECISIONS, payload).status_code == 401
    for name in ("viewer", "nobody"):
        assert send(clients[name], "post", DECISIONS, payload).status_code == 403, name
    assert not FindingDecision.objects.exists()
    send(clients["member"], "post", DECISIONS, payload)
    assert clients["anonymous"].delete(f"{DECISIONS}/{MANDATE}").status_code == 401
    for name in ("viewer", "nobody"):
        assert clients[name].delete(f"{DECISIONS}/{MANDATE}").status_code == 403, name
    assert FindingDecision.objects.count() == 1
    # Anybody who sees the finding sees the decision on it.
    anonymous = {item["key"]: item for item in clients["anonymous"].get(FINDINGS).json()["findings"]}
    assert anonymous[MANDATE]["decision"]["status"] == "acknowledged"


def test_a_decision_on_a_past_finding(clients: dict[str, Client], layered: dict[str, Actor]) -> None:
    from egide.core.fuzzy_dates import FuzzyDate
    from tests.governance.conftest import relate

    relate(layered["PR"], "appoints", layered["POL"], end=FuzzyDate.parse("2010"), ongoing=False)
    key = "legal-basis:POL+PR:appoints"
    client = clients["member"]
    assert send(client, "post", DECISIONS, {"key": key, "status": "acknowledged"}).status_code == 404  # not today
    response = send(client, "post", DECISIONS, {"key": key, "status": "acknowledged", "as_of": "2009-06-01"})
    assert response.status_code == 200
    assert client.delete(f"{DECISIONS}/{key}").status_code == 404
    assert client.delete(f"{DECISIONS}/{key}?as_of=2009-06-01").status_code == 204
    assert fields(client.delete(f"{DECISIONS}/{key}?as_of=2009")) == {"as_of"}


def test_a_personal_token_decides_without_a_session(layered: dict[str, Actor], member: User) -> None:
    _record, secret = tokens.token_create(user=member, name="automation", by=member)
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        DECISIONS,
        json.dumps({"key": MANDATE, "status": "acknowledged"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 200
    assert FindingDecision.objects.get().decided_by == member


def test_the_openapi_document_lists_the_governance_endpoints(anonymous_client: Client) -> None:
    paths = anonymous_client.get("/api/openapi.json").json()["paths"]
    assert set(paths["/api/v1/countries/{code}/findings"]) == {"get"}
    assert set(paths["/api/v1/countries/{code}/findings/compare"]) == {"get"}
    assert {
        parameter["name"] for parameter in paths["/api/v1/countries/{code}/findings/compare"]["get"]["parameters"]
    } >= {
        "from",
        "to",
    }
    assert set(paths["/api/v1/governance/rules"]) == {"get"}
    assert set(paths["/api/v1/countries/{code}/governance/rules"]) == {"get"}
    assert set(paths["/api/v1/countries/{code}/governance/rules/{rule}"]) == {"put"}
    assert set(paths["/api/v1/countries/{code}/findings/decisions"]) == {"post"}
    assert set(paths["/api/v1/countries/{code}/findings/decisions/{key}"]) == {"delete"}


# --- Several findings at once ----------------------------------------------------------------------------------------

BULK = f"{DECISIONS}/bulk"


def test_several_findings_are_decided_at_once(clients: dict[str, Client], member: User) -> None:
    payload = {"keys": [GUARD, MANDATE, GUARD], "status": "false_positive", "comment": "Checked with the ministry."}
    response = send(clients["member"], "post", BULK, payload)
    assert response.status_code == 200, response.content
    body = response.json()
    assert [item["key"] for item in body] == [GUARD, MANDATE]
    assert {item["decision"]["status"] for item in body} == {"false_positive"}
    assert {item["decision"]["comment"] for item in body} == {"Checked with the ministry."}
    assert {item["decision"]["decided_by"] for item in body} == {"member"}
    assert set(FindingDecision.objects.values_list("key", flat=True)) == {GUARD, MANDATE}
    content_type = ContentType.objects.get_for_model(FindingDecision)
    assert AuditEvent.objects.filter(content_type=content_type, action="false_positive").count() == 2
    assert listed(clients["member"], status="false_positive") == {GUARD, MANDATE}


def test_several_findings_all_or_none(clients: dict[str, Client], member: User) -> None:
    # One key the outsider cannot see refuses the whole request, naming it.
    response = send(clients["outsider"], "post", BULK, {"keys": [GUARD, SECRET], "status": "acknowledged"})
    assert response.status_code == 404
    assert SECRET in response.json()["detail"]
    assert "comment" in fields(send(clients["member"], "post", BULK, {"keys": [GUARD], "status": "false_positive"}))
    assert "keys" in fields(send(clients["member"], "post", BULK, {"keys": [], "status": "acknowledged"}))
    assert "status" in fields(send(clients["member"], "post", BULK, {"keys": [GUARD], "status": "maybe"}))
    assert not FindingDecision.objects.exists()


def test_reviewers_decide_through_the_api_but_do_not_set_rules(layered: dict[str, Actor], organisation: object) -> None:
    from egide.accounts.models import Role
    from tests.conftest import make_user

    reviewer = client_for(make_user("reviewer", organisation, Role.REVIEWER))  # type: ignore[arg-type]
    response = send(reviewer, "post", DECISIONS, {"key": GUARD, "status": "acknowledged", "comment": "Seen."})
    assert response.status_code == 200, response.content
    assert response.json()["decision"]["decided_by"] == "reviewer"
    assert send(reviewer, "post", BULK, {"keys": [MANDATE], "status": "acknowledged"}).status_code == 200
    assert reviewer.delete(f"{DECISIONS}/{GUARD}").status_code == 204
    refused = send(reviewer, "put", "/api/v1/countries/CF/governance/rules/border-coordination", {"parameters": {}})
    assert refused.status_code == 403
    assert "editors" in refused.json()["detail"]
    limited = client_for(make_user("limited-reviewer", organisation, Role.REVIEWER, countries=["ML"]))  # type: ignore[arg-type]
    assert send(limited, "post", BULK, {"keys": [MANDATE], "status": "acknowledged"}).status_code == 403
    assert not RuleSetting.objects.exists()
