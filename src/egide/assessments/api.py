"""The assessments' API: frameworks (published to all) and the assessments the reader may see, with their scores.
The same selectors as the pages."""

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError
from ninja.pagination import paginate

from egide.actors.schemas import Line24, Line300
from egide.api.common import LazyPage, Pagination
from egide.api.errors import answers
from egide.assessments import selectors
from egide.assessments.comparison import Delta
from egide.assessments.models import Assessment, FrameworkVersion
from egide.assessments.report import score_document
from egide.assessments.schemas import (
    AssessmentComparisonOut,
    AssessmentOut,
    AssessmentSummary,
    FrameworkDetailOut,
    FrameworkVersionOut,
)

router = Router(tags=["assessments"])


def _version(version: FrameworkVersion) -> dict[str, Any]:
    return {
        "identifier": version.framework.identifier,
        "version": version.version,
        "title_en": version.title_en,
        "title_fr": version.title_fr,
        "loaded_at": version.loaded_at,
        "sections": version.section_count,  # type: ignore[attr-defined]
        "questions": version.question_count,  # type: ignore[attr-defined]
    }


def _summary(assessment: Assessment) -> dict[str, Any]:
    version = assessment.framework_version
    return {
        "id": assessment.pk,
        "title": assessment.title,
        "country": assessment.country,
        "as_of": assessment.as_of,
        "status": assessment.status,
        "framework": version.framework.identifier,
        "framework_version": version.version,
        "owner": assessment.owner.acronym if assessment.owner else None,
        "confidentiality": assessment.confidentiality,
        "previous": assessment.previous_id,
    }


@router.get(
    "/assessments/frameworks",
    response=answers({200: list[FrameworkVersionOut]}, 422),
    summary="Assessment frameworks, every version loaded",
)
def list_frameworks(request: HttpRequest) -> Any:
    return [
        _version(version) for version in selectors.framework_versions().order_by("framework__identifier", "-loaded_at")
    ]


@router.get(
    "/assessments/frameworks/{identifier}",
    response=answers({200: FrameworkDetailOut}, 404, 422),
    summary="One assessment framework, as loaded",
)
def read_framework(request: HttpRequest, identifier: str, version: str = "") -> Any:
    """The latest version loaded, or the one named by `version`."""
    try:
        found = selectors.framework_version(identifier=identifier[:100], version=version[:50] or None)
    except Http404:
        raise HttpError(404, _("No such framework.")) from None
    return {
        "identifier": found.framework.identifier,
        "version": found.version,
        "loaded_at": found.loaded_at,
        "document": found.document,
    }


@router.get(
    "/assessments",
    response=answers({200: list[AssessmentSummary]}, 422),
    summary="Assessments, filtered",
)
@paginate(Pagination)
def list_assessments(request: HttpRequest, country: Line24 = "", framework: Line300 = "", status: Line24 = "") -> Any:
    """The assessments you may see, newest first. Filter by `country` (code), `framework` (identifier) and
    `status` (draft, in_review or published)."""
    filters = selectors.AssessmentFilters(country=country.upper()[:2], framework=framework[:100], status=status[:20])
    return LazyPage(selectors.assessment_list(user=request.user, filters=filters), _summary)


@router.get(
    "/assessments/{pk}",
    response=answers({200: AssessmentOut}, 404, 422),
    summary="One assessment, with its scores and answers",
)
def read_assessment(request: HttpRequest, pk: int) -> Any:
    try:
        assessment = selectors.assessment_visible(user=request.user, pk=pk)
    except Http404:
        raise HttpError(404, _("No such assessment.")) from None
    scores = score_document(assessment)
    answers_by_question = selectors.answers_of(assessment)
    codes = dict(assessment.framework_version.questions.values_list("id", "code"))
    return {
        **_summary(assessment),
        "overall": scores["overall"],
        "sections": scores["sections"],
        "answers": [
            {
                "question": codes[question_id],
                "answer": answer.state,
                "value": None if answer.value is None else float(answer.value),
                "justification": answer.justification,
                "source": answer.source,
                "confidence": answer.confidence,
                "updated_at": answer.updated_at,
            }
            for question_id, answer in answers_by_question.items()
        ],
    }


def _delta(delta: Delta) -> dict[str, Any]:
    return {"before": delta.before, "after": delta.after, "delta": delta.delta, "change": delta.change.value}


@router.get(
    "/assessments/{pk}/compare",
    response=answers({200: AssessmentComparisonOut}, 404, 422),
    summary="Two assessments compared",
)
def compare_assessments(request: HttpRequest, pk: int, other: int = Query(..., alias="with")) -> Any:
    """Per question, per section and overall, the scores of the earlier and the later of two assessments of the
    same country and framework (`with` names the other) and their difference."""
    try:
        assessment = selectors.assessment_visible(user=request.user, pk=pk)
        comparison = selectors.comparison_of(user=request.user, assessment=assessment, other_pk=other)
    except Http404:
        raise HttpError(404, _("No such assessment.")) from None
    result = comparison.result
    return {
        "before": comparison.before.pk,
        "after": comparison.after.pk,
        "overall": _delta(result),
        "sections": [{"section": section.code, **_delta(section)} for section in result.sections],
        "questions": [
            {"question": question.code, "section": question.section, **_delta(question)}
            for question in result.questions
        ],
    }
