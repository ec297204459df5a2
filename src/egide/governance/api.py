"""Governance analysis in the API: a country's findings, their comparison between two dates, the team's decisions
on them and its rule parameters. The same selectors and services as the pages: findings are computed on the map the
reader may see, so a record hidden from them neither shows nor removes a finding."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Query, Router, Status
from ninja.errors import HttpError

from egide.api.auth import deciding_in_country, in_country, writers
from egide.api.common import country_or_404
from egide.api.errors import WRITE_ERRORS, answers
from egide.core.collection import paused_collection
from egide.core.json_output import JSON, json_response
from egide.governance import selectors, services
from egide.governance.documents import comparison_document, finding_documents, findings_json
from egide.governance.engine import SEVERITY_ORDER, parameters_for
from egide.governance.findings import Finding
from egide.governance.models import DecisionStatus
from egide.governance.rules import RULE_BY_CODE, RULES
from egide.governance.schemas import (
    BulkDecisionIn,
    ComparisonOut,
    CountryRuleOut,
    DecisionIn,
    FindingOut,
    FindingsOut,
    RuleOut,
    RuleSettingIn,
    country_rule_out,
    rule_out,
)

router = Router(tags=["governance analysis"])

# Checked before the body is read (egide.api.auth): the rules of egide.accounts.selectors.may_decide_on_findings
# (reviewers too) and may_edit_in (the rules' parameters).
DECIDE_IN_COUNTRY = writers(
    deciding_in_country(gettext_lazy("Only reviewers and editors working on this country may decide on its findings."))
)
SET_RULES_IN_COUNTRY = writers(in_country(gettext_lazy("Only editors working on this country may change its rules.")))

OPEN = "open"
STATUSES = (OPEN, *DecisionStatus.values)


def parse_day(value: str, *, field: str) -> datetime.date:
    """A YYYY-MM-DD date, or today when empty; anything else is refused naming the field."""
    if not value.strip():
        return timezone.localdate()
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError({field: [_("“%(value)s” is not a date: write YYYY-MM-DD.") % {"value": value}]}) from None


def _choice(value: str, choices: Any, *, field: str) -> str:
    if value and value not in choices:
        message = _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)}
        raise ValidationError({field: [message]})
    return value


def _status(item: Finding, result: selectors.CountryFindings) -> str:
    decision = result.decisions.get(item.key)
    return decision.status if decision is not None else OPEN


@router.get(
    "/countries/{code}/findings",
    response=answers({200: FindingsOut}, 404, 422),
    summary="A country's governance findings on a date",
)
def list_findings(
    request: HttpRequest,
    code: str,
    as_of: str = "",
    severity: str = "",
    rule: str = "",
    status: str = "",
    offset: int = Query(0, ge=0, description="findings skipped (after the filters)"),
    limit: int | None = Query(None, ge=1, description="at most this many findings (default: all)"),
) -> Any:
    """The findings of every rule on the map as it stood on `as_of` (default: today), most severe first, with the
    team's decision on each; computed on the records you may see, as if the others did not exist. Filter with
    `severity` (high, medium, low), `rule` (a rule's code) and `status` (open, acknowledged, false_positive); read
    a large map's findings a part at a time with `offset` and `limit`."""
    country = country_or_404(code)
    day = parse_day(as_of, field="as_of")
    _choice(severity, tuple(SEVERITY_ORDER), field="severity")
    _choice(rule, tuple(RULE_BY_CODE), field="rule")
    _choice(status, STATUSES, field="status")
    with paused_collection():
        result = selectors.country_findings(user=request.user, country=country, as_of=day)
        chosen = [
            item
            for item in result.findings
            if (not severity or item.severity == severity)
            and (not rule or item.rule == rule)
            and (not status or _status(item, result) == status)
        ][offset : None if limit is None else offset + limit]
        # Written straight from plain data (egide.governance.documents): FindingsOut is its declared shape.
        body = findings_json(result, country=country, as_of=day, findings=chosen)
        return HttpResponse(body, content_type=JSON)


@router.get(
    "/countries/{code}/findings/compare",
    response=answers({200: ComparisonOut}, 404, 422),
    by_alias=True,
    summary="The findings that appeared, disappeared and stayed between two dates",
)
def compare_findings(
    request: HttpRequest,
    code: str,
    earlier: str = Query("", alias="from", description="YYYY-MM-DD, required"),
    later: str = Query("", alias="to", description="YYYY-MM-DD, default today"),
) -> Any:
    """Findings are matched by their key: those found on `to` and not on `from` appeared, and so on."""
    country = country_or_404(code)
    if not earlier.strip():
        raise ValidationError({"from": [_("Give the first date (YYYY-MM-DD).")]})
    first = parse_day(earlier, field="from")
    second = parse_day(later, field="to")
    with paused_collection():
        before, after, comparison = selectors.country_comparison(
            user=request.user, country=country, earlier=first, later=second
        )
        return json_response(
            comparison_document(before, after, comparison, country=country, earlier=first, later=second)
        )


@router.get(
    "/governance/rules",
    response=answers({200: list[RuleOut]}),
    summary="The governance rules and their default parameters",
)
def list_rules(request: HttpRequest) -> list[RuleOut]:
    return [rule_out(rule) for rule in RULES]


@router.get(
    "/countries/{code}/governance/rules",
    response=answers({200: list[CountryRuleOut]}, 404),
    summary="The governance rules with the parameters a country's team chose",
)
def list_country_rules(request: HttpRequest, code: str) -> list[CountryRuleOut]:
    overrides = selectors.rule_overrides(country=country_or_404(code))
    return [country_rule_out(rule, parameters_for(rule, overrides)) for rule in RULES]


@router.put(
    "/countries/{code}/governance/rules/{rule}",
    response=answers({200: CountryRuleOut}, WRITE_ERRORS),
    summary="Set a rule's parameters for a country",
    auth=SET_RULES_IN_COUNTRY,
)
def set_country_rule(request: HttpRequest, code: str, rule: str, payload: RuleSettingIn) -> Any:
    """Replaces the country's earlier choice for this rule; parameters left out take their default. Editors
    working on the country may do this; it is audited."""
    country = country_or_404(code)
    if rule not in RULE_BY_CODE:
        raise HttpError(404, _("No such rule."))
    services.rule_setting_set(user=request.user, country=country, rule=rule, parameters=payload.parameters)
    values = services.effective_parameters(country=country, rule=rule)
    return Status(200, country_rule_out(RULE_BY_CODE[rule], values))


def _visible_finding(
    request: HttpRequest, country: str, key: str, day: datetime.date
) -> tuple[Finding, selectors.CountryFindings]:
    result = selectors.country_findings(user=request.user, country=country, as_of=day)
    for item in result.findings:
        if item.key == key:
            return item, result
    raise HttpError(404, _("No such finding."))


@router.post(
    "/countries/{code}/findings/decisions",
    response=answers({200: FindingOut}, WRITE_ERRORS),
    summary="Acknowledge a finding, or mark it as a false positive",
    auth=DECIDE_IN_COUNTRY,
)
def decide_finding(request: HttpRequest, code: str, payload: DecisionIn) -> Any:
    """`status` is `acknowledged` (with an optional comment) or `false_positive` (with the reason as comment). The
    finding must be one you can see on `as_of` (default: today). Answers the finding with its decision."""
    country = country_or_404(code)
    day = parse_day(payload.as_of, field="as_of")
    item, result = _visible_finding(request, country, payload.key, day)
    decision = services.finding_decide(
        user=request.user, country=country, key=item.key, rule=item.rule, status=payload.status, comment=payload.comment
    )
    (answer,) = finding_documents([item], result.graph, {item.key: decision})
    return json_response(answer)


@router.post(
    "/countries/{code}/findings/decisions/bulk",
    response=answers({200: list[FindingOut]}, WRITE_ERRORS),
    summary="Acknowledge several findings, or mark them as false positives, with one comment",
    auth=DECIDE_IN_COUNTRY,
)
def decide_findings(request: HttpRequest, code: str, payload: BulkDecisionIn) -> Any:
    """The same decision on every finding of `keys`: all are decided, or none (a key that is not a finding you
    can see on `as_of` refuses the whole request with 404, naming it). Reviewers, editors and administrators
    working on the country may; each decision is audited. Answers the findings with their decisions."""
    country = country_or_404(code)
    day = parse_day(payload.as_of, field="as_of")
    result = selectors.country_findings(user=request.user, country=country, as_of=day)
    by_key = {item.key: item for item in result.findings}
    missing = [key for key in payload.keys if key not in by_key]
    if missing:
        raise HttpError(404, _("No such finding: %(key)s.") % {"key": missing[0]})
    chosen = [by_key[key] for key in dict.fromkeys(payload.keys)]
    decisions = services.findings_decide(
        user=request.user,
        country=country,
        findings=[(item.key, item.rule) for item in chosen],
        status=payload.status,
        comment=payload.comment,
    )
    by_decision = {decision.key: decision for decision in decisions}
    return json_response(finding_documents(chosen, result.graph, by_decision))


@router.delete(
    "/countries/{code}/findings/decisions/{key}",
    response=answers({204: None}, 403, 404, 422),
    summary="Reopen a finding: withdraw the decision on it",
    auth=DECIDE_IN_COUNTRY,
)
def reopen_finding(request: HttpRequest, code: str, key: str, as_of: str = "") -> Any:
    country = country_or_404(code)
    day = parse_day(as_of, field="as_of")
    item, result = _visible_finding(request, country, key, day)
    decision = result.decisions.get(item.key)
    if decision is None:
        raise HttpError(404, _("No decision was taken on this finding."))
    services.finding_reopen(user=request.user, decision=decision)
    return Status(204, None)
