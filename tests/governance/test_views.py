"""The governance pages: a country's findings, decisions on them, the comparison of two dates and the rules' parameters,
for anonymous visitors, members, outsiders and readers, in English and French; and the map's highlight in a browser."""

import datetime
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.http import HttpResponse
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from egide.accounts.models import Organisation, Role
from egide.actors import services as map_services
from egide.actors.data import CitationData
from egide.actors.models import Actor, Relationship
from egide.audit.models import AuditEvent
from egide.core.fuzzy_dates import FuzzyDate
from egide.governance import services
from egide.governance.models import FindingDecision, RuleSetting
from egide.governance.presentation import ACTORS_LISTED, GROUP_SIZE
from egide.governance.rules import RULES
from egide.governance.views import anchor
from tests.actors.html import element, elements, forms, script_sources, scripts, text, text_of
from tests.conftest import ActorFactory, make_user
from tests.governance.conftest import relate
from tests.security.helpers import verified_client

HTMX = {"HTTP_HX_REQUEST": "true"}
PAGE = "/countries/CF/governance/"
DECIDE = "/countries/CF/governance/decide/"
REOPEN = "/countries/CF/governance/reopen/"
COMPARE = "/countries/CF/governance/compare/"
RULES_PAGE = "/countries/CF/governance/rules/"

POLICE_OVERSIGHT = "parliamentary-oversight:POL"  # rests on a public actor
GENDARMERIE_CHAIN = "civilian-chain:GEND"  # only before 2020, when the ministry took the gendarmerie over
SECRET = "intelligence:SECRET"  # rests on an organisation-level actor
NO_OMBUDSMAN = "ombudsman:"  # rests on no record at all
GENDARMERIE_OVERSIGHT = "parliamentary-oversight:GEND"


@dataclass
class PublicMap:
    presidency: Actor
    interior: Actor
    police: Actor
    gendarmerie: Actor
    parliament: Actor
    secret: Actor
    administers_police: Relationship
    administers_gendarmerie: Relationship


@pytest.fixture
def public_map(make_actor: ActorFactory) -> PublicMap:
    """Public records (so that anonymous visitors see findings), a source, a relationship that started in 2020, and
    an intelligence service known to the owner organisation only."""

    def public(kind: str, name: str, reference: str, **fields: Any) -> Actor:
        return make_actor(kind=kind, name=name, reference=reference, confidentiality="public", **fields)

    presidency = public("head_of_state", "Presidency", "PR")
    interior = public("ministry_of_interior", "Ministry of the Interior", "MOI")
    police = public("police", "National Police", "POL")
    gendarmerie = public("gendarmerie", "National Gendarmerie", "GEND")
    parliament = public("parliament", "National Assembly", "AN")
    secret = make_actor(
        kind="civilian_intelligence", name="Secret service", reference="SECRET", confidentiality="organisation"
    )
    administers_police = relate(interior, "administers", police, legal_basis="Decree 12", confidentiality="public")
    administers_gendarmerie = relate(
        interior,
        "administers",
        gendarmerie,
        legal_basis="Law of 2020",
        start=FuzzyDate.parse("2020-03-01"),
        confidentiality="public",
    )
    source = map_services.source_get_or_create(
        user=None, country="CF", citation=CitationData(title="Police Act 2017", author="National Assembly")
    )
    map_services.citation_add(user=None, source=source, actor=police, locator="Art. 1")
    return PublicMap(
        presidency, interior, police, gendarmerie, parliament, secret, administers_police, administers_gendarmerie
    )


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def outsider_client(outsider: User) -> Client:
    return client_for(outsider)


@pytest.fixture
def viewer_client(viewer: User) -> Client:
    return client_for(viewer)


def page_text(response: HttpResponse) -> str:
    assert response.status_code == 200, response.content[:500]
    return text(response.content.decode())


def finding_ids(response: HttpResponse) -> set[str]:
    """The anchors of the findings listed on the page."""
    assert response.status_code == 200
    return {str(found["id"]) for found in elements(response.content.decode(), "article.finding[id^='finding-']")}


def listed(response: HttpResponse, *keys: str) -> list[bool]:
    ids = finding_ids(response)
    return [anchor(key) in ids for key in keys]


def changed_message(response: HttpResponse) -> str:
    assert response.status_code == 204, response.content[:500]
    return str(json.loads(response["HX-Trigger"])["egide:changed"]["message"])


def article(response: HttpResponse, key: str) -> str:
    return article_html(response.content.decode(), key)


def article_html(html: str, key: str) -> str:
    """The finding's article, as HTML (the test fails if the page does not list the finding)."""
    return str(element(html, f"article#{anchor(key)}"))


# --- the Governance tab ---------------------------------------------------------------------------------------------


def test_anonymous_visitors_see_the_findings_of_public_records(anonymous_client: Client, public_map: PublicMap) -> None:
    response = anonymous_client.get(PAGE)
    shown = page_text(response)
    assert listed(response, POLICE_OVERSIGHT, NO_OMBUDSMAN, SECRET) == [True, True, False]
    assert "Forces are overseen by parliament" in shown
    assert "Neither National Police nor any body above it" in shown
    assert "is overseen by parliament or one of its committees." in shown
    assert "Secret service" not in shown
    # One card per rule, which names its principle and area of action.
    assert "Institutions for democratic management and oversight, with local ownership" in shown
    assert "Civilian oversight bodies" in shown
    # No decision forms for visitors.
    assert DECIDE not in response.content.decode()


def test_a_finding_names_its_rule_severity_confidence_actors_evidence_and_sources(
    member_client: Client, public_map: PublicMap
) -> None:
    response = member_client.get(PAGE)
    html = article(response, POLICE_OVERSIGHT)
    shown = text(html)
    assert '<span class="severity severity-high"' in html
    # Under its rule's card, a finding is named by the actor it concerns.
    assert "High National Police" in shown
    card = text(str(element(response.content.decode(), "section#findings-parliamentary-oversight")))
    assert card.startswith("High Forces are overseen by parliament")
    assert "Confidence: Medium" in shown
    assert f'<a href="/actors/{public_map.police.pk}/">National Police</a>' in html
    assert "Sources: Police Act 2017" in shown
    assert "Why this matters" in shown
    # The map shows the actor and the chain above it that was searched: the ministry and its administration.
    shown_article = element(html, "article")
    assert shown_article["data-nodes"].split() == [
        str(pk) for pk in sorted([public_map.police.pk, public_map.interior.pk])
    ]
    assert shown_article["data-edges"] == str(public_map.administers_police.pk)
    # A finding that rests on a path names its relationships for the map.
    legal = article(member_client.get(PAGE, {"rule": "legal-basis"}), "legal-basis:GEND:mandate")
    assert f'data-nodes="{public_map.gendarmerie.pk}"' in legal


def test_a_finding_on_a_relationship_names_it_for_the_map(member_client: Client, public_map: PublicMap) -> None:
    services.rule_setting_set(
        user=None, country="CF", rule="legal-basis", parameters={"relationship_types": ["administers"]}
    )
    public_map.administers_police.legal_basis = ""
    public_map.administers_police.save(update_fields=["legal_basis"])
    html = article(member_client.get(PAGE), "legal-basis:MOI+POL:administers")
    ids = sorted((public_map.interior.pk, public_map.police.pk))
    assert f'data-nodes="{ids[0]} {ids[1]}"' in html
    assert f'data-edges="{public_map.administers_police.pk}"' in html
    assert "Ministry of the Interior administers National Police: no legal basis is recorded." in text(html)


def test_a_finding_on_a_hidden_record_is_not_shown_to_an_outsider(
    member_client: Client, outsider_client: Client, anonymous_client: Client, public_map: PublicMap
) -> None:
    assert listed(member_client.get(PAGE), SECRET) == [True]
    for client in (outsider_client, anonymous_client):
        response = client.get(PAGE)
        assert listed(response, SECRET, POLICE_OVERSIGHT) == [False, True]
        assert "Secret service" not in response.content.decode()


def test_a_finding_on_a_hidden_relationship_is_not_shown(
    member_client: Client, outsider_client: Client, layered: dict[str, Actor]
) -> None:
    hidden_link = "legal-basis:MOI+POL:administers"  # public actors, organisation-level relationship
    assert listed(member_client.get(PAGE), hidden_link) == [True]
    response = outsider_client.get(PAGE)
    assert listed(response, hidden_link, "legal-basis:POL:mandate") == [False, True]
    assert "Interior administers Police" not in page_text(response)


def test_superusers_see_every_finding(staff: User, public_map: PublicMap) -> None:
    response = verified_client(staff).get(PAGE)
    assert listed(response, SECRET, POLICE_OVERSIGHT) == [True, True]
    assert DECIDE in response.content.decode()


def test_unknown_country_is_not_found(anonymous_client: Client, db: None) -> None:
    for url in ("/countries/XX/governance/", "/countries/XX/governance/compare/", "/countries/XX/governance/rules/"):
        assert anonymous_client.get(url).status_code == 404


def test_the_page_holds_the_map_and_no_inline_code(anonymous_client: Client, public_map: PublicMap) -> None:
    html = anonymous_client.get(PAGE).content.decode()
    assert '<section id="map" class="egide-map"' in html
    # The map stands on the findings' day (today by default) and follows the page's date field.
    assert f'data-map-url="/api/v1/countries/CF/map?as_of={datetime.date.today().isoformat()}"' in html
    assert 'data-as-of-field="#id_as_of"' in html
    assert 'data-actor-url-template="/actors/0/"' in html
    assert 'id="governance-highlight"' in html
    assert [str(script) for script in scripts(html) if not script.has_attr("src")] == []
    assert script_sources(html)
    assert 'hx-history="false"' in html
    assert " style=" not in html
    assert "/static/egide/governance.js" in html
    assert "/static/egide/governance.css" in html


def test_the_country_page_links_to_the_governance_tab(anonymous_client: Client, public_map: PublicMap) -> None:
    html = anonymous_client.get("/countries/CF/").content.decode()
    assert f'<a href="{PAGE}">Governance</a>' in html


def test_names_are_escaped(member_client: Client, make_actor: ActorFactory) -> None:
    make_actor(kind="police", name="<script>alert(1)</script>", reference="EVIL", confidentiality="public")
    html = member_client.get(PAGE).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# --- summary --------------------------------------------------------------------------------------------------------


def summary_rows(response: HttpResponse) -> dict[str, list[str]]:
    html = response.content.decode()
    rows = element(html, "table.summary-table").select("tr:has(> th[scope=row])")
    return {text_of(row.th): [text_of(cell) for cell in row.find_all("td")] for row in rows if row.th}


def test_the_summary_counts_findings_by_area_and_severity(member_client: Client, public_map: PublicMap) -> None:
    response = member_client.get(PAGE)
    rows = summary_rows(response)
    assert len(rows) == 9  # eight areas of action and the total
    # Parliament oversees none of the police, the gendarmerie and the secret service: three high findings.
    assert rows["Civilian oversight bodies"][0] == "3"
    total = rows["Total"]
    assert int(total[-1]) == len(finding_ids(response)) == sum(int(value) for value in total[:-1])
    data = json.loads(str(element(response.content.decode(), "div.summary-chart")["data-governance-chart"]))
    assert [series["code"] for series in data["series"]] == ["high", "medium", "low"]
    assert len(data["categories"]) == 8
    assert data["categories"][2] == "Civilian oversight bodies"
    assert data["series"][0]["data"][2] == 3
    assert sum(sum(series["data"]) for series in data["series"]) == int(total[-1])


def test_the_summary_follows_the_filters(member_client: Client, public_map: PublicMap) -> None:
    rows = summary_rows(member_client.get(PAGE, {"severity": "high"}))
    assert rows["Total"][1:3] == ["0", "0"]


# --- filters and date -----------------------------------------------------------------------------------------------


def severities(response: HttpResponse) -> set[str]:
    found = elements(response.content.decode(), "article.finding[id^='finding-']")
    return {str(css).removeprefix("finding-") for item in found for css in item["class"] if css.startswith("finding-")}


def test_filter_by_severity_principle_area_and_rule(member_client: Client, public_map: PublicMap) -> None:
    everything = finding_ids(member_client.get(PAGE))
    high = member_client.get(PAGE, {"severity": "high"})
    assert severities(high) == {"high"}
    assert finding_ids(high) < everything
    budgets = member_client.get(PAGE, {"area": "security_budgets"})
    assert listed(budgets, "budget-control:POL", POLICE_OVERSIGHT) == [True, False]
    rule_of_law = member_client.get(PAGE, {"principle": "rule_of_law"})
    assert listed(rule_of_law, "judicial-jurisdiction:POL", POLICE_OVERSIGHT) == [True, False]
    one_rule = member_client.get(PAGE, {"rule": "parliamentary-oversight"})
    assert finding_ids(one_rule) == {
        anchor(f"parliamentary-oversight:{reference}") for reference in ("POL", "GEND", "SECRET")
    }
    nothing = member_client.get(PAGE, {"rule": "military-courts"})
    assert finding_ids(nothing) == set()
    assert "No finding matches the filters." in page_text(nothing)


def test_filter_by_status(member: User, member_client: Client, public_map: PublicMap) -> None:
    services.finding_decide(
        user=member,
        country="CF",
        key=POLICE_OVERSIGHT,
        rule="parliamentary-oversight",
        status="acknowledged",
        comment="",
    )
    services.finding_decide(
        user=member,
        country="CF",
        key="parliamentary-oversight:GEND",
        rule="parliamentary-oversight",
        status="false_positive",
        comment="Overseen through the defence committee.",
    )
    acknowledged = member_client.get(PAGE, {"status": "acknowledged"})
    assert finding_ids(acknowledged) == {anchor(POLICE_OVERSIGHT)}
    false_positive = member_client.get(PAGE, {"status": "false_positive"})
    assert finding_ids(false_positive) == {anchor("parliamentary-oversight:GEND")}
    still_open = member_client.get(PAGE, {"status": "open"})
    assert listed(still_open, POLICE_OVERSIGHT, "parliamentary-oversight:GEND", "budget-control:POL") == [
        False,
        False,
        True,
    ]


def test_unknown_filter_values_are_ignored_with_a_message(member_client: Client, public_map: PublicMap) -> None:
    response = member_client.get(PAGE, {"severity": "dreadful"})
    assert finding_ids(response) == finding_ids(member_client.get(PAGE))
    assert 'id="id_severity-error"' in response.content.decode()


def test_as_of_reads_the_relationships_of_that_day(member_client: Client, public_map: PublicMap) -> None:
    # Today (the default) the ministry administers the gendarmerie; in 2015 nobody did.
    assert listed(member_client.get(PAGE), GENDARMERIE_CHAIN) == [False]
    earlier = member_client.get(PAGE, {"as_of": "2015-06-01"})
    assert listed(earlier, GENDARMERIE_CHAIN) == [True]
    assert "As of June 1, 2015" in page_text(earlier)
    assert 'value="2015-06-01"' in earlier.content.decode()
    # The day is remembered for the session (shared with the map), until an empty day asks for today again.
    remembered = member_client.get(PAGE)
    assert 'value="2015-06-01"' in remembered.content.decode()
    today = member_client.get(PAGE, {"as_of": ""})
    assert f'value="{datetime.date.today().isoformat()}"' in today.content.decode()
    assert "Today" in page_text(today)
    assert f'value="{datetime.date.today().isoformat()}"' in member_client.get(PAGE).content.decode()


def test_a_wrong_date_is_reported_and_today_is_used(member_client: Client, public_map: PublicMap) -> None:
    response = member_client.get(PAGE, {"as_of": "2015-02-31"})
    assert 'id="id_as_of-error"' in response.content.decode()
    assert listed(response, GENDARMERIE_CHAIN) == [False]


def test_the_htmx_partial_is_the_findings_and_the_summary(member_client: Client, public_map: PublicMap) -> None:
    response = member_client.get(PAGE, {"severity": "high"}, **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<section id="governance-findings"')
    assert 'hx-get="/countries/CF/governance/?severity=high" hx-trigger="egide:changed from:body"' in html
    summary = '<section id="governance-summary" class="governance-summary" aria-labelledby="summary-title"'
    assert f'{summary} hx-swap-oob="true">' in html
    assert 'id="map"' not in html
    assert "HX-Request" in response["Vary"]
    # A history restore asks for the whole page.
    restored = member_client.get(PAGE, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restored.content.decode()


def test_each_rule_lists_its_first_findings_and_shows_the_rest_page_by_page(
    member_client: Client, make_actor: ActorFactory
) -> None:
    for number in range(60):
        make_actor(kind="police", name=f"Unit {number:02d}", reference=f"U{number:02d}", confidentiality="public")
    html = member_client.get(PAGE).content.decode()
    card = element(html, "section#findings-parliamentary-oversight")
    count = len(card.select("article.finding"))
    assert count == GROUP_SIZE
    assert text_of(card.select_one(".rule-group-count")).startswith("6")  # every finding counted (60 and more)
    more = card.select_one("a[data-rule-more]")
    assert more is not None
    assert more["href"] == f"{PAGE}?rule=parliamentary-oversight#governance-findings"
    assert more["hx-get"] == f"{PAGE}?rule=parliamentary-oversight"
    assert "Show all" in text_of(more)
    assert not elements(html, "nav.pager")  # no pager across rules: every rule has its card
    # "Show all" (the link, or HTMX's partial) lists that rule alone, 50 findings a page, with a pager.
    first = member_client.get(PAGE, {"rule": "parliamentary-oversight"})
    second = member_client.get(PAGE, {"rule": "parliamentary-oversight", "page": 2})
    assert len(finding_ids(first)) == 50
    assert finding_ids(second)
    assert finding_ids(first).isdisjoint(finding_ids(second))
    assert "Page 1 of 2" in page_text(first)
    assert 'hx-get="/countries/CF/governance/?rule=parliamentary-oversight&amp;page=2"' in first.content.decode()
    partial = member_client.get(PAGE, {"rule": "parliamentary-oversight"}, **HTMX).content.decode()
    assert partial.lstrip().startswith('<section id="governance-findings"')
    assert {str(found["id"]) for found in elements(partial, "article.finding")} == finding_ids(first)
    assert not elements(partial, "a[data-rule-more]")


def test_a_card_names_its_first_actors_and_counts_them_all(member_client: Client, make_actor: ActorFactory) -> None:
    for number in range(ACTORS_LISTED + 5):
        make_actor(kind="police", name=f"Unit {number:03d}", reference=f"U{number:03d}", confidentiality="public")
    html = member_client.get(PAGE).content.decode()
    card = element(html, "section#findings-parliamentary-oversight")
    names = [text_of(link) for link in card.select(".rule-group-actors li a")]
    assert len(names) == ACTORS_LISTED
    assert names == sorted(names)
    total = int(text_of(card.select_one(".rule-group-actors summary")).split()[0])
    assert total >= ACTORS_LISTED + 5
    assert text_of(card.select_one(".actors-left")) == f"and {total - ACTORS_LISTED} others (see the findings)"


def test_the_page_makes_as_many_queries_for_a_larger_map(
    member_client: Client, public_map: PublicMap, make_actor: ActorFactory
) -> None:
    def count() -> int:
        member_client.get(PAGE)
        with CaptureQueriesContext(connection) as queries:
            assert member_client.get(PAGE).status_code == 200
        return len(queries)

    small = count()
    for number in range(25):
        unit = make_actor(
            kind="police", name=f"Unit {number:02d}", reference=f"U{number:02d}", confidentiality="public"
        )
        relate(public_map.interior, "administers", unit, confidentiality="public")
        source = map_services.source_get_or_create(
            user=None, country="CF", citation=CitationData(title=f"Decree {number}")
        )
        map_services.citation_add(user=None, source=source, actor=unit, locator="p. 1")
    assert count() == small


# --- decisions ------------------------------------------------------------------------------------------------------


def test_members_see_the_decision_forms(member_client: Client, public_map: PublicMap) -> None:
    (form,) = forms(article(member_client.get(PAGE), POLICE_OVERSIGHT), DECIDE)
    assert form["hx-post"] == DECIDE
    assert form.select_one('input[type="hidden"][name="key"]')["value"] == POLICE_OVERSIGHT  # type: ignore[index]
    assert [button["value"] for button in form.select('button[name="status"]')] == ["acknowledged", "false_positive"]


def test_readers_and_visitors_see_no_decision_forms(
    member: User,
    member_client: Client,
    viewer_client: Client,
    anonymous_client: Client,
    nobody: User,
    public_map: PublicMap,
) -> None:
    services.finding_decide(
        user=member, country="CF", key=GENDARMERIE_OVERSIGHT, rule="parliamentary-oversight", status="acknowledged",
        comment="",
    )  # fmt: skip
    # An editor gets both kinds of form: deciding on an open finding, reopening a decided one.
    html = member_client.get(PAGE).content.decode()
    assert forms(article_html(html, POLICE_OVERSIGHT), DECIDE)
    assert forms(article_html(html, GENDARMERIE_OVERSIGHT), REOPEN)
    for client in (viewer_client, anonymous_client, client_for(nobody)):
        html = client.get(PAGE).content.decode()
        # The same findings and the decision are shown to readers, without any form.
        open_finding, decided = article_html(html, POLICE_OVERSIGHT), article_html(html, GENDARMERIE_OVERSIGHT)
        assert "National Police" in text(open_finding)
        assert "Forces are overseen by parliament" in text(
            str(element(html, "section#findings-parliamentary-oversight"))
        )
        assert "Acknowledged by member on" in text(decided)
        assert forms(html, DECIDE) == forms(html, REOPEN) == []
        assert forms(open_finding) == forms(decided) == []
        assert elements(html, 'input[name="key"]') == []


def test_acknowledge_a_finding(member: User, member_client: Client, public_map: PublicMap) -> None:
    response = member_client.post(
        DECIDE, {"key": POLICE_OVERSIGHT, "status": "acknowledged", "comment": "Known; a bill is ready."}, **HTMX
    )
    assert changed_message(response) == "Finding acknowledged: Forces are overseen by parliament."
    decision = FindingDecision.objects.get(country="CF", key=POLICE_OVERSIGHT)
    assert (decision.status, decision.comment, decision.decided_by, decision.rule) == (
        "acknowledged",
        "Known; a bill is ready.",
        member,
        "parliamentary-oversight",
    )
    event = AuditEvent.objects.get(content_type=ContentType.objects.get_for_model(FindingDecision))
    assert (event.action, event.user) == ("acknowledged", member)
    html = article(member_client.get(PAGE), POLICE_OVERSIGHT)
    assert "Acknowledged by member on" in text(html)
    assert '<q class="decision-comment">Known; a bill is ready.</q>' in html
    assert f'hx-post="{REOPEN}"' in html


def test_a_false_positive_needs_a_reason(member_client: Client, public_map: PublicMap) -> None:
    response = member_client.post(DECIDE, {"key": POLICE_OVERSIGHT, "status": "false_positive", "comment": " "}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith(f'<form id="{anchor(POLICE_OVERSIGHT)}-form" class="decision-form"')
    assert "Say why this finding is a false positive." in html
    assert not FindingDecision.objects.exists()
    response = member_client.post(
        DECIDE,
        {"key": POLICE_OVERSIGHT, "status": "false_positive", "comment": "The defence committee oversees it."},
        **HTMX,
    )
    assert changed_message(response) == "Finding marked as a false positive: Forces are overseen by parliament."
    assert FindingDecision.objects.get().status == "false_positive"
    shown = text(article(member_client.get(PAGE), POLICE_OVERSIGHT))
    assert "False positive" in shown
    assert "Marked as a false positive by member on" in shown


def test_a_decision_without_htmx_redirects_to_the_finding(member_client: Client, public_map: PublicMap) -> None:
    response = member_client.post(DECIDE, {"key": POLICE_OVERSIGHT, "status": "acknowledged", "as_of": "2024-01-01"})
    assert response.status_code == 302
    assert response["Location"] == f"{PAGE}?as_of=2024-01-01#{anchor(POLICE_OVERSIGHT)}"
    assert FindingDecision.objects.filter(key=POLICE_OVERSIGHT).exists()
    refused = member_client.post(
        DECIDE, {"key": "parliamentary-oversight:GEND", "status": "false_positive"}, follow=True
    )
    assert "Say why this finding is a false positive." in page_text(refused)


def test_reopen_a_finding(member: User, member_client: Client, public_map: PublicMap) -> None:
    services.finding_decide(
        user=member,
        country="CF",
        key=POLICE_OVERSIGHT,
        rule="parliamentary-oversight",
        status="acknowledged",
        comment="",
    )
    response = member_client.post(REOPEN, {"key": POLICE_OVERSIGHT}, **HTMX)
    assert changed_message(response) == "Finding reopened: Forces are overseen by parliament."
    assert not FindingDecision.objects.exists()
    assert AuditEvent.objects.filter(action="reopen", user=member).exists()
    assert member_client.post(REOPEN, {"key": POLICE_OVERSIGHT}, **HTMX).status_code == 404


def test_decisions_on_unknown_or_hidden_findings_are_not_found(
    member_client: Client, outsider_client: Client, public_map: PublicMap
) -> None:
    assert (
        member_client.post(DECIDE, {"key": "parliamentary-oversight:NOPE", "status": "acknowledged"}).status_code == 404
    )
    assert member_client.post(DECIDE, {"status": "acknowledged"}).status_code == 400
    # The outsider edits for every country but may not see the secret service.
    assert outsider_client.post(DECIDE, {"key": SECRET, "status": "acknowledged"}, **HTMX).status_code == 404
    assert not FindingDecision.objects.exists()
    # A finding that no longer exists on that day is not found either.
    past = {"key": GENDARMERIE_CHAIN, "status": "acknowledged"}
    assert member_client.post(DECIDE, past, **HTMX).status_code == 404
    assert member_client.post(DECIDE, past | {"as_of": "2015-01-01"}, **HTMX).status_code == 204


def test_an_editor_working_on_the_country_may_decide(
    outsider: User, outsider_client: Client, public_map: PublicMap
) -> None:
    """As the services decide: any editor whose membership covers the country (the outsider covers them all)."""
    response = outsider_client.post(DECIDE, {"key": POLICE_OVERSIGHT, "status": "acknowledged"}, **HTMX)
    assert response.status_code == 204
    assert FindingDecision.objects.get().decided_by == outsider


def test_others_may_not_decide(
    viewer_client: Client,
    anonymous_client: Client,
    nobody: User,
    other_organisation: Organisation,
    member: User,
    public_map: PublicMap,
) -> None:
    elsewhere = make_user("elsewhere", other_organisation, Role.EDITOR, countries=["CD"])
    services.finding_decide(
        user=member, country="CF", key=NO_OMBUDSMAN, rule="ombudsman", status="acknowledged", comment=""
    )
    for client in (viewer_client, client_for(nobody), client_for(elsewhere)):
        assert client.post(DECIDE, {"key": POLICE_OVERSIGHT, "status": "acknowledged"}, **HTMX).status_code == 403
        assert client.post(REOPEN, {"key": NO_OMBUDSMAN}, **HTMX).status_code == 403
    for url in (DECIDE, REOPEN):
        response = anonymous_client.post(url, {"key": POLICE_OVERSIGHT, "status": "acknowledged"})
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    assert list(FindingDecision.objects.values_list("key", flat=True)) == [NO_OMBUDSMAN]


def test_decisions_need_a_post(member_client: Client, public_map: PublicMap) -> None:
    assert member_client.get(DECIDE).status_code == 405
    assert member_client.get(REOPEN).status_code == 405


# --- comparing two dates --------------------------------------------------------------------------------------------


def test_compare_defaults_to_ten_years_ago_and_today(anonymous_client: Client, public_map: PublicMap) -> None:
    html = anonymous_client.get(COMPARE).content.decode()
    today = datetime.date.today()
    earlier = (
        today.replace(year=today.year - 10)
        if (today.month, today.day) != (2, 29)
        else today.replace(year=today.year - 10, day=28)
    )
    assert f'name="from" value="{earlier.isoformat()}"' in html
    assert f'name="to" value="{today.isoformat()}"' in html


def test_compare_shows_what_appeared_disappeared_and_stayed(member_client: Client, public_map: PublicMap) -> None:
    public_map.police.mandate_text = "Police Act 2017"
    public_map.police.save(update_fields=["mandate_text"])
    response = member_client.get(COMPARE, {"from": "2015-01-01", "to": "2024-01-01"})
    html = response.content.decode()
    groups = {name: str(element(html, f"section#{name}")) for name in ("appeared", "disappeared", "stayed")}
    assert "Forces answer to a civilian authority" in groups["disappeared"]
    assert "National Gendarmerie" in groups["disappeared"]
    assert "Forces are overseen by parliament" in groups["stayed"]
    assert "None." in text(groups["appeared"])
    assert "From Jan. 1, 2015 to Jan. 1, 2024" in page_text(response)
    assert "Secret service" in html


def test_compare_hides_what_the_reader_may_not_see(outsider_client: Client, public_map: PublicMap) -> None:
    html = outsider_client.get(COMPARE, {"from": "2015-01-01"}).content.decode()
    assert "Secret service" not in html
    assert "Forces are overseen by parliament" in html


def test_compare_checks_its_dates(anonymous_client: Client, public_map: PublicMap) -> None:
    response = anonymous_client.get(COMPARE, {"from": "2024-01-01", "to": "2015-01-01"})
    assert "Choose a date after the first one." in page_text(response)
    assert 'id="appeared"' not in response.content.decode()
    wrong = anonymous_client.get(COMPARE, {"from": "2015-13-01"})
    assert 'id="id_from-error"' in wrong.content.decode()


# --- rules and their parameters -------------------------------------------------------------------------------------


def rule_card(response: HttpResponse, code: str) -> str:
    return str(element(response.content.decode(), f"article#rule-{code}"))


def test_the_rules_page_lists_every_rule_read_only_for_visitors(anonymous_client: Client, db: None) -> None:
    response = anonymous_client.get(RULES_PAGE)
    shown = page_text(response)
    for rule in RULES:
        assert f'id="rule-{rule.code}"' in response.content.decode()
        assert rule.title_en in shown
    card = text(rule_card(response, "civilian-chain"))
    assert "Every statutory security provider should be reached" in card
    assert "Principle Effective, trained forces accountable to civilian authority" in card
    assert "Area of action Security forces under democratic standards" in card
    assert "Civilian executive authorities Head of state, Government" in card
    assert "(the default)" in card
    assert forms(rule_card(response, "civilian-chain")) == []
    assert "Only editors working on this country may change the parameters." in shown


def test_editors_get_forms_with_kinds_grouped_by_family(member_client: Client, db: None) -> None:
    html = rule_card(member_client.get(RULES_PAGE), "civilian-chain")
    assert forms(html, "/countries/CF/governance/rules/civilian-chain/")
    # Check boxes grouped by family, with a search field: no list that needs Ctrl-click.
    assert elements(html, "select") == []
    kinds = elements(html, "fieldset.parameter-kinds")[0]
    assert text_of(kinds.find("legend")) == "Civilian executive authorities"
    assert kinds.find("input", attrs={"data-choice-search": True}) is not None
    groups = [text_of(label) for label in kinds.select(".choice-group-label")]
    assert "Management and oversight" in groups
    boxes = {
        str(box["value"]): box for box in kinds.select('input[type="checkbox"][name="civilian-chain-civilian_kinds"]')
    }
    head = boxes["head_of_state"]
    assert (text_of(head.parent), head.has_attr("checked")) == ("Head of state", True)
    assert (text_of(boxes["police"].parent), boxes["police"].has_attr("checked")) == ("Police", False)
    assert (head.parent.name, head.parent["for"]) == ("label", head["id"])
    assert "Default: Head of state, Government" in text(html)
    border = rule_card(member_client.get(RULES_PAGE), "border-coordination")
    assert elements(border, 'input[type="checkbox"][name="border-coordination-coastal"]')
    legal = rule_card(member_client.get(RULES_PAGE), "legal-basis")
    chosen = {str(box["value"]): text_of(box.parent) for box in elements(legal, 'input[type="checkbox"][checked]')}
    assert chosen["administers"] == "administers"
    assert chosen["justice"] == "Justice and rule of law"
    assert "This rule has no parameters." in text(rule_card(member_client.get(RULES_PAGE), "military-courts"))


def test_change_a_rules_parameters(member: User, member_client: Client, public_map: PublicMap) -> None:
    url = "/countries/CF/governance/rules/border-coordination/"
    data = {"border-coordination-required_kinds": ["customs"], "border-coordination-coastal": "on"}
    response = member_client.post(url, data, **HTMX)
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"])["egide:changed"]["message"] == (
        "Parameters saved: Border bodies exist and coordinate."
    )
    html = response.content.decode()
    assert html.startswith('<article id="rule-border-coordination"')
    assert "adapted for this country" in html
    setting = RuleSetting.objects.get(country="CF", rule="border-coordination")
    assert setting.parameters == {"required_kinds": ["customs"], "coastal": True}
    assert setting.updated_by == member
    assert AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(RuleSetting)).count() == 1
    # The findings follow: a coast guard is now required, a border guard no longer.
    page = member_client.get(PAGE, {"rule": "border-coordination"})
    assert listed(page, "border-coordination::coast_guard", "border-coordination::border_guard") == [True, False]
    assert "No body of the kind “Coast guard” is on the map." in page_text(page)


def test_restore_a_rules_defaults(member_client: Client, db: None) -> None:
    url = "/countries/CF/governance/rules/border-coordination/"
    member_client.post(url, {"border-coordination-coastal": "on"})
    response = member_client.post(url, {"restore": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"{RULES_PAGE}#rule-border-coordination"
    setting = RuleSetting.objects.get(country="CF", rule="border-coordination")
    assert setting.parameters == {"required_kinds": ["border_guard", "customs"], "coastal": False}
    assert "Default parameters restored: Border bodies exist and coordinate." in page_text(
        member_client.get(RULES_PAGE)
    )


def test_wrong_parameters_are_refused_with_a_message(member_client: Client, db: None) -> None:
    url = "/countries/CF/governance/rules/civilian-chain/"
    response = member_client.post(url, {"civilian-chain-civilian_kinds": ["no_such_kind"]}, **HTMX)
    assert response.status_code == 200
    assert "Select a valid choice. no_such_kind is not one of the available choices." in text(response.content.decode())
    assert not RuleSetting.objects.exists()
    plain = member_client.post(url, {"civilian-chain-civilian_kinds": ["no_such_kind"]})
    assert plain.status_code == 400
    assert "<html" in plain.content.decode()


def test_only_editors_may_change_parameters(
    viewer_client: Client, anonymous_client: Client, nobody: User, db: None
) -> None:
    url = "/countries/CF/governance/rules/border-coordination/"
    for client in (viewer_client, client_for(nobody)):
        assert client.post(url, {"border-coordination-coastal": "on"}).status_code == 403
        assert forms(rule_card(client.get(RULES_PAGE), "border-coordination")) == []
    assert anonymous_client.post(url, {"border-coordination-coastal": "on"}).status_code == 302
    assert not RuleSetting.objects.exists()


def test_unknown_rules_are_not_found(member_client: Client, db: None) -> None:
    assert member_client.post("/countries/CF/governance/rules/no-such-rule/", {}).status_code == 404
    assert member_client.post("/countries/CF/governance/rules/military-courts/", {}).status_code == 404


# --- French ---------------------------------------------------------------------------------------------------------


def test_the_pages_in_french(member_client: Client, public_map: PublicMap) -> None:
    member_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    shown = page_text(member_client.get(PAGE))
    assert "Les forces sont contrôlées par le parlement" in shown
    assert "Élevée" in shown
    assert "Constats" in shown
    assert "Synthèse par domaine d’action" in shown
    assert "Institutions de gestion et de contrôle démocratique, avec appropriation locale" in shown
    assert "Organes de contrôle civil" in shown
    assert "Prendre en compte" in shown
    # No article on record: the name stands in apposition, and no pronoun guesses its gender.
    assert "Le parlement et ses commissions ne contrôlent ni l’acteur « National Police » ni aucun de ses organes" in (
        shown
    )
    assert "dont il relève" not in shown
    assert "Confiance : Moyenne" in shown
    decided = member_client.post(
        DECIDE, {"key": POLICE_OVERSIGHT, "status": "false_positive", "comment": "Contrôlée par la commission."}, **HTMX
    )
    # French puts a non-breaking space before a colon.
    message = "Constat marqué comme faux positif\u00a0: Les forces sont contrôlées par le parlement."
    assert changed_message(decided) == message
    compare = page_text(member_client.get(COMPARE, {"from": "2015-01-01", "to": "2024-01-01"}))
    assert "Du 1 janvier 2015 au 1 janvier 2024" in compare
    assert "Disparus" in compare
    rules = page_text(member_client.get(RULES_PAGE))
    assert "Autorités exécutives civiles" in rules
    assert "Les médias et la société civile surveillent le secteur" in rules


# --- the map's highlight, in a browser ------------------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session", autouse=True)
def live_static_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The live server's WhiteNoise warns when the static root is missing: give it an empty one before it starts."""
    with override_settings(STATIC_ROOT=str(tmp_path_factory.mktemp("static"))):
        yield


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"the browser tests need Chromium at {CHROMIUM}")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="the browser tests need Python playwright")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with playwright_api.sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM),
                headless=True,
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
            )
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@dataclass
class Tab:
    page: Any
    base_url: str
    errors: list[str]

    def state(self) -> tuple[str | None, ...]:
        """The map's hooks: highlighted actors and relationships drawn, and whether the map is large."""
        return tuple(
            self.page.get_attribute("#map", name)
            for name in ("data-highlight-nodes", "data-highlight-edges", "data-large")
        )


@pytest.fixture
def tab(browser: Any, live_server: Any, transactional_db: None) -> Iterator[Tab]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(20_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield Tab(page, live_server.url, errors)
    context.close()


@pytest.mark.browser
def test_selecting_a_finding_highlights_it_on_the_map(tab: Tab, member: User, public_map: PublicMap) -> None:
    services.rule_setting_set(
        user=None, country="CF", rule="legal-basis", parameters={"relationship_types": ["administers"]}
    )
    public_map.administers_police.legal_basis = ""
    public_map.administers_police.save(update_fields=["legal_basis"])
    page = tab.page
    page.goto(tab.base_url + "/login/?next=" + PAGE)
    page.fill("#id_username", "member")
    page.fill("#id_password", "a-long-test-password")
    page.click("main form button[type=submit]")
    page.wait_for_selector('#map[data-ready="true"]', state="attached")
    assert page.locator(".summary-chart canvas").count() >= 1
    selector = f"#{anchor('legal-basis:MOI+POL:administers')}"
    page.locator(f"{selector} [data-finding-show]").click()
    page.wait_for_selector('#map[data-highlight-edges="1"]', state="attached")
    assert tab.state()[:2] == ("2", "1")
    assert page.get_attribute(f"{selector} [data-finding-show]", "aria-pressed") == "true"
    assert page.is_visible("#governance-highlight")
    # A decision refreshes the list and reloads the map: the finding stays chosen, its highlight stays.
    page.locator(f"{selector} details.decide summary").click()
    page.locator(f"{selector} button[value=acknowledged]").click()
    page.wait_for_selector(f"{selector} .decision-acknowledged")
    page.wait_for_selector('#map[data-ready="true"]', state="attached")
    assert tab.state()[:2] == ("2", "1")
    assert page.locator(f"{selector}.is-selected").count() == 1
    page.click("[data-highlight-clear]")
    assert tab.state()[:2] == ("0", "0")
    assert not page.is_visible("#governance-highlight")
    assert tab.errors == []


@pytest.mark.browser
def test_the_highlight_works_on_a_large_map_and_survives_a_reload(tab: Tab, public_map: PublicMap) -> None:
    node = {"family": "security_providers", "family_label": "Security providers", "kind": "police"}
    nodes = [
        node
        | {"id": i, "reference": f"R{i}", "name": f"Actor {i}", "acronym": "", "kind_label": "Police", "parent": None}
        | {"statutory": True, "legitimacy_disputed": False, "confidence": "medium"}
        for i in range(1, 601)
    ]
    edge = {"type": "commands", "type_label": "commands", "start": "", "end": "", "ongoing": True}
    edges = [
        edge | {"id": 10_000 + i, "source": i, "target": i % 600 + 1, "strength": "moderate", "confidence": "medium"}
        for i in range(1, 601)
    ]
    body = json.dumps({"country": "CF", "nodes": nodes, "edges": edges})
    page = tab.page
    # The page's map is asked for on the findings' day (`?as_of=`).
    page.route(
        "**/api/v1/countries/CF/map?*",
        lambda route: route.fulfill(status=200, content_type="application/json", body=body),
    )
    page.goto(tab.base_url + PAGE)
    page.wait_for_selector('#map[data-ready="true"]', state="attached")
    assert page.evaluate("window.egideMap.highlight([5, 6], [10005])") is True
    assert tab.state() == ("2", "1", "true")
    page.evaluate("window.egideMap.reload()")
    page.wait_for_selector('#map[data-ready="true"]', state="attached")
    assert tab.state() == ("2", "1", "true")
    # Only a relationship: its two ends are brought out with it.
    page.evaluate("window.egideMap.highlight([], [10100])")
    assert tab.state() == ("2", "1", "true")
    assert page.evaluate("window.egideMap.highlight([999999], [])") is False
    page.evaluate("window.egideMap.clearHighlight()")
    assert tab.state()[:2] == ("0", "0")
    assert tab.errors == []


# --- Findings by rule, and several at once ----------------------------------------------------------------------------

DECIDE_MANY = "/countries/CF/governance/decide-many/"


def test_one_card_per_rule_with_its_count_and_actors(member_client: Client, public_map: PublicMap) -> None:
    html = member_client.get(PAGE).content.decode()
    card = element(html, "section#findings-parliamentary-oversight")
    assert text_of(card.select_one(".rule-group-title")) == "Forces are overseen by parliament"
    findings = card.select("article.finding")
    assert len(findings) >= 2
    assert text_of(card.select_one(".rule-group-count")) == f"{len(findings)} findings"
    actors = [text_of(link) for link in card.select(".rule-group-actors li a")]
    assert "National Police" in actors
    assert actors == sorted(actors)
    # Every rule that finds something has one card, and every finding is in its rule's card.
    cards = elements(html, "section.rule-group")
    assert len({str(section["data-rule-group"]) for section in cards}) == len(cards)
    for section in cards:
        for finding in section.select("article.finding"):
            assert finding.select_one("input.finding-tick")["data-bulk-rule"] == section["data-rule-group"]
    # The filters are kept: a rule's filter leaves its card alone.
    filtered = member_client.get(PAGE, {"rule": "parliamentary-oversight"}).content.decode()
    assert [str(section["data-rule-group"]) for section in elements(filtered, "section.rule-group")] == [
        "parliamentary-oversight"
    ]


def test_the_actors_of_a_card_link_to_their_pages_with_their_names_escaped(
    member_client: Client, make_actor: ActorFactory
) -> None:
    marked = make_actor(kind="police", name="<b>Police</b> & Co", reference="POL2", confidentiality="public")
    html = member_client.get(PAGE).content.decode()
    card = element(html, "section#findings-parliamentary-oversight")
    link = next(link for link in card.select(".rule-group-actors li a") if "Police" in text_of(link))
    assert text_of(link) == "<b>Police</b> & Co"
    assert link["href"] == reverse("actor-detail", kwargs={"pk": marked.pk})
    assert "<b>Police</b>" not in html


def test_several_findings_are_acknowledged_at_once(member: User, member_client: Client, public_map: PublicMap) -> None:
    html = member_client.get(PAGE).content.decode()
    (form,) = forms(html, DECIDE_MANY)
    assert form.find("textarea", attrs={"name": "comment"}) is not None
    ticks = {str(box["value"]) for box in elements(html, 'input.finding-tick[form="bulk-form"]')}
    assert {POLICE_OVERSIGHT, GENDARMERIE_OVERSIGHT} <= ticks
    data = {"key": [POLICE_OVERSIGHT, GENDARMERIE_OVERSIGHT], "status": "acknowledged", "comment": "Committee soon."}
    response = member_client.post(DECIDE_MANY, data, **HTMX)
    assert changed_message(response) == "2 findings acknowledged."
    decisions = FindingDecision.objects.filter(country="CF").order_by("key")
    assert [(d.key, d.status, d.comment, d.decided_by) for d in decisions] == [
        (GENDARMERIE_OVERSIGHT, "acknowledged", "Committee soon.", member),
        (POLICE_OVERSIGHT, "acknowledged", "Committee soon.", member),
    ]
    content_type = ContentType.objects.get_for_model(FindingDecision)
    assert AuditEvent.objects.filter(content_type=content_type, action="acknowledged").count() == 2
    # Without HTMX: back to the findings, the message waiting there.
    plain = member_client.post(
        DECIDE_MANY, {"key": [POLICE_OVERSIGHT], "status": "false_positive", "comment": "Overseen."}, follow=True
    )
    assert plain.redirect_chain[-1][0].startswith(PAGE)
    assert "1 finding marked as a false positive." in page_text(plain)
    assert FindingDecision.objects.get(key=POLICE_OVERSIGHT).status == "false_positive"


def test_several_findings_all_or_none_on_the_page(
    member_client: Client, outsider_client: Client, public_map: PublicMap
) -> None:
    cases = [
        ({"key": [POLICE_OVERSIGHT], "status": "false_positive", "comment": ""}, "Say why"),
        ({"key": [], "status": "acknowledged"}, "Choose at least one finding."),
        ({"key": [POLICE_OVERSIGHT, "intelligence:NOBODY"], "status": "acknowledged"}, "not on the map you may see"),
        ({"key": [POLICE_OVERSIGHT], "status": "maybe"}, "Select a valid choice"),
    ]
    for data, message in cases:
        response = member_client.post(DECIDE_MANY, data, **HTMX)
        assert response.status_code == 200
        assert response["HX-Retarget"] == "#bulk-errors"
        assert message in text(response.content.decode()), data
    bad_date = member_client.post(
        DECIDE_MANY, {"key": [POLICE_OVERSIGHT], "status": "acknowledged", "as_of": "2024-02-30"}
    )
    assert bad_date.status_code == 400
    assert "2024-02-30" in bad_date.content.decode()
    # A finding hidden from the outsider is refused with the others.
    response = outsider_client.post(DECIDE_MANY, {"key": [POLICE_OVERSIGHT, SECRET], "status": "acknowledged"})
    assert response.status_code == 302
    assert not FindingDecision.objects.exists()


def test_who_may_decide_on_the_page(
    public_map: PublicMap, organisation: Organisation, viewer_client: Client, anonymous_client: Client
) -> None:
    reviewer = client_for(make_user("reviewer", organisation, Role.REVIEWER))
    html = reviewer.get(PAGE).content.decode()
    assert forms(html, DECIDE_MANY)
    assert forms(article_html(html, POLICE_OVERSIGHT), DECIDE)
    response = reviewer.post(DECIDE_MANY, {"key": [POLICE_OVERSIGHT], "status": "acknowledged"}, **HTMX)
    assert changed_message(response) == "1 finding acknowledged."
    # A reviewer reads the rules but may not change them.
    rules = reviewer.get(RULES_PAGE).content.decode()
    assert elements(rules, "form.rule-form") == []
    assert "Only editors working on this country may change the parameters." in text(rules)
    assert reviewer.post(f"{RULES_PAGE}border-coordination/", {}).status_code == 403
    for client in (viewer_client,):
        assert forms(client.get(PAGE).content.decode(), DECIDE_MANY) == []
        assert client.post(DECIDE_MANY, {"key": [POLICE_OVERSIGHT], "status": "acknowledged"}).status_code == 403
    assert anonymous_client.post(DECIDE_MANY, {"key": [POLICE_OVERSIGHT], "status": "acknowledged"}).status_code == 302
    assert FindingDecision.objects.count() == 1


@pytest.mark.browser
def test_ticking_a_rules_findings_and_deciding_at_once(tab: Tab, member: User, public_map: PublicMap) -> None:
    page = tab.page
    page.goto(tab.base_url + "/login/?next=" + PAGE)
    page.fill("#id_username", "member")
    page.fill("#id_password", "a-long-test-password")
    page.click("main form button[type=submit]")
    card = "#findings-parliamentary-oversight"
    page.wait_for_selector(f"{card} [data-bulk-all]", state="visible")
    count = page.locator(f"{card} .finding-tick").count()
    assert count >= 2
    assert not page.is_visible("[data-bulk-form] .bulk-fields")
    page.check(f"{card} [data-bulk-all]")
    assert page.locator(f"{card} .finding-tick:checked").count() == count
    assert page.text_content("[data-bulk-count]") == f"{count} findings ticked."
    page.locator(f"{card} .finding-tick").first.uncheck()
    assert page.evaluate(f"document.querySelector('{card} [data-bulk-all]').indeterminate") is True
    assert page.text_content("[data-bulk-count]") == (
        "1 finding ticked." if count == 2 else f"{count - 1} findings ticked."
    )
    page.fill("#bulk-comment", "Reviewed with the ministry.")
    page.click("[data-bulk-form] button[value=acknowledged]")
    page.wait_for_selector(f"{card} .decision-acknowledged")
    assert (
        FindingDecision.objects.filter(status="acknowledged", comment="Reviewed with the ministry.").count()
        == count - 1
    )
    # The list is drawn again: nothing ticked any more.
    assert page.locator(".finding-tick:checked").count() == 0
    assert tab.errors == []


@pytest.mark.browser
def test_the_rules_page_searches_kinds_and_saves_ticked_boxes(tab: Tab, member: User, public_map: PublicMap) -> None:
    page = tab.page
    page.goto(tab.base_url + "/login/?next=" + RULES_PAGE)
    page.fill("#id_username", "member")
    page.fill("#id_password", "a-long-test-password")
    page.click("main form button[type=submit]")
    card = "#rule-civilian-chain"
    search = f"{card} fieldset.parameter-kinds >> nth=0 >> input[data-choice-search]"
    page.wait_for_selector(search, state="visible")
    page.fill(search, "ministry of")
    shown = page.locator(f"{card} fieldset.parameter-kinds >> nth=0 >> li[data-choice]:visible")
    labels = [text.strip() for text in shown.all_text_contents()]
    assert "Ministry of defence" in labels
    assert all("ministry of" in label.lower() for label in labels)
    assert not page.is_visible(f"{card} input[value=police] >> nth=0")
    # A kind ticked while the search shows it, then hidden by another search, stays ticked and is saved.
    page.fill(search, "audit")
    page.check(f"{card} fieldset.parameter-kinds >> nth=0 >> input[value=court_of_accounts]")
    page.fill(search, "head")
    assert not page.is_visible(f"{card} fieldset.parameter-kinds >> nth=0 >> input[value=court_of_accounts]")
    page.uncheck(f"{card} fieldset.parameter-kinds >> nth=0 >> input[value=head_of_state]")
    page.click(f"{card} form.rule-form button[type=submit]:not([name=restore])")
    page.wait_for_selector(f"{card} .flag-warning")
    chosen = RuleSetting.objects.get(country="CF", rule="civilian-chain").parameters["civilian_kinds"]
    assert "head_of_state" not in chosen
    assert {"government", "ministry_of_defence", "court_of_accounts"} <= set(chosen)
    assert tab.errors == []
