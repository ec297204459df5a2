"""The cross-country dashboard's rows and their order: pure, no database (fed by
egide.coordination.dashboard_selectors).

One row per country the reader may see: its open governance findings by severity, the overall band and score of
its latest published assessment of one framework, its programmes' money in one currency (in total and by area of
action), and the latest value of a few context indicators. Any column sorts the table; a country without a value
in that column comes last whichever the direction, so that sorting by a sparse column shows what is known first.
"""

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

SEVERITIES = ("high", "medium", "low")

NAME, REGION, FINDINGS, SCORE, MONEY = "name", "region", "findings", "score", "money"
SEVERITY_PREFIX, INDICATOR_PREFIX = "severity:", "indicator:"


@dataclass(frozen=True, slots=True)
class LatestAssessment:
    pk: int
    as_of: datetime.date
    score: float | None
    band: str
    band_label: str


@dataclass(frozen=True, slots=True)
class IndicatorValue:
    year: int
    value: float


@dataclass(slots=True)
class DashboardRow:
    country: str
    name: str
    region: str
    """The region's code in the UN's geographic scheme ('' when it has none)."""
    region_name: str = ""
    findings: dict[str, int] = field(default_factory=dict)
    """Open findings by severity (high, medium, low)."""
    assessment: LatestAssessment | None = None
    money: Decimal | None = None
    """The programmes' money in the chosen currency; None when none of them has any."""
    money_by_area: dict[str, Decimal] = field(default_factory=dict)
    """The same by area of action: a programme in several areas counts an equal share in each."""
    excluded: int = 0
    """Amounts left out of the sums for want of an exchange rate."""
    indicators: dict[str, IndicatorValue] = field(default_factory=dict)
    """The latest value of each chosen indicator, by its code."""

    @property
    def findings_total(self) -> int:
        return sum(self.findings.values())

    def top_areas(self, count: int = 3) -> list[tuple[str, Decimal]]:
        """The areas with the most money, most first (then by code)."""
        return sorted(self.money_by_area.items(), key=lambda item: (-item[1], item[0]))[:count]


def sort_keys(indicators: Iterable[str]) -> list[str]:
    """Every column the table sorts by."""
    return [
        NAME,
        REGION,
        *(f"{SEVERITY_PREFIX}{severity}" for severity in SEVERITIES),
        FINDINGS,
        SCORE,
        MONEY,
        *(f"{INDICATOR_PREFIX}{code}" for code in indicators),
    ]


def _value(column: str) -> Callable[[DashboardRow], object]:
    if column == NAME:
        return lambda row: row.name.casefold()
    if column == REGION:
        return lambda row: row.region_name.casefold() or None
    if column == FINDINGS:
        return lambda row: row.findings_total
    if column.startswith(SEVERITY_PREFIX):
        severity = column.removeprefix(SEVERITY_PREFIX)
        return lambda row: row.findings.get(severity, 0)
    if column == SCORE:
        return lambda row: row.assessment.score if row.assessment is not None else None
    if column == MONEY:
        return lambda row: row.money
    code = column.removeprefix(INDICATOR_PREFIX)
    return lambda row: row.indicators[code].value if code in row.indicators else None


def sorted_rows(
    rows: Iterable[DashboardRow], *, sort: str, indicators: Iterable[str]
) -> tuple[list[DashboardRow], str]:
    """The rows in the order `sort` asks (a column of `sort_keys`, '-' first for the reverse), ties and missing
    values by name; an unknown column sorts by name. Returns the rows and the sort applied."""
    descending = sort.startswith("-")
    column = sort.removeprefix("-")
    if column not in sort_keys(indicators):
        column, descending = NAME, False
    value = _value(column)
    by_name = sorted(rows, key=lambda row: (row.name.casefold(), row.country))
    known = [row for row in by_name if value(row) is not None]
    missing = [row for row in by_name if value(row) is None]
    known.sort(key=value, reverse=descending)  # type: ignore[arg-type]  # one type of value per column
    return known + missing, f"-{column}" if descending else column
