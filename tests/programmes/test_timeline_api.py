"""The country timeline in the API: the page's items, filters and visibility rule."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from egide.accounts.levels import Confidentiality
from egide.accounts.models import Organisation
from egide.programmes.models import Participation, Programme
from tests.programmes.test_timeline_pages import make_programme, signed_in

Y = datetime.date
ADDRESS = "/api/v1/countries/CF/timeline"


@pytest.fixture
def programmes(organisation: Organisation, other_organisation: Organisation) -> dict[str, Programme]:
    public = make_programme(organisation, title="Public", planned=(Y(2005, 1, 1), Y(2009, 12, 31)), status="4")
    Participation.objects.create(programme=public, role="4", organisation=other_organisation)
    return {
        "public": public,
        "organisation": make_programme(
            organisation,
            title="Organisation only",
            confidentiality=Confidentiality.ORGANISATION,
            actual=(Y(2012, 1, 1), None),
        ),
    }


def test_a_member_reads_the_organisation_s_programmes_and_an_outsider_the_public_one(
    programmes: dict[str, Programme], member: object, outsider: object
) -> None:
    mine = signed_in(member).get(ADDRESS).json()
    theirs = signed_in(outsider).get(ADDRESS).json()
    anonymous = Client().get(ADDRESS).json()

    assert [row["label"] for row in mine["rows"]] == ["Public", "Organisation only"]
    assert [row["label"] for row in theirs["rows"]] == ["Public"]
    assert [row["label"] for row in anonymous["rows"]] == ["Public"]


def test_the_answer_has_the_rows_bars_and_totals(programmes: dict[str, Programme], member: object) -> None:
    data = signed_in(member).get(ADDRESS).json()

    assert data["country"] == "CF"
    assert data["start"] == "2005-01-01"
    assert data["totals"] == {"programme": 2, "mission": 0, "document": 0}
    public = data["rows"][0]
    assert public["kind"] == "programme"
    assert public["status_label"] == "Closed"
    assert public["bars"] == [
        {"phase": "planned", "phase_label": "Planned", "start": "2005-01-01", "end": "2009-12-31", "open": False}
    ]
    assert data["rows"][1]["bars"][0]["open"] is True


def test_the_filters_narrow_the_items(
    programmes: dict[str, Programme], member: object, other_organisation: Organisation
) -> None:
    client = signed_in(member)

    def labels(**query: object) -> list[str]:
        return [row["label"] for row in client.get(ADDRESS, query).json()["rows"]]

    assert labels(status="4") == ["Public"]
    assert labels(partner=other_organisation.pk) == ["Public"]
    assert labels(first_year=2010) == ["Organisation only"]
    assert labels(last_year=2010) == ["Public"]
    assert labels(kinds="mission,document") == []


def test_bad_filters_are_refused_naming_them(programmes: dict[str, Programme], member: object) -> None:
    client = signed_in(member)

    backwards = client.get(ADDRESS, {"first_year": 2010, "last_year": 2001})
    unknown = client.get(ADDRESS, {"kinds": "programme,rumour", "partner": "x"})

    assert backwards.status_code == 422
    assert "The last year comes before the first one." in str(backwards.json())
    assert unknown.status_code == 422
    assert "kinds" in str(unknown.json())
    assert "partner" in str(unknown.json())


def test_an_unknown_country_is_not_found(member: object) -> None:
    assert signed_in(member).get("/api/v1/countries/QQ/timeline").status_code == 404


def test_the_number_of_queries_does_not_grow_with_the_data(organisation: Organisation, member: object) -> None:
    client = signed_in(member)
    for year in range(2000, 2003):
        make_programme(organisation, planned=(Y(year, 1, 1), None))
    client.get(ADDRESS)
    with CaptureQueriesContext(connection) as small:
        client.get(ADDRESS)
    for year in range(2000, 2030):
        make_programme(organisation, planned=(Y(year, 1, 1), None))
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(ADDRESS).json()["rows"]) == 33

    assert len(large) == len(small)
