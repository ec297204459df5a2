"""The assessments' API: frameworks for everyone, assessments as the visibility rule allows, with their scores."""

from decimal import Decimal

from django.contrib.auth.models import User
from django.test import Client

from egide.accounts.models import Confidentiality
from egide.assessments import services
from egide.assessments.models import AnswerState, Assessment, FrameworkVersion


def client_of(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_frameworks_list_and_detail(small_version: FrameworkVersion) -> None:
    response = client_of(None).get("/api/v1/assessments/frameworks")
    assert response.status_code == 200
    assert response.json() == [
        {
            "identifier": "small-review",
            "version": "1.0",
            "title_en": "Small review",
            "title_fr": "Petite revue",
            "loaded_at": response.json()[0]["loaded_at"],
            "sections": 2,
            "questions": 4,
        }
    ]
    detail = client_of(None).get("/api/v1/assessments/frameworks/small-review").json()
    assert detail["document"]["sections"][0]["questions"][0]["code"] == "J1"
    assert client_of(None).get("/api/v1/assessments/frameworks/small-review?version=9").status_code == 404
    assert client_of(None).get("/api/v1/assessments/frameworks/nothing").status_code == 404


def test_assessments_list_and_detail_with_scores(assessment: Assessment, member: User, outsider: User) -> None:
    j1 = assessment.framework_version.questions.get(code="J1")
    o2 = assessment.framework_version.questions.get(code="O2")
    services.answer_save(user=None, assessment=assessment, question=j1, data=services.AnswerData(value=Decimal(1)))
    services.answer_save(
        user=None,
        assessment=assessment,
        question=o2,
        data=services.AnswerData(state=AnswerState.NOT_APPLICABLE, justification="None"),
    )
    listed = client_of(member).get("/api/v1/assessments?country=cf").json()
    assert listed["count"] == 1
    assert listed["items"][0]["framework"] == "small-review"
    assert client_of(member).get("/api/v1/assessments?status=published").json()["count"] == 0
    assert client_of(outsider).get("/api/v1/assessments").json()["count"] == 0
    assert client_of(None).get("/api/v1/assessments").json()["count"] == 0
    detail = client_of(member).get(f"/api/v1/assessments/{assessment.pk}").json()
    assert detail["overall"]["score"] == 33.33
    assert detail["overall"]["band"] == "C"
    assert (detail["overall"]["answered"], detail["overall"]["applicable"]) == (1, 3)
    assert [section["code"] for section in detail["sections"]] == ["justice", "oversight"]
    assert {answer["question"]: answer["answer"] for answer in detail["answers"]} == {
        "J1": "answered",
        "O2": "not_applicable",
    }
    assert client_of(outsider).get(f"/api/v1/assessments/{assessment.pk}").status_code == 404
    assessment.confidentiality = Confidentiality.PUBLIC
    assessment.save()
    assert client_of(None).get(f"/api/v1/assessments/{assessment.pk}").status_code == 200
