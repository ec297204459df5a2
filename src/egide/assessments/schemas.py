"""The API's shapes of frameworks and assessments."""

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

from egide.actors.schemas import Text, TextRule

Line64 = Annotated[str, TextRule(64)]


class FrameworkVersionOut(Schema):
    identifier: str
    version: str
    title_en: str
    title_fr: str
    loaded_at: datetime
    sections: int = Field(description="How many sections the version has")
    questions: int = Field(description="How many questions the version has")


class FrameworkDetailOut(Schema):
    identifier: str
    version: str
    loaded_at: datetime
    document: dict[str, Any] = Field(description="The framework file as it was loaded, in the published format")


class ScoreOut(Schema):
    score: float | None = Field(description="On 0-100; null when no applicable question is answered")
    band: str | None = Field(description="The code of the band the score reaches")
    coverage: float | None = Field(description="The share of applicable questions answered, in percent")
    answered: int
    applicable: int


class SectionScoreOut(ScoreOut):
    code: str
    weight: float


class AssessmentSummary(Schema):
    id: int
    title: str
    country: str
    as_of: date
    status: str
    framework: str
    framework_version: str
    owner: str | None = Field(description="The owner organisation's acronym")
    confidentiality: str
    previous: int | None = Field(description="The published assessment this one corrects")


class AnswerCitationOut(Schema):
    kind: str = Field(description="source (a source of the country's map) or finding (a governance finding)")
    visible: bool = Field(description="Whether you may see what is cited; when not, only its kind is given")
    reference: str | None = Field(description="S and the source's id, or finding: and the finding's key")
    title: str | None = Field(description="The source's title, or the finding as it read when cited")
    url: str | None = Field(description="The source's link")
    locator: str = Field(description="The page, paragraph or passage relied on")


class AnswerOut(Schema):
    question: str
    answer: str = Field(description="answered, not_applicable or insufficient_evidence")
    value: float | None
    justification: str
    source: str = Field(description="Other evidence, in words: what is not a source of the map")
    confidence: str
    updated_at: datetime
    citations: list[AnswerCitationOut]
    outside_scope: bool = Field(
        description="Whether the question is outside the assessment's scope: then neither answered nor counted"
    )


class AssessmentOut(AssessmentSummary):
    overall: ScoreOut
    sections: list[SectionScoreOut]
    answers: list[AnswerOut]
    questions_outside_scope: list[str] = Field(
        description="The codes of the questions its scope leaves out, in the framework's order (none without a scope)"
    )


class DeltaOut(Schema):
    before: float | None = Field(description="The score before, on 0-100; null when there is none")
    after: float | None = Field(description="The score after, on 0-100; null when there is none")
    delta: float | None = Field(description="After minus before; null unless both exist")
    change: str = Field(description="improved, worsened, unchanged, newly_answered, no_longer_answered or unanswered")


class SectionDeltaOut(DeltaOut):
    section: str


class QuestionDeltaOut(DeltaOut):
    question: str
    section: str


class AssessmentComparisonOut(Schema):
    before: int = Field(description="The earlier assessment's id (by as of date)")
    after: int = Field(description="The later assessment's id")
    overall: DeltaOut
    sections: list[SectionDeltaOut]
    questions: list[QuestionDeltaOut]


class ReviewReplyOut(Schema):
    id: int
    text: str
    author: str | None = Field(description="The username of who wrote it")
    created_at: datetime


class ReviewCommentOut(ReviewReplyOut):
    question: str = Field(description="The code of the question commented on")
    resolved: bool
    resolved_by: str | None
    resolved_at: datetime | None
    replies: list[ReviewReplyOut]


class ReviewCommentsOut(Schema):
    open: int = Field(description="How many comments are still open")
    comments: list[ReviewCommentOut]


class ReviewCommentIn(Schema):
    question: Line64 = Field(description="The code of the question to comment on")
    text: Text


class ReviewReplyIn(Schema):
    text: Text
