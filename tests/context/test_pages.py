"""The Context tab, an indicator's world map and the sources page; organisations' own series through the access
rules (owner, member, outsider)."""

import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import AnonymousUser, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from egide.accounts.models import Confidentiality, Organisation
from egide.context.models import UPLOADED, Indicator, Observation, SourceLoad
from egide.context.selectors import country_context, indicators_visible


def _public(code: str = "gpi.overall", *, better: bool = False, low: float = 1, high: float = 5) -> Indicator:
    return Indicator.objects.create(
        code=code,
        source=code.split(".")[0],
        name_en="Global Peace Index",
        name_fr="Indice mondial de la paix",
        minimum=low,
        maximum=high,
        higher_is_better=better,
        confidentiality=Confidentiality.PUBLIC,
    )


def _values(indicator: Indicator, values: dict[tuple[str, int], float]) -> None:
    Observation.objects.bulk_create(
        Observation(indicator=indicator, country=country, year=year, value=value)
        for (country, year), value in values.items()
    )


@pytest.fixture
def peace(db: None) -> Indicator:
    indicator = _public()
    # CF and TD are in Middle Africa (with CM), ML in Western Africa.
    _values(
        indicator,
        {
            ("CF", 2021): 3.036,
            ("CF", 2022): 3.021,
            ("TD", 2022): 2.5,
            ("CM", 2022): 2.9,
            ("CM", 2021): 2.8,
            ("ML", 2022): 2.9,
        },
    )
    return indicator


@pytest.fixture
def own_series(organisation: Organisation) -> Indicator:
    indicator = Indicator.objects.create(
        code=f"{UPLOADED}.{organisation.pk}.police-complaints",
        source=UPLOADED,
        name_en="Complaints against the police",
        name_fr="Plaintes contre la police",
        minimum=None,
        maximum=None,
        higher_is_better=False,
        owner=organisation,
        confidentiality=Confidentiality.ORGANISATION,
    )
    _values(indicator, {("CF", 2022): 412.0})
    return indicator


def test_the_context_tab_shows_latest_value_change_rank_and_region(client: Client, peace: Indicator) -> None:
    response = client.get("/countries/CF/context/")
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    card = page.select_one(".context-card")
    assert card is not None
    text = " ".join(card.get_text(" ").split())
    assert "3.02 in 2022" in text
    assert "−0.01 since 2021: better" in text  # lower is better
    assert "rank 4 of 4" in text  # the worst of four countries in 2022
    assert "region's median: 2.70" in text  # TD 2.5 and CM 2.9, not ML (another region), not CF itself
    charts = json.loads(page.select_one("#context-charts").get_text())
    chart = charts[f"context-chart-{peace.pk}"]
    assert chart["country"] == [[2021, 3.036], [2022, 3.021]]
    assert chart["region"] == [[2021, 2.8], [2022, 2.7]]
    assert page.select_one('a[aria-current="page"]').get_text() == "Context"


def test_the_context_tab_in_french(client: Client, peace: Indicator) -> None:
    response = client.get("/countries/CF/context/", HTTP_ACCEPT_LANGUAGE="fr")
    text = " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())
    assert "Indice mondial de la paix" in text
    assert "3,02 en 2022" in text
    assert "Afrique centrale" in text


def test_a_country_without_values(client: Client, peace: Indicator) -> None:
    response = client.get("/countries/FR/context/")
    assert response.status_code == 200
    assert b"No indicator has a value for this country yet" in response.content


def test_an_unknown_country_is_not_found(client: Client, db: None) -> None:
    assert client.get("/countries/ZZ/context/").status_code == 404


def test_the_tab_reads_a_constant_number_of_queries(client: Client, peace: Indicator) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/countries/CF/context/").status_code == 200
        return len(queries)

    few = count()
    for number in range(12):
        other = _public(f"fsi.x{number}", low=0, high=10)
        _values(other, {("CF", 2020): 5.0, ("CF", 2021): 6.0, ("TD", 2021): 4.0, ("FR", 2021): 1.0})
    assert count() == few


def test_the_world_map_page(client: Client, peace: Indicator) -> None:
    response = client.get("/context/indicators/gpi.overall/?year=2022")
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    data = json.loads(page.select_one("#context-map-data").get_text())
    assert data["year"] == 2022
    assert data["values"] == {"CF": 3.021, "TD": 2.5, "CM": 2.9, "ML": 2.9}
    assert data["numeric"]["140"] == "CF"
    rows = [[cell.get_text() for cell in row.select("td")] for row in page.select(".context-ranking tbody tr")]
    assert rows[0] == ["1", "Chad", "2.50"]
    assert rows[1][0] == rows[2][0] == "2"  # Cameroon and Mali tie
    assert rows[3] == ["4", "Central African Republic", "3.02"]
    assert page.select_one("option[selected]").get_text() == "2022"


def test_the_world_map_falls_back_to_the_latest_year(client: Client, peace: Indicator) -> None:
    response = client.get("/context/indicators/gpi.overall/?year=1900")
    assert (
        json.loads(BeautifulSoup(response.content, "html.parser").select_one("#context-map-data").get_text())["year"]
        == 2022
    )
    assert client.get("/context/indicators/gpi.overall/?year=abc").status_code == 200


def test_an_unknown_indicator_is_not_found(client: Client, db: None) -> None:
    assert client.get("/context/indicators/nothing/").status_code == 404


def test_the_sources_page_shows_terms_and_the_last_load(client: Client, peace: Indicator) -> None:
    SourceLoad.objects.create(source="gpi", created=6, unmapped=[{"code": "ATL", "name": "Atlantis", "rows": 1}])
    response = client.get("/context/")
    assert response.status_code == 200
    text = " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())
    assert "Institute for Economics and Peace" in text
    assert "non-commercial use" in text
    assert "6 values" in text
    assert "ATL Atlantis" in text
    assert "Not loaded yet." in text  # the other sources


@pytest.mark.parametrize(("who", "sees"), [("owner", True), ("member", True), ("outsider", False), (None, False)])
def test_an_organisations_own_series_is_seen_by_its_members_only(
    who: str | None, sees: bool, request: pytest.FixtureRequest, own_series: Indicator, peace: Indicator
) -> None:
    user: User | AnonymousUser = request.getfixturevalue(who) if who else AnonymousUser()
    visible = set(indicators_visible(user=user).values_list("code", flat=True))
    assert "gpi.overall" in visible
    assert (own_series.code in visible) == sees
    found = [item.indicator.code for group in country_context(user=user, country="CF") for item in group.indicators]
    assert (own_series.code in found) == sees
    client = Client()
    if user.is_authenticated:
        client.force_login(user)
    status = client.get(f"/context/indicators/{own_series.code}/").status_code
    assert status == (200 if sees else 404)
    assert (b"Complaints against the police" in client.get("/countries/CF/context/").content) == sees
