"""The reports of due diligence: per programme and per country, the supported units with their decision, risk
level and next review, overdue reviews flagged; as a page, as JSON and as an XLSX workbook (the project's writer,
egide.core.imports.tables.write_xlsx)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from egide.core.imports.tables import write_xlsx
from egide.core.users import Caller
from egide.duediligence.diligence_selectors import assessments_visible, is_overdue, programme_units
from egide.duediligence.models import DiligenceAssessment
from egide.programmes.models import Programme


@dataclass(frozen=True)
class ReportRow:
    programme_id: int
    programme: str
    actor_id: int
    unit: str
    assessment_id: int | None
    decision: str
    decision_label: str
    risk_level: str
    risk_label: str
    decided_on: datetime.date | None
    next_review: datetime.date | None
    overdue: bool


def _row(
    programme: Programme, actor_id: int, unit: str, assessment: DiligenceAssessment | None, today: datetime.date
) -> ReportRow:
    return ReportRow(
        programme_id=programme.pk,
        programme=programme.title,
        actor_id=actor_id,
        unit=unit,
        assessment_id=assessment.pk if assessment else None,
        decision=assessment.decision if assessment else "",
        decision_label=str(assessment.get_decision_display()) if assessment and assessment.decision else "",
        risk_level=assessment.risk_level if assessment else "",
        risk_label=str(assessment.get_risk_level_display()) if assessment and assessment.risk_level else "",
        decided_on=assessment.decided_on if assessment else None,
        next_review=assessment.next_review if assessment else None,
        overdue=is_overdue(assessment, today=today),
    )


def programme_report(*, user: Caller, programme: Programme) -> list[ReportRow]:
    """Every unit the programme supports, with the latest assessment the user may read (or none yet)."""
    today = timezone.localdate()
    return [
        _row(programme, unit.support.actor_id, unit.support.actor.name, unit.assessment, today)
        for unit in programme_units(user=user, programme=programme)
    ]


def country_report(*, user: Caller, country: str) -> list[ReportRow]:
    """The latest assessment the user may read of each programme's support to each unit of the country."""
    today = timezone.localdate()
    latest: dict[tuple[int, int], DiligenceAssessment] = {}
    for assessment in assessments_visible(user=user, country=country).order_by("period_start", "pk"):
        latest[(assessment.programme_id, assessment.actor_id)] = assessment
    rows = [_row(item.programme, item.actor_id, item.actor.name, item, today) for item in latest.values()]
    return sorted(rows, key=lambda row: (not row.overdue, row.next_review or datetime.date.max, row.unit.casefold()))


def _columns() -> list[str]:
    return [
        _("Programme"),
        _("Supported unit"),
        _("Decision"),
        _("Risk level"),
        _("Decided on"),
        _("Next review"),
        _("Review overdue"),
    ]


def _cells(rows: Iterable[ReportRow]) -> list[list[str]]:
    return [
        [
            row.programme,
            row.unit,
            row.decision_label or _("Not assessed"),
            row.risk_label,
            row.decided_on.isoformat() if row.decided_on else "",
            row.next_review.isoformat() if row.next_review else "",
            _("yes") if row.overdue else "",
        ]
        for row in rows
    ]


def report_xlsx(rows: Iterable[ReportRow]) -> bytes:
    return write_xlsx({_("Due diligence")[:31]: (_columns(), _cells(rows))})


def brief_rows(*, user: Caller, country: str) -> list[ReportRow]:
    """The due-diligence part of a country's briefs (the coordination brief's page and workbook, the country
    brief of egide.reports): the country report for a signed-in reader who may read at least one of the country's
    assessments; nothing, so no section at all, for anyone else and for an anonymous visitor. The platform
    itself (None, the command line) reads it all, as everywhere."""
    if user is not None and not user.is_authenticated:
        return []
    return country_report(user=user, country=country)


def brief_sheet(*, user: Caller, country: str) -> tuple[list[str], list[list[str]]] | None:
    """The due-diligence sheet of the country's coordination brief (its XLSX): the country report, for a reader
    who may read at least one of its assessments; None (no sheet) for the others."""
    rows = brief_rows(user=user, country=country)
    return (_columns(), _cells(rows)) if rows else None
