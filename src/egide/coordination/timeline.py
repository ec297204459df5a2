"""Commitments and disbursements per partner over time, for the Coordination tab's timeline: pure functions over
plain records (no database).

A partner here is a funder as the Sankey diagram reads it (egide.coordination.flows): the transaction's provider,
or the programme's funding organisations sharing the amount equally, so that the timeline's sums and the diagram's
agree for the same period. Expenditure counts with disbursements, as in the matrix.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from egide.coordination.flows import COMMITMENT, FlowRecord, Parties, equal_parts, funders_and_implementers

YEAR, QUARTER = "year", "quarter"
STEPS = (YEAR, QUARTER)
COMMITTED, SPENT = "committed", "spent"


def period_of(day: datetime.date, step: str) -> str:
    return f"{day.year}" if step == YEAR else f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def periods(first_year: int, last_year: int, step: str) -> list[str]:
    """Every period from the first year's start to the last year's end, in order (empty ones included)."""
    years = range(first_year, last_year + 1)
    if step == YEAR:
        return [str(year) for year in years]
    return [f"{year}-Q{quarter}" for year in years for quarter in (1, 2, 3, 4)]


@dataclass(frozen=True, slots=True)
class Series:
    partner: str
    committed: tuple[Decimal, ...]
    spent: tuple[Decimal, ...]

    @property
    def total_committed(self) -> Decimal:
        return sum(self.committed, Decimal(0))

    @property
    def total_spent(self) -> Decimal:
        return sum(self.spent, Decimal(0))


@dataclass(frozen=True, slots=True)
class Timeline:
    periods: tuple[str, ...]
    series: tuple[Series, ...]
    """One per funder, the largest (committed plus spent) first, then by key."""


def timeline(
    records: Iterable[tuple[datetime.date, FlowRecord]],
    parties: Mapping[int, Parties],
    *,
    first_year: int,
    last_year: int,
    step: str,
) -> Timeline:
    """Each funder's commitments and disbursements (with expenditure) per period; records outside the years are
    ignored; each record's amount is divided equally among its funders, to the cent."""
    labels = periods(first_year, last_year, step)
    index = {label: position for position, label in enumerate(labels)}
    sums: dict[str, dict[str, list[Decimal]]] = defaultdict(
        lambda: {COMMITTED: [Decimal(0)] * len(labels), SPENT: [Decimal(0)] * len(labels)}
    )
    for day, record in records:
        position = index.get(period_of(day, step))
        if position is None:
            continue
        funders, _implementers = funders_and_implementers(record, parties.get(record.programme, _NOBODY))
        group = COMMITTED if record.kind == COMMITMENT else SPENT
        for funder, part in zip(funders, equal_parts(record.amount, len(funders)), strict=True):
            sums[funder][group][position] += part
    series = [Series(partner, tuple(values[COMMITTED]), tuple(values[SPENT])) for partner, values in sums.items()]
    series.sort(key=lambda item: (-(item.total_committed + item.total_spent), item.partner))
    return Timeline(tuple(labels), tuple(series))


_NOBODY = Parties(frozenset(), frozenset())
