"""The heatmap and the comparison read the same number of queries whatever the number of countries, assessments
and answers (benchmarks/assessments.py measures them at 190 countries)."""

from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from egide.accounts.models import Organisation
from egide.assessments.models import Answer, AnswerState, Assessment, FrameworkVersion, Question, Status


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def published(version: FrameworkVersion, organisation: Organisation, countries: list[str]) -> list[Assessment]:
    """Two published assessments of each country, every question answered."""
    made = Assessment.objects.bulk_create(
        Assessment(
            country=country,
            framework_version=version,
            as_of=date(year, 6, 30),
            owner=organisation,
            status=Status.PUBLISHED,
        )
        for country in countries
        for year in (2022, 2024)
    )
    questions = list(Question.objects.filter(version=version))
    Answer.objects.bulk_create(
        Answer(assessment=assessment, question=question, state=AnswerState.ANSWERED, value=Decimal(index % 4))
        for assessment in made
        for index, question in enumerate(questions)
    )
    return made


def test_the_heatmap_and_the_comparison_read_a_constant_number_of_queries(
    small_version: FrameworkVersion, organisation: Organisation, member: User
) -> None:
    client = Client()
    client.force_login(member)
    heatmap = reverse("assessment-framework-heatmap", args=[small_version.framework.identifier])
    first = published(small_version, organisation, ["CF", "ML"])
    comparison = f"{reverse('assessment-compare', args=[first[1].pk])}?with={first[0].pk}"
    queries(client, heatmap)  # the reader's memberships, read once and kept
    few = {url: queries(client, url) for url in (heatmap, comparison)}
    published(small_version, organisation, ["BF", "NE", "TD", "SN", "CI", "GN", "CM", "GA", "CG", "CD"])
    assert "Niger" in client.get(heatmap).content.decode()
    assert {url: queries(client, url) for url in (heatmap, comparison)} == few
