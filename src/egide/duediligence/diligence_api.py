"""Due diligence in the API: the reports per programme and per country, and one assessment with its risk listing.
Reading needs credentials (a token or a session): nothing of due diligence is ever answered to an anonymous
request; a record the caller may not read is not found, as on the pages."""

import datetime

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from egide.api.auth import BearerToken, SessionCookie
from egide.api.common import country_or_404
from egide.api.errors import answers
from egide.duediligence import diligence_selectors as selectors
from egide.duediligence import diligence_services as services
from egide.duediligence.reports import ReportRow, country_report, programme_report
from egide.programmes.selectors import programme_visible

router = Router(tags=["due diligence"])

SIGNED_IN = [BearerToken(), SessionCookie()]


class DiligenceReportRowOut(Schema):
    programme_id: int
    programme: str
    actor_id: int
    unit: str
    assessment_id: int | None = Field(description="The latest assessment you may read; null: not assessed")
    decision: str = Field(description="support, conditional, no_support, or empty when not decided")
    decision_label: str
    risk_level: str = Field(description="low, medium, high, or empty")
    risk_label: str
    decided_on: datetime.date | None
    next_review: datetime.date | None
    overdue: bool = Field(description="The next review's date has passed")


class DiligenceEvidenceOut(Schema):
    source: str
    url: str
    locator: str
    confidence: str


class DiligenceLinkOut(Schema):
    path: str = Field(description="unit, parent, or commander")
    actor_id: int | None = Field(description="The unit; null for a unit you may not see on the map")
    unit: str = Field(description="The unit's name; empty for a unit you may not see on the map")
    status: str = Field(description="Empty, as are the confidence and the evidence, for a unit you may not see")
    confidence: str
    person_id: int | None = Field(description="The commander, for a link through a commanding post")
    role: str = ""
    post_start: str = Field("", description="The post's start, an imprecise date (YYYY, YYYY-MM or YYYY-MM-DD)")
    post_end: str = ""
    evidence: list[DiligenceEvidenceOut]


class DiligenceIncidentOut(Schema):
    incident_id: int
    title: str
    violation: str
    occurred: str = Field(description="An imprecise date: YYYY, YYYY-MM or YYYY-MM-DD; empty when unknown")
    links: list[DiligenceLinkOut]
    evidence: list[DiligenceEvidenceOut]


class DiligenceAssessmentOut(Schema):
    id: int
    programme_id: int
    actor_id: int
    unit: str
    country: str
    period_start: datetime.date
    period_end: datetime.date | None
    include_parents: bool
    risk_level: str
    factors: str
    mitigation: str
    conditions: str
    decision: str
    decided_on: datetime.date | None
    next_review: datetime.date | None
    overdue: bool
    version: int
    incidents: list[DiligenceIncidentOut] = Field(description="The risk listing: only what you may read")


def _rows(rows: list[ReportRow]) -> list[DiligenceReportRowOut]:
    return [DiligenceReportRowOut.model_validate(row, from_attributes=True) for row in rows]


@router.get(
    "/programmes/{pk}/due-diligence",
    response=answers({200: list[DiligenceReportRowOut]}, 404, 422),
    auth=SIGNED_IN,
    summary="A programme's supported units with their due-diligence decision and next review",
)
def get_programme_diligence(request: HttpRequest, pk: int) -> list[DiligenceReportRowOut]:
    programme = programme_visible(user=request.user, pk=pk)
    return _rows(programme_report(user=request.user, programme=programme))


@router.get(
    "/countries/{code}/due-diligence",
    response=answers({200: list[DiligenceReportRowOut]}, 404),
    auth=SIGNED_IN,
    summary="A country's supported units with their due-diligence decision and next review, overdue first",
)
def get_country_diligence(request: HttpRequest, code: str) -> list[DiligenceReportRowOut]:
    return _rows(country_report(user=request.user, country=country_or_404(code)))


@router.get(
    "/due-diligence/{pk}",
    response=answers({200: DiligenceAssessmentOut}, 404, 422),
    auth=SIGNED_IN,
    summary="A due-diligence assessment with its risk listing and evidence",
)
def get_diligence_assessment(request: HttpRequest, pk: int) -> DiligenceAssessmentOut:
    assessment = selectors.assessment_visible(user=request.user, pk=pk)
    risk = selectors.risk_for(user=request.user, assessment=assessment)
    services.diligence_consulted(user=request.user, assessment=assessment, risk=risk)
    incidents = [
        DiligenceIncidentOut(
            incident_id=row.incident.pk,
            title=row.incident.title,
            violation=row.incident.violation,
            occurred=row.incident.occurred,
            evidence=[DiligenceEvidenceOut.model_validate(item, from_attributes=True) for item in row.evidence],
            links=[
                DiligenceLinkOut(
                    path=str(link.path),
                    actor_id=link.actor.pk if link.actor_visible else None,
                    unit=link.actor.name if link.actor_visible else "",
                    status=link.responsibility.status if link.allegation_shown else "",
                    confidence=link.responsibility.confidence if link.allegation_shown else "",
                    person_id=link.post.person_id if link.post else None,
                    role=link.post.role if link.post else "",
                    post_start=link.post.start if link.post else "",
                    post_end=link.post.end if link.post else "",
                    evidence=[
                        DiligenceEvidenceOut.model_validate(item, from_attributes=True)
                        for item in (link.evidence if link.allegation_shown else [])
                    ],
                )
                for link in row.links
            ],
        )
        for row in risk.rows
    ]
    return DiligenceAssessmentOut(
        id=assessment.pk,
        programme_id=assessment.programme_id,
        actor_id=assessment.actor_id,
        unit=assessment.actor.name,
        country=assessment.country,
        period_start=assessment.period_start,
        period_end=assessment.period_end,
        include_parents=assessment.include_parents,
        risk_level=assessment.risk_level,
        factors=assessment.factors,
        mitigation=assessment.mitigation,
        conditions=assessment.conditions,
        decision=assessment.decision,
        decided_on=assessment.decided_on,
        next_review=assessment.next_review,
        overdue=selectors.is_overdue(assessment),
        version=assessment.version,
        incidents=incidents,
    )
