"""Comparing two assessments, pure: the answers of each (by question code) and their frameworks in, per question,
per section and overall the scores before and after and their difference out.

The two may be of one framework version or of two versions that share question and section codes: questions and
sections are matched by code, and one present on one side only is compared with nothing there. A question's score
is its value on 0-100 (scoring.question_score); "not applicable", "insufficient evidence" and no answer all leave it
without a score. A question is improved or worsened when both sides have a score and they differ, newly answered
when only the later has one, no longer answered when only the earlier has one. Swapping the two sides negates every
difference and exchanges improved with worsened and newly with no longer answered.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from egide.assessments import scoring
from egide.assessments.frameworks import Framework, Scale


class Change(StrEnum):
    IMPROVED = "improved"
    WORSENED = "worsened"
    UNCHANGED = "unchanged"
    NEWLY_ANSWERED = "newly_answered"
    NO_LONGER_ANSWERED = "no_longer_answered"
    UNANSWERED = "unanswered"
    """Without a score on either side."""


@dataclass(frozen=True, slots=True)
class Delta:
    """A score before and after (None when there is none) and their difference (None unless both exist)."""

    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return self.after - self.before

    @property
    def change(self) -> Change:
        if self.before is None:
            return Change.UNANSWERED if self.after is None else Change.NEWLY_ANSWERED
        if self.after is None:
            return Change.NO_LONGER_ANSWERED
        if self.after > self.before:
            return Change.IMPROVED
        return Change.WORSENED if self.after < self.before else Change.UNCHANGED


@dataclass(frozen=True, slots=True)
class QuestionDelta(Delta):
    code: str = ""
    section: str = ""


@dataclass(frozen=True, slots=True)
class SectionDelta(Delta):
    code: str = ""
    questions: tuple[QuestionDelta, ...] = ()


@dataclass(frozen=True, slots=True)
class Comparison(Delta):
    sections: tuple[SectionDelta, ...] = ()

    @property
    def questions(self) -> tuple[QuestionDelta, ...]:
        return tuple(question for section in self.sections for question in section.questions)

    def of(self, change: Change) -> tuple[QuestionDelta, ...]:
        return tuple(question for question in self.questions if question.change == change)


def _question_scores(framework: Framework, answers: Mapping[str, scoring.AnswerValue]) -> dict[str, float]:
    scale: Scale = framework.scale
    return {
        question.code: float(scoring.question_score(scale, answer))
        for question in framework.questions
        if (answer := answers.get(question.code)) is not None and not isinstance(answer, str)
    }


def _section_layout(before: Framework, after: Framework) -> list[tuple[str, list[str]]]:
    """Section codes with their question codes: the later framework's order, then what only the earlier has."""
    layout: dict[str, list[str]] = {}
    for framework in (after, before):
        for section in framework.sections:
            codes = layout.setdefault(section.code, [])
            codes.extend(question.code for question in section.questions if question.code not in codes)
    return list(layout.items())


def compare(
    before: Framework,
    before_answers: Mapping[str, scoring.AnswerValue],
    after: Framework,
    after_answers: Mapping[str, scoring.AnswerValue],
) -> Comparison:
    """The differences from `before` to `after`, each with its framework and its answers by question code."""
    card_before, card_after = scoring.score(before, before_answers), scoring.score(after, after_answers)
    sections_before = {section.code: section.score for section in card_before.sections}
    sections_after = {section.code: section.score for section in card_after.sections}
    questions_before, questions_after = _question_scores(before, before_answers), _question_scores(after, after_answers)
    seen: set[str] = set()
    sections = []
    for code, question_codes in _section_layout(before, after):
        fresh = [question for question in question_codes if question not in seen]
        seen.update(fresh)
        sections.append(
            SectionDelta(
                before=sections_before.get(code),
                after=sections_after.get(code),
                code=code,
                questions=tuple(
                    QuestionDelta(
                        before=questions_before.get(question),
                        after=questions_after.get(question),
                        code=question,
                        section=code,
                    )
                    for question in fresh
                ),
            )
        )
    return Comparison(before=card_before.score, after=card_after.score, sections=tuple(sections))
