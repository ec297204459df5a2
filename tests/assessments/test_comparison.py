"""Comparing two assessments, pure: by example and by property (swapping the two negates every difference)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from egide.assessments.comparison import Change, compare
from egide.assessments.frameworks import Band, Framework, Question, Scale, Section, Text
from egide.assessments.scoring import INSUFFICIENT_EVIDENCE, NOT_APPLICABLE, AnswerValue

LABEL = Text("x", "x")
FRAMEWORK = Framework(
    identifier="f",
    version="1",
    title=LABEL,
    scale=Scale("numeric", 0, 4),
    bands=(Band("A", 50, LABEL), Band("B", 0, LABEL)),
    sections=(
        Section(
            "S1", LABEL, (Question("Q1", LABEL), Question("Q2", LABEL), Question("Q3", LABEL, not_applicable=True))
        ),
        Section("S2", LABEL, (Question("Q4", LABEL, weight=2), Question("Q5", LABEL))),
    ),
)
CODES = [question.code for question in FRAMEWORK.questions]


def test_each_kind_of_change() -> None:
    before: dict[str, AnswerValue] = {"Q1": 1, "Q2": 3, "Q3": 2, "Q4": 2}
    after: dict[str, AnswerValue] = {"Q1": 3, "Q2": 1, "Q3": NOT_APPLICABLE, "Q4": 2, "Q5": 4}
    result = compare(FRAMEWORK, before, FRAMEWORK, after)
    changes = {question.code: question.change for question in result.questions}
    assert changes == {
        "Q1": Change.IMPROVED,
        "Q2": Change.WORSENED,
        "Q3": Change.NO_LONGER_ANSWERED,
        "Q4": Change.UNCHANGED,
        "Q5": Change.NEWLY_ANSWERED,
    }
    q1 = result.questions[0]
    assert (q1.before, q1.after, q1.delta) == (25, 75, 50)
    assert result.questions[2].delta is None
    s1, s2 = result.sections
    assert (s1.before, s1.after, s1.delta) == (50, 50, 0)
    assert (s2.before, s2.after) == (50, (2 * 50 + 100) / 3)
    assert result.before == 50
    assert result.after is not None
    assert result.delta == result.after - 50
    assert [question.code for question in result.of(Change.IMPROVED)] == ["Q1"]


def test_nothing_answered_is_unanswered_on_both_sides() -> None:
    result = compare(FRAMEWORK, {"Q1": INSUFFICIENT_EVIDENCE}, FRAMEWORK, {})
    assert {question.change for question in result.questions} == {Change.UNANSWERED}
    assert result.before is None
    assert result.after is None
    assert result.delta is None


def test_versions_are_matched_by_code() -> None:
    later = Framework(
        identifier="f",
        version="2",
        title=LABEL,
        scale=Scale("numeric", 0, 4),
        bands=FRAMEWORK.bands,
        sections=(Section("S1", LABEL, (Question("Q1", LABEL), Question("Q9", LABEL))),),
    )
    result = compare(FRAMEWORK, {"Q1": 1, "Q4": 4}, later, {"Q1": 2, "Q9": 4})
    changes = {question.code: question.change for question in result.questions}
    assert changes["Q1"] == Change.IMPROVED
    assert changes["Q9"] == Change.NEWLY_ANSWERED
    assert changes["Q4"] == Change.NO_LONGER_ANSWERED
    assert [section.code for section in result.sections] == ["S1", "S2"]
    assert result.sections[1].after is None


answer = st.one_of(st.none(), st.integers(0, 4), st.just(INSUFFICIENT_EVIDENCE))
answers = st.fixed_dictionaries(dict.fromkeys(CODES, answer)).map(
    lambda found: {code: value for code, value in found.items() if value is not None}
)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(answers, answers)
def test_swapping_the_two_negates_every_delta(first: dict[str, AnswerValue], second: dict[str, AnswerValue]) -> None:
    forward, backward = compare(FRAMEWORK, first, FRAMEWORK, second), compare(FRAMEWORK, second, FRAMEWORK, first)

    def negated(value: float | None) -> float | None:
        return None if value is None else -value

    assert backward.delta == negated(forward.delta)
    for ahead, behind in zip(forward.sections, backward.sections, strict=True):
        assert behind.delta == negated(ahead.delta)
    for ahead, behind in zip(forward.questions, backward.questions, strict=True):
        assert (behind.code, behind.delta) == (ahead.code, negated(ahead.delta))
        assert {ahead.change, behind.change} in (
            {Change.IMPROVED, Change.WORSENED},
            {Change.NEWLY_ANSWERED, Change.NO_LONGER_ANSWERED},
            {Change.UNCHANGED},
            {Change.UNANSWERED},
        )


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(answers)
def test_an_assessment_compared_with_itself_changes_nothing(found: dict[str, AnswerValue]) -> None:
    result = compare(FRAMEWORK, found, FRAMEWORK, found)
    assert {question.change for question in result.questions} <= {Change.UNCHANGED, Change.UNANSWERED}
    assert all(section.delta in (0, None) for section in result.sections)
