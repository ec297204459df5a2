"""The API's shapes for governance analysis; the command line's JSON has the same ones.

The findings' answers are declared here, for the OpenAPI document, and built as plain data by
egide.governance.documents (a test checks real answers against these schemas).
"""

import datetime
from collections.abc import Mapping
from typing import Any

from ninja import Schema
from pydantic import Field

from egide.actors.schemas import Line10, Line16, Line500, Text
from egide.core.labels import active_language
from egide.governance.rules import Rule

ParameterValue = list[str] | bool


class FindingActorOut(Schema):
    id: int
    reference: str
    name: str


class EvidenceOut(Schema):
    kind: str = Field(description="path (a chain found), missing (a link that is missing), edge or fact")
    text: str = Field(description="The evidence in words, in the active language")
    actors: list[int] = Field(description="Ids of the actors it speaks of, and of every actor on its chain")
    relationships: list[int] = Field(description="Ids of the relationships it rests on")
    searched: list[int] = Field(
        description="For a missing link: ids of the bodies above the actor that were searched in vain, nearest first"
    )
    sources: list[str] = Field(
        description="The sources of the facts the evidence rests on (the citations of its relationships, or of the "
        "actor it states a fact about), with the passage relied on"
    )


class DecisionOut(Schema):
    status: str = Field(description="acknowledged or false_positive")
    comment: str
    decided_by: str | None = Field(description="The username of who decided; null for the command line")
    decided_at: datetime.datetime


class FindingOut(Schema):
    key: str = Field(description="Stable across dates and recomputations: decisions follow it")
    rule: str
    title: str
    principle: str
    area: str
    severity: str
    confidence: str
    actors: list[FindingActorOut]
    evidence: list[EvidenceOut]
    decision: DecisionOut | None


class FindingsOut(Schema):
    country: str
    as_of: datetime.date
    findings: list[FindingOut]


class ComparisonOut(Schema):
    country: str
    from_date: datetime.date = Field(alias="from")
    to_date: datetime.date = Field(alias="to")
    appeared: list[FindingOut]
    disappeared: list[FindingOut]
    stayed: list[FindingOut]


class ParameterOut(Schema):
    name: str
    label: str
    label_en: str
    label_fr: str
    default: ParameterValue


class RuleOut(Schema):
    code: str
    title: str
    title_en: str
    title_fr: str
    explanation: str
    explanation_en: str
    explanation_fr: str
    principle: str
    area: str
    severity: str
    parameters: list[ParameterOut]


class CountryRuleOut(RuleOut):
    values: dict[str, ParameterValue] = Field(description="The parameters in force for the country")
    customised: bool = Field(description="Whether the country's team changed any of the defaults")


class RuleSettingIn(Schema):
    parameters: dict[str, ParameterValue] = Field(
        description="The parameters to use for the country, replacing any earlier choice; those left out take "
        "their default. Lists hold kind, family or relationship-type codes."
    )


class BulkDecisionIn(Schema):
    keys: list[Line500] = Field(description="The keys of findings you can see (at most 1000)", max_length=1000)
    status: Line16 = Field(description="acknowledged or false_positive (which needs a comment giving the reason)")
    comment: Text = Field("", description="One comment for every finding")
    as_of: Line10 = Field("", description="YYYY-MM-DD: the date at which the findings stand (default: today)")


class DecisionIn(Schema):
    key: Line500 = Field(description="The key of a finding you can see")
    status: Line16 = Field(description="acknowledged or false_positive (which needs a comment giving the reason)")
    comment: Text = ""
    as_of: Line10 = Field("", description="YYYY-MM-DD: the date at which the finding stands (default: today)")


def _french() -> bool:
    return active_language() == "fr"


def _value(value: Any) -> ParameterValue:
    return value if isinstance(value, bool) else list(value)


def rule_out(rule: Rule) -> RuleOut:
    french = _french()
    return RuleOut(
        code=rule.code,
        title=rule.title_fr if french else rule.title_en,
        title_en=rule.title_en,
        title_fr=rule.title_fr,
        explanation=rule.explanation_fr if french else rule.explanation_en,
        explanation_en=rule.explanation_en,
        explanation_fr=rule.explanation_fr,
        principle=rule.principle,
        area=rule.area,
        severity=rule.severity,
        parameters=[
            ParameterOut(
                name=parameter.name,
                label=parameter.label_fr if french else parameter.label_en,
                label_en=parameter.label_en,
                label_fr=parameter.label_fr,
                default=_value(parameter.default),
            )
            for parameter in rule.parameters
        ],
    )


def country_rule_out(rule: Rule, values: Mapping[str, Any]) -> CountryRuleOut:
    defaults = {name: _value(value) for name, value in rule.defaults().items()}
    current = {name: _value(value) for name, value in values.items()}
    return CountryRuleOut(
        **rule_out(rule).dict(),
        values=current,
        customised=any(_comparable(current[name]) != _comparable(defaults[name]) for name in defaults),
    )


def _comparable(value: ParameterValue) -> Any:
    return value if isinstance(value, bool) else sorted(value)
