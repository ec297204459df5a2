"""Which assessment gives a linked indicator its baseline and each period its actual. Pure: the assessments
(already filtered to those the reader may see, published, of the framework and the programme's country) come in
as plain facts, the choices go out.

- **Baseline**: the assessment chosen for it, when one is; otherwise the latest by date (then by id) on or before
  the indicator's baseline date, or, without a baseline date, before the first period's start.
- **A period's actual**: the score of the latest assessment (by date, then id) whose date falls within the period,
  first and last days included; none when no assessment falls in it.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Measured:
    """A published assessment's score of the linked section (or overall) on 0-100, and the coverage of it (the
    share of applicable questions answered), each None when nothing counts."""

    assessment: int
    as_of: datetime.date
    score: Decimal | None
    coverage: Decimal | None


def _latest(candidates: Sequence[Measured]) -> Measured | None:
    return max(candidates, key=lambda item: (item.as_of, item.assessment), default=None)


def baseline_of(
    measured: Sequence[Measured],
    *,
    chosen: int | None,
    baseline_date: datetime.date | None,
    first_start: datetime.date | None,
) -> Measured | None:
    if chosen is not None:
        return next((item for item in measured if item.assessment == chosen), None)
    if baseline_date is not None:
        return _latest([item for item in measured if item.as_of <= baseline_date])
    if first_start is not None:
        return _latest([item for item in measured if item.as_of < first_start])
    return None


def period_value(measured: Sequence[Measured], *, start: datetime.date, end: datetime.date) -> Measured | None:
    return _latest([item for item in measured if start <= item.as_of <= end])
