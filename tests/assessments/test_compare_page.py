"""The comparison page and its API: what improved and what worsened, for those who may see both assessments."""

from datetime import date
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from egide.accounts.models import Confidentiality, Organisation
from egide.assessments import services
from egide.assessments.models import Assessment, Question


def client_of(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def answer(assessment: Assessment, code: str, value: int) -> None:
    question = Question.objects.get(version=assessment.framework_version, code=code)
    services.answer_save(
        user=None, assessment=assessment, question=question, data=services.AnswerData(value=Decimal(value))
    )


@pytest.fixture
def earlier(assessment: Assessment, organisation: Organisation) -> Assessment:
    """An assessment of 2019 to compare with the fixture's of 2024: J1 falls, O1 rises, J2 is new in 2024."""
    older = services.assessment_create(
        user=None,
        data=services.AssessmentData(
            country="CF",
            framework_version=assessment.framework_version,
            as_of=date(2019, 6, 30),
            owner=organisation,
            confidentiality=Confidentiality.ORGANISATION,
            title="First review",
        ),
    )
    answer(older, "J1", 3)
    answer(older, "O1", 0)
    answer(assessment, "J1", 1)
    answer(assessment, "O1", 2)
    answer(assessment, "J2", 2)
    return older


def test_the_comparison_page_lists_what_improved_and_worsened(
    assessment: Assessment, earlier: Assessment, member: User
) -> None:
    client = client_of(member)
    detail = BeautifulSoup(client.get(reverse("assessment-detail", args=[assessment.pk])).content, "html.parser")
    url = reverse("assessment-compare", args=[assessment.pk])
    assert detail.select_one("#compare-link")["href"] == url
    chooser = BeautifulSoup(client.get(url).content, "html.parser")
    assert [option["value"] for option in chooser.select("#compare-with option")] == [str(earlier.pk)]
    response = client.get(url, {"with": earlier.pk})
    assert response.status_code == 200
    html = BeautifulSoup(response.content, "html.parser")
    assert [item["data-question"] for item in html.select("#questions-improved li")] == ["O1"]
    assert [item["data-question"] for item in html.select("#questions-worsened li")] == ["J1"]
    assert [item["data-question"] for item in html.select("#questions-newly_answered li")] == ["J2"]
    assert "+66.7" in html.select_one("#questions-improved li").text
    # The earlier is always "before", from whichever page one starts.
    again = BeautifulSoup(
        client.get(reverse("assessment-compare", args=[earlier.pk]), {"with": assessment.pk}).content, "html.parser"
    )
    assert [item["data-question"] for item in again.select("#questions-improved li")] == ["O1"]
    french = client.get(url, {"with": earlier.pk}, HTTP_ACCEPT_LANGUAGE="fr")
    assert "Amélioré" in BeautifulSoup(french.content, "html.parser").select_one("#questions-improved").text


def test_who_may_compare(
    assessment: Assessment,
    earlier: Assessment,
    owner: User,
    member: User,
    outsider: User,
    other_organisation: Organisation,
) -> None:
    url = reverse("assessment-compare", args=[assessment.pk])
    assert client_of(owner).get(url, {"with": earlier.pk}).status_code == 200
    assert client_of(member).get(url, {"with": earlier.pk}).status_code == 200
    assert client_of(outsider).get(url, {"with": earlier.pk}).status_code == 404
    assert client_of(outsider).get(url).status_code == 404
    assert client_of(member).get(url, {"with": "x"}).status_code == 404
    assert client_of(member).get(url, {"with": assessment.pk}).status_code == 404
    # An assessment the reader may not see cannot be compared with, even from one the reader may see.
    hidden = services.assessment_create(
        user=None,
        data=services.AssessmentData(
            country="CF",
            framework_version=assessment.framework_version,
            as_of=date(2021, 1, 1),
            owner=other_organisation,
            confidentiality=Confidentiality.ORGANISATION,
        ),
    )
    assert client_of(member).get(url, {"with": hidden.pk}).status_code == 404
    options = BeautifulSoup(client_of(member).get(url).content, "html.parser").select("#compare-with option")
    assert str(hidden.pk) not in [option["value"] for option in options]
    assert (
        client_of(outsider).get(reverse("assessment-compare", args=[hidden.pk]), {"with": earlier.pk}).status_code
        == 404
    )


def test_the_comparison_api(assessment: Assessment, earlier: Assessment, member: User, outsider: User) -> None:
    url = f"/api/v1/assessments/{assessment.pk}/compare"
    found = client_of(member).get(url, {"with": earlier.pk})
    assert found.status_code == 200
    body = found.json()
    assert (body["before"], body["after"]) == (earlier.pk, assessment.pk)
    changes = {row["question"]: row["change"] for row in body["questions"]}
    assert changes["O1"] == "improved"
    assert changes["J1"] == "worsened"
    assert changes["J2"] == "newly_answered"
    assert [row["section"] for row in body["sections"]] == ["justice", "oversight"]
    assert client_of(outsider).get(url, {"with": earlier.pk}).status_code == 404
    assert client_of(member).get(url, {"with": assessment.pk}).status_code == 404
