"""Every assessment page, in English and French, with owner / member / outsider and each role."""

from datetime import date
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from egide.accounts.models import Confidentiality, Organisation
from egide.assessments import services
from egide.assessments.models import Answer, AnswerState, Assessment, FrameworkVersion, Question, Status
from egide.governance.selectors import country_findings
from tests.assessments.helpers import SMALL, as_yaml, small_document
from tests.conftest import SmallMap


def client_of(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def page(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.content, "html.parser")


def question(assessment: Assessment, code: str) -> Question:
    return Question.objects.get(version=assessment.framework_version, code=code)


def test_the_frameworks_list_and_page(small_version: FrameworkVersion) -> None:
    response = client_of(None).get(reverse("assessment-framework-list"))
    assert response.status_code == 200
    assert "Small review" in page(response).select_one("#frameworks").text
    response = client_of(None).get(reverse("assessment-framework", args=["small-review"]))
    html = page(response)
    assert response.status_code == 200
    assert [cell.text for cell in html.select("#framework-scale td:nth-of-type(2)")] == [
        "Absent",
        "Partial",
        "Established",
        "Effective",
    ]
    assert [cell.text for cell in html.select("#framework-bands strong")] == ["A", "B", "C"]
    assert "Are judges appointed independently?" in html.select_one("#section-justice").text
    assert "judicial-independence" in html.select_one("#section-justice").text
    assert html.select_one("#scoring-rule") is not None
    assert client_of(None).get(reverse("assessment-framework", args=["none"])).status_code == 404


def test_the_framework_page_in_french_and_by_version(small_version: FrameworkVersion) -> None:
    document = small_document()
    document["version"] = "2.0"
    document["title"]["fr"] = "Petite revue, deuxième"
    services.framework_load(user=None, content=as_yaml(document))
    client = client_of(None)
    response = client.get(reverse("assessment-framework", args=["small-review"]), HTTP_ACCEPT_LANGUAGE="fr")
    html = page(response)
    assert "Petite revue, deuxième" in html.h1.text
    assert "Solide" in html.select_one("#framework-bands").text
    older = client.get(
        reverse("assessment-framework", args=["small-review"]) + "?version=1.0", HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert page(older).h1.text.strip() == "Petite revue"


def test_the_schema_is_served(db: None) -> None:
    response = client_of(None).get(reverse("assessment-framework-schema"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/schema+json")
    assert response.json()["required"][0] == "identifier"


def test_uploading_a_framework(member: User, viewer: User) -> None:
    url = reverse("assessment-framework-upload")
    assert client_of(viewer).get(url).status_code == 403
    assert client_of(None).get(url).status_code == 302
    client = client_of(member)
    assert client.get(url).status_code == 200
    response = client.post(url, {"file": SimpleUploadedFile("small.yaml", SMALL.read_bytes())})
    assert response.status_code == 302
    assert FrameworkVersion.objects.get().loaded_by == member
    document = small_document()
    document["version"] = "3"
    document["sections"][0]["area"] = "space"
    document["bands"][0]["minimum"] = 500
    response = client.post(url, {"file": SimpleUploadedFile("bad.yaml", as_yaml(document))})
    assert response.status_code == 400
    faults = page(response).select("#framework-faults li")
    assert len(faults) == 2
    assert "sections[0].area" in faults[1].text or "sections[0].area" in faults[0].text
    assert "line" in faults[0].text
    assert FrameworkVersion.objects.count() == 1


def test_the_list_filters_and_hides(
    assessment: Assessment, small_version: FrameworkVersion, organisation: Organisation, member: User, outsider: User
) -> None:
    services.assessment_create(
        user=None,
        data=services.AssessmentData(
            country="ML",
            framework_version=small_version,
            as_of=assessment.as_of,
            owner=organisation,
            confidentiality=Confidentiality.PUBLIC,
            title="Mali review",
        ),
    )
    url = reverse("assessment-list")

    def rows(client: Client, query: str = "") -> list[str]:
        response = client.get(url + query)
        assert response.status_code == 200
        return [row.a.text for row in page(response).select("#assessments tbody tr")]

    assert sorted(rows(client_of(member))) == ["Baseline review", "Mali review"]
    assert rows(client_of(outsider)) == ["Mali review"]
    assert rows(client_of(None)) == ["Mali review"]
    assert rows(client_of(member), "?country=CF") == ["Baseline review"]
    assert rows(client_of(member), "?status=published") == []
    assert len(rows(client_of(member), "?framework=small-review&status=draft")) == 2
    assert rows(client_of(member), "?framework=other") == []


def test_creating_an_assessment(
    small_version: FrameworkVersion, organisation: Organisation, member: User, viewer: User
) -> None:
    url = reverse("assessment-create")
    assert client_of(viewer).get(url).status_code == 403
    client = client_of(member)
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "framework_version": small_version.pk,
            "country": "CF",
            "as_of": "2024-03-31",
            "title": "Spring review",
            "owner": organisation.pk,
            "confidentiality": Confidentiality.ORGANISATION,
        },
    )
    created = Assessment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessment-detail", args=[created.pk])
    assert (created.title, created.created_by, list(created.team.all())) == ("Spring review", member, [member])
    response = client.post(url, {"framework_version": small_version.pk, "country": "CF", "owner": organisation.pk})
    assert response.status_code == 400


def test_the_assessment_page_shows_scores_with_coverage_and_the_rule(assessment: Assessment, member: User) -> None:
    services.answer_save(
        user=None,
        assessment=assessment,
        question=question(assessment, "J1"),
        data=services.AnswerData(value=Decimal(2)),
    )
    services.answer_save(
        user=None,
        assessment=assessment,
        question=question(assessment, "O2"),
        data=services.AnswerData(state=AnswerState.NOT_APPLICABLE, justification="No ombudsman foreseen"),
    )
    response = client_of(member).get(reverse("assessment-detail", args=[assessment.pk]))
    html = page(response)
    assert response.status_code == 200
    overall = html.select_one(".overall-score").text
    assert "66.7" in overall
    assert "B" in overall
    assert "coverage 33 % (1 of 3)" in " ".join(overall.split())
    justice = html.select_one("#section-scores tbody tr").text
    assert "66.7" in justice
    assert html.select_one("#scoring-rule") is not None
    j1 = html.select_one(f"#question-{question(assessment, 'J1').pk}")
    assert "2 — Established" in " ".join(j1.select_one(".current-answer").text.split())
    # Level choices from the scale; "not applicable" only where the framework allows it.
    j1_choices = [option["value"] for option in j1.select("select[name$=answer] option")]
    assert j1_choices == ["", "0", "1", "2", "3", "insufficient_evidence"]
    o2 = html.select_one(f"#question-{question(assessment, 'O2').pk}")
    assert "not_applicable" in [option["value"] for option in o2.select("select[name$=answer] option")]
    assert html.select_one("#submit-assessment") is not None
    assert html.select_one("#approve-assessment") is None


def test_the_page_in_french(assessment: Assessment, member: User) -> None:
    response = client_of(member).get(reverse("assessment-detail", args=[assessment.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    html = page(response)
    assert "Les juges sont-ils nommés de façon indépendante ?" in html.text
    assert "Soumettre" in html.select_one("#submit-assessment").text
    assert "couverture" in html.select_one(".overall-score").text


def test_who_sees_the_assessment_and_its_forms(
    assessment: Assessment, owner: User, member: User, viewer: User, outsider: User, reviewer: User
) -> None:
    url = reverse("assessment-detail", args=[assessment.pk])
    assert client_of(outsider).get(url).status_code == 404
    assert client_of(None).get(url).status_code == 404
    for user in (owner, member):
        assert page(client_of(user).get(url)).select("form.answer-form")
    for user in (viewer, reviewer):
        html = page(client_of(user).get(url))
        assert html.select("form.answer-form") == []
        assert html.select_one("#submit-assessment") is None


def test_answering_with_htmx_returns_the_question_and_refreshes_the_scores(
    assessment: Assessment, member: User
) -> None:
    j1 = question(assessment, "J1")
    url = reverse("assessment-answer", args=[assessment.pk, j1.pk])
    client = client_of(member)
    response = client.post(
        url,
        {f"q{j1.pk}-answer": "3", f"q{j1.pk}-justification": "Council", f"q{j1.pk}-confidence": "high"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert "egide:changed" in response["HX-Trigger"]
    assert "Effective" in page(response).select_one(".current-answer").text
    saved = Answer.objects.get()
    assert (saved.value, saved.confidence, saved.justification) == (Decimal(3), "high", "Council")
    scores = client.get(reverse("assessment-detail", args=[assessment.pk]) + "?part=scores", HTTP_HX_REQUEST="true")
    assert "100.0" in page(scores).select_one(".overall-score").text
    refused = client.post(
        url, {f"q{j1.pk}-answer": "not_applicable", f"q{j1.pk}-confidence": "low"}, HTTP_HX_REQUEST="true"
    )
    assert refused.status_code == 422
    assert page(refused).select(".error")
    assert Answer.objects.get().value == Decimal(3)
    plain = client.post(url, {f"q{j1.pk}-answer": "1", f"q{j1.pk}-confidence": "low"})
    assert plain.status_code == 302


def test_answering_is_refused_to_others(assessment: Assessment, viewer: User, outsider: User, reviewer: User) -> None:
    j1 = question(assessment, "J1")
    url = reverse("assessment-answer", args=[assessment.pk, j1.pk])
    data = {f"q{j1.pk}-answer": "3", f"q{j1.pk}-confidence": "high"}
    assert client_of(viewer).post(url, data).status_code == 403
    assert client_of(reviewer).post(url, data).status_code == 403
    assert client_of(outsider).post(url, data).status_code == 404
    assert not Answer.objects.exists()


def test_the_workflow_through_the_pages(assessment: Assessment, member: User, reviewer: User, outsider: User) -> None:
    detail = reverse("assessment-detail", args=[assessment.pk])
    assert client_of(reviewer).post(reverse("assessment-submit", args=[assessment.pk])).status_code == 403
    assert client_of(member).post(reverse("assessment-submit", args=[assessment.pk])).status_code == 302
    html = page(client_of(reviewer).get(detail))
    assert html.select_one("#approve-assessment") is not None
    assert html.select_one("#submit-assessment") is None
    assert client_of(member).post(reverse("assessment-approve", args=[assessment.pk])).status_code == 403
    assert client_of(outsider).post(reverse("assessment-approve", args=[assessment.pk])).status_code == 404
    response = client_of(reviewer).post(reverse("assessment-return", args=[assessment.pk]), {"comment": ""})
    assert response.status_code == 400
    response = client_of(reviewer).post(
        reverse("assessment-return", args=[assessment.pk]), {"comment": "Cite sources."}
    )
    assert response.status_code == 302
    assert "Cite sources." in page(client_of(member).get(detail)).select_one("#review-comment").text
    client_of(member).post(reverse("assessment-submit", args=[assessment.pk]))
    assert client_of(reviewer).post(reverse("assessment-approve", args=[assessment.pk])).status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Status.PUBLISHED
    html = page(client_of(member).get(detail))
    assert html.select("form.answer-form") == []
    response = client_of(member).post(reverse("assessment-correct", args=[assessment.pk]))
    correction = Assessment.objects.get(previous=assessment)
    assert response["Location"] == reverse("assessment-detail", args=[correction.pk])
    assert page(client_of(member).get(reverse("assessment-detail", args=[correction.pk]))).select_one("#corrects")


@pytest.mark.parametrize("name", ["assessment-list", "assessment-framework-list"])
def test_the_lists_in_french(name: str, small_version: FrameworkVersion) -> None:
    response = client_of(None).get(reverse(name), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert page(response).html["lang"] == "fr"


def test_a_numeric_scale_is_answered_with_a_value(organisation: Organisation, member: User) -> None:
    document = small_document()
    document["identifier"] = "numeric-review"
    document["scale"] = {"kind": "numeric", "minimum": 0, "maximum": 10}
    version = services.framework_load(user=None, content=as_yaml(document)).version
    assessment = services.assessment_create(
        user=None,
        data=services.AssessmentData(
            country="CF", framework_version=version, as_of=date(2024, 1, 1), owner=organisation
        ),
    )
    j1 = version.questions.get(code="J1")
    client = client_of(member)
    url = reverse("assessment-answer", args=[assessment.pk, j1.pk])
    refused = client.post(
        url,
        {f"q{j1.pk}-answer": "answered", f"q{j1.pk}-value": "11", f"q{j1.pk}-confidence": "low"},
        HTTP_HX_REQUEST="true",
    )
    assert refused.status_code == 422
    assert "from 0 to 10" in page(refused).text
    saved = client.post(
        url,
        {f"q{j1.pk}-answer": "answered", f"q{j1.pk}-value": "7.5", f"q{j1.pk}-confidence": "low"},
        HTTP_HX_REQUEST="true",
    )
    assert saved.status_code == 200
    assert Answer.objects.get(assessment=assessment).value == Decimal("7.5")
    html = page(client.get(reverse("assessment-detail", args=[assessment.pk])))
    assert "75.0" in html.select_one(".overall-score").text


def test_governance_findings_are_suggested_beside_their_questions(
    small_map: SmallMap, organisation: Organisation, member: User, outsider: User
) -> None:
    found = country_findings(user=None, country="CF")
    assert found.findings
    rule = found.findings[0].rule
    document = small_document()
    document["identifier"] = "evidence-review"
    document["sections"][0]["questions"][0]["rules"] = [rule]
    version = services.framework_load(user=None, content=as_yaml(document)).version
    assessment = services.assessment_create(
        user=None,
        data=services.AssessmentData(country="CF", framework_version=version, as_of=date.today(), owner=organisation),
    )
    j1 = version.questions.get(code="J1")
    html = page(client_of(member).get(reverse("assessment-detail", args=[assessment.pk])))
    suggested = html.select_one(f"#question-{j1.pk} .suggested-evidence")
    assert suggested is not None
    expected = sum(1 for finding in found.findings if finding.rule == rule)
    assert len(suggested.select("li")) == expected
    # Unanswered: the finding is cited once the question is answered.
    assert suggested.select_one("button.cite-finding") is None
    assert "Answer the question to cite it." in suggested.text
    services.answer_save(user=member, assessment=assessment, question=j1, data=services.AnswerData(value=Decimal(1)))
    html = page(client_of(member).get(reverse("assessment-detail", args=[assessment.pk])))
    suggested = html.select_one(f"#question-{j1.pk} .suggested-evidence")
    button = suggested.select_one("button.cite-finding")
    form = button.find_parent("form")
    assert form["action"] == reverse("assessment-cite-finding", args=[assessment.pk, j1.pk])
    assert form.select_one("input[name=key]")["value"] in {
        finding.key for finding in found.findings if finding.rule == rule
    }
    assert html.select_one(f"#question-{version.questions.get(code='O1').pk} .suggested-evidence") is None
