"""The Coordination tab's money flows (Sankey diagram), timeline per partner and area shares, read through the
access rules: the JSON, the page's tables, the XLSX sheets and the selector's sums hold only the programmes the reader
may see (owner, member, outsider), in dollars or euros, for commitments or disbursements."""

import datetime
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from egide.accounts.models import Confidentiality, Organisation
from egide.coordination import flow_views
from egide.coordination.flow_selectors import CountryFlows, country_flows
from egide.coordination.flows import FUNDER, IMPLEMENTER, FlowRecord, build_flows
from egide.coordination.timeline import timeline
from egide.iati.models import ImportedActivity
from egide.money import sums
from egide.money.models import ExchangeRate, Transaction
from egide.programmes.models import Participation, Programme, ProgrammeArea, ProgrammeSector, SupportedActor
from tests.conftest import SmallMap


def _programme(title: str, organisation: Organisation, level: str, areas: list[str]) -> Programme:
    programme = Programme.objects.create(
        country="CF",
        iati_identifier=f"XM-FLOW-{title}",
        title_en=title,
        status="2",
        planned_start=datetime.date(2024, 1, 1),
        planned_end=datetime.date(2026, 12, 31),
        owner=organisation,
        confidentiality=level,
    )
    for area in areas:
        ProgrammeArea.objects.create(programme=programme, area=area)
    return programme


def _pay(programme: Programme, kind: str, value: str, day: str, currency: str = "USD", **parties: str) -> None:
    on = datetime.date.fromisoformat(day)
    Transaction.objects.create(
        programme=programme, type=kind, date=on, value_date=on, value=Decimal(value), currency=currency, **parties
    )


@pytest.fixture
def funded(small_map: SmallMap, organisation: Organisation) -> tuple[Programme, Programme]:
    """France funds a public programme that Expertise France implements in justice (75 % by its sectors) and prisons
    (25 %); the European Union funds a confidential one that France implements in justice."""
    ExchangeRate.objects.create(currency="EUR", period="year", starts_on=datetime.date(2025, 1, 1), rate=Decimal("0.9"))
    ExchangeRate.objects.create(currency="EUR", period="year", starts_on=datetime.date(2024, 1, 1), rate=Decimal("0.8"))
    public = _programme("Justice", organisation, Confidentiality.PUBLIC, ["justice", "prisons"])
    Participation.objects.create(programme=public, role="1", name="France")
    Participation.objects.create(programme=public, role="4", name="Expertise France")
    ProgrammeSector.objects.create(programme=public, code="15130", percentage=Decimal(75))
    ProgrammeSector.objects.create(programme=public, code="15137", percentage=Decimal(25))
    SupportedActor.objects.create(programme=public, actor=small_map.army)
    _pay(public, "3", "1000", "2025-03-10")  # no parties named: the programme's
    _pay(public, "2", "4000", "2025-02-01")
    _pay(public, "4", "200", "2025-07-01", provider_name="Expertise France", receiver_name="Garage")
    _pay(public, "3", "300", "2024-11-01")  # the year before: only in a period that starts earlier
    _pay(public, "3", "70000", "2025-08-01", currency="XOF")  # no rate: left out and counted
    private = _programme("Army", organisation, Confidentiality.ORGANISATION, ["justice"])
    Participation.objects.create(programme=private, role="1", name="European Union")
    Participation.objects.create(programme=private, role="4", name="France")
    _pay(private, "3", "5000", "2025-05-05", provider_name="European Union", receiver_name="France")
    ImportedActivity.objects.create(
        programme=private, source_file="eu.xml", imported_at=timezone.now(), checksum="0" * 64
    )
    sums.sums_of_programmes_rebuild([public.pk, private.pk])
    return public, private


def _client(user: User | None, language: str = "en") -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    return client


def _json(user: User | None, query: str = "") -> dict[str, Any]:
    response = _client(user).get(f"/countries/CF/coordination/flows.json?year=2025{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def _links(data: dict[str, Any]) -> dict[tuple[str, str], Decimal]:
    labels = {node["name"]: node["label"] for node in data["sankey"]["nodes"]}
    return {
        (labels[link["source"]], labels[link["target"]]): Decimal(str(link["value"])).quantize(Decimal("0.01"))
        for link in data["sankey"]["links"]
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "sees_private"), [("owner", True), ("member", True), ("outsider", False), (None, False)]
)
def test_flows_hold_only_what_the_reader_may_see(
    who: str | None, sees_private: bool, request: pytest.FixtureRequest, funded: tuple[Programme, Programme]
) -> None:
    data = _json(request.getfixturevalue(who) if who else None)
    links = _links(data)
    assert data["currency"] == "USD"
    assert data["flow"] == "spent"
    # The public programme: 1,000 disbursed (no parties: France to Expertise France) and 200 spent by Expertise
    # France, divided 75/25 between justice and prisons by its sectors' percentages.
    assert links[("France", "Expertise France")] == Decimal("1200.00")
    assert links[("Expertise France", "Justice system")] == Decimal("900.00")
    assert links[("Expertise France", "Demilitarised prison system under civilian control")] == Decimal("300.00")
    # France also implements the EU's confidential programme: a node of each layer, no cycle.
    assert (("European Union", "France") in links) == sees_private
    assert Decimal(data["total"]) == (Decimal("6200.00") if sees_private else Decimal("1200.00"))
    layers = {(node["label"], node["depth"]) for node in data["sankey"]["nodes"]}
    assert (("France", 1) in layers) == sees_private
    assert ("France", 0) in layers
    assert "Garage" not in json.dumps(data)
    assert data["excluded"] == 1
    assert data["rules"] == {"sectors": 1, "equal": 1 if sees_private else 0, "transaction": 0}
    # The timeline: quarters of 2025, France's disbursements in Q1 and its expenditure in Q3, the EU's in Q2.
    line = data["timeline"]
    assert line["periods"] == ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4"]
    series = {item["name"]: item for item in line["series"]}
    assert series["France"]["spent"] == [1000.0, 0.0, 200.0, 0.0]
    assert series["France"]["committed"] == [4000.0, 0.0, 0.0, 0.0]
    assert ("European Union" in series) == sees_private
    total = sum(sum(item["spent"]) + sum(item["committed"]) for item in line["series"])
    assert total == (10200.0 if sees_private else 5200.0)


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "expected"), [("member", "5000.00"), ("outsider", "0")])
def test_the_selector_sums_leave_out_what_the_reader_may_not_see(
    who: str, expected: str, request: pytest.FixtureRequest, funded: tuple[Programme, Programme]
) -> None:
    found = country_flows(user=request.getfixturevalue(who), country="CF", first_year=2025, last_year=2025)
    eu_money = sum(
        (record.amount for _day, record in found.records["USD"] if record.provider == "name:european union"),
        Decimal(0),
    )
    assert eu_money == Decimal(expected)
    flows = build_flows([record for _day, record in found.records["EUR"]], found.parties)
    assert flows.total() == (Decimal("9180.00") if who == "member" else Decimal("4680.00"))
    assert ((FUNDER, "name:european union") in flows.nodes()) == (who == "member")
    assert ((IMPLEMENTER, "name:france") in flows.nodes()) == (who == "member")


@pytest.mark.django_db
def test_choices_currency_commitments_period_and_origin(member: User, funded: tuple[Programme, Programme]) -> None:
    euros = _json(member, "&currency=EUR&flow=committed")
    assert euros["currency"] == "EUR"
    assert euros["flow"] == "committed"
    assert _links(euros)[("France", "Expertise France")] == Decimal("3600.00")
    assert Decimal(euros["total"]) == Decimal("3600.00")
    longer = _json(member, "&since=2024")
    assert longer["step"] == "year"
    assert longer["timeline"]["periods"] == ["2024", "2025"]
    assert Decimal(longer["total"]) == Decimal("6500.00")
    quarters = _json(member, "&since=2024&step=quarter")
    assert len(quarters["timeline"]["periods"]) == 8
    own = _json(member, "&origin=own")
    assert Decimal(own["total"]) == Decimal("1200.00")
    imported = _json(member, "&origin=iati")
    assert Decimal(imported["total"]) == Decimal("5000.00")
    # Wrong choices fall back to the defaults, never a 500.
    wrong = _json(member, "&since=abc&currency=XOF&flow=nothing&step=%00&by=%00&origin=zz")
    assert (wrong["since"], wrong["currency"], wrong["flow"], wrong["step"]) == (2025, "USD", "spent", "quarter")
    assert _json(member, "&since=1200")["since"] == 2025


@pytest.mark.django_db
def test_flows_by_supported_actor(member: User, small_map: SmallMap, funded: tuple[Programme, Programme]) -> None:
    links = _links(_json(member, "&by=actor"))
    assert links[("Expertise France", small_map.army.name_en)] == Decimal("1200.00")
    assert links[("France", "No supported actor given")] == Decimal("5000.00")


@pytest.mark.django_db
def test_a_transactions_own_sector_sends_it_whole_to_its_area(
    member: User, funded: tuple[Programme, Programme]
) -> None:
    public, _private = funded
    _pay(public, "3", "100", "2025-09-09", sector_code="15137")
    data = _json(member)
    links = _links(data)
    assert links[("Expertise France", "Demilitarised prison system under civilian control")] == Decimal("400.00")
    assert links[("Expertise France", "Justice system")] == Decimal("900.00")
    assert data["rules"]["transaction"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "sees_private"), [("owner", True), ("outsider", False)])
def test_page_tables_and_charts_data(
    who: str, sees_private: bool, request: pytest.FixtureRequest, funded: tuple[Programme, Programme]
) -> None:
    response = _client(request.getfixturevalue(who)).get("/countries/CF/coordination/?year=2025")
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    rows = [" ".join(row.get_text(" ").split()) for row in page.select("#coordination-flow-table tbody tr")]
    assert "Funder: France Implementer: Expertise France 1,200.00" in rows
    assert any("European Union" in row for row in rows) == sees_private
    total = page.select_one("#coordination-flow-total").get_text(" ", strip=True)
    assert ("6,200.00 USD" if sees_private else "1,200.00 USD") in total
    timeline = [" ".join(row.get_text(" ").split()) for row in page.select("#coordination-timeline-table tbody tr")]
    assert "France 2025-Q1 4,000.00 1,000.00" in timeline
    assert any(row.startswith("European Union") for row in timeline) == sees_private
    charts = json.loads(page.select_one("#coordination-charts").get_text())
    assert ("European Union" in json.dumps(charts)) == sees_private
    assert page.select_one("#coordination-sankey.no-print") is not None
    assert page.select_one('script[src$="build/coordination.js"]') is not None
    assert not page.select("script:not([src]):not([type='application/json'])")  # no inline script
    assert not page.select("[onclick]")  # nor inline handler: the print button is wired by the bundle
    assert page.select_one("button#coordination-print[hidden]") is not None
    assert "1 amount of the period has no exchange rate" in page.select_one("#coordination-flow-excluded").get_text()
    rule = " ".join(page.select_one("#coordination-area-rule").get_text().split())
    assert "1 programme in several areas divides its money by its sectors' percentages" in rule
    css = (settings.PACKAGE_DIR / "static" / "egide" / "coordination.css").read_text()
    assert ".coordination-chart { display: none !important; }" in css


@pytest.mark.django_db
def test_matrix_uses_the_sector_percentages(member: User, funded: tuple[Programme, Programme]) -> None:
    page = BeautifulSoup(_client(member).get("/countries/CF/coordination/?year=2025").content, "html.parser")
    heads = [th.get_text(strip=True) for th in page.select("#coordination-matrix thead th")][1:]
    cells = {}
    for row in page.select("#coordination-matrix tbody tr"):
        texts = [" ".join(td.get_text(" ").split()) for td in row.select("td")]
        cells[row.select_one("th").get_text(strip=True)] = dict(zip(heads, texts, strict=True))
    assert (
        "disbursed and spent: 300.00 USD"
        in cells["Expertise France"]["Demilitarised prison system under civilian control"]
    )
    assert "disbursed and spent: 900.00 USD" in cells["Expertise France"]["Justice system"]
    assert "committed: 3,000.00 USD · 2,700.00 EUR" in cells["France"]["Justice system"]


@pytest.mark.django_db
def test_page_in_french(member: User, funded: tuple[Programme, Programme]) -> None:
    response = _client(member, "fr").get("/countries/CF/coordination/?year=2025")
    text = " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())
    assert "Décaissements des bailleurs vers les opérateurs" in text
    assert "Engagements et décaissements par partenaire et trimestre (USD)" in text
    assert "Bailleur : France Opérateur : Expertise France" in text


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "sees_private"), [("member", True), ("outsider", False)])
def test_export_has_flows_and_timeline_sheets(
    who: str, sees_private: bool, request: pytest.FixtureRequest, funded: tuple[Programme, Programme]
) -> None:
    response = _client(request.getfixturevalue(who), "fr").get("/countries/CF/coordination/export.xlsx?year=2025")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Matrice", "Recoupements", "Lacunes", "Sections faibles", "Flux", "Calendrier par partenaire"]
    flows = list(workbook["Flux"].iter_rows(values_only=True))
    assert flows[0] == ("Financements", "De", "Nom", "Vers", "Nom", "USD", "EUR")
    france = [row for row in flows[1:] if row[2] == "France" and row[4] == "Expertise France"]
    assert {(row[0], Decimal(str(row[5])), Decimal(str(row[6]))) for row in france} == {
        ("engagé", Decimal("4000"), Decimal("3600")),
        ("décaissé et dépensé", Decimal("1200"), Decimal("1080")),
    }
    text = " ".join(str(value) for row in flows for value in row)
    assert ("European Union" in text) == sees_private
    line = list(workbook["Calendrier par partenaire"].iter_rows(values_only=True))
    spent = sum(Decimal(str(row[4])) for row in line[1:])
    assert spent == (Decimal("6200") if sees_private else Decimal("1200"))


@pytest.mark.django_db
def test_flow_queries_do_not_grow_with_the_programmes(
    member: User, organisation: Organisation, funded: tuple[Programme, Programme]
) -> None:
    def count() -> int:
        client = _client(member)
        with CaptureQueriesContext(connection) as context:
            assert client.get("/countries/CF/coordination/flows.json?year=2025").status_code == 200
        return len(context)

    count()
    before = count()
    for index in range(5):
        programme = _programme(f"More {index}", organisation, Confidentiality.PUBLIC, ["borders", "justice"])
        Participation.objects.create(programme=programme, role="1", name=f"Donor {index}")
        Participation.objects.create(programme=programme, role="4", name=f"Agency {index}")
        _pay(programme, "3", "10", "2025-04-04", provider_name=f"Other {index}")
    assert count() == before


@pytest.mark.django_db
def test_an_unknown_country_is_not_found(member: User) -> None:
    assert _client(member).get("/countries/ZZ/coordination/flows.json").status_code == 404
    assert _client(member).get("/countries/%00/coordination/flows.json").status_code == 404


def test_the_chart_sums_the_partners_after_the_tenth_and_the_table_keeps_them() -> None:
    records = [
        (datetime.date(2025, 1, 1), FlowRecord(1, "disbursement", Decimal(100 + index), provider=f"name:p{index}"))
        for index in range(12)
    ]
    found = CountryFlows(records={"USD": records}, parties={}, partner_names={}, column_names={})
    line = timeline(records, {}, first_year=2025, last_year=2025, step="year")
    series = flow_views._grouped(found, line)
    assert len(series) == 11
    assert series[0]["key"] == "name:p11"
    assert series[-1]["name"] == "Other partners (2)"
    assert series[-1]["spent"] == [Decimal("201")]  # p1 and p0: 101 + 100
    assert len(flow_views.timeline_rows(line, flow_views._grouped(found, line, limit=None))) == 12


@pytest.mark.django_db
def test_the_diagram_sums_small_implementers_and_the_table_keeps_them(
    member: User, funded: tuple[Programme, Programme]
) -> None:
    public, _private = funded
    for index in range(20):
        _pay(public, "3", str(10 + index), "2025-06-06", receiver_name=f"Contractor {index:02}")
    data = _json(member)
    implementers = [node["label"] for node in data["sankey"]["nodes"] if node["depth"] == 1]
    assert len(implementers) == 16
    assert "Other implementers" in implementers
    assert "Contractor 19" in implementers  # the largest kept by name
    assert "Contractor 00" not in implementers
    links = _links(data)
    # Fifteen kept (France, Expertise France and the thirteen largest contractors); the seven smallest (10 to 16)
    # summed into one node, money unchanged.
    assert links[("France", "Other implementers")] == Decimal("91.00")
    assert Decimal(data["total"]) == Decimal("6200.00") + sum(Decimal(10 + index) for index in range(20))
    page = BeautifulSoup(_client(member).get("/countries/CF/coordination/?year=2025").content, "html.parser")
    rows = page.select("#coordination-flow-table tbody tr")
    assert any("Contractor 00" in row.get_text() for row in rows)
