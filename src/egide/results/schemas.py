"""The API's shapes for results frameworks: what it reads and what it accepts."""

import datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from egide.actors.schemas import Line300


class ResultIn(Schema):
    title_en: str = Field(max_length=500, description="The result's title in English")
    title_fr: str = Field("", max_length=500, description="The result's title in French")
    type: str = Field("1", description="IATI result type: 1 output, 2 outcome, 3 impact, 9 other")
    description_en: str = ""
    description_fr: str = ""
    order: int | None = Field(None, ge=1, description="Its place among the programme's results; default: last")


class IndicatorIn(Schema):
    title_en: str = Field(max_length=500, description="The indicator's title in English")
    title_fr: str = Field("", max_length=500, description="The indicator's title in French")
    description_en: str = ""
    description_fr: str = ""
    measure: str = Field("1", description="IATI indicator measure: 1 unit, 2 percentage, 5 qualitative")
    ascending: bool = Field(True, description="Whether higher values are better")
    baseline_value: Decimal | None = None
    baseline_date: datetime.date | None = None
    baseline_comment: str = ""
    actor: int | None = Field(None, description="The id of an actor of the map that the indicator measures")
    order: int | None = Field(None, ge=1, description="Its place among the result's indicators; default: last")


class PartIn(Schema):
    dimension: str = Field(max_length=100, description="What the value is broken down by: sex, region, unit…")
    category: str = Field(max_length=100, description="The part of the dimension: female, a region's name…")
    value: Decimal


class PeriodIn(Schema):
    start: datetime.date
    end: datetime.date
    target_value: Decimal | None = None
    target_comment: str = ""
    target_disaggregations: list[PartIn] = Field(default_factory=list, description="The target's parts")


class UpdateIn(Schema):
    value_date: datetime.date = Field(description="The day the value was measured, within the period")
    value: Decimal | None = Field(None, description="The value measured (unit and percentage indicators)")
    text: str = Field("", description="What was observed (qualitative indicators)")
    comment: str = Field("", description="The comment and the evidence in words")
    evidence_link: str = Field("", max_length=500, description="A web address of the evidence")
    disaggregations: list[PartIn] = Field(default_factory=list, description="The value's parts")
    submit: bool = Field(True, description="Submit for review at once; false keeps a draft")


class ReturnIn(Schema):
    reason: str = Field(description="Why the value is returned, for its reporters to correct it")


class PartOut(Schema):
    dimension: str
    category: str
    value: Decimal


class UpdateOut(Schema):
    id: int
    value_date: datetime.date
    value: Decimal | None
    text: str
    comment: str
    evidence_link: str
    has_document: bool
    status: str = Field(description="draft, submitted, approved or returned")
    submitted_by: str
    submitted_at: datetime.datetime | None
    reviewed_by: str
    reviewed_at: datetime.datetime | None
    return_reason: str
    disaggregations: list[PartOut]


class ProgressOut(Schema):
    actual: Decimal | None = Field(
        description="From approved values only: their sum (units) or the latest (percentages)"
    )
    narrative: str = Field(description="The latest approved narrative (qualitative indicators)")
    percent: int | None = Field(description="(actual − baseline) ÷ (target − baseline), in percent")
    expected_percent: int | None = Field(description="The share of the time gone by, in percent")
    status: str = Field(description="green, amber, red, or none")


class ResultsAssessmentValueOut(Schema):
    assessment: int = Field(description="The id of the published assessment the value comes from")
    as_of: datetime.date
    score: Decimal | None = Field(description="The section's (or overall) score on 0-100")
    coverage: Decimal | None = Field(description="The share of the applicable questions answered, in percent")


class ResultsAssessmentSourceIn(Schema):
    framework: Line300 = Field(description="The framework's identifier")
    section: Line300 | None = Field(None, description="A section's code; null or absent for the overall score")
    baseline_assessment: int | None = Field(
        None,
        ge=1,
        le=2**31 - 1,
        description="The published assessment that gives the baseline; null: the latest on or before the baseline date",
    )


class ResultsAssessmentSourceOut(Schema):
    framework: str = Field(description="The framework's identifier")
    section: str | None = Field(description="The section's code; null for the overall score")
    baseline_assessment: int | None = Field(
        description="The assessment chosen for the baseline, when one is and you may see it"
    )
    baseline: ResultsAssessmentValueOut | None = Field(
        description="The baseline, from an assessment you may see; null otherwise"
    )


class PeriodOut(Schema):
    id: int
    start: datetime.date
    end: datetime.date
    target_value: Decimal | None
    target_comment: str
    target_disaggregations: list[PartOut]
    progress: ProgressOut | None = Field(None, description="Given when the whole framework is read")
    updates: list[UpdateOut] = Field(default_factory=list)
    assessment_value: ResultsAssessmentValueOut | None = Field(
        None, description="For an indicator linked to assessments: the assessment the actual comes from"
    )


class IndicatorOut(Schema):
    id: int
    title_en: str
    title_fr: str
    description_en: str
    description_fr: str
    measure: str
    ascending: bool
    baseline_value: Decimal | None
    baseline_date: datetime.date | None
    baseline_comment: str
    actor: int | None = Field(description="The linked actor's id, when you may see it")
    order: int
    progress: ProgressOut | None = None
    periods: list[PeriodOut] = Field(default_factory=list)
    assessment_source: ResultsAssessmentSourceOut | None = Field(
        None, description="When the baseline and actuals are taken from assessment scores (not typed)"
    )


class ResultOut(Schema):
    id: int
    programme: int
    type: str
    title_en: str
    title_fr: str
    description_en: str
    description_fr: str
    order: int
    indicators: list[IndicatorOut] = Field(default_factory=list)
