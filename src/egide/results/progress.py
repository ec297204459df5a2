"""Progress of a results framework against its targets, and its red/amber/green status. Pure: plain values in,
plain values out, no ORM (egide.results.selectors feeds it), so every rule here is tested on generated cases.

The rules, as the results page states them:

- **What counts**: approved updates only (as in Akvo RSR); submitted, returned and draft values never count.
- **A period's actual**: for a *unit* indicator, the sum of the period's approved values (each update reports what
  happened since the one before: judges trained, cases heard); for a *percentage* indicator, the latest approved
  value by its date (a percentage is a level, not a count: adding two rates means nothing). A *qualitative*
  indicator has no number: its latest approved narrative is shown, with no percentage and no colour.
- **Progress of a period**: relative to the baseline, `(actual − baseline) / (target − baseline)`, the share of
  the intended change that happened. The same formula serves ascending and descending indicators (for a
  descending one, both differences are negative). No baseline means a baseline of 0. A target equal to the
  baseline is met (100 %) when the actual is at least as good in the indicator's direction, else 0 %. For a unit
  indicator the baseline is read as the count of a period before the programme, like the period's own sum.
- **Overall progress**: the change achieved so far over the change intended by the last period. Units: the sum,
  over periods with an approved actual and a target, of `actual − baseline`, over the sum, over every period with
  a target, of `target − baseline`. Percentages: the latest approved value against the last period's target.
- **Expected progress**: the share of the time elapsed (by days, the first and the last day both counted) of the
  period, or for the overall status from the first period's start to the last one's end. A period that has not
  started has no status.
- **Status**: the progress over the expected progress, against `RAG_THRESHOLDS`: green from 90 %, amber from 60 %,
  red below. Ninety percent leaves room for the lag of reporting (values are entered and approved weeks after the
  fact) without hiding a real shortfall; below sixty percent, more than a third of what was due by now is
  missing, which a programme cannot usually recover without changing course.
"""

import datetime
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

UNIT, PERCENTAGE, QUALITATIVE = "1", "2", "5"  # egide.core.iati_codes.INDICATOR_MEASURES
ZERO, ONE, HUNDRED = Decimal(0), Decimal(1), Decimal(100)


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The share of the expected progress from which a status is green, and from which it is amber."""

    green: Decimal
    amber: Decimal


RAG_THRESHOLDS = Thresholds(green=Decimal("0.9"), amber=Decimal("0.6"))


class Rag(enum.StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    NONE = "none"  # no status: qualitative, no target, no approved value, or not started


RAG_LABELS = {
    Rag.GREEN: _("On track"),
    Rag.AMBER: _("Behind"),
    Rag.RED: _("Off track"),
    Rag.NONE: _("No status"),
}


@dataclass(frozen=True, slots=True)
class Reported:
    """An approved value: a number (units, percentages) or a narrative (qualitative), on its date; `order` breaks
    ties between values of the same date (the later recorded wins)."""

    value: Decimal | None
    value_date: datetime.date
    text: str = ""
    order: int = 0


@dataclass(frozen=True, slots=True)
class PeriodFacts:
    start: datetime.date
    end: datetime.date
    target: Decimal | None
    approved: tuple[Reported, ...] = ()


@dataclass(frozen=True, slots=True)
class IndicatorFacts:
    measure: str
    ascending: bool
    baseline: Decimal | None
    periods: tuple[PeriodFacts, ...] = ()


@dataclass(frozen=True, slots=True)
class Progress:
    """What a page shows for a period or an indicator: the actual (or narrative), the progress (None when it cannot
    be computed), the expected progress at the day of reading, and the status."""

    actual: Decimal | None
    narrative: str
    progress: Decimal | None
    expected: Decimal | None
    status: Rag

    @property
    def percent(self) -> int | None:
        """The progress in whole percent, as written beside the bar; it may pass 100 or fall below 0."""
        return None if self.progress is None else int((self.progress * HUNDRED).to_integral_value())

    @property
    def bar_width(self) -> int:
        """The bar's filled share in percent, kept within 0 and 100."""
        return 0 if self.percent is None else max(0, min(100, self.percent))

    @property
    def status_label(self) -> str:
        return str(RAG_LABELS[self.status])


def _latest(approved: Sequence[Reported]) -> Reported | None:
    return max(approved, key=lambda item: (item.value_date, item.order), default=None)


def period_actual(measure: str, approved: Sequence[Reported]) -> Decimal | None:
    """The period's actual from its approved values: their sum for units, the latest for percentages, none for a
    qualitative indicator or when no approved value has a number."""
    numbers = [item for item in approved if item.value is not None]
    if measure == QUALITATIVE or not numbers:
        return None
    if measure == UNIT:
        return sum((item.value for item in numbers if item.value is not None), ZERO)
    latest = _latest(numbers)
    return latest.value if latest is not None else None


def narrative(approved: Sequence[Reported]) -> str:
    """The latest approved narrative, for a qualitative indicator."""
    latest = _latest([item for item in approved if item.text])
    return latest.text if latest is not None else ""


def progress(
    *, actual: Decimal | None, target: Decimal | None, baseline: Decimal | None, ascending: bool
) -> Decimal | None:
    """The share of the intended change achieved: (actual − baseline) / (target − baseline)."""
    if actual is None or target is None:
        return None
    start = baseline if baseline is not None else ZERO
    if target == start:
        met = actual >= target if ascending else actual <= target
        return ONE if met else ZERO
    return (actual - start) / (target - start)


def elapsed(*, start: datetime.date, end: datetime.date, today: datetime.date) -> Decimal | None:
    """The share of the span's days gone by at the end of `today`; None before it starts."""
    if today < start:
        return None
    if today >= end:
        return ONE
    return Decimal((today - start).days + 1) / Decimal((end - start).days + 1)


def status(*, achieved: Decimal | None, expected: Decimal | None, thresholds: Thresholds = RAG_THRESHOLDS) -> Rag:
    """Green, amber or red by the progress achieved over the progress expected by now."""
    if achieved is None or expected is None or expected <= ZERO:
        return Rag.NONE
    share = achieved / expected
    if share >= thresholds.green:
        return Rag.GREEN
    if share >= thresholds.amber:
        return Rag.AMBER
    return Rag.RED


def period_progress(indicator: IndicatorFacts, period: PeriodFacts, *, today: datetime.date) -> Progress:
    expected = elapsed(start=period.start, end=period.end, today=today)
    if indicator.measure == QUALITATIVE:
        return Progress(None, narrative(period.approved), None, expected, Rag.NONE)
    actual = period_actual(indicator.measure, period.approved)
    achieved = progress(actual=actual, target=period.target, baseline=indicator.baseline, ascending=indicator.ascending)
    return Progress(actual, "", achieved, expected, status(achieved=achieved, expected=expected))


def overall_progress(indicator: IndicatorFacts, *, today: datetime.date) -> Progress:
    """The indicator's progress to date against what its last period should reach (the rules at the top)."""
    periods = indicator.periods
    if not periods:
        return Progress(None, "", None, None, Rag.NONE)
    expected = elapsed(
        start=min(period.start for period in periods), end=max(period.end for period in periods), today=today
    )
    approved = [item for period in periods for item in period.approved]
    if indicator.measure == QUALITATIVE:
        return Progress(None, narrative(approved), None, expected, Rag.NONE)
    baseline = indicator.baseline if indicator.baseline is not None else ZERO
    targeted = [period for period in periods if period.target is not None]
    achieved: Decimal | None = None
    actual: Decimal | None
    if indicator.measure == UNIT:
        actuals = [(period, period_actual(UNIT, period.approved)) for period in periods]
        reported = [(period, value) for period, value in actuals if value is not None]
        actual = sum((value for _period, value in reported), ZERO) if reported else None
        intended = sum((period.target - baseline for period in targeted if period.target is not None), ZERO)
        done = [value - baseline for period, value in reported if period.target is not None]
        if done and intended != ZERO:
            achieved = sum(done, ZERO) / intended
        elif done:
            achieved = progress(actual=sum(done, ZERO), target=ZERO, baseline=ZERO, ascending=indicator.ascending)
    else:
        actual = period_actual(PERCENTAGE, approved)
        final = max(targeted, key=lambda period: (period.end, period.start)) if targeted else None
        target = final.target if final is not None else None
        achieved = progress(actual=actual, target=target, baseline=indicator.baseline, ascending=indicator.ascending)
    return Progress(actual, "", achieved, expected, status(achieved=achieved, expected=expected))
