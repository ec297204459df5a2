"""The country timeline's selector, page and JSON: who sees which programme, the filters, the table that the
chart duplicates, and a number of queries that does not grow with the data."""

import datetime
from itertools import count

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from egide.accounts.levels import Confidentiality
from egide.accounts.models import Organisation
from egide.accounts.selectors import PLATFORM
from egide.programmes.models import Participation, Programme, ProgrammeCountry
from egide.programmes.timeline import DOCUMENT, MISSION, PROGRAMME
from egide.programmes.timeline_selectors import TimelineFilters, country_timeline, timeline_partners

_numbers = count(1)


def make_programme(
    owner: Organisation | None,
    *,
    country: str = "CF",
    confidentiality: str = Confidentiality.PUBLIC,
    title: str = "",
    planned: tuple[datetime.date | None, datetime.date | None] = (None, None),
    actual: tuple[datetime.date | None, datetime.date | None] = (None, None),
    status: str = "2",
) -> Programme:
    number = next(_numbers)
    return Programme.objects.create(
        owner=owner,
        confidentiality=confidentiality,
        country=country,
        title_en=title or f"Programme {number}",
        title_fr=f"Programme {number} (fr)",
        iati_identifier=f"FR-TEST-{number}",
        status=status,
        planned_start=planned[0],
        planned_end=planned[1],
        actual_start=actual[0],
        actual_end=actual[1],
    )


def keys(user: object, country: str = "CF", **filters: object) -> set[str]:
    timeline = country_timeline(user=user, country=country, filters=TimelineFilters(**filters))  # type: ignore[arg-type]
    return {row.item.label for row in timeline.rows}


Y = datetime.date


@pytest.fixture
def programmes(organisation: Organisation) -> dict[str, Programme]:
    return {
        "public": make_programme(organisation, title="Public", planned=(Y(2005, 1, 1), Y(2009, 12, 31))),
        "organisation": make_programme(
            organisation,
            title="Organisation only",
            confidentiality=Confidentiality.ORGANISATION,
            actual=(Y(2007, 1, 1), None),
        ),
        "elsewhere": make_programme(organisation, title="Elsewhere", country="HT", planned=(Y(2010, 1, 1), None)),
    }


def test_the_owner_and_its_members_see_the_organisation_s_programmes_and_an_outsider_only_the_public_one(
    programmes: dict[str, Programme], owner: object, member: object, outsider: object, nobody: object
) -> None:
    assert keys(owner) == {"Public", "Organisation only"}
    assert keys(member) == {"Public", "Organisation only"}
    assert keys(outsider) == {"Public"}
    assert keys(nobody) == {"Public"}
    assert keys(PLATFORM) == {"Public", "Organisation only"}


def test_a_programme_received_by_the_country_is_on_its_timeline_under_the_lead_country_s_rule(
    organisation: Organisation, member: object, outsider: object
) -> None:
    jussec = make_programme(organisation, country="ML", title="JUSSEC", planned=(Y(2009, 1, 1), Y(2012, 12, 31)))
    hidden = make_programme(
        organisation,
        country="ML",
        title="Hidden",
        confidentiality=Confidentiality.ORGANISATION,
        planned=(Y(2009, 1, 1), None),
    )
    for programme in (jussec, hidden):
        ProgrammeCountry.objects.create(programme=programme, country="MR")

    assert keys(member, "MR") == {"JUSSEC", "Hidden"}
    assert keys(outsider, "MR") == {"JUSSEC"}
    assert keys(member, "NE") == set()


def test_filters_by_status_partner_years_and_kind(
    organisation: Organisation, other_organisation: Organisation, member: object
) -> None:
    old = make_programme(organisation, title="Old", planned=(Y(1999, 1, 1), Y(2002, 12, 31)), status="4")
    make_programme(organisation, title="Recent", actual=(Y(2015, 1, 1), None), status="2")
    make_programme(organisation, title="Undated")
    Participation.objects.create(programme=old, role="4", organisation=other_organisation)

    assert keys(member, status="4") == {"Old"}
    assert keys(member, partner=other_organisation.pk) == {"Old"}
    assert keys(member, first_year=2003) == {"Recent"}
    assert keys(member, last_year=2003) == {"Old"}
    assert keys(member, first_year=2000, last_year=2001) == {"Old"}
    assert keys(member, first_year=2030) == {"Recent"}  # still open: runs to today and beyond
    assert keys(member) == {"Old", "Recent", "Undated"}
    assert keys(member, kinds=frozenset({MISSION, DOCUMENT})) == set()
    assert timeline_partners(user=member, country="CF") == [(other_organisation.pk, "AGENCY")]  # type: ignore[arg-type]


def test_partners_offered_are_those_of_programmes_the_user_may_see(
    organisation: Organisation, other_organisation: Organisation, member: object, outsider: object
) -> None:
    hidden = make_programme(organisation, confidentiality=Confidentiality.ORGANISATION, planned=(Y(2009, 1, 1), None))
    Participation.objects.create(programme=hidden, role="1", organisation=other_organisation)

    assert timeline_partners(user=member, country="CF") == [(other_organisation.pk, "AGENCY")]  # type: ignore[arg-type]
    assert timeline_partners(user=outsider, country="CF") == []  # type: ignore[arg-type]


def test_a_timeline_shows_the_latest_items_up_to_the_limit_and_counts_them_all(
    organisation: Organisation, member: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from egide.programmes import timeline_selectors

    for year in range(2000, 2005):
        make_programme(organisation, title=f"From {year}", planned=(Y(year, 1, 1), None))
    monkeypatch.setitem(
        timeline_selectors.PROVIDERS,
        PROGRAMME,
        lambda **arguments: timeline_selectors.programme_items(**arguments, limit=3),
    )

    timeline = country_timeline(user=member, country="CF", filters=TimelineFilters())  # type: ignore[arg-type]

    assert {row.item.label for row in timeline.rows} == {"From 2004", "From 2003", "From 2002"}
    assert timeline.totals[PROGRAMME] == 5


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_the_page_shows_the_chart_data_and_the_same_items_in_a_table(
    programmes: dict[str, Programme], member: object
) -> None:
    response = signed_in(member).get(reverse("country-timeline", args=["cf"]))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="timeline-chart"' in page
    assert 'id="timeline-data"' in page
    assert "build/timeline.js" in page
    assert '<caption id="timeline-table-caption">' in page
    public = programmes["public"]
    assert (
        f'<th scope="row" data-label="Name"><a href="{reverse("programme-detail", args=[public.pk])}">Public</a>'
        f' <small class="muted">{public.iati_identifier}</small>'
    ) in page
    assert "Organisation only" in page
    assert "Elsewhere" not in page
    assert 'aria-current="page">Timeline</a>' in page
    assert "1 January 2005 – 31 December 2009" in page


def test_every_kind_is_ticked_until_the_reader_chooses(programmes: dict[str, Programme], member: object) -> None:
    client = signed_in(member)
    address = reverse("country-timeline", args=["CF"])

    default = client.get(address).content.decode()
    chosen = client.get(address, {"kinds": "mission"}).content.decode()

    assert default.count('name="kinds" value="') == 3
    assert default.count("checked") == 3
    assert chosen.count("checked") == 1
    assert "Organisation only" not in chosen


def test_an_outsider_s_page_and_json_do_not_show_the_organisation_s_programme(
    programmes: dict[str, Programme], outsider: object
) -> None:
    client = signed_in(outsider)

    page = client.get(reverse("country-timeline", args=["CF"])).content.decode()
    data = client.get(reverse("country-timeline-data", args=["CF"])).json()

    assert "Public" in page
    assert "Organisation only" not in page
    assert [row["label"] for row in data["rows"]] == ["Public"]


def test_the_json_gives_the_rows_bars_and_totals_with_the_filters_of_the_address(
    programmes: dict[str, Programme], member: object
) -> None:
    response = signed_in(member).get(reverse("country-timeline-data", args=["CF"]), {"first_year": "2008"})

    assert response.status_code == 200
    data = response.json()
    assert data["country"] == "CF"
    assert [row["label"] for row in data["rows"]] == ["Public", "Organisation only"]
    assert data["rows"][0]["bars"] == [
        {"phase": "planned", "phase_label": "Planned", "start": "2005-01-01", "end": "2009-12-31", "open": False}
    ]
    assert data["rows"][1]["bars"][0]["open"] is True
    assert data["totals"][PROGRAMME] == 2
    assert data["start"] == "2005-01-01"


def test_bad_filters_are_reported_and_left_out_never_an_error(programmes: dict[str, Programme], member: object) -> None:
    client = signed_in(member)
    address = reverse("country-timeline", args=["CF"])

    response = client.get(address, {"first_year": "2010", "last_year": "2001", "partner": "x", "status": "99"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "The last year comes before the first one." in page
    assert "Select a valid choice" in page
    data = client.get(reverse("country-timeline-data", args=["CF"]), {"first_year": "abc"}).json()
    assert "first_year" in data["errors"]
    assert len(data["rows"]) == 2


def test_an_unknown_country_is_not_found(member: object) -> None:
    assert signed_in(member).get(reverse("country-timeline", args=["QQ"])).status_code == 404
    assert signed_in(member).get(reverse("country-timeline-data", args=["QQ"])).status_code == 404


def test_the_page_is_in_french(programmes: dict[str, Programme], member: object) -> None:
    client = signed_in(member)
    client.cookies["django_language"] = "fr"

    page = client.get(reverse("country-timeline", args=["CF"]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()

    assert "Chronologie" in page
    assert "Programme 1 (fr)" in page or "(fr)" in page
    assert "Prévu" in page


def test_a_visitor_sees_the_public_programmes(programmes: dict[str, Programme]) -> None:
    response = Client().get(reverse("country-timeline", args=["CF"]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Public" in page
    assert "Organisation only" not in page


@pytest.mark.parametrize("name", ["country-timeline", "country-timeline-data"])
def test_the_number_of_queries_does_not_grow_with_the_data(
    name: str, organisation: Organisation, other_organisation: Organisation, member: object
) -> None:
    client = signed_in(member)
    address = reverse(name, args=["CF"])

    def add(number: int) -> None:
        for index in range(number):
            programme = make_programme(organisation, planned=(Y(2000 + index % 20, 1, 1), None))
            Participation.objects.create(programme=programme, role="4", organisation=other_organisation)
            ProgrammeCountry.objects.create(programme=programme, country="CF")

    add(3)
    client.get(address)
    with CaptureQueriesContext(connection) as small:
        assert client.get(address, {"partner": other_organisation.pk}).status_code == 200
    add(30)
    with CaptureQueriesContext(connection) as large:
        assert client.get(address, {"partner": other_organisation.pk}).status_code == 200

    assert len(large) == len(small)


def test_the_country_page_has_a_timeline_tab(member: object) -> None:
    page = signed_in(member).get(reverse("country-actors", args=["CF"])).content.decode()

    assert f'href="{reverse("country-timeline", args=["CF"])}"' in page


def test_a_timeline_with_nothing_to_show_says_so_and_draws_no_chart(member: object) -> None:
    page = signed_in(member).get(reverse("country-timeline", args=["CF"])).content.decode()

    assert "No programme, mission or key document of this country matches these filters" in page
    assert 'id="timeline-chart"' not in page
