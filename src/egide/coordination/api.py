"""Coordination in the API: the cross-country dashboard, as the page shows it (the same selector, the same
access rules, the same choices and order)."""

import datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from egide.actors.schemas import Line300
from egide.api.errors import answers
from egide.coordination.dashboard import SEVERITIES, sorted_rows
from egide.coordination.dashboard_selectors import MAX_INDICATORS, dashboard

router = Router(tags=["coordination"])


class DashboardQuery(Schema):
    framework: Line300 = Field("", description="A framework's identifier (default: the first one with a band)")
    currency: Literal["USD", "EUR"] = Field("USD", description="The currency of the sums")
    flow: Literal["committed", "spent"] = Field(
        "committed", description="Commitments (IATI type 2), or disbursements and expenditure (types 3 and 4)"
    )
    indicator: list[Line300] | None = Field(
        None,
        max_length=MAX_INDICATORS,
        description="Context indicators' codes, repeated (at most 4; default: the first three the reader may see)",
    )
    region: Line300 = Field("", description="A region's code of the UN's geographic scheme (default: all)")
    sort: Line300 = Field(
        "name",
        description=(
            "The column to sort by, '-' first to reverse: name, region, severity:high, severity:medium, "
            "severity:low, findings, score, money or indicator:CODE"
        ),
    )


class DashboardAssessmentOut(Schema):
    id: int
    as_of: datetime.date
    score: float | None = Field(description="The overall score on 0-100 (none when nothing is answered)")
    band: str
    band_label: str


class DashboardIndicatorOut(Schema):
    code: str
    name: str
    unit: str
    source: str = Field(description="Who publishes the values")


class DashboardValueOut(Schema):
    year: int
    value: float


class DashboardCountryOut(Schema):
    country: str
    name: str
    region: str
    findings: dict[str, int] = Field(description="The open governance findings by severity (high, medium, low)")
    assessment: DashboardAssessmentOut | None = Field(
        description="The latest published assessment of the framework the reader may see"
    )
    money: Decimal | None = Field(description="The programmes' money in the currency, all years")
    money_by_area: dict[str, Decimal] = Field(
        description="The same by area of action (a programme in several areas counts an equal share in each)"
    )
    excluded: int = Field(description="Amounts left out of the sums for want of an exchange rate")
    indicators: dict[str, DashboardValueOut] = Field(description="Each chosen indicator's latest value, by code")


class DashboardOut(Schema):
    framework: str
    currency: str
    flow: str
    region: str
    sort: str
    indicators: list[DashboardIndicatorOut]
    countries: list[DashboardCountryOut]


@router.get(
    "/dashboard",
    response=answers({200: DashboardOut}, 422),
    summary="Every country the reader may see, side by side",
)
def get_dashboard(request: HttpRequest, query: Query[DashboardQuery]) -> DashboardOut:
    """Open findings by severity, the latest published assessment's band, the programmes' money by area of action
    and the latest values of context indicators, one entry per country the reader may see, as on the dashboard."""
    found = dashboard(
        user=request.user,
        framework=query.framework.strip(),
        currency=query.currency,
        flow=query.flow,
        indicators=[code.strip() for code in query.indicator] if query.indicator is not None else None,
        region=query.region.strip(),
    )
    codes = [column.code for column in found.indicators]
    rows, sort = sorted_rows(found.rows, sort=query.sort.strip(), indicators=codes)
    return DashboardOut(
        framework=found.framework,
        currency=found.currency,
        flow=found.flow,
        region=found.region,
        sort=sort,
        indicators=[
            DashboardIndicatorOut(code=column.code, name=column.name, unit=column.unit, source=column.source)
            for column in found.indicators
        ],
        countries=[
            DashboardCountryOut(
                country=row.country,
                name=row.name,
                region=row.region,
                findings={severity: row.findings.get(severity, 0) for severity in SEVERITIES},
                assessment=DashboardAssessmentOut(
                    id=row.assessment.pk,
                    as_of=row.assessment.as_of,
                    score=row.assessment.score,
                    band=row.assessment.band,
                    band_label=row.assessment.band_label,
                )
                if row.assessment is not None
                else None,
                money=row.money,
                money_by_area=row.money_by_area,
                excluded=row.excluded,
                indicators={
                    code: DashboardValueOut(year=value.year, value=value.value)
                    for code, value in row.indicators.items()
                },
            )
            for row in rows
        ],
    )
