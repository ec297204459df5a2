"""Importing a country's results frameworks from CSV, a ZIP of CSVs or XLSX (egide.results.tabular): plan, then apply.

The plan reads every row, resolves its keys (the programme by its IATI identifier, then result, indicator and
period numbers and dates, from the file or from the database) and collects every problem with its table, row and
column. The apply step writes through the services in one transaction; a refusal of a service is a problem of its
row too, and any problem undoes the whole import. Rows equal to what is stored change nothing, so importing the
same file twice, or an export, changes nothing.

Imported values: a value arrives with the status its row gives (approved by default) only when the importer may
review the programme's values (accounts.selectors.may_review_results): the file stands for the review, and the
import is audited under their name. From anyone else every value arrives *submitted*, to be reviewed on the
Results tab like any other: an import must not open a way around the review.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import PurePath
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from egide.accounts.selectors import may_review_results
from egide.actors.selectors import actors_visible
from egide.core import iati_codes
from egide.core.imports.limits import FileRefused, ReadLimits
from egide.core.imports.problems import ImportRejected, ImportReport, Problems
from egide.core.imports.tables import Row, read_tables
from egide.core.users import Caller
from egide.imports.models import TransferKind, TransferOutcome
from egide.imports.transfers import map_transfer_record
from egide.programmes.models import Programme
from egide.programmes.selectors import programme_editable, programmes_visible
from egide.results import services
from egide.results.data import IndicatorData, PeriodData, ResultData, UpdateData
from egide.results.disaggregations import DisaggregationError, Part, parse
from egide.results.models import Indicator, Period, Result, Update, UpdateStatus
from egide.results.tabular import LAYOUT, PARTS_SEPARATOR

MEASURES = {"unit": "1", "percentage": "2", "qualitative": "5"} | {code: code for code in ("1", "2", "5")}
RESULT_TYPES = {term.label_en.casefold(): term.code for term in iati_codes.RESULT_TYPES} | {
    term.code: term.code for term in iati_codes.RESULT_TYPES
}
YES = {"yes", "true", "1", "oui", "ascending"}
NO = {"no", "false", "0", "non", "descending"}
IMPORTED_STATUSES = (UpdateStatus.APPROVED, UpdateStatus.SUBMITTED, UpdateStatus.RETURNED)


@dataclass(slots=True)
class ResultsImportReport(ImportReport):
    results_created: int = 0
    results_updated: int = 0
    results_unchanged: int = 0
    indicators_created: int = 0
    indicators_updated: int = 0
    indicators_unchanged: int = 0
    periods_created: int = 0
    periods_updated: int = 0
    periods_unchanged: int = 0
    values_created: int = 0
    values_unchanged: int = 0
    skipped_unchanged: list[str] = field(default_factory=list)
    """The identifiers of programmes not found, when the import was told to leave their rows out (the demo)."""


# --- reading cells ------------------------------------------------------------------------------------------------


class _Cells:
    """A row's cells read into values, each problem recorded at the row and column."""

    def __init__(self, table: str, row: Row, problems: Problems) -> None:
        self.table, self.row, self.problems = table, row, problems
        self.failed = False

    def fail(self, column: str, message: str) -> None:
        self.failed = True
        self.problems.at(self.table, self.row.number, column, message)

    def text(self, column: str) -> str:
        return self.row.get(column)

    def required(self, column: str) -> str:
        value = self.row.get(column)
        if not value:
            self.fail(column, _("This column is required."))
        return value

    def number(self, column: str, *, whole: bool = False) -> Decimal | None:
        value = self.row.get(column).replace(",", ".").replace(" ", "").replace("\u202f", "")
        if not value:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite() or abs(number) >= services.LIMIT or (whole and number != number.to_integral_value()):
            self.fail(column, _("“%(value)s” is not a number.") % {"value": value})
            return None
        return number

    def position(self, column: str) -> int:
        number = self.number(column, whole=True)
        if number is None or number < 1:
            if not self.failed or number is not None:
                self.fail(column, _("Write a whole number from 1."))
            return 0
        return int(number)

    def day(self, column: str, *, required: bool = False) -> datetime.date | None:
        value = self.row.get(column)
        if not value:
            if required:
                self.fail(column, _("This column is required."))
            return None
        try:
            return datetime.date.fromisoformat(value[:10])
        except ValueError:
            self.fail(column, _("“%(value)s” is not a date: write YYYY-MM-DD.") % {"value": value})
            return None

    def choice(self, column: str, choices: dict[str, str], default: str) -> str:
        value = self.row.get(column).casefold()
        if not value:
            return default
        if value not in choices:
            self.fail(column, _("Choose one of: %(choices)s.") % {"choices": ", ".join(sorted(set(choices)))})
            return default
        return choices[value]

    def parts(self, column: str) -> tuple[Part, ...]:
        try:
            return tuple(parse(self.row.get(column), separator=PARTS_SEPARATOR))
        except DisaggregationError as error:
            self.fail(column, str(error))
            return ()


# --- the plan -----------------------------------------------------------------------------------------------------

ResultKey = tuple[int, int]
IndicatorKey = tuple[int, int, int]
PeriodKey = tuple[int, int, int, datetime.date, datetime.date]


@dataclass(slots=True)
class Planned:
    row: Row
    data: Any
    status: str = ""
    return_reason: str = ""


@dataclass(slots=True)
class Plan:
    programmes: dict[str, Programme] = field(default_factory=dict)
    results: dict[ResultKey, Planned] = field(default_factory=dict)
    indicators: dict[IndicatorKey, Planned] = field(default_factory=dict)
    periods: dict[PeriodKey, Planned] = field(default_factory=dict)
    values: list[tuple[PeriodKey, Planned]] = field(default_factory=list)
    skipped: set[str] = field(default_factory=set)


def _programmes(user: Caller, country: str, tables: dict[str, list[Row]]) -> dict[str, Programme]:
    identifiers = {row.get("programme") for rows in tables.values() for row in rows if row.get("programme")}
    found = programmes_visible(user=user, country=country).filter(iati_identifier__in=sorted(identifiers))
    return {programme.iati_identifier: programme for programme in found}


def plan_import(
    *, user: Caller, country: str, tables: dict[str, list[Row]], problems: Problems, skip_missing: bool = False
) -> Plan:
    plan = Plan(programmes=_programmes(user, country, tables))
    editable: dict[str, bool] = {}
    existing = _existing(plan.programmes.values())

    def programme_of(cells: _Cells) -> Programme | None:
        identifier = cells.required("programme")
        if not identifier:
            return None
        programme = plan.programmes.get(identifier)
        if programme is None:
            if skip_missing:
                plan.skipped.add(identifier)
            else:
                cells.fail(
                    "programme",
                    _("No programme of this country with the IATI identifier “%(identifier)s” that you may see.")
                    % {"identifier": identifier},
                )
            return None
        if identifier not in editable:
            editable[identifier] = programme_editable(user=user, programme=programme)
        if not editable[identifier]:
            cells.fail("programme", _("You may not change this programme's results."))
            return None
        return programme

    for row in tables.get("results", []):
        cells = _Cells("results", row, problems)
        programme = programme_of(cells)
        number = cells.position("result")
        result_data = ResultData(
            title_en=cells.required("title_en"),
            title_fr=cells.text("title_fr"),
            description_en=cells.text("description_en"),
            description_fr=cells.text("description_fr"),
            type=cells.choice("type", RESULT_TYPES, "1"),
            order=number or None,
        )
        if programme is None or cells.failed:
            continue
        result_key = (programme.pk, number)
        if result_key in plan.results:
            cells.fail(
                "result", _("This result is given twice (row %(row)s).") % {"row": plan.results[result_key].row.number}
            )
            continue
        plan.results[result_key] = Planned(row, result_data)

    actor_ids = _actor_references(user, country, tables.get("indicators", []))
    for row in tables.get("indicators", []):
        cells = _Cells("indicators", row, problems)
        programme = programme_of(cells)
        result_number, number = cells.position("result"), cells.position("indicator")
        reference = cells.text("actor")
        actor_id = actor_ids.get(reference) if reference else None
        if reference and actor_id is None:
            cells.fail("actor", _("No actor of the map with the reference “%(reference)s”.") % {"reference": reference})
        ascending = cells.text("ascending").casefold()
        if ascending and ascending not in YES | NO:
            cells.fail("ascending", _("Write yes (higher is better) or no (lower is better)."))
        indicator_data = IndicatorData(
            title_en=cells.required("title_en"),
            title_fr=cells.text("title_fr"),
            description_en=cells.text("description_en"),
            description_fr=cells.text("description_fr"),
            measure=cells.choice("measure", MEASURES, "1"),
            ascending=ascending not in NO,
            baseline_value=cells.number("baseline_value"),
            baseline_date=cells.day("baseline_date"),
            baseline_comment=cells.text("baseline_comment"),
            actor_id=actor_id,
            order=number or None,
        )
        if programme is None or cells.failed:
            continue
        if (programme.pk, result_number) not in plan.results and (programme.pk, result_number) not in existing.results:
            cells.fail("result", _("No result %(number)s in this programme.") % {"number": result_number})
            continue
        indicator_key = (programme.pk, result_number, number)
        if indicator_key in plan.indicators:
            cells.fail(
                "indicator",
                _("This indicator is given twice (row %(row)s).") % {"row": plan.indicators[indicator_key].row.number},
            )
            continue
        plan.indicators[indicator_key] = Planned(row, indicator_data)

    def period_key(cells: _Cells, programme: Programme) -> PeriodKey | None:
        result_number, number = cells.position("result"), cells.position("indicator")
        start, end = cells.day("period_start", required=True), cells.day("period_end", required=True)
        if cells.failed or start is None or end is None:
            return None
        indicator_key = (programme.pk, result_number, number)
        if indicator_key not in plan.indicators and indicator_key not in existing.indicators:
            cells.fail(
                "indicator",
                _("No indicator %(indicator)s of result %(result)s in this programme.")
                % {"indicator": number, "result": result_number},
            )
            return None
        return (*indicator_key, start, end)

    for row in tables.get("periods", []):
        cells = _Cells("periods", row, problems)
        programme = programme_of(cells)
        if programme is None:
            continue
        found_period = period_key(cells, programme)
        period_data = PeriodData(
            start=found_period[3] if found_period else datetime.date.min,
            end=found_period[4] if found_period else datetime.date.min,
            target_value=cells.number("target_value"),
            target_comment=cells.text("target_comment"),
            target_disaggregations=cells.parts("target_disaggregations"),
        )
        if found_period is None or cells.failed:
            continue
        if found_period in plan.periods:
            cells.fail(
                "period_start",
                _("This period is given twice (row %(row)s).") % {"row": plan.periods[found_period].row.number},
            )
            continue
        plan.periods[found_period] = Planned(row, period_data)

    may_review: dict[int, bool] = {}
    for row in tables.get("values", []):
        cells = _Cells("values", row, problems)
        programme = programme_of(cells)
        if programme is None:
            continue
        value_period = period_key(cells, programme)
        value_date = cells.day("value_date", required=True)
        status = cells.choice(
            "status", {status.value: status.value for status in IMPORTED_STATUSES}, UpdateStatus.APPROVED
        )
        reason = cells.text("return_reason")
        if status == UpdateStatus.RETURNED and not reason:
            cells.fail("return_reason", _("A returned value needs the reason it was returned."))
        update_data = UpdateData(
            value_date=value_date or datetime.date.min,
            value=cells.number("value"),
            text=cells.text("text"),
            comment=cells.text("comment"),
            evidence_link=cells.text("evidence_link"),
            disaggregations=cells.parts("disaggregations"),
        )
        if value_period is None or cells.failed:
            continue
        if value_period not in plan.periods and value_period not in existing.periods:
            cells.fail("period_start", _("No such period of this indicator."))
            continue
        if programme.pk not in may_review:
            may_review[programme.pk] = may_review_results(user=user, record=programme)
        # Only a reviewer's import keeps a reviewed status; anyone else's values wait for review.
        kept = status if may_review[programme.pk] else UpdateStatus.SUBMITTED
        kept_reason = reason if kept == UpdateStatus.RETURNED else ""
        plan.values.append((value_period, Planned(row, update_data, kept, kept_reason)))
    return plan


@dataclass(slots=True)
class Existing:
    results: dict[ResultKey, Result] = field(default_factory=dict)
    indicators: dict[IndicatorKey, Indicator] = field(default_factory=dict)
    periods: dict[PeriodKey, Period] = field(default_factory=dict)
    values: set[tuple[PeriodKey, datetime.date, Decimal | None, str]] = field(default_factory=set)


def _existing(programmes: Any) -> Existing:
    """What the programmes already hold, by the keys of the file: four queries."""
    ids = [programme.pk for programme in programmes]
    stored = Existing()
    for result in Result.objects.filter(programme_id__in=ids):
        stored.results.setdefault((result.programme_id, result.order), result)
    results_by_id = {result.pk: key for key, result in stored.results.items()}
    for indicator in Indicator.objects.filter(result__programme_id__in=ids).select_related("result"):
        result_key = results_by_id.get(indicator.result_id)
        if result_key is not None:
            stored.indicators.setdefault((*result_key, indicator.order), indicator)
    indicators_by_id = {indicator.pk: key for key, indicator in stored.indicators.items()}
    for period in Period.objects.filter(indicator__result__programme_id__in=ids).prefetch_related(
        "target_disaggregations"
    ):
        indicator_key = indicators_by_id.get(period.indicator_id)
        if indicator_key is not None:
            stored.periods.setdefault((*indicator_key, period.start, period.end), period)
    periods_by_id = {period.pk: key for key, period in stored.periods.items()}
    for period_id, value_date, value, text in Update.objects.filter(
        period__indicator__result__programme_id__in=ids
    ).values_list("period_id", "value_date", "value", "text"):
        period_key = periods_by_id.get(period_id)
        if period_key is not None:
            stored.values.add((period_key, value_date, value, text))
    return stored


def _actor_references(user: Caller, country: str, rows: list[Row]) -> dict[str, int]:
    references = sorted({row.get("actor") for row in rows if row.get("actor")})
    if not references:
        return {}
    found = actors_visible(user=user, country=country).filter(reference__in=references)
    return dict(found.values_list("reference", "pk"))


# --- the apply step -----------------------------------------------------------------------------------------------


def _same(record: Any, data: Any, names: tuple[str, ...]) -> bool:
    return all(getattr(record, name) == getattr(data, name) for name in names)


RESULT_FIELDS = ("type", "title_en", "title_fr", "description_en", "description_fr")
INDICATOR_FIELDS = (
    "title_en",
    "title_fr",
    "description_en",
    "description_fr",
    "measure",
    "ascending",
    "baseline_value",
    "baseline_date",
    "baseline_comment",
    "actor_id",
)


def _parts_of(period: Period) -> list[tuple[str, str, Decimal]]:
    return sorted((part.dimension, part.category, part.value) for part in period.target_disaggregations.all())


def _guarded(problems: Problems, table: str, row: Row, action: Callable[[], Any]) -> Any:
    """Run a service; its refusal becomes a problem of the row (by field where it names one)."""
    try:
        return action()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                for message in messages:
                    problems.at(table, row.number, name, message)
        else:
            for message in error.messages:
                problems.at(table, row.number, "", message)
    except PermissionDenied as error:
        problems.at(table, row.number, "programme", str(error))
    return None


def apply_plan(*, user: Caller, plan: Plan, problems: Problems, report: ResultsImportReport) -> None:
    programmes = {programme.pk: programme for programme in plan.programmes.values()}
    stored = _existing(programmes.values())
    for result_key, planned in plan.results.items():
        result = stored.results.get(result_key)
        if result is None:
            create = partial(services.result_create, user=user, programme=programmes[result_key[0]], data=planned.data)
            created = _guarded(problems, "results", planned.row, create)
            if created is not None:
                stored.results[result_key] = created
                report.results_created += 1
        elif _same(result, planned.data, RESULT_FIELDS):
            report.results_unchanged += 1
        elif _guarded(
            problems,
            "results",
            planned.row,
            partial(services.result_update, user=user, result=result, data=planned.data),
        ):
            report.results_updated += 1
    for indicator_key, planned in plan.indicators.items():
        indicator = stored.indicators.get(indicator_key)
        if indicator is None:
            parent = stored.results.get(indicator_key[:2])
            if parent is None:
                continue  # its result's row was refused, and said so
            create_indicator = partial(services.indicator_create, user=user, result=parent, data=planned.data)
            created_indicator = _guarded(problems, "indicators", planned.row, create_indicator)
            if created_indicator is not None:
                stored.indicators[indicator_key] = created_indicator
                report.indicators_created += 1
        elif _same(indicator, planned.data, INDICATOR_FIELDS):
            report.indicators_unchanged += 1
        elif _guarded(
            problems,
            "indicators",
            planned.row,
            partial(services.indicator_update, user=user, indicator=indicator, data=planned.data),
        ):
            report.indicators_updated += 1
    for period_key, planned in plan.periods.items():
        period = stored.periods.get(period_key)
        if period is None:
            parent_indicator = stored.indicators.get(period_key[:3])
            if parent_indicator is None:
                continue
            create_period = partial(services.period_create, user=user, indicator=parent_indicator, data=planned.data)
            created_period = _guarded(problems, "periods", planned.row, create_period)
            if created_period is not None:
                stored.periods[period_key] = created_period
                report.periods_created += 1
        elif (
            period.target_value == planned.data.target_value
            and period.target_comment == planned.data.target_comment
            and _parts_of(period)
            == sorted((part.dimension, part.category, part.value) for part in planned.data.target_disaggregations)
        ):
            report.periods_unchanged += 1
        elif _guarded(
            problems,
            "periods",
            planned.row,
            partial(services.period_update, user=user, period=period, data=planned.data),
        ):
            report.periods_updated += 1
    for value_key, planned in plan.values:
        data = planned.data
        signature = (value_key, data.value_date, data.value, data.text.strip())
        if signature in stored.values:
            report.values_unchanged += 1
            continue
        target = stored.periods.get(value_key)
        if target is None:
            continue
        record = partial(
            services.approved_record,
            user=user,
            period=target,
            data=data,
            status=planned.status,
            return_reason=planned.return_reason,
        )
        if _guarded(problems, "values", planned.row, record) is not None:
            stored.values.add(signature)
            report.values_created += 1


def results_import(
    *,
    user: Caller,
    country: str,
    data: bytes,
    filename: str,
    limits: ReadLimits | None = None,
    skip_missing: bool = False,
    record_unchanged: bool = True,
) -> ResultsImportReport:
    """Import the file's results frameworks into the country's programmes; ImportRejected (nothing written) with
    every problem, or FileRefused when the file cannot be read as these tables at all.

    Every attempt is recorded (a map transfer and its audit event), that of a file that changed nothing included,
    unless `record_unchanged` is False: then an import that changed nothing leaves no trace (the demo loader, which
    loads the same files at every run). A refused or rejected file is recorded all the same."""
    fmt = PurePath(filename).suffix.lstrip(".").lower()

    def record(outcome: TransferOutcome, **facts: Any) -> None:
        map_transfer_record(
            user=user,
            kind=TransferKind.IMPORT,
            country=country,
            fmt=fmt,
            filename=filename,
            outcome=outcome,
            **facts,
        )

    problems = Problems()
    try:
        tables = read_tables(data, filename=filename, layout=LAYOUT, limits=limits)
        plan = plan_import(user=user, country=country, tables=tables, problems=problems, skip_missing=skip_missing)
        problems.raise_if_any()
        report = ResultsImportReport(skipped_unchanged=sorted(plan.skipped))
        with transaction.atomic():
            apply_plan(user=user, plan=plan, problems=problems, report=report)
            problems.raise_if_any()
    except FileRefused:
        record(TransferOutcome.UNREADABLE, details={"tables": "results"})
        raise
    except ImportRejected as rejected:
        record(TransferOutcome.REJECTED, problems=rejected.total, details={"tables": "results"})
        raise
    if not record_unchanged and not report.changed:
        return report
    counts = _counts(report)
    record(TransferOutcome.DONE, records=sum(counts.values()), details={"tables": "results"} | counts)
    return report


def _counts(report: ResultsImportReport) -> dict[str, int]:
    return {name: getattr(report, name) for name in report.__dataclass_fields__ if name != "skipped_unchanged"}
