"""Questions narrowed by the assessment's scope (`applies_to`): the pure rule, the scores and coverage, the answer
service, the questionnaire's export and import, and the assessment page."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from egide.accounts.models import Confidentiality, Organisation
from egide.assessments import services
from egide.assessments.frameworks import AppliesTo, Framework
from egide.assessments.models import Assessment, FrameworkVersion, Question
from egide.assessments.questionnaire import export_questionnaire
from egide.assessments.scope import ScopeActor, applies, outside_scope, within_scope
from egide.assessments.scoring import NOT_APPLICABLE
from egide.assessments.selectors import scorecard, scorecards_of, scoring_answers
from egide.core.imports.problems import ImportRejected
from tests.conftest import ActorFactory

POLICE = ScopeActor("providers", "police")
COURT = ScopeActor("justice", "court")

# --- the rule (pure) ----------------------------------------------------------------------------------------------


def test_without_a_scope_every_question_applies() -> None:
    assert applies(families=["justice"], kinds=["court"], scope=[])


def test_a_question_naming_no_actor_applies_to_every_scope() -> None:
    assert applies(families=[], kinds=[], scope=[POLICE])


def test_a_question_applies_when_one_actor_matches_its_family_or_its_kind() -> None:
    assert applies(families=["justice"], kinds=[], scope=[POLICE, COURT])
    assert applies(families=[], kinds=["police"], scope=[POLICE])
    assert not applies(families=["justice"], kinds=["court"], scope=[POLICE])
    assert not applies(families=[], kinds=["prison"], scope=[POLICE, COURT])


def test_outside_questions_read_as_not_applicable(small_version: FrameworkVersion) -> None:
    definition: Framework = small_version.definition
    assert outside_scope(definition, []) == frozenset()
    assert outside_scope(definition, [COURT]) == frozenset()
    assert outside_scope(definition, [POLICE]) == {"J1"}
    assert within_scope({"J1": 3, "O1": 1}, {"J1"}) == {"J1": NOT_APPLICABLE, "O1": 1}
    assert definition.questions[0].applies_to == AppliesTo(("justice",), ("court",))


# --- the services and the scores ----------------------------------------------------------------------------------


@pytest.fixture
def scoped(small_version: FrameworkVersion, organisation: Organisation, make_actor: ActorFactory) -> Assessment:
    """An assessment of the police alone: J1 (courts) is outside its scope."""
    return services.assessment_create(
        user=None,
        data=services.AssessmentData(
            country="CF",
            framework_version=small_version,
            as_of=date(2024, 6, 30),
            owner=organisation,
            confidentiality=Confidentiality.ORGANISATION,
            title="Police review",
            actors=(make_actor(kind="police", name="National Police"),),
        ),
    )


def answer(assessment: Assessment, code: str, value: int) -> None:
    services.answer_save(
        user=None,
        assessment=assessment,
        question=Question.objects.get(version=assessment.framework_version, code=code),
        data=services.AnswerData(value=Decimal(value)),
    )


def test_a_question_outside_the_scope_is_refused_and_one_inside_is_answered(scoped: Assessment) -> None:
    with pytest.raises(ValidationError) as refused:
        answer(scoped, "J1", 3)
    assert "outside this assessment's scope" in str(refused.value.message_dict["question"])
    answer(scoped, "J2", 3)
    assert scoped.answers.count() == 1


def test_coverage_and_score_leave_the_outside_question_out(scoped: Assessment, assessment: Assessment) -> None:
    for each in (scoped, assessment):
        answer(each, "J2", 3)
    justice = scorecard(scoped).section("justice")
    assert (justice.answered, justice.applicable, justice.coverage, justice.score) == (1, 1, 100, 100)
    unscoped = scorecard(assessment).section("justice")
    assert (unscoped.answered, unscoped.applicable, unscoped.coverage) == (1, 2, 50)
    assert scorecards_of([scoped, assessment])[scoped.pk].section("justice").applicable == 1
    assert scorecards_of([scoped, assessment])[assessment.pk].section("justice").applicable == 2
    assert scoring_answers(scoped)["J1"] == NOT_APPLICABLE


def test_the_questionnaire_leaves_the_outside_question_out_and_refuses_a_row_for_it(
    scoped: Assessment, assessment: Assessment
) -> None:
    def codes(of: Assessment) -> list[str]:
        sheet = load_workbook(io.BytesIO(export_questionnaire(of, language="en")))["questions"]
        return [row[1].value for row in sheet.iter_rows(min_row=2)]

    assert codes(scoped) == ["J2", "O1", "O2"]
    assert codes(assessment) == ["J1", "J2", "O1", "O2"]
    # A questionnaire of the same framework filled for the unscoped assessment, imported into the scoped one's.
    book = load_workbook(io.BytesIO(export_questionnaire(scoped, language="en")))
    sheet = book["questions"]
    sheet.append(["Justice", "J1", "", "", "Effective", "", "", "High"])
    for row in sheet.iter_rows(min_row=2, max_row=2):
        row[4].value = "Effective"
    output = io.BytesIO()
    book.save(output)
    with pytest.raises(ImportRejected) as caught:
        services.answers_import(user=None, assessment=scoped, data=output.getvalue(), filename="filled.xlsx")
    problems = [(problem.row, problem.column, problem.message) for problem in caught.value.problems]
    assert len(problems) == 1
    assert problems[0][:2] == (5, "code")
    assert "outside this assessment's scope" in problems[0][2]
    assert not scoped.answers.exists()


def test_the_page_shows_the_outside_question_greyed_without_a_form(
    scoped: Assessment, assessment: Assessment, member: User
) -> None:
    client = Client()
    client.force_login(member)
    unscoped = client.get(reverse("assessment-detail", args=[assessment.pk])).content.decode()
    assert "question-outside" not in unscoped
    assert "outside-scope-note" not in unscoped
    html = client.get(reverse("assessment-detail", args=[scoped.pk])).content.decode()
    j1 = Question.objects.get(version=scoped.framework_version, code="J1")
    j2 = Question.objects.get(version=scoped.framework_version, code="J2")
    assert f'<details class="assessment-question question-outside" id="question-{j1.pk}">' in html
    assert "Outside this assessment’s scope" in html
    assert "1 question concerns none of the actors of this assessment’s scope" in html
    assert reverse("assessment-answer", args=[scoped.pk, j1.pk]) not in html
    assert reverse("assessment-answer", args=[scoped.pk, j2.pk]) in html
    refused = client.post(
        reverse("assessment-answer", args=[scoped.pk, j1.pk]),
        {f"q{j1.pk}-answer": "3", f"q{j1.pk}-confidence": "medium"},
        HTTP_HX_REQUEST="true",
    )
    assert refused.status_code == 422
    assert "outside this assessment" in refused.content.decode()
    client.cookies["django_language"] = "fr"
    html = client.get(reverse("assessment-detail", args=[scoped.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Hors du périmètre de cette évaluation" in html
    assert "1 question ne concerne aucun des acteurs du périmètre" in html


def test_the_api_names_the_questions_outside_the_scope(
    scoped: Assessment, assessment: Assessment, member: User, make_actor: ActorFactory
) -> None:
    client = Client()
    client.force_login(member)
    # The scope also held a court when J1 was answered; the court left the scope afterwards.
    court = make_actor(kind="court", name="Court of Appeal")
    scoped.actors.add(court)
    answer(scoped, "J1", 3)
    scoped.actors.remove(court)
    answer(scoped, "J2", 2)
    detail = client.get(f"/api/v1/assessments/{scoped.pk}").json()
    assert detail["questions_outside_scope"] == ["J1"]
    assert {entry["question"]: entry["outside_scope"] for entry in detail["answers"]} == {"J1": True, "J2": False}
    justice = next(section for section in detail["sections"] if section["code"] == "justice")
    assert (justice["answered"], justice["applicable"]) == (1, 1)
    unscoped = client.get(f"/api/v1/assessments/{assessment.pk}").json()
    assert unscoped["questions_outside_scope"] == []
