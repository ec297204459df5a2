"""The dashboard's rows as egide.coordination.dashboard_html writes them: what each cell says, and every text
escaped (a framework's band label is written by whoever loads the framework)."""

import datetime
from decimal import Decimal

from bs4 import BeautifulSoup
from django.utils import translation

from egide.coordination.dashboard import DashboardRow, IndicatorValue, LatestAssessment
from egide.coordination.dashboard_html import rows


def _cells(row: DashboardRow, indicators: list[IndicatorValue | None]) -> dict[str, object]:
    return {
        "row": row,
        "severities": [row.findings.get(code, 0) for code in ("high", "medium", "low")],
        "top_areas": [("Justice & <prisons>", amount) for _code, amount in row.top_areas()],
        "indicators": indicators,
    }


def test_a_row_says_each_cell_and_escapes_every_text() -> None:
    row = DashboardRow(
        country="CF",
        name='Centr<al> "African" Republic',
        region="middle_africa",
        region_name="",
        findings={"high": 2, "low": 1},
        assessment=LatestAssessment(
            pk=7, as_of=datetime.date(2025, 3, 31), score=33.4, band="C", band_label="<script>weak</script>"
        ),
        money=Decimal("1234567.5"),
        money_by_area={"justice": Decimal("1000.4")},
        excluded=2,
    )
    with translation.override("en"):
        html = str(rows([_cells(row, [IndicatorValue(year=2024, value=2.125), None])]))
    assert "<script>" not in html
    assert "<al>" not in html
    page = BeautifulSoup(f"<table><tbody>{html}</tbody></table>", "html.parser")
    line = page.select_one("tr#country-CF")
    assert line.select_one("th a").get_text() == 'Centr<al> "African" Republic'
    assert line.select_one("th a")["href"] == "/countries/CF/"
    links = [link["href"] for link in line.select(".dashboard-links a")]
    assert links == [
        "/countries/CF/governance/",
        "/countries/CF/assessments/",
        "/countries/CF/coordination/",
        "/countries/CF/context/",
    ]
    cells = [cell.get_text(" ", strip=True) for cell in line.select("td")]
    assert cells[0] == "—"
    assert cells[1:5] == ["2", "0", "1", "3"]
    assert "severe" in line.select("td")[1]["class"]
    assert cells[5] == "C 33/100 03/31/2025"
    assert line.select_one(".band")["title"] == "<script>weak</script>"
    assert line.select_one("td.assessment a")["href"] == "/assessments/7/"
    assert cells[6] == "1,234,568 Justice & <prisons>: 1,000 2 amounts without a rate left out"
    assert cells[7:] == ["2.13 (2024)", "—"]


def test_a_row_in_french() -> None:
    row = DashboardRow(country="TD", name="Tchad", region="", money=Decimal("6000"), excluded=1)
    with translation.override("fr"):
        html = str(rows([_cells(row, [])]))
    line = BeautifulSoup(f"<table><tbody>{html}</tbody></table>", "html.parser").select_one("tr")
    cells = [cell.get_text(" ", strip=True).replace("\xa0", " ").replace("\u202f", " ") for cell in line.select("td")]
    assert cells[5] == "—"
    assert cells[6] == "6 000 1 montant sans taux laissé de côté"
    assert line.select_one(".dashboard-links").get_text(" ", strip=True).startswith("Gouvernance")
