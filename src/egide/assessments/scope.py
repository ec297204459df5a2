"""Which questions an assessment's scope leaves out. Pure: the scope's actors (family and kind) and the questions'
`applies_to` in, the questions outside the scope out.

An assessment without a scope covers the whole security system: every question applies. With a scope (some
actors), a question that names actor families or kinds in `applies_to` applies when at least one actor of the
scope is of one of those families or of one of those kinds; a question that names none applies to every scope. A
question outside the scope is not answered and not counted: the scoring reads it as "not applicable", which leaves
it out of both the score and the coverage.
"""

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from django.utils.translation import gettext as _

from egide.assessments.frameworks import Framework
from egide.assessments.scoring import NOT_APPLICABLE, AnswerValue


@dataclass(frozen=True, slots=True)
class ScopeActor:
    family: str
    kind: str


def applies(*, families: Collection[str], kinds: Collection[str], scope: Collection[ScopeActor]) -> bool:
    """Whether a question with these `applies_to` families and kinds is within the scope."""
    if not scope or (not families and not kinds):
        return True
    return any(actor.family in families or actor.kind in kinds for actor in scope)


def outside_scope(framework: Framework, scope: Collection[ScopeActor]) -> frozenset[str]:
    """The codes of the framework's questions that the scope leaves out (none without a scope)."""
    if not scope:
        return frozenset()
    return frozenset(
        question.code
        for question in framework.questions
        if question.applies_to is not None
        and not applies(families=question.applies_to.families, kinds=question.applies_to.kinds, scope=scope)
    )


def within_scope(answers: Mapping[str, AnswerValue], outside: Collection[str]) -> dict[str, AnswerValue]:
    """The answers as the scoring reads them: a question outside the scope as not applicable, whatever it holds."""
    scoped = dict(answers)
    for code in outside:
        scoped[code] = NOT_APPLICABLE
    return scoped


def outside_scope_message(code: str) -> str:
    """Why a question outside the scope is refused, for the answer form and the questionnaire's rows."""
    return _(
        "Question %(code)s is outside this assessment's scope: it concerns none of the scope's actors, so it is "
        "neither answered nor counted."
    ) % {"code": code}
