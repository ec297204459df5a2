"""The Coordination tab: the matrix, overlaps and gaps as a reader may see them (owner, member, outsider)."""

import datetime
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.test import Client

from egide.accounts.models import Confidentiality, Organisation
from egide.actors.models import Actor
from egide.money.models import ExchangeRate, Transaction
from egide.programmes.models import Participation, Programme, ProgrammeArea, SupportedActor
from tests.conftest import SmallMap


def _programme(
    title: str, organisation: Organisation, partner: str, *, actor: Actor | None, area: str, level: str
) -> Programme:
    programme = Programme.objects.create(
        country="CF",
        iati_identifier=f"XM-TEST-{title}",
        title_en=title,
        status="2",
        planned_start=datetime.date(2024, 1, 1),
        planned_end=datetime.date(2026, 12, 31),
        owner=organisation,
        confidentiality=level,
    )
    Participation.objects.create(programme=programme, role="1", name=partner)
    ProgrammeArea.objects.create(programme=programme, area=area)
    if actor is not None:
        SupportedActor.objects.create(programme=programme, actor=actor)
    return programme


@pytest.fixture
def programmes(small_map: SmallMap, organisation: Organisation) -> tuple[Programme, Programme]:
    public = _programme(
        "Police reform", organisation, "France", actor=small_map.army, area="justice", level=Confidentiality.PUBLIC
    )
    private = _programme(
        "Army support",
        organisation,
        "European Union",
        actor=small_map.army,
        area="justice",
        level=Confidentiality.ORGANISATION,
    )
    return public, private


def _page(user: User | None, year: int = 2025) -> BeautifulSoup:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(f"/countries/CF/coordination/?year={year}")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "sees_private"), [("owner", True), ("member", True), ("outsider", False)])
def test_the_matrix_and_overlaps_hold_only_what_the_reader_may_see(
    who: str, sees_private: bool, request: pytest.FixtureRequest, programmes: tuple[Programme, Programme]
) -> None:
    page = _page(request.getfixturevalue(who))
    rows = {
        row.select_one("th").get_text(): [cell.get_text(strip=True) for cell in row.select("td")]
        for row in page.select("#coordination-matrix tbody tr")
    }
    assert rows["France"] == ["1"]
    assert ("European Union" in rows) == sees_private
    overlaps = page.select_one("#coordination-overlaps")
    if sees_private:
        assert overlaps is not None
        text = overlaps.get_text(" ")
        assert "European Union, France" in " ".join(text.split())
        assert "Army support" in text
        assert "Police reform" in text
    else:
        assert overlaps is None
        assert "No overlap that year." in page.get_text()


@pytest.mark.django_db
def test_another_year_shows_nothing(member: User, programmes: tuple[Programme, Programme]) -> None:
    page = _page(member, year=2010)
    assert page.select_one("#coordination-matrix") is None
    assert "No programme you may see runs in this country that year." in page.get_text()


@pytest.mark.django_db
def test_a_bad_year_falls_back_to_this_year(member: User, programmes: tuple[Programme, Programme]) -> None:
    client = Client()
    client.force_login(member)
    assert client.get("/countries/CF/coordination/?year=abc").status_code == 200
    assert client.get("/countries/ZZ/coordination/").status_code == 404


@pytest.mark.django_db
def test_gaps_name_the_unsupported_actors_of_open_findings(member: User, small_map: SmallMap) -> None:
    page = _page(member)
    table = page.select_one("#coordination-gaps")
    assert table is not None
    text = " ".join(table.get_text(" ").split())
    # The small map has findings (the tests of governance name them); with no programme, their actors are gaps.
    assert "no programme" in text
    assert any(link["href"].startswith("/actors/") for link in table.select("a"))


@pytest.mark.django_db
def test_names_and_titles_in_the_written_rows_are_escaped(small_map: SmallMap, organisation: Organisation) -> None:
    """The matrix, the overlaps' links and the flows' and timeline's rows are written in Python
    (egide.coordination.tab_html): a partner's name and a programme's title are text there, never markup."""
    hostile = '<b class="x">Fr&nce</b>'
    first = _programme(
        '"Quote" & <i>title</i>', organisation, hostile, actor=small_map.army, area="justice", level="public"
    )
    _programme("Second", organisation, "Other", actor=small_map.army, area="justice", level="public")
    ExchangeRate.objects.create(currency="EUR", period="year", starts_on=datetime.date(2025, 1, 1), rate=Decimal("0.9"))
    on = datetime.date(2025, 3, 1)
    Transaction.objects.create(programme=first, type="3", value=Decimal("1000"), currency="USD", date=on, value_date=on)
    response = Client().get("/countries/CF/coordination/?year=2025")
    html = response.content.decode()
    assert "<b class" not in html
    assert "<i>title</i>" not in html
    page = BeautifulSoup(response.content, "html.parser")
    rows = {row.select_one("th").get_text(): row for row in page.select("#coordination-matrix tbody tr")}
    assert hostile in rows
    cell = rows[hostile].select_one("td.filled")
    assert cell["title"] == '"Quote" & <i>title</i>'
    links = page.select("#coordination-overlaps li li a")
    assert [link.get_text() for link in links] == ['"Quote" & <i>title</i>', "Second"]
    assert links[0]["href"] == f"/programmes/{first.pk}/"
    flow_text = page.select_one("#coordination-flow-table tbody").get_text(" ")
    assert hostile in flow_text
    assert "1,000.00" in flow_text
    timeline = [
        [cell.get_text() for cell in row.select("td")] for row in page.select("#coordination-timeline-table tbody tr")
    ]
    assert timeline == [[hostile, "2025-Q1", "0.00", "1,000.00"]]
