"""The matrix's money, origin filter, actor columns, export and print layout: the sums hold only the programmes the
reader may see (owner, member, outsider), split equally across a programme's areas, converted as the Money tab."""

import datetime
import io
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.template.defaultfilters import floatformat
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from egide.accounts.models import Confidentiality, Organisation
from egide.coordination.amounts import money_format
from egide.coordination.analytics import shares
from egide.iati.models import ImportedActivity
from egide.money import sums
from egide.money.models import ExchangeRate, Transaction
from egide.programmes.models import Participation, Programme, ProgrammeArea, SupportedActor
from tests.conftest import SmallMap


def _programme(title: str, organisation: Organisation, partners: list[str], areas: list[str], level: str) -> Programme:
    programme = Programme.objects.create(
        country="CF",
        iati_identifier=f"XM-MONEY-{title}",
        title_en=title,
        status="2",
        planned_start=datetime.date(2024, 1, 1),
        planned_end=datetime.date(2026, 12, 31),
        owner=organisation,
        confidentiality=level,
    )
    for partner in partners:
        Participation.objects.create(programme=programme, role="1", name=partner)
    for area in areas:
        ProgrammeArea.objects.create(programme=programme, area=area)
    return programme


def _pay(programme: Programme, kind: str, value: str, currency: str = "USD", day: str = "2025-03-10") -> None:
    on = datetime.date.fromisoformat(day)
    Transaction.objects.create(
        programme=programme, type=kind, date=on, value_date=on, value=Decimal(value), currency=currency
    )


@pytest.fixture
def funded(small_map: SmallMap, organisation: Organisation) -> tuple[Programme, Programme]:
    ExchangeRate.objects.create(currency="EUR", period="year", starts_on=datetime.date(2025, 1, 1), rate=Decimal("0.9"))
    public = _programme(
        "Police reform", organisation, ["France"], ["justice", "civilian_oversight"], Confidentiality.PUBLIC
    )
    _pay(public, "3", "1000")
    _pay(public, "4", "200")
    _pay(public, "2", "3000")
    _pay(public, "3", "999", day="2024-06-01")  # another year: not counted
    _pay(public, "3", "50000", currency="XOF")  # no rate: left out, counted in the note
    SupportedActor.objects.create(programme=public, actor=small_map.army)
    # A joint programme of France and the EU that only its owner's organisation may see.
    private = _programme(
        "Army support", organisation, ["France", "European Union"], ["justice"], Confidentiality.ORGANISATION
    )
    _pay(private, "3", "5000")
    SupportedActor.objects.create(programme=private, actor=small_map.army)
    ImportedActivity.objects.create(
        programme=private, source_file="eu.xml", imported_at=timezone.now(), checksum="0" * 64
    )
    sums.sums_of_programmes_rebuild([public.pk, private.pk])
    return public, private


def _get(user: User | None, query: str = "", language: str = "en", path: str = "") -> bytes:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    response = client.get(f"/countries/CF/coordination/{path}?year=2025{query}")
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def _cells(user: User | None, query: str = "") -> tuple[BeautifulSoup, dict[str, dict[str, str]]]:
    page = BeautifulSoup(_get(user, query), "html.parser")
    heads = [th.get_text(strip=True) for th in page.select("#coordination-matrix thead th")][1:]
    rows = {}
    for row in page.select("#coordination-matrix tbody tr"):
        cells = [" ".join(td.get_text(" ").split()) for td in row.select("td")]
        rows[row.select_one("th").get_text(strip=True)] = dict(zip(heads, cells, strict=True))
    return page, rows


def test_shares_add_up_to_the_amount() -> None:
    assert shares(Decimal("100.00"), 3) == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
    assert sum(shares(Decimal("-0.05"), 2)) == Decimal("-0.05")
    assert shares(Decimal(1), 0) == []


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "sees_private"), [("owner", True), ("member", True), ("outsider", False)])
def test_cell_sums_hold_only_what_the_reader_may_see(
    who: str, sees_private: bool, request: pytest.FixtureRequest, funded: tuple[Programme, Programme]
) -> None:
    page, rows = _cells(request.getfixturevalue(who))
    france = rows["France"]
    # The public programme's 1,200 disbursed and spent in 2025 split across its two areas; the EU's joint
    # programme's 5,000 in justice only, for those who may see it.
    justice = "5,600.00 USD · 5,040.00 EUR" if sees_private else "600.00 USD · 540.00 EUR"
    assert f"disbursed and spent: {justice}" in france["Justice system"]
    assert "disbursed and spent: 600.00 USD · 540.00 EUR" in france["Civilian oversight bodies"]
    assert "committed: 1,500.00 USD · 1,350.00 EUR" in france["Civilian oversight bodies"]
    assert ("European Union" in rows) == sees_private
    text = page.get_text(" ")
    assert "equal share" in text
    # The XOF amount has no rate: left out and counted.
    assert "1 amount has no exchange rate" in " ".join(page.select_one("#coordination-excluded").get_text().split())


@pytest.mark.django_db
def test_every_area_gets_an_equal_share(member: User, funded: tuple[Programme, Programme]) -> None:
    _page, rows = _cells(member)
    spent = [cell for cell in rows["France"].values() if "disbursed" in cell]
    assert len(spent) == 2
    assert any("5,600.00 USD" in cell for cell in spent)
    assert any("600.00 USD · 540.00 EUR" in cell and "5,600" not in cell for cell in spent)


@pytest.mark.django_db
def test_origin_filter_and_marker(member: User, funded: tuple[Programme, Programme]) -> None:
    _page, both = _cells(member)
    assert "IATI" in both["European Union"]["Justice system"]
    _page, own = _cells(member, "&origin=own")
    assert "European Union" not in own
    assert all("IATI" not in cell for cell in own["France"].values())
    assert any("600.00 USD" in cell for cell in own["France"].values())
    assert not any("5,600" in cell for cell in own["France"].values())
    _page, imported = _cells(member, "&origin=iati")
    assert set(imported) == {"European Union", "France"}
    assert list(imported["France"].values()) == ["1 IATI disbursed and spent: 5,000.00 USD · 4,500.00 EUR"]


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "expected"), [("member", "6,200.00 USD"), ("outsider", "1,200.00 USD")])
def test_matrix_by_supported_actor(
    who: str, expected: str, request: pytest.FixtureRequest, small_map: SmallMap, funded: tuple[Programme, Programme]
) -> None:
    _page, rows = _cells(request.getfixturevalue(who), "&by=actor")
    assert list(rows["France"]) == [small_map.army.name_en]
    assert expected in rows["France"][small_map.army.name_en]


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_programmes(
    member: User, organisation: Organisation, funded: tuple[Programme, Programme]
) -> None:
    def count() -> int:
        client = Client()
        client.force_login(member)
        with CaptureQueriesContext(connection) as context:
            assert client.get("/countries/CF/coordination/?year=2025").status_code == 200
        return len(context)

    count()  # caches warmed (reference data, the session)
    before = count()
    made = []
    for index in range(5):
        programme = _programme(
            f"More {index}", organisation, [f"Partner {index}"], ["civilian_oversight"], Confidentiality.PUBLIC
        )
        _pay(programme, "3", "10")
        made.append(programme.pk)
    sums.sums_of_programmes_rebuild(made)
    assert count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "sees_private"), [("member", True), ("outsider", False)])
def test_export_in_the_readers_language(
    who: str, sees_private: bool, request: pytest.FixtureRequest, funded: tuple[Programme, Programme]
) -> None:
    content = _get(request.getfixturevalue(who), language="fr", path="export.xlsx")
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames[:4] == ["Matrice", "Recoupements", "Lacunes", "Sections faibles"]
    rows = list(workbook["Matrice"].iter_rows(values_only=True))
    assert rows[1][0] == "Partenaire"
    france_justice = [row for row in rows[2:] if row[0] == "France" and row[1] == "Système judiciaire"]
    assert france_justice
    assert Decimal(str(france_justice[0][6])) == (Decimal("5600") if sees_private else Decimal("600"))
    assert any(row[0] == "European Union" for row in rows[2:]) == sees_private
    text = " ".join(str(value) for sheet in workbook for row in sheet.iter_rows(values_only=True) for value in row)
    assert ("Army support" in text) == sees_private


@pytest.mark.django_db
def test_print_layout_and_controls(member: User, funded: tuple[Programme, Programme]) -> None:
    page = BeautifulSoup(_get(member), "html.parser")
    assert page.select_one("#coordination-export")["href"].startswith("/countries/CF/coordination/export.xlsx")
    assert page.select_one("form.coordination-year.no-print select#origin") is not None
    assert "@media print" in (settings.PACKAGE_DIR / "static" / "egide" / "coordination.css").read_text()


@pytest.mark.parametrize("language", ["en", "fr"])
@given(value=st.decimals(min_value=-(10**15), max_value=10**15, places=3, allow_nan=False, allow_infinity=False))
def test_the_cells_amounts_are_written_as_floatformat_writes_them(language: str, value: Decimal) -> None:
    with translation.override(language):
        assert money_format()(value) == floatformat(value, "2g")
        assert money_format(0)(value) == floatformat(value, "0g")
