"""What the assessment page shows, assembled from the selectors' reads: sections with their questions, each with
its answer and form, the scores with band and coverage, and the radar chart's document."""

from dataclasses import dataclass, field
from typing import Any

from egide.assessments.forms import AnswerForm
from egide.assessments.frameworks import Framework, Level, Scale
from egide.assessments.models import Answer, Assessment, Question, ReviewComment, Section
from egide.assessments.scoring import Score, Scorecard
from egide.assessments.selectors import (
    CitedItem,
    answers_of,
    citations_of,
    comments_of,
    framework_sections,
    questions_outside_scope,
    scorecard,
)
from egide.core import taxonomy
from egide.core.labels import active_language
from egide.core.users import Caller
from egide.governance.presentation import FindingRow, Presenter
from egide.governance.selectors import country_findings

PRINCIPLES = {term.code: term for term in taxonomy.PRINCIPLES}
AREAS = {term.code: term for term in taxonomy.AREAS_OF_ACTION}


@dataclass
class QuestionRow:
    question: Question
    answer: Answer | None
    form: AnswerForm | None
    level: Level | None
    findings: list[FindingRow] = field(default_factory=list)
    citations: list[CitedItem] = field(default_factory=list)
    comments: list[ReviewComment] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def open_comments(self) -> int:
        return sum(1 for comment in self.comments if not comment.resolved)

    @property
    def cited_findings(self) -> set[str]:
        return {item.citation.finding_key for item in self.citations if item.citation.finding_key}

    outside: bool = False  # outside the assessment's scope: shown greyed, not answered, not counted

    @property
    def value_shown(self) -> str:
        if self.answer is None or self.answer.value is None:
            return ""
        return f"{float(self.answer.value):g}"


@dataclass
class SectionRow:
    section: Section
    score: Score
    questions: list[QuestionRow]

    @property
    def open_comments(self) -> int:
        return sum(row.open_comments for row in self.questions)

    @property
    def principle(self) -> str:
        term = PRINCIPLES.get(self.section.principle)
        return term.label if term else ""

    @property
    def area(self) -> str:
        term = AREAS.get(self.section.area)
        return term.label if term else ""


def level_of(scale: Scale, answer: Answer | None) -> Level | None:
    if answer is None or answer.value is None or scale.kind != "levels":
        return None
    return next((level for level in scale.levels if level.value == float(answer.value)), None)


def suggested_evidence(*, user: Caller, assessment: Assessment, rules: set[str]) -> dict[str, list[FindingRow]]:
    """The governance findings of the assessment's country at its date that the reader may see, by rule, for the
    rules the questions name: suggested evidence beside each question."""
    if not rules:
        return {}
    found = country_findings(user=user, country=assessment.country, as_of=assessment.as_of)
    presenter = Presenter(found.graph)
    by_rule: dict[str, list[FindingRow]] = {}
    for finding in found.in_page_order():
        if finding.rule in rules:
            by_rule.setdefault(finding.rule, []).append(presenter.row(finding, found.decisions))
    return by_rule


def question_row(
    question: Question,
    answer: Answer | None,
    definition: Framework,
    *,
    editable: bool,
    evidence: dict[str, list[FindingRow]] | None = None,
    citations: list[CitedItem] | None = None,
    comments: list[ReviewComment] | None = None,
) -> QuestionRow:
    form = AnswerForm.of(answer, question=question, scale=definition.scale) if editable else None
    findings = [row for rule in question.rules for row in (evidence or {}).get(rule, [])]
    return QuestionRow(
        question,
        answer,
        form,
        level_of(definition.scale, answer),
        findings,
        citations or [],
        comments or [],
    )


def question_row_of(*, user: Caller, assessment: Assessment, question: Question, editable: bool) -> QuestionRow:
    """One question's row as the page shows it, to swap in after a change to it."""
    definition = assessment.framework_version.definition
    evidence = suggested_evidence(user=user, assessment=assessment, rules=set(question.rules))
    answer = Answer.objects.filter(assessment=assessment, question=question).select_related("answered_by").first()
    row = question_row(
        question,
        answer,
        definition,
        editable=editable,
        evidence=evidence,
        citations=citations_of(user=user, assessment=assessment).get(question.pk, []),
        comments=comments_of(assessment).get(question.pk, []),
    )
    return _scoped(row, questions_outside_scope(assessment))


def _scoped(row: QuestionRow, outside: frozenset[str]) -> QuestionRow:
    if row.question.code in outside:
        row.outside, row.form = True, None
    return row


def assessment_sections(assessment: Assessment, *, editable: bool, user: Caller) -> tuple[list[SectionRow], Scorecard]:
    definition = assessment.framework_version.definition
    rules = {rule for question in definition.questions for rule in question.rules}
    evidence = suggested_evidence(user=user, assessment=assessment, rules=rules)
    answers = answers_of(assessment)
    outside = questions_outside_scope(assessment)
    card = scorecard(assessment, answers, outside)
    citations = citations_of(user=user, assessment=assessment)
    comments = comments_of(assessment)
    rows = []
    for section, score in zip(framework_sections(assessment.framework_version), card.sections, strict=True):
        rows.append(
            SectionRow(
                section,
                score,
                [
                    _scoped(
                        question_row(
                            question,
                            answers.get(question.pk),
                            definition,
                            editable=editable,
                            evidence=evidence,
                            citations=citations.get(question.pk),
                            comments=comments.get(question.pk),
                        ),
                        outside,
                    )
                    for question in section.questions.all()
                ],
            )
        )
    return rows, card


def radar_document(definition: Framework, card: Scorecard, *, by: str) -> dict[str, Any] | None:
    """The scores grouped by principle or by area of action (a weighted mean of the section scores of each), as
    the radar chart draws them; None when fewer than three groups have a score (a radar needs three axes)."""
    terms = PRINCIPLES if by == "principle" else AREAS
    totals: dict[str, list[float]] = {}
    for section, score in zip(definition.sections, card.sections, strict=True):
        code = section.principle if by == "principle" else section.area
        if not code or score.score is None or section.weight == 0:
            continue
        weighted = totals.setdefault(code, [0.0, 0.0])
        weighted[0] += section.weight * score.score
        weighted[1] += section.weight
    groups = [(code, totals[code]) for code in terms if code in totals]
    if len(groups) < 3:
        return None
    language = active_language()
    return {
        "indicators": [
            {"name": terms[code].label_fr if language == "fr" else terms[code].label_en, "max": 100}
            for code, _ in groups
        ],
        "values": [round(total / weight, 1) for _, (total, weight) in groups],
    }
