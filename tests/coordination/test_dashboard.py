"""The cross-country dashboard: the home page of signed-in readers, its sums and bands as owner, member and outsider
may see them, its sorting and filters through the address, in English and French, and its query count."""

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth.models import User
from django.core.cache import cache as shared_cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from egide.accounts.models import Organisation
from egide.context.models import Observation
from egide.governance import cache as findings_cache
from tests.coordination import dashboard_data


def _client(user: User | None, language: str = "en") -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    return client


def _page(user: User | None, query: str = "", *, path: str = "/dashboard/", language: str = "en") -> BeautifulSoup:
    response = _client(user, language).get(f"{path}?{query}")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _rows(page: BeautifulSoup) -> dict[str, list[str]]:
    return {
        row["id"].removeprefix("country-"): [" ".join(cell.get_text(" ").split()) for cell in row.select("th, td")]
        for row in page.select("#dashboard tbody tr")
    }


COLUMNS = ["country", "region", "high", "medium", "low", "findings", "assessment", "money", "peace"]


def _cell(rows: dict[str, list[str]], country: str, column: str) -> str:
    return rows[country][COLUMNS.index(column)]


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "sees_confidential"), [("owner", True), ("member", True), ("outsider", False)])
def test_sums_and_bands_hold_only_what_the_reader_may_see(
    who: str, sees_confidential: bool, request: pytest.FixtureRequest, two_countries: None
) -> None:
    rows = _rows(_page(request.getfixturevalue(who)))
    assert set(rows) == {"CF", "TD"}
    money = _cell(rows, "CF", "money")
    assessment = _cell(rows, "CF", "assessment")
    if sees_confidential:
        assert money.startswith("6,000")
        assert "Prisons" in money or "prison" in money.casefold()
        assert assessment.startswith("C 33/100")  # the confidential review of 2025, the latest
    else:
        assert money.startswith("1,000")
        assert "prison" not in money.casefold()
        assert assessment.startswith("A 100/100")  # the public one: the confidential review is not there
    assert _cell(rows, "TD", "money").startswith("1,000")
    assert _cell(rows, "TD", "assessment").startswith("C 0/100")
    assert "2.50 (2024)" in _cell(rows, "TD", "peace")
    assert "Middle Africa" in _cell(rows, "CF", "region")


@pytest.mark.django_db
def test_euros_and_spending(member: User, two_countries: None) -> None:
    rows = _rows(_page(member, "currency=EUR"))
    assert _cell(rows, "CF", "money").startswith("4,800")  # 6,000 USD at 0.8
    rows = _rows(_page(member, "flow=spent"))
    assert _cell(rows, "CF", "money") == "—"  # only commitments were made


@pytest.mark.django_db
def test_the_home_page_is_the_dashboard_for_signed_in_readers_only(member: User, two_countries: None) -> None:
    assert set(_rows(_page(member, path="/"))) == {"CF", "TD"}
    anonymous = _page(None, path="/")
    assert anonymous.select_one("#dashboard") is None
    assert anonymous.select_one("h1").get_text() == "Security systems"  # the list of maps, as before
    # The anonymous visitor reaches the dashboard's address too, with the public records only.
    assert set(_rows(_page(None))) == {"CF", "TD"}


@pytest.mark.django_db
def test_another_country_opens_from_the_dashboard(member: User, two_countries: None) -> None:
    chooser = _page(member).select_one("form#country-chooser")
    assert chooser["action"] == "/"  # the home page opens the chosen country's map
    offered = {option["value"] for option in chooser.select("option") if option["value"]}
    assert "FR" in offered
    assert chooser.find_parent("details").select_one("summary").get_text() == "Open another country"


@pytest.mark.django_db
def test_sorting_by_any_column_through_the_address(member: User, two_countries: None) -> None:
    page = _page(member, "sort=-score")
    assert list(_rows(page)) == ["CF", "TD"]
    assert list(_rows(_page(member, "sort=score"))) == ["TD", "CF"]
    assert list(_rows(_page(member, "sort=-money"))) == ["CF", "TD"]
    # Each heading links to its sort, the current one reversed.
    headers = page.select("#dashboard thead th")
    score = next(header for header in headers if header["aria-sort"] != "none")
    assert score["aria-sort"] == "descending"
    assert "sort=score" in score.a["href"]
    assert all(header.a["href"].startswith("?") for header in headers)
    # Every column sorts without an error, and an unknown one sorts by name.
    for key in [
        "name",
        "region",
        "severity:high",
        "severity:medium",
        "severity:low",
        "findings",
        "indicator:gpi.overall",
    ]:
        for direction in ("", "-"):
            assert len(_rows(_page(member, f"sort={direction}{key}"))) == 2
    assert list(_rows(_page(member, "sort=nonsense%00"))) == ["CF", "TD"]


@pytest.mark.django_db
def test_region_filter_and_indicator_choice(member: User, two_countries: None, organisation: Organisation) -> None:
    dashboard_data.country("SN", organisation)
    assert set(_rows(_page(member))) == {"CF", "TD", "SN"}
    assert set(_rows(_page(member, "region=western_africa"))) == {"SN"}
    assert set(_rows(_page(member, "region=middle_africa"))) == {"CF", "TD"}
    # An unknown region shows every country.
    assert len(_rows(_page(member, "region=atlantis"))) == 3
    # No indicator ticked: no indicator column; the source is named in the heading.
    page = _page(member, "shown=1")
    assert "Global Peace Index" not in page.select_one("#dashboard thead").get_text()
    page = _page(member, "shown=1&indicator=gpi.overall")
    heading = page.select_one("#dashboard thead").get_text(" ")
    assert "Global Peace Index" in heading
    assert "Global Peace Index" in page.select_one("#dashboard-indicators").get_text()


@pytest.mark.django_db
def test_findings_are_counted_by_severity(member: User, two_countries: None) -> None:
    rows = _rows(_page(member))
    counts = [int(_cell(rows, "CF", column)) for column in ("high", "medium", "low")]
    assert sum(counts) == int(_cell(rows, "CF", "findings"))
    assert sum(counts) > 0  # a police force with no path to a civilian authority makes findings


@pytest.mark.django_db
def test_the_dashboard_in_french(member: User, two_countries: None) -> None:
    page = _page(member, language="fr")
    assert page.select_one("h1").get_text() == "Tableau de bord"
    rows = _rows(page)
    assert "Afrique centrale" in _cell(rows, "CF", "region")
    assert "6 000" in _cell(rows, "CF", "money").replace("\u202f", " ").replace("\xa0", " ")
    heading = page.select_one("#dashboard thead").get_text(" ")
    assert "Constats ouverts" in heading
    assert "Indice mondial de la paix" in heading


@pytest.mark.django_db
def test_a_reader_who_may_see_nothing(nobody: User) -> None:
    page = _page(nobody)
    assert page.select_one("#dashboard") is None
    assert "You may see no country yet" in page.get_text()


def _queries(user: User) -> int:
    findings_cache.memory.clear()
    shared_cache.clear()
    client = _client(user)
    client.get("/dashboard/")  # the session and the reader's reach, read once
    findings_cache.memory.clear()
    shared_cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/dashboard/?shown=1&indicator=gpi.overall")
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_number_of_queries_does_not_grow_with_the_countries(member: User, organisation: Organisation) -> None:
    for code in ("CF", "TD"):
        dashboard_data.country(code, organisation)
    with_two = _queries(member)
    for code in ("SN", "ML", "BF", "NE"):
        dashboard_data.country(code, organisation)
    with_six = _queries(member)
    assert len(_rows(_page(member))) == 6
    assert with_six == with_two
    assert Observation.objects.count() == 6
