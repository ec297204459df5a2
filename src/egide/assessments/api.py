"""The assessments' API: frameworks (published to all) and the assessments the reader may see, with their scores.
The same selectors as the pages."""

from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from egide.actors.schemas import Line24, Line300
from egide.api.auth import writers
from egide.api.common import LazyPage, Pagination
from egide.api.errors import WRITE_ERRORS, answers
from egide.assessments import selectors, services
from egide.assessments.comparison import Delta
from egide.assessments.models import Assessment, FrameworkVersion, Question, ReviewComment
from egide.assessments.report import score_document
from egide.assessments.schemas import (
    AssessmentComparisonOut,
    AssessmentOut,
    AssessmentSummary,
    FrameworkDetailOut,
    FrameworkVersionOut,
    ReviewCommentIn,
    ReviewCommentOut,
    ReviewCommentsOut,
    ReviewReplyIn,
    ReviewReplyOut,
)
from egide.assessments.selectors import CitedItem
from egide.core.users import AnyUser

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
    citations = selectors.citations_of(user=request.user, assessment=assessment)
    outside = selectors.questions_outside_scope(assessment)
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
                "citations": [_citation(item) for item in citations.get(question_id, [])],
                "outside_scope": codes[question_id] in outside,
            }
            for question_id, answer in answers_by_question.items()
        ],
        "questions_outside_scope": [
            question.code for question in assessment.framework_version.definition.questions if question.code in outside
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


def _citation(item: CitedItem) -> dict[str, Any]:
    citation = item.citation
    source = citation.source if item.is_source else None
    shown = item.visible
    return {
        "kind": "source" if item.is_source else "finding",
        "visible": shown,
        "reference": citation.reference if shown else None,
        "title": item.title if shown else None,
        "url": (source.url or None) if shown and source is not None else None,
        "locator": citation.locator if shown else "",
    }


# --- Review comments --------------------------------------------------------------------------------------------------


def _sees_assessment(request: HttpRequest, user: AnyUser) -> None:
    """Before the body: the path's assessment must be one the user sees (404 otherwise); who may comment, reply
    or resolve is the services' rule (403 with its reason)."""
    match = request.resolver_match
    pk = str(match.kwargs.get("pk", "")) if match is not None else ""
    if pk.isdigit() and not selectors.assessments_visible(user=user).filter(pk=int(pk)).exists():
        raise HttpError(404, _("No such assessment."))


REVIEWS = writers(_sees_assessment)


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    try:
        return selectors.assessment_visible(user=request.user, pk=pk)
    except Http404:
        raise HttpError(404, _("No such assessment.")) from None


def _comment(request: HttpRequest, pk: int, comment: int) -> ReviewComment:
    try:
        return selectors.comment_of(user=request.user, assessment_pk=pk, pk=comment)
    except Http404:
        raise HttpError(404, _("No such comment.")) from None


def _reply(reply: ReviewComment) -> dict[str, Any]:
    return {
        "id": reply.pk,
        "text": reply.text,
        "author": reply.author.get_username() if reply.author else None,
        "created_at": reply.created_at,
    }


def _comment_document(comment: ReviewComment, replies: list[ReviewComment]) -> dict[str, Any]:
    return {
        **_reply(comment),
        "question": comment.question.code,
        "resolved": comment.resolved,
        "resolved_by": comment.resolved_by.get_username() if comment.resolved_by else None,
        "resolved_at": comment.resolved_at,
        "replies": [_reply(reply) for reply in replies],
    }


@router.get(
    "/assessments/{pk}/comments",
    response=answers({200: ReviewCommentsOut}, 404, 422),
    summary="The review comments of an assessment, with their replies",
)
def list_comments(request: HttpRequest, pk: int) -> Any:
    assessment = _assessment(request, pk)
    by_question = selectors.comments_of(assessment)
    order = dict(assessment.framework_version.questions.values_list("id", "order"))
    comments = sorted(
        (comment for comments in by_question.values() for comment in comments),
        key=lambda comment: (order.get(comment.question_id, 0), comment.created_at, comment.pk),
    )
    return {
        "open": sum(1 for comment in comments if not comment.resolved),
        "comments": [_comment_document(comment, list(comment.replies.all())) for comment in comments],
    }


@router.post(
    "/assessments/{pk}/comments",
    response=answers({201: ReviewCommentOut}, WRITE_ERRORS),
    summary="Comment on a question of an assessment in review",
    auth=REVIEWS,
)
def add_comment(request: HttpRequest, pk: int, payload: ReviewCommentIn) -> Any:
    assessment = _assessment(request, pk)
    question = Question.objects.filter(version_id=assessment.framework_version_id, code=payload.question).first()
    if question is None:
        raise HttpError(404, _("No such question in this assessment's framework."))
    comment = services.review_comment_add(
        user=request.user, assessment=assessment, question=question, text=payload.text
    )
    return Status(201, _comment_document(comment, []))


@router.post(
    "/assessments/{pk}/comments/{comment}/replies",
    response=answers({201: ReviewReplyOut}, WRITE_ERRORS),
    summary="Reply to a review comment",
    auth=REVIEWS,
)
def reply_to_comment(request: HttpRequest, pk: int, comment: int, payload: ReviewReplyIn) -> Any:
    found = _comment(request, pk, comment)
    reply = services.review_comment_reply(user=request.user, comment=found, text=payload.text)
    return Status(201, _reply(reply))


@router.post(
    "/assessments/{pk}/comments/{comment}/resolve",
    response=answers({200: ReviewCommentOut}, WRITE_ERRORS),
    summary="Mark a review comment resolved",
    auth=REVIEWS,
)
def resolve_comment(request: HttpRequest, pk: int, comment: int) -> Any:
    found = _comment(request, pk, comment)
    resolved = services.review_comment_resolve(user=request.user, comment=found)
    return _comment_document(resolved, list(resolved.replies.all()))
