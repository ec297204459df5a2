"""Every write about findings: a team's decisions on them and its rule parameters. All audited."""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egide.accounts.selectors import may_decide_on_findings, may_edit_in
from egide.audit.models import Action
from egide.audit.services import audit_record, audit_records_bulk, snapshot
from egide.core.users import Caller, author
from egide.governance.engine import parameters_for
from egide.governance.models import DecisionStatus, FindingDecision, RuleSetting
from egide.governance.rules import RULE_BY_CODE

DECISION_ACTIONS: dict[str, Action] = {
    DecisionStatus.ACKNOWLEDGED: Action.ACKNOWLEDGE,
    DecisionStatus.FALSE_POSITIVE: Action.FALSE_POSITIVE,
}


def _require_reviewer(user: Caller, country: str) -> None:
    if not may_decide_on_findings(user=user, country=country):
        raise PermissionDenied(_("Only reviewers and editors working on this country may decide on its findings."))


def _require_country_editor(user: Caller, country: str) -> None:
    if not may_edit_in(user=user, country=country):
        raise PermissionDenied(_("Only editors working on this country may change its rules."))


MAX_DECISIONS = 1000  # findings decided at once: more than a country's map gives, less than a runaway request


def _decide(
    *, user: Caller, country: str, key: str, rule: str, status: str, comment: str, existing: FindingDecision | None
) -> FindingDecision:
    before = snapshot(existing) if existing else None
    decision, _created = FindingDecision.objects.update_or_create(
        country=country,
        key=key,
        defaults={"rule": rule, "status": status, "comment": comment, "decided_by": author(user)},
    )
    audit_record(user=user, action=DECISION_ACTIONS[status], instance=decision, before=before, after=snapshot(decision))
    return decision


def _check_decision(status: str, comment: str) -> str:
    if status not in DecisionStatus.values:
        raise ValidationError({"status": [_("Choose “acknowledged” or “false positive”.")]})
    comment = comment.strip()
    if status == DecisionStatus.FALSE_POSITIVE and not comment:
        raise ValidationError({"comment": [_("Say why this finding is a false positive.")]})
    return comment


def _check_key(key: str, rule: str) -> None:
    if rule not in RULE_BY_CODE or not key.startswith(f"{rule}:"):
        raise ValidationError({"key": [_("No such finding.")]})


@transaction.atomic
def finding_decide(*, user: Caller, country: str, key: str, rule: str, status: str, comment: str) -> FindingDecision:
    """Acknowledge a finding, or mark it as a false positive with a reason; the decision follows the finding's
    key through recomputations, and every change of it is in the audit log."""
    _require_reviewer(user, country)
    comment = _check_decision(status, comment)
    _check_key(key, rule)
    existing = FindingDecision.objects.filter(country=country, key=key).first()
    return _decide(user=user, country=country, key=key, rule=rule, status=status, comment=comment, existing=existing)


@transaction.atomic
def findings_decide(
    *, user: Caller, country: str, findings: Sequence[tuple[str, str]], status: str, comment: str
) -> list[FindingDecision]:
    """The same decision, with one comment, on several findings given as (key, rule): all of them or none, each
    decision audited on its own (a finding's history shows it whichever way it was taken). A bounded number of
    queries however many findings: the decisions already taken are read (and locked) at once, the new ones
    created at once, the others updated at once, and the audit events written at once."""
    _require_reviewer(user, country)
    comment = _check_decision(status, comment)
    chosen = list(dict.fromkeys(findings))
    if not chosen:
        raise ValidationError({"keys": [_("Choose at least one finding.")]})
    if len(chosen) > MAX_DECISIONS:
        raise ValidationError({"keys": [_("Choose at most %(count)s findings at once.") % {"count": MAX_DECISIONS}]})
    for key, rule in chosen:
        _check_key(key, rule)
    existing = {
        decision.key: decision
        for decision in FindingDecision.objects.select_for_update().filter(
            country=country, key__in=[key for key, _rule in chosen]
        )
    }
    befores = {key: snapshot(decision) for key, decision in existing.items()}
    decided_by = author(user)
    decided_at = timezone.now()  # bulk_update leaves auto_now fields alone: set here, the same for all
    decisions: list[FindingDecision] = []
    created: list[FindingDecision] = []
    for key, rule in chosen:
        decision = existing.get(key)
        if decision is None:
            decision = FindingDecision(country=country, key=key)
            created.append(decision)
        decision.rule, decision.status, decision.comment = rule, status, comment
        decision.decided_by, decision.decided_at = decided_by, decided_at
        decisions.append(decision)
    FindingDecision.objects.bulk_create(created)
    FindingDecision.objects.bulk_update(
        list(existing.values()), ["rule", "status", "comment", "decided_by", "decided_at"]
    )
    audit_records_bulk(
        user=user,
        action=DECISION_ACTIONS[status],
        items=[(decision, befores.get(decision.key), snapshot(decision)) for decision in decisions],
    )
    return decisions


@transaction.atomic
def finding_reopen(*, user: Caller, decision: FindingDecision) -> None:
    _require_reviewer(user, decision.country)
    audit_record(user=user, action=Action.REOPEN, instance=decision, before=snapshot(decision), after=None)
    decision.delete()


@transaction.atomic
def rule_setting_set(*, user: Caller, country: str, rule: str, parameters: dict[str, Any]) -> RuleSetting:
    """Change a rule's parameters for a country; unknown parameters or kinds are refused, naming them."""
    _require_country_editor(user, country)
    if rule not in RULE_BY_CODE:
        raise ValidationError({"rule": [_("No such rule.")]})
    known = {parameter.name: parameter for parameter in RULE_BY_CODE[rule].parameters}
    cleaned: dict[str, Any] = {}
    from egide.core import taxonomy

    valid_codes = set(taxonomy.KIND_BY_CODE) | set(taxonomy.RELATIONSHIP_TYPE_BY_CODE) | set(taxonomy.FAMILY_BY_CODE)
    for name, value in parameters.items():
        if name not in known:
            raise ValidationError({name: [_("Unknown parameter.")]})
        if isinstance(known[name].default, bool):
            if not isinstance(value, bool):
                raise ValidationError({name: [_("Give true or false.")]})
            cleaned[name] = value
        else:
            if not isinstance(value, list | tuple):
                raise ValidationError({name: [_("Give a list of codes.")]})
            codes = sorted({str(code) for code in value})
            unknown = [code for code in codes if code not in valid_codes]
            if unknown:
                raise ValidationError({name: [_("Unknown codes: %(codes)s.") % {"codes": ", ".join(unknown)}]})
            cleaned[name] = codes
    existing = RuleSetting.objects.filter(country=country, rule=rule).first()
    before = snapshot(existing) if existing else None
    setting, _created = RuleSetting.objects.update_or_create(
        country=country, rule=rule, defaults={"parameters": cleaned, "updated_by": author(user)}
    )
    audit_record(
        user=user,
        action=Action.UPDATE if existing else Action.CREATE,
        instance=setting,
        before=before,
        after=snapshot(setting),
    )
    return setting


def effective_parameters(*, country: str, rule: str) -> dict[str, Any]:
    setting = RuleSetting.objects.filter(country=country, rule=rule).first()
    return parameters_for(RULE_BY_CODE[rule], {rule: setting.parameters} if setting else None)
