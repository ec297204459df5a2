"""Every write to due-diligence assessments: creating one for a programme's supported unit, changing its period
and reading of the risk, recording the decision, acknowledging its alerts. Each service checks, then writes
atomically, audited, refusing a change made from an older version."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egide.accounts.models import Organisation
from egide.accounts.selectors import can_create, can_edit, reach_of
from egide.actors.selectors import actors_visible
from egide.audit.models import Action
from egide.audit.services import audit_record, snapshot
from egide.core.users import Caller, author
from egide.duediligence.access import allowed_levels
from egide.duediligence.diligence_selectors import RiskListing
from egide.duediligence.models import Alert, Decision, DiligenceAssessment, Incident, Person, RiskLevel
from egide.duediligence.reads import VIA_ASSESSMENT, records_consulted
from egide.programmes.models import SupportedActor


class StaleAssessment(Exception):
    """The assessment was saved by someone else after the version the caller started from; nothing was written."""

    def __init__(self, assessment: DiligenceAssessment, expected: int) -> None:
        super().__init__(f"Assessment {assessment.pk} is at version {assessment.version}, not {expected}")
        self.record = assessment
        self.expected = expected


@dataclass(frozen=True, slots=True)
class DiligenceData:
    """What a team sets when it opens an assessment and may change later: the period of support, whether the
    parent units count, who owns it and who may read it, and its reading of the risk."""

    period_start: datetime.date
    period_end: datetime.date | None = None
    include_parents: bool = True
    owner: Organisation | None = None
    confidentiality: str = "restricted"
    risk_level: str = ""
    factors: str = ""
    mitigation: str = ""


@dataclass(frozen=True, slots=True)
class DecisionData:
    decision: str
    risk_level: str
    next_review: datetime.date
    conditions: str = ""
    factors: str = ""
    mitigation: str = ""


def _check(data: DiligenceData) -> None:
    errors: dict[str, list[str]] = {}
    if data.period_end is not None and data.period_end < data.period_start:
        errors["period_end"] = [_("The support cannot end before it starts.")]
    if data.confidentiality not in allowed_levels():
        errors["confidentiality"] = [_("Choose restricted, organisation or partners: assessments are never public.")]
    if data.risk_level and data.risk_level not in RiskLevel.values:
        errors["risk_level"] = [_("The risk level must be low, medium or high.")]
    if errors:
        raise ValidationError(errors)


def _check_version(assessment: DiligenceAssessment, expected: int | None) -> None:
    if expected is not None and assessment.version != expected:
        raise StaleAssessment(assessment, expected)


def _lock(assessment: DiligenceAssessment) -> DiligenceAssessment:
    return DiligenceAssessment.objects.select_for_update(of=("self",)).get(pk=assessment.pk)


def _require_edit(user: Caller, assessment: DiligenceAssessment) -> None:
    if not can_edit(user=user, record=assessment):
        raise PermissionDenied(_("You may not change this assessment."))


def _save(user: Caller, assessment: DiligenceAssessment, current: DiligenceAssessment, before: dict) -> None:
    after = snapshot(current)
    if after == before:
        return
    current.version += 1
    current.save()
    audit_record(user=user, action=Action.UPDATE, instance=current, before=before, after=after)
    for field in DiligenceAssessment._meta.concrete_fields:
        setattr(assessment, field.attname, getattr(current, field.attname))


@transaction.atomic
def diligence_create(*, user: Caller, support: SupportedActor, data: DiligenceData) -> DiligenceAssessment:
    """A new assessment of a programme's support to one unit, by an editor of the programme, owned by
    `data.owner` (the programme's owner when none is given), for the unit's country."""
    owner = data.owner or support.programme.owner
    country = support.actor.country
    # The programme's team assesses its support: an editor of the programme, in the name of one of their own
    # organisations.
    if not can_edit(user=user, record=support.programme) or not can_create(user=user, owner=owner, country=country):
        raise PermissionDenied(_("You may not create assessments for this organisation in this country."))
    if user is not None and not actors_visible(user=user).filter(pk=support.actor_id).exists():
        raise PermissionDenied(_("You may not assess the support to a unit you cannot see."))
    _check(data)
    assessment = DiligenceAssessment(
        programme_id=support.programme_id,
        actor_id=support.actor_id,
        country=country,
        owner=owner,
        confidentiality=data.confidentiality,
        period_start=data.period_start,
        period_end=data.period_end,
        include_parents=data.include_parents,
        risk_level=data.risk_level,
        factors=data.factors.strip(),
        mitigation=data.mitigation.strip(),
    )
    assessment.save()
    audit_record(user=user, action=Action.CREATE, instance=assessment, before=None, after=snapshot(assessment))
    return assessment


@transaction.atomic
def diligence_update(
    *, user: Caller, assessment: DiligenceAssessment, data: DiligenceData, expected_version: int | None = None
) -> DiligenceAssessment:
    """Change the period, the parent rule, the reading of the risk, or who owns and reads the assessment (the
    latter only the owner's editors)."""
    current = _lock(assessment)
    _require_edit(user, current)
    _check_version(current, expected_version)
    _check(data)
    owner = data.owner or current.owner
    access_changes = owner != current.owner or data.confidentiality != current.confidentiality
    if access_changes and not (
        can_create(user=user, owner=current.owner, country=current.country)
        and can_create(user=user, owner=owner, country=current.country)
    ):
        raise PermissionDenied(
            _("Only the owner organisation's editors may change the owner or who may read this assessment.")
        )
    before = snapshot(current)
    current.owner = owner
    current.confidentiality = data.confidentiality
    current.period_start = data.period_start
    current.period_end = data.period_end
    current.include_parents = data.include_parents
    current.risk_level = data.risk_level
    current.factors = data.factors.strip()
    current.mitigation = data.mitigation.strip()
    _save(user, assessment, current, before)
    return assessment


@transaction.atomic
def diligence_decide(
    *, user: Caller, assessment: DiligenceAssessment, data: DecisionData, expected_version: int | None = None
) -> DiligenceAssessment:
    """Record the decision on the support, by the user, today: support, support with conditions (which must be
    written down), or no support, with the risk level and the date of the next review."""
    current = _lock(assessment)
    _require_edit(user, current)
    _check_version(current, expected_version)
    errors: dict[str, list[str]] = {}
    if data.decision not in Decision.values:
        errors["decision"] = [_("Choose support, support with conditions or no support.")]
    if data.risk_level not in RiskLevel.values:
        errors["risk_level"] = [_("Give the risk level (low, medium or high) the decision rests on.")]
    conditions = data.conditions.strip()
    if data.decision == Decision.CONDITIONAL and not conditions:
        errors["conditions"] = [_("Write down the conditions of a support with conditions.")]
    today = timezone.localdate()
    if data.next_review <= today:
        errors["next_review"] = [_("The next review must be after today.")]
    if errors:
        raise ValidationError(errors)
    before = snapshot(current)
    current.decision = data.decision
    current.risk_level = data.risk_level
    current.conditions = conditions if data.decision == Decision.CONDITIONAL else ""
    if data.factors.strip():
        current.factors = data.factors.strip()
    if data.mitigation.strip():
        current.mitigation = data.mitigation.strip()
    current.next_review = data.next_review
    current.decided_by = author(user)
    current.decided_on = today
    _save(user, assessment, current, before)
    return assessment


@transaction.atomic
def diligence_consulted(*, user: Caller, assessment: DiligenceAssessment, risk: RiskListing) -> None:
    """Record that the user read the assessment with its risk listing: a "Consulted" event on the assessment, for
    its organisation's administrators, and one on each incident and each commander the listing shows, for theirs
    (they may be another organisation's), naming the assessment."""
    audit_record(user=user, action=Action.READ, instance=assessment, before=None, after=None)
    shown: list[Incident | Person] = [row.incident for row in risk.rows]
    shown += [link.post.person for row in risk.rows for link in row.links if link.post is not None]
    records_consulted(user=user, records=shown, via=VIA_ASSESSMENT, assessment=assessment.pk)


def may_acknowledge(*, user: Caller, alert: Alert) -> bool:
    """The owner organisation's members whose membership covers the assessment's country (and platform staff)."""
    reach = reach_of(user)
    if reach.superuser:
        return True
    assessment = alert.assessment
    return any(
        grant.organisation_id == assessment.owner_id and grant.covers(assessment.country) for grant in reach.grants
    )


@transaction.atomic
def alert_acknowledge(*, user: Caller, alert: Alert) -> Alert:
    """Mark the alert as seen: it leaves the dashboard (it stays on the assessment's history). Acknowledging twice
    changes nothing."""
    if not may_acknowledge(user=user, alert=alert):
        raise PermissionDenied(_("Only the assessment's owner organisation may acknowledge its alerts."))
    if alert.acknowledged_at is not None:
        return alert
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = author(user)
    alert.save(update_fields=["acknowledged_at", "acknowledged_by"])
    # Recorded on the assessment, whose history and owner the log shows (an alert has neither country nor owner).
    audit_record(
        user=user,
        action=Action.ACKNOWLEDGE,
        instance=alert.assessment,
        before={"alert": alert.pk, "kind": alert.kind, "acknowledged_at": None},
        after={"alert": alert.pk, "kind": alert.kind, "acknowledged_at": alert.acknowledged_at.isoformat()},
    )
    return alert
