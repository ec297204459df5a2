"""An imported activity's results framework, written into the results app: result → indicator → period, the
period's actual value as an update, the dimensions of a target or an actual as its disaggregations.

Called by the IATI import for each batch of programmes it writes (new or changed ones; an unchanged activity writes
nothing): the programmes' results are replaced by those of the file, in bulk (egide.core.inserts), one statement
per table and batch. An imported programme mirrors its publisher's file, so its results framework is the file's:
what the file no longer holds goes with it.

The file's figures keep the rules the results services keep for a figure typed in (a period has both dates and ends
after it starts; a qualitative indicator has no baseline or target value, a percentage lies between 0 and 100, an
amount below a thousand billion with four decimals at most): a value the rules refuse is kept as the comment of its
baseline or target, or, for an actual, left out with the period kept. An actual arrives as a value reported on the
period's last day. It is *approved* as the review requires of a figure that counts: when the import's author may
review the programme's values (accounts.selectors.may_review_results) or the programme belongs to no organisation
of the platform (another publisher's published figures, which nobody here reviews); anyone else's import leaves it
*submitted*, for the programme's reviewers to approve. The import is its author either way.
"""

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models

from egide.accounts.selectors import may_review_results
from egide.core import iati_codes
from egide.core.inserts import insert_rows
from egide.core.users import Caller
from egide.iati.records import Activity, Narratives
from egide.iati.records import Indicator as IatiIndicator
from egide.iati.records import Period as IatiPeriod
from egide.programmes.models import Programme
from egide.results.models import (
    PERCENTAGE,
    QUALITATIVE,
    UNIT,
    Disaggregation,
    Indicator,
    Period,
    Result,
    Update,
    UpdateStatus,
)

LIMIT = Decimal(10) ** 12
PLACES = Decimal("0.0001")
TITLE_LENGTH = 500
PART_LENGTH = 100
# IATI's IndicatorMeasure: 3 (nominal) and 4 (ordinal) are judgements, read as qualitative; an unknown code as a unit.
MEASURES = {"1": UNIT, "2": PERCENTAGE, "3": QUALITATIVE, "4": QUALITATIVE, "5": QUALITATIVE}

type _Part = tuple[str, str, Decimal]
type _Actual = tuple[int, Decimal | None, str, dt.date, str, list[_Part]]
"""An actual to write: its period's place among the periods, value, narrative, date, status and parts."""


_NUMBERS: dict[tuple[str, str], Decimal | None] = {}
NUMBERS_CACHED = 10_000
"""Targets and actuals repeat (100, 50, 0): each distinct text is read once per measure, up to this many."""


def number(text: str, measure: str) -> Decimal | None:
    """The value as the results app keeps it, or None when it may not hold it (not a number, too large, a
    qualitative indicator's, a percentage outside 0 to 100)."""
    if not text or measure == QUALITATIVE:
        return None
    key = (text, measure)
    try:
        return _NUMBERS[key]
    except KeyError:
        pass
    value = _number(text, measure)
    if len(_NUMBERS) >= NUMBERS_CACHED:
        _NUMBERS.clear()
    _NUMBERS[key] = value
    return value


def _number(text: str, measure: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())  # "1,5" or "1,500": which one is it? Kept as a comment.
    except InvalidOperation:
        return None
    if not value.is_finite() or abs(value) >= LIMIT:
        return None
    if measure == PERCENTAGE and not 0 <= value <= 100:
        return None
    return value.quantize(PLACES)


def _title(texts: Narratives) -> str:
    return (texts.get("en") or next(iter(texts.values()), ""))[:TITLE_LENGTH].strip()


def _description(texts: Narratives) -> str:
    return (texts.get("en") or ("" if "fr" in texts else next(iter(texts.values()), ""))).strip()


def _comment(text: str, value: Decimal | None) -> str:
    """The value the file gives that the column may not hold, kept as the comment."""
    return text if text and value is None else ""


def _baseline_date(indicator: IatiIndicator) -> dt.date | None:
    if indicator.baseline_date is not None:
        return indicator.baseline_date
    return dt.date(indicator.baseline_year, 1, 1) if indicator.baseline_year else None


def _parts(dimensions: Sequence[tuple[str, str]], value: Decimal | None) -> list[_Part]:
    """A target's or an actual's dimensions as disaggregations: the whole value falls to each category named (IATI
    gives one value to a target and its dimensions). A dimension too long or named twice is left out."""
    if value is None:
        return []
    seen: set[tuple[str, str]] = set()
    parts = []
    for name, category in dimensions:
        name, category = name.strip(), category.strip()
        key = (name.casefold(), category.casefold())
        if not name or not category or len(name) > PART_LENGTH or len(category) > PART_LENGTH or key in seen:
            continue
        seen.add(key)
        parts.append((name, category, value))
    return parts


class _Rows:
    """New rows of one model, as tuples in the order of `columns`."""

    def __init__(self, model: type[models.Model], columns: tuple[str, ...]) -> None:
        self.model, self.columns = model, columns
        self.rows: list[tuple[Any, ...]] = []

    def add(self, *values: Any) -> int:
        """Adds the row; returns its place among the rows (its id's place once written)."""
        self.rows.append(values)
        return len(self.rows) - 1

    def write(self, *, ids: bool = True) -> list[int]:
        if not self.rows:
            return []
        return insert_rows(self.model, self.columns, self.rows, ids=ids)


STAMPS = ("created_at", "updated_at", "created_by_id", "updated_by_id")
TEXTS = ("title_en", "title_fr", "description_en", "description_fr")


def _replaced(programme_ids: list[int]) -> None:
    """Delete the programmes' results, with their indicators, periods, values and disaggregations."""
    results = Result.objects.filter(programme_id__in=programme_ids)
    if not results.exists():
        return
    Disaggregation.objects.filter(
        models.Q(period__indicator__result__in=results) | models.Q(update__period__indicator__result__in=results)
    ).delete()
    Update.objects.filter(period__indicator__result__in=results).delete()
    Period.objects.filter(indicator__result__in=results).delete()
    Indicator.objects.filter(result__in=results).delete()
    results.delete()


def results_write(
    *,
    user: Caller,
    items: Sequence[tuple[Activity, int]],
    now: dt.datetime,
    author_id: int | None,
    owners: Mapping[int, tuple[int | None, str]] | None = None,
) -> int:
    """Replace the results of each programme (by id) by its activity's; returns how many results were written.
    `owners` gives each programme's (owner's id, country) where the caller has them (else they are read)."""
    programme_ids = [programme_id for _, programme_id in items]
    _replaced(programme_ids)
    if not any(activity.results for activity, _ in items):
        return 0
    reviewed = _approved_programmes(user, [pk for activity, pk in items if activity.results], owners)
    stamps = (now, now, author_id, author_id)
    results = _Rows(Result, (*STAMPS, *TEXTS, "programme_id", "type", "order", "aggregation_status"))
    indicators = _Rows(
        Indicator,
        (*STAMPS, *TEXTS, "measure", "ascending", "baseline_value", "baseline_date", "baseline_comment", "order"),
    )
    indicator_results: list[int] = []
    periods = _Rows(Period, (*STAMPS, "start", "end", "target_value", "target_comment"))
    period_indicators: list[int] = []
    period_parts: list[list[_Part]] = []
    actuals: list[_Actual] = []
    for activity, programme_id in items:
        status = str(UpdateStatus.APPROVED if programme_id in reviewed else UpdateStatus.SUBMITTED)
        for order, result in enumerate(activity.results, start=1):
            result_place = results.add(
                *stamps,
                _title(result.title) or f"{activity.identifier} ({order})"[:TITLE_LENGTH],
                result.title.get("fr", "")[:TITLE_LENGTH].strip(),
                _description(result.description),
                result.description.get("fr", "").strip(),
                programme_id,
                result.type if result.type in iati_codes.RESULT_TYPE_BY_CODE else "9",
                order,
                result.aggregation_status,
            )
            for indicator_order, indicator in enumerate(result.indicators, start=1):
                measure = MEASURES.get(indicator.measure, UNIT)
                baseline = number(indicator.baseline_value, measure)
                indicator_place = indicators.add(
                    *stamps,
                    _title(indicator.title) or f"{activity.identifier} ({order}.{indicator_order})"[:TITLE_LENGTH],
                    indicator.title.get("fr", "")[:TITLE_LENGTH].strip(),
                    _description(indicator.description),
                    indicator.description.get("fr", "").strip(),
                    measure,
                    indicator.ascending,
                    baseline,
                    _baseline_date(indicator),
                    _comment(indicator.baseline_value, baseline),
                    indicator_order,
                )
                indicator_results.append(result_place)
                for period in indicator.periods:
                    if _add_period(period, measure, status, stamps, periods, actuals):
                        period_indicators.append(indicator_place)
                        period_parts.append(_parts(period.target_dimensions, number(period.target, measure)))
    result_ids = results.write()
    indicators.rows = [(*row, result_ids[place]) for row, place in zip(indicators.rows, indicator_results, strict=True)]
    indicators.columns = (*indicators.columns, "result_id")
    indicator_ids = indicators.write()
    periods.rows = [(*row, indicator_ids[place]) for row, place in zip(periods.rows, period_indicators, strict=True)]
    periods.columns = (*periods.columns, "indicator_id")
    period_ids = periods.write()
    updates = _Rows(
        Update,
        (
            *STAMPS,
            "period_id",
            "value",
            "text",
            "value_date",
            "comment",
            "evidence_link",
            "evidence_document",
            "status",
            "submitted_by_id",
            "submitted_at",
            "reviewed_by_id",
            "reviewed_at",
            "return_reason",
        ),
    )
    for place, value, text, day, status, _ in actuals:
        approved = status == UpdateStatus.APPROVED
        updates.add(
            *stamps,
            period_ids[place],
            value,
            text,
            day,
            "",
            "",
            "",
            status,
            author_id,
            now,
            author_id if approved else None,
            now if approved else None,
            "",
        )
    # The values' ids only name their disaggregations: not taken when there are none (most files).
    disaggregated = any(actual_parts for *_, actual_parts in actuals)
    update_ids = updates.write(ids=disaggregated)
    parts = _Rows(Disaggregation, ("period_id", "update_id", "dimension", "category", "value"))
    for period_id, target_parts in zip(period_ids, period_parts, strict=True):
        for dimension, category, value in target_parts:
            parts.add(period_id, None, dimension, category, value)
    if disaggregated:
        for update_id, (*_, actual_parts) in zip(update_ids, actuals, strict=True):
            for dimension, category, value in actual_parts:
                parts.add(None, update_id, dimension, category, value)
    parts.write(ids=False)
    return len(result_ids)


def _add_period(
    period: IatiPeriod,
    measure: str,
    status: str,
    stamps: tuple[Any, ...],
    periods: _Rows,
    actuals: list[_Actual],
) -> bool:
    """Adds the period's row and its actual's; False for a period left out (without both dates, or ending before
    it starts). The actual is reported on the period's last day."""
    if period.start is None or period.end is None or period.end < period.start:
        return False
    target = number(period.target, measure)
    place = periods.add(*stamps, period.start, period.end, target, _comment(period.target, target))
    if not period.actual:
        return True
    if measure == QUALITATIVE:
        actuals.append((place, None, period.actual, period.end, status, []))
        return True
    actual = number(period.actual, measure)
    if actual is not None:
        actuals.append((place, actual, "", period.end, status, _parts(period.actual_dimensions, actual)))
    return True


@dataclass(slots=True)
class _Owned:
    """A programme as the review's rule sees it (accounts.selectors.Record)."""

    pk: int
    owner_id: int | None
    country: str
    confidentiality: str = ""


def _approved_programmes(
    user: Caller, programme_ids: list[int], owners: Mapping[int, tuple[int | None, str]] | None
) -> set[int]:
    """The programmes whose imported values arrive approved (see the module's description), the rule asked once per
    owner and country."""
    if owners is None or any(pk not in owners for pk in programme_ids):
        owners = {
            pk: (owner_id, country)
            for pk, owner_id, country in Programme.objects.filter(pk__in=programme_ids).values_list(
                "id", "owner_id", "country"
            )
        }
    decided: dict[tuple[int | None, str], bool] = {}
    approved = set()
    for pk in programme_ids:
        key = owners[pk]
        allowed = decided.get(key)
        if allowed is None:
            owner_id, country = key
            allowed = decided[key] = owner_id is None or may_review_results(
                user=user, record=_Owned(pk, owner_id, country)
            )
        if allowed:
            approved.add(pk)
    return approved
