"""Every read of frameworks and assessments. Frameworks are published to all; assessments go through the one
visibility rule of accounts.selectors, as the map's records do."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, FloatField, Prefetch, Q, QuerySet
from django.db.models.functions import Cast
from django.http import Http404

from egide.accounts.selectors import visibility_filter
from egide.actors.selectors import country_sources
from egide.assessments import frameworks, scope, scoring
from egide.assessments.comparison import Comparison as ComparisonResult
from egide.assessments.comparison import compare
from egide.assessments.models import (
    Answer,
    AnswerCitation,
    AnswerState,
    Assessment,
    Framework,
    FrameworkVersion,
    Question,
    ReviewComment,
    Section,
    Status,
)
from egide.core.users import Caller
from egide.governance.presentation import Presenter
from egide.governance.presentation import anchor as finding_anchor
from egide.governance.selectors import country_findings


def framework_versions() -> QuerySet[FrameworkVersion]:
    """Every version loaded, newest first within each framework, with their counts of questions."""
    return FrameworkVersion.objects.select_related("framework", "loaded_by").annotate(
        question_count=Count("questions", distinct=True), section_count=Count("sections", distinct=True)
    )


def frameworks_with_versions() -> QuerySet[Framework]:
    return Framework.objects.prefetch_related(
        Prefetch("versions", queryset=FrameworkVersion.objects.order_by("-loaded_at", "-id"))
    )


def framework_version(*, identifier: str, version: str | None = None) -> FrameworkVersion:
    """One version of a framework (the latest loaded when none is named), or 404."""
    versions = FrameworkVersion.objects.select_related("framework").filter(framework__identifier=identifier)
    if version is not None:
        versions = versions.filter(version=version)
    found = versions.order_by("-loaded_at", "-id").first()
    if found is None:
        raise Http404("No such framework.")
    return found


def framework_sections(version: FrameworkVersion) -> list[Section]:
    """The version's sections with their questions, in their order, in two queries."""
    return list(version.sections.prefetch_related(Prefetch("questions", queryset=Question.objects.order_by("order"))))


def assessments_visible(*, user: Caller, country: str | None = None) -> QuerySet[Assessment]:
    assessments = Assessment.objects.all()
    if country is not None:
        assessments = assessments.filter(country=country)
    condition = visibility_filter(user=user, model=Assessment, country=country)
    return assessments if condition is None else assessments.filter(condition)


def assessment_visible(*, user: Caller, pk: int) -> Assessment:
    """One assessment the user may see, or 404 (never 403: a hidden assessment does not show that it exists)."""
    try:
        return assessments_visible(user=user).select_related("framework_version__framework", "owner").get(pk=pk)
    except Assessment.DoesNotExist:
        raise Http404("No such assessment.") from None


@dataclass(frozen=True, slots=True)
class AssessmentFilters:
    country: str = ""
    framework: str = ""
    """A framework's identifier."""
    status: str = ""


def assessment_list(*, user: Caller, filters: AssessmentFilters) -> QuerySet[Assessment]:
    """With `open_comments`: how many review comments of each are still open."""
    assessments = (
        assessments_visible(user=user)
        .select_related("framework_version__framework", "owner")
        .annotate(
            open_comments=Count(
                "review_comments",
                filter=Q(review_comments__parent=None, review_comments__resolved_at=None),
            )
        )
    )
    if filters.country:
        assessments = assessments.filter(country=filters.country)
    if filters.framework:
        assessments = assessments.filter(framework_version__framework__identifier=filters.framework)
    if filters.status:
        assessments = assessments.filter(status=filters.status)
    return assessments.order_by("-as_of", "-id")


def answers_of(assessment: Assessment) -> dict[int, Answer]:
    """The assessment's answers by question id, in one query."""
    return {
        answer.question_id: answer
        for answer in Answer.objects.filter(assessment=assessment).select_related("answered_by")
    }


def _value_of(state: str, value: Decimal | None) -> scoring.AnswerValue:
    if state == AnswerState.NOT_APPLICABLE:
        return scoring.NOT_APPLICABLE
    if state == AnswerState.INSUFFICIENT_EVIDENCE:
        return scoring.INSUFFICIENT_EVIDENCE
    value = value if value is not None else Decimal(0)
    return int(value) if value == value.to_integral_value() else float(value)


def _number_of(state: str, number: float | None) -> scoring.AnswerValue:
    if state == AnswerState.NOT_APPLICABLE:
        return scoring.NOT_APPLICABLE
    if state == AnswerState.INSUFFICIENT_EVIDENCE:
        return scoring.INSUFFICIENT_EVIDENCE
    number = float(number) if number is not None else 0.0
    return int(number) if number.is_integer() else number


def _scoring_value(answer: Answer) -> scoring.AnswerValue:
    return _value_of(answer.state, answer.value)


def scorecard(
    assessment: Assessment, answers: dict[int, Answer] | None = None, outside: frozenset[str] | None = None
) -> scoring.Scorecard:
    """The assessment's scores by the framework's rule, from its answers (read here when not given), the questions
    outside its scope (read here when not given) left out."""
    answers = answers if answers is not None else answers_of(assessment)
    codes = dict(Question.objects.filter(version_id=assessment.framework_version_id).values_list("id", "code"))
    by_code = {codes[question_id]: _scoring_value(answer) for question_id, answer in answers.items()}
    definition = assessment.framework_version.definition
    if outside is None:
        outside = scope.outside_scope(definition, scope_of(assessment))
    return scoring.score(definition, scope.within_scope(by_code, outside))


def scoring_answers(assessment: Assessment) -> dict[str, scoring.AnswerValue]:
    """The assessment's answers as the scoring reads them, by question code, in two queries (the answers, the
    scope); a question outside the scope reads as not applicable."""
    answers = {
        code: _scoring_value(answer)
        for answer in Answer.objects.filter(assessment=assessment)
        .select_related("question")
        .only("state", "value", "question__code")
        if (code := answer.question.code)
    }
    return scope.within_scope(answers, questions_outside_scope(assessment))


def scope_of(assessment: Assessment) -> tuple[scope.ScopeActor, ...]:
    """The family and kind of each actor of the assessment's scope (none: the whole security system), in one
    query."""
    return tuple(
        scope.ScopeActor(family, kind)
        for family, kind in assessment.actors.order_by("pk").values_list("family", "kind")
    )


def scopes_of(assessment_ids: list[int]) -> dict[int, tuple[scope.ScopeActor, ...]]:
    """The scopes of many assessments, by assessment id, in one query."""
    found: dict[int, list[scope.ScopeActor]] = {pk: [] for pk in assessment_ids}
    rows = Assessment.actors.through.objects.filter(assessment_id__in=assessment_ids).values_list(
        "assessment_id", "actor__family", "actor__kind"
    )
    for assessment_id, family, kind in rows.order_by("assessment_id", "actor_id"):
        found[assessment_id].append(scope.ScopeActor(family, kind))
    return {pk: tuple(actors) for pk, actors in found.items()}


def questions_outside_scope(assessment: Assessment) -> frozenset[str]:
    """The codes of the questions the assessment's scope leaves out, in one query."""
    return scope.outside_scope(assessment.framework_version.definition, scope_of(assessment))


def comparable_assessments(*, user: Caller, assessment: Assessment) -> QuerySet[Assessment]:
    """The other assessments of the same country and framework (any version) the user may see, by date."""
    return (
        assessments_visible(user=user, country=assessment.country)
        .filter(framework_version__framework_id=assessment.framework_version.framework_id)
        .exclude(pk=assessment.pk)
        .select_related("framework_version__framework")
        .order_by("as_of", "id")
    )


def comparison_of(*, user: Caller, assessment: Assessment, other_pk: int) -> "AssessmentComparison":
    """The comparison of `assessment` with another of the same country and framework the user may see (404
    otherwise), the earlier as `before` (by as_of, then id)."""
    other = comparable_assessments(user=user, assessment=assessment).filter(pk=other_pk).first()
    if other is None:
        raise Http404("No such assessment to compare with.")
    before, after = sorted((assessment, other), key=lambda item: (item.as_of, item.pk))
    result = compare(
        before.framework_version.definition,
        scoring_answers(before),
        after.framework_version.definition,
        scoring_answers(after),
    )
    return AssessmentComparison(before=before, after=after, result=result)


@dataclass(frozen=True, slots=True)
class AssessmentComparison:
    before: Assessment
    after: Assessment
    result: ComparisonResult


def scorecards_of(assessments: list[Assessment]) -> dict[int, scoring.Scorecard]:
    """The scores of many assessments, in three queries whatever their number: their answers (as plain rows, not
    records: a heatmap reads tens of thousands), their scopes, and the documents of their framework versions, each
    read and checked once (not once per assessment)."""
    ids = [assessment.pk for assessment in assessments]
    answers: dict[int, dict[str, scoring.AnswerValue]] = {pk: {} for pk in ids}
    # The values as floats straight from the database: the scoring reads them so, and a decimal made of each first
    # (the field's own conversion) was a tenth of the heatmap's time.
    rows = (
        Answer.objects.filter(assessment__in=ids)
        .annotate(number=Cast("value", FloatField()))
        .values_list("assessment_id", "state", "number", "question__code")
    )
    for assessment_id, state, number, code in rows:
        answers[assessment_id][code] = _number_of(state, number)
    scopes = scopes_of(ids)
    documents = FrameworkVersion.objects.filter(
        pk__in={assessment.framework_version_id for assessment in assessments}
    ).values_list("pk", "document")
    definitions = {pk: frameworks.framework_from_data(document) for pk, document in documents}
    cards = {}
    for assessment in assessments:
        definition = definitions[assessment.framework_version_id]
        outside = scope.outside_scope(definition, scopes[assessment.pk])
        cards[assessment.pk] = scoring.score(definition, scope.within_scope(answers[assessment.pk], outside))
    return cards


def latest_published_by_country(*, user: Caller, framework: Framework) -> list[Assessment]:
    """For each country, the latest published assessment of the framework (any version) the user may see, by
    country code, in two queries."""
    rows = (
        assessments_visible(user=user)
        .filter(framework_version__framework=framework, status=Status.PUBLISHED)
        .order_by("country", "-as_of", "-id")
        .values_list("pk", "country")
    )
    latest: dict[str, int] = {}
    for pk, country in rows:
        latest.setdefault(country, pk)
    # The chosen ones only, read as records; their versions' documents are left to whoever needs them
    # (scorecards_of reads each once), not read again with every assessment.
    chosen = Assessment.objects.filter(pk__in=latest.values()).select_related("framework_version")
    return sorted(chosen.defer("framework_version__document"), key=lambda assessment: assessment.country)


def country_assessments_by_framework(*, user: Caller, country: str) -> list[tuple[Framework, list[Assessment]]]:
    """The assessments of a country the user may see, grouped by framework, each group in as_of order."""
    assessments = (
        assessments_visible(user=user, country=country)
        .select_related("framework_version__framework")
        .order_by("framework_version__framework__identifier", "as_of", "id")
    )
    groups: dict[int, tuple[Framework, list[Assessment]]] = {}
    for assessment in assessments:
        framework = assessment.framework_version.framework
        groups.setdefault(framework.pk, (framework, []))[1].append(assessment)
    return list(groups.values())


# --- Citations and review comments ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CitedItem:
    """A citation of an answer as a reader sees it: what it cites is named only when the reader may see it (a
    source of the map through the map's rules, a finding among the reader's findings at the assessment's date)."""

    citation: AnswerCitation
    visible: bool
    finding_title: str = ""
    """A finding the reader sees, as it reads now in the reader's language (else as it read when cited)."""

    @property
    def title(self) -> str:
        if self.citation.source is not None:
            return self.citation.source.title
        return self.finding_title or self.citation.finding_title

    @property
    def is_source(self) -> bool:
        return self.citation.source_id is not None

    @property
    def anchor(self) -> str:
        """The finding's place on the country's Governance tab."""
        return finding_anchor(self.citation.finding_key)


def citations_of(*, user: Caller, assessment: Assessment) -> dict[int, list[CitedItem]]:
    """The citations of the assessment's answers by question id, in two queries, and the reader's findings at the
    assessment's date when a finding is cited (kept per map version, egide.governance.selectors)."""
    citations = list(
        AnswerCitation.objects.filter(answer__assessment=assessment)
        .select_related("source", "answer")
        .order_by("answer__question__order", "id")
    )
    source_ids = {citation.source_id for citation in citations if citation.source_id is not None}
    visible_sources: set[int] = set()
    if source_ids:
        visible_sources = set(
            country_sources(user=user, country=assessment.country)
            .filter(pk__in=sorted(source_ids))
            .values_list("pk", flat=True)
        )
    titles: dict[str, str] = {}
    cited_keys = {citation.finding_key for citation in citations if citation.finding_key}
    if cited_keys:
        found = country_findings(user=user, country=assessment.country, as_of=assessment.as_of)
        presenter = Presenter(found.graph)
        for finding in found.findings:
            if finding.key in cited_keys:
                row = presenter.row(finding, {})
                titles[finding.key] = f"{row.title} — {row.heading}"
    by_question: dict[int, list[CitedItem]] = {}
    for citation in citations:
        if citation.source_id is not None:
            item = CitedItem(citation, citation.source_id in visible_sources)
        else:
            title = titles.get(citation.finding_key, "")
            item = CitedItem(citation, bool(title), title)
        by_question.setdefault(citation.answer.question_id, []).append(item)
    return by_question


def comments_of(assessment: Assessment) -> dict[int, list[ReviewComment]]:
    """The review comments of the assessment by question id, each with its replies (`replies.all()`), oldest
    first, in two queries. Whoever may see the assessment may read them."""
    comments = (
        ReviewComment.objects.filter(assessment=assessment, parent=None)
        .select_related("author", "resolved_by", "question")
        .prefetch_related(
            Prefetch("replies", queryset=ReviewComment.objects.select_related("author").order_by("created_at", "id"))
        )
        .order_by("created_at", "id")
    )
    by_question: dict[int, list[ReviewComment]] = {}
    for comment in comments:
        by_question.setdefault(comment.question_id, []).append(comment)
    return by_question


def comment_of(*, user: Caller, assessment_pk: int, pk: int) -> ReviewComment:
    """One comment of an assessment the user may see, or 404."""
    assessment = assessment_visible(user=user, pk=assessment_pk)
    try:
        return ReviewComment.objects.select_related("assessment", "question", "parent").get(
            assessment=assessment, pk=pk
        )
    except ReviewComment.DoesNotExist:
        raise Http404("No such comment.") from None


def citation_of(*, user: Caller, assessment_pk: int, pk: int) -> AnswerCitation:
    """One citation of an answer of an assessment the user may see, or 404."""
    assessment = assessment_visible(user=user, pk=assessment_pk)
    found = (
        AnswerCitation.objects.filter(answer__assessment=assessment, pk=pk)
        .select_related("answer__question", "answer__assessment", "source")
        .first()
    )
    if found is None:
        raise Http404("No such citation.")
    return found


def open_comment_count(assessment: Assessment) -> int:
    return ReviewComment.objects.filter(assessment=assessment, parent=None, resolved_at=None).count()
