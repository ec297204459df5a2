"""A country's assessments over time and a framework's heatmap of countries by section: what the reader may see
only, and the heatmap in a number of queries that does not grow with the number of assessments."""

from datetime import date
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from egide.accounts.models import Confidentiality, Organisation
from egide.assessments import services
from egide.assessments.models import Assessment, FrameworkVersion, Question, Status


def client_of(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def make(
    version: FrameworkVersion,
    owner: Organisation,
    country: str,
    as_of: date,
    values: dict[str, int],
    *,
    published: bool = True,
    confidentiality: str = Confidentiality.PUBLIC,
) -> Assessment:
    assessment = services.assessment_create(
        user=None,
        data=services.AssessmentData(
            country=country, framework_version=version, as_of=as_of, owner=owner, confidentiality=confidentiality
        ),
    )
    for code, value in values.items():
        question = Question.objects.get(version=version, code=code)
        services.answer_save(
            user=None, assessment=assessment, question=question, data=services.AnswerData(value=Decimal(value))
        )
    if published:
        Assessment.objects.filter(pk=assessment.pk).update(status=Status.PUBLISHED)
    return assessment


def test_a_countrys_assessments_over_time(
    small_version: FrameworkVersion, organisation: Organisation, member: User, outsider: User
) -> None:
    make(small_version, organisation, "CF", date(2019, 1, 1), {"J1": 0, "O1": 3})
    make(small_version, organisation, "CF", date(2024, 1, 1), {"J1": 3, "O1": 3})
    hidden = make(
        small_version, organisation, "CF", date(2021, 1, 1), {"J1": 1}, confidentiality=Confidentiality.ORGANISATION
    )
    make(small_version, organisation, "ML", date(2022, 1, 1), {"J1": 2})
    url = reverse("country-assessments", args=["cf"])
    response = client_of(outsider).get(url)
    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    section = html.select_one("#framework-small-review")
    rows = section.select("tbody tr")
    assert [row.select("td")[1].text for row in rows] == ["33.3", "100.0"]
    assert [cell.text for cell in rows[0].select("td.number")] == ["33.3", "0.0", "100.0"]
    chart = html.select_one("[data-trend-chart]")
    data = html.find("script", id=chart["data-trend-chart"])
    assert '"dates": ["2019-01-01", "2024-01-01"]' in data.text
    assert html.find("script", attrs={"src": None, "type": None}) is None  # no inline code, only JSON
    member_rows = BeautifulSoup(client_of(member).get(url).content, "html.parser").select(
        "#framework-small-review tbody tr"
    )
    assert [row["data-assessment"] for row in member_rows][1] == str(hidden.pk)
    french = client_of(member).get(url, HTTP_ACCEPT_LANGUAGE="fr")
    assert "au fil du temps" in BeautifulSoup(french.content, "html.parser").h1.text
    assert client_of(None).get(reverse("country-assessments", args=["12"])).status_code == 404


def test_the_heatmap_shows_each_countrys_latest_published_assessment(
    small_version: FrameworkVersion, organisation: Organisation, member: User, outsider: User
) -> None:
    make(small_version, organisation, "CF", date(2019, 1, 1), {"J1": 0, "O1": 0})
    make(small_version, organisation, "CF", date(2024, 1, 1), {"J1": 3, "O1": 1})
    make(small_version, organisation, "CF", date(2025, 1, 1), {"J1": 0}, published=False)
    make(small_version, organisation, "ML", date(2022, 1, 1), {"J1": 2}, confidentiality=Confidentiality.ORGANISATION)
    url = reverse("assessment-framework-heatmap", args=["small-review"])
    html = BeautifulSoup(client_of(outsider).get(url).content, "html.parser")
    assert [row["data-country"] for row in html.select("#heatmap tbody tr")] == ["CF"]
    cells = html.select("#heatmap tbody tr td")[2:]
    assert [cell.text.strip() for cell in cells] == ["100.0 A", "33.3 C"]
    assert "heat-0" in cells[0]["class"]
    assert "heat-2" in cells[1]["class"]
    member_html = BeautifulSoup(client_of(member).get(url).content, "html.parser")
    assert [row["data-country"] for row in member_html.select("#heatmap tbody tr")] == ["CF", "ML"]
    assert client_of(None).get(reverse("assessment-framework-heatmap", args=["none"])).status_code == 404
    french = BeautifulSoup(client_of(None).get(url, HTTP_ACCEPT_LANGUAGE="fr").content, "html.parser")
    assert "Pays" in french.select_one("#heatmap thead").text


@pytest.mark.parametrize("url_name", ["assessment-framework-heatmap", "country-assessments"])
def test_queries_do_not_grow_with_the_assessments(
    small_version: FrameworkVersion, organisation: Organisation, member: User, url_name: str
) -> None:
    client = client_of(member)
    url = reverse(url_name, args=["small-review" if url_name == "assessment-framework-heatmap" else "CF"])

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    make(small_version, organisation, "CF", date(2019, 1, 1), {"J1": 1})
    make(small_version, organisation, "ML", date(2019, 1, 1), {"J1": 1})
    few = count()
    for year in range(2010, 2016):
        for country in ("CF", "ML", "TD", "NE"):
            make(small_version, organisation, country, date(year, 1, 1), {"J1": 2, "O1": 3})
    assert count() == few
