"""The scoring rule, by example and by property."""

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from egide.assessments.frameworks import Band, Framework, Question, Scale, Section, Text
from egide.assessments.scoring import INSUFFICIENT_EVIDENCE, NOT_APPLICABLE, AnswerValue, score

LABEL = Text("x", "x")
BANDS = (Band("A", 80, LABEL), Band("B", 50, LABEL), Band("C", 0, LABEL))
LEVELS = Scale("numeric", 0, 4)


def framework(*sections: tuple[float, tuple[float, ...]], scale: Scale = LEVELS) -> Framework:
    """Sections given as (weight, question weights); questions coded S<section>Q<question>."""
    return Framework(
        identifier="f",
        version="1",
        title=LABEL,
        scale=scale,
        bands=BANDS,
        sections=tuple(
            Section(
                code=f"S{index}",
                title=LABEL,
                weight=weight,
                questions=tuple(
                    Question(code=f"S{index}Q{number}", text=LABEL, weight=question_weight, not_applicable=True)
                    for number, question_weight in enumerate(question_weights)
                ),
            )
            for index, (weight, question_weights) in enumerate(sections)
        ),
    )


def test_the_rule_by_example() -> None:
    scored = score(
        framework((2, (1, 1, 0.5)), (1, (1, 1))),
        {"S0Q0": 4, "S0Q1": 2, "S0Q2": NOT_APPLICABLE, "S1Q0": 1, "S1Q1": INSUFFICIENT_EVIDENCE},
    )
    first, second = scored.sections
    assert first.score == 75
    assert first.band is not None
    assert first.band.code == "B"
    assert (first.answered, first.applicable, first.coverage) == (2, 2, 100)
    assert second.score == 25
    assert (second.answered, second.applicable, second.coverage) == (1, 2, 50)
    assert scored.score == (2 * 75 + 25) / 3
    assert (scored.answered, scored.applicable, scored.coverage) == (3, 4, 75)


def test_nothing_answered_has_no_score() -> None:
    scored = score(framework((1, (1, 1))), {})
    assert (scored.score, scored.band, scored.coverage) == (None, None, 0)
    assert scored.sections[0].score is None


# Timing is not what these tests check: on a loaded machine the draws may be slow.
PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])

weights = st.sampled_from([0, 0.5, 1, 1, 2, 3.25])
shapes = st.lists(
    st.tuples(st.sampled_from([0.5, 1, 1, 2]), st.lists(weights, min_size=1, max_size=5)), min_size=1, max_size=4
)
values = st.sampled_from([0, 0.5, 1, 2, 3, 3.5, 4])
answers_of = st.one_of(values, st.just(NOT_APPLICABLE), st.just(INSUFFICIENT_EVIDENCE), st.none())


@st.composite
def assessments(draw: st.DrawFn) -> tuple[Framework, dict[str, AnswerValue]]:
    shaped = framework(*[(weight, tuple(question_weights)) for weight, question_weights in draw(shapes)])
    answers = {}
    for question in shaped.questions:
        answer = draw(answers_of)
        if answer is not None:
            answers[question.code] = answer
    return shaped, answers


@PROPERTY
@given(assessments(), st.data())
def test_excluded_answers_never_change_the_others_contribution(
    case: tuple[Framework, dict[str, AnswerValue]], data: st.DataObject
) -> None:
    shaped, answers = case
    code = data.draw(st.sampled_from([question.code for question in shaped.questions]))
    unanswered = {key: value for key, value in answers.items() if key != code}
    for excluded in (NOT_APPLICABLE, INSUFFICIENT_EVIDENCE):
        with_it = score(shaped, {**unanswered, code: excluded})
        without = score(shaped, unanswered)
        assert with_it.score == without.score
        assert [section.score for section in with_it.sections] == [section.score for section in without.sections]
        assert with_it.answered == without.answered
    # Not applicable leaves the coverage's denominator; insufficient evidence stays in it, unanswered.
    assert score(shaped, {**unanswered, code: NOT_APPLICABLE}).applicable == score(shaped, unanswered).applicable - 1
    assert score(shaped, {**unanswered, code: INSUFFICIENT_EVIDENCE}).applicable == score(shaped, unanswered).applicable


@PROPERTY
@given(assessments(), st.data())
def test_raising_an_answer_never_lowers_its_section_or_the_whole(
    case: tuple[Framework, dict[str, AnswerValue]], data: st.DataObject
) -> None:
    shaped, answers = case
    answered = [code for code, value in answers.items() if not isinstance(value, str)]
    if not answered:
        answers = {shaped.questions[0].code: 0}
        answered = [shaped.questions[0].code]
    code = data.draw(st.sampled_from(answered))
    higher = data.draw(st.sampled_from([value for value in (0, 0.5, 1, 2, 3, 3.5, 4) if value >= answers[code]]))
    before, after = score(shaped, answers), score(shaped, {**answers, code: higher})
    section = next(index for index, s in enumerate(shaped.sections) if any(q.code == code for q in s.questions))
    if before.sections[section].score is not None:
        assert after.sections[section].score is not None
        assert after.sections[section].score >= before.sections[section].score
        assert after.score is not None
        assert before.score is not None
        assert after.score >= before.score


@PROPERTY
@given(assessments(), st.data())
def test_a_weight_of_zero_removes_a_question(
    case: tuple[Framework, dict[str, AnswerValue]], data: st.DataObject
) -> None:
    shaped, answers = case
    section_index = data.draw(st.integers(0, len(shaped.sections) - 1))
    section = shaped.sections[section_index]
    extra = Question(code="EXTRA", text=LABEL, weight=0)
    widened = replace(
        shaped,
        sections=tuple(
            replace(s, questions=(*s.questions, extra)) if index == section_index else s
            for index, s in enumerate(shaped.sections)
        ),
    )
    value = data.draw(values)
    assert score(widened, {**answers, "EXTRA": value}).score == score(shaped, answers).score
    assert (
        score(widened, {**answers, "EXTRA": value}).sections[section_index].score
        == score(shaped, answers).sections[section_index].score
    ), section.code


@PROPERTY
@given(shapes)
def test_a_fully_answered_assessment_at_the_top_scores_100(shape: list[tuple[float, list[float]]]) -> None:
    shaped = framework(*[(weight, tuple(question_weights)) for weight, question_weights in shape])
    scored = score(shaped, {question.code: 4 for question in shaped.questions})
    assert scored.coverage == 100
    if any(weight > 0 for _, question_weights in shape for weight in question_weights):
        assert scored.score == 100
        assert scored.band is not None
        assert scored.band.code == "A"
    lowest = score(shaped, {question.code: 0 for question in shaped.questions})
    assert lowest.score in (0, None)


@PROPERTY
@given(assessments())
def test_coverage_counts_answered_over_applicable(case: tuple[Framework, dict[str, AnswerValue]]) -> None:
    shaped, answers = case
    scored = score(shaped, answers)
    applicable = [code for code in (q.code for q in shaped.questions) if answers.get(code) != NOT_APPLICABLE]
    answered = [code for code in applicable if answers.get(code) not in (None, INSUFFICIENT_EVIDENCE)]
    assert (scored.answered, scored.applicable) == (len(answered), len(applicable))
    if applicable:
        assert scored.coverage == len(answered) / len(applicable) * 100
    assert 0 <= (scored.score if scored.score is not None else 0) <= 100


def test_a_value_outside_the_scale_is_refused() -> None:
    with pytest.raises(ValueError, match="not a value of the scale"):
        score(framework((1, (1,))), {"S0Q0": 5})


def test_the_radar_groups_sections_by_principle_and_needs_three_axes() -> None:
    from egide.assessments.presentation import radar_document

    principled = Framework(
        identifier="f",
        version="1",
        title=LABEL,
        scale=LEVELS,
        bands=BANDS,
        sections=tuple(
            Section(
                code=f"S{index}",
                title=LABEL,
                principle=principle,
                weight=weight,
                questions=(Question(code=f"Q{index}", text=LABEL),),
            )
            for index, (principle, weight) in enumerate(
                [("rule_of_law", 1), ("rule_of_law", 3), ("accountable_forces", 1), ("democratic_oversight", 1)]
            )
        ),
    )
    card = score(principled, {"Q0": 4, "Q1": 0, "Q2": 2, "Q3": 1})
    document = radar_document(principled, card, by="principle")
    assert document is not None
    assert [indicator["max"] for indicator in document["indicators"]] == [100, 100, 100]
    # Rule of law: (1 × 100 + 3 × 0) / 4; the others one section each.
    assert document["values"] == [25.0, 50.0, 25.0]
    assert radar_document(principled, score(principled, {"Q0": 4, "Q2": 2}), by="principle") is None
    assert radar_document(principled, card, by="area") is None
