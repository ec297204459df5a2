"""The scoring rule, pure: answers in, section and overall scores out, with their bands and coverage.

An answer is a value of the framework's scale, or "not applicable", or "insufficient evidence". Neither of the
last two is ever counted as zero: both are left out of the score and out of the coverage's numerator, and "not
applicable" also out of its denominator. A question scores (value − minimum) / (maximum − minimum) × 100; a
section, the weighted mean of its answered questions' scores (none when none is answered); the assessment, the
weighted mean of its sections' scores by section weight (sections without a score left out). Coverage is the share
of applicable questions answered. The band is the first, from best to worst, whose minimum the score reaches.

Sums are exact fractions, so that a fully answered assessment at the top of the scale scores exactly 100 whatever
the weights, and raising an answer never lowers a score by a rounding.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Final

from egide.assessments.frameworks import Band, Framework, Scale

NOT_APPLICABLE: Final = "not_applicable"
INSUFFICIENT_EVIDENCE: Final = "insufficient_evidence"
AnswerValue = float | str
"""A value of the scale, or NOT_APPLICABLE, or INSUFFICIENT_EVIDENCE."""


@dataclass(frozen=True, slots=True)
class Score:
    """A score on 0-100 (None when nothing counts), its band, and the coverage: answered / applicable."""

    score: float | None
    band: Band | None
    answered: int
    applicable: int

    @property
    def coverage(self) -> float | None:
        return None if self.applicable == 0 else self.answered / self.applicable * 100


@dataclass(frozen=True, slots=True)
class SectionScore(Score):
    code: str = ""
    weight: float = 1


@dataclass(frozen=True, slots=True)
class Scorecard(Score):
    sections: tuple[SectionScore, ...] = ()

    def section(self, code: str) -> SectionScore:
        return next(section for section in self.sections if section.code == code)


def question_score(scale: Scale, value: float) -> Fraction:
    """A value of the scale on 0-100."""
    return (Fraction(value) - Fraction(scale.minimum)) / (Fraction(scale.maximum) - Fraction(scale.minimum)) * 100


def band_of(bands: tuple[Band, ...], score: float | Fraction | None) -> Band | None:
    if score is None:
        return None
    return next((band for band in bands if Fraction(band.minimum) <= score), None)


def _exact(number: float) -> int | Fraction:
    """A float as the exact number it stands for: an integer when it is whole, which sums much faster."""
    return int(number) if float(number).is_integer() else Fraction(number)


def _weighted_mean(pairs: list[tuple[Fraction, Fraction]]) -> Fraction | None:
    total = sum((weight for weight, _ in pairs), Fraction(0))
    if total == 0:
        return None
    return sum((weight * score for weight, score in pairs), Fraction(0)) / total


def score(framework: Framework, answers: Mapping[str, AnswerValue]) -> Scorecard:
    """The scores of an assessment whose answers are given by question code (a question absent is unanswered).

    A value outside the scale raises ValueError: the services never store one."""
    sections = []
    section_pairs: list[tuple[Fraction, Fraction]] = []
    answered_total = applicable_total = 0
    # A section's mean, Σ weight × (value − minimum) × 100 ÷ ((maximum − minimum) × Σ weight), is summed over the
    # answers counted by (weight, value), in integers where weights and values are whole (the usual case) and in
    # fractions otherwise, with one division at the end: the same exact number as the mean of the questions'
    # scores, for a fraction of the work (benchmarks/assessments.py: the heatmap scores tens of thousands of answers
    # on every request).
    scale = framework.scale
    lowest, span = _exact(scale.minimum), _exact(scale.maximum) - _exact(scale.minimum)
    allowed: set[float] = set()
    for section in framework.sections:
        counts: dict[tuple[float, float], int] = {}
        answered = applicable = 0
        for question in section.questions:
            answer = answers.get(question.code)
            if answer == NOT_APPLICABLE:
                continue
            applicable += 1
            if answer is None or answer == INSUFFICIENT_EVIDENCE:
                continue
            if answer not in allowed:
                if isinstance(answer, str) or not scale.allows(answer):
                    raise ValueError(f"{answer!r} is not a value of the scale (question {question.code})")
                allowed.add(answer)
            answered += 1
            key = (question.weight, answer)
            counts[key] = counts.get(key, 0) + 1
        weighted: int | Fraction = 0
        total: int | Fraction = 0
        for (weight, value), count in counts.items():
            exact_weight = _exact(weight) * count
            weighted += exact_weight * (_exact(value) - lowest)
            total += exact_weight
        mean = None if total == 0 else Fraction(weighted * 100) / (total * span)
        if mean is not None:
            section_pairs.append((Fraction(section.weight), mean))
        sections.append(
            SectionScore(
                score=None if mean is None else float(mean),
                band=band_of(framework.bands, mean),
                answered=answered,
                applicable=applicable,
                code=section.code,
                weight=section.weight,
            )
        )
        answered_total += answered
        applicable_total += applicable
    overall = _weighted_mean(section_pairs)
    return Scorecard(
        score=None if overall is None else float(overall),
        band=band_of(framework.bands, overall),
        answered=answered_total,
        applicable=applicable_total,
        sections=tuple(sections),
    )
