"""Exporting a country's results frameworks as the tables the import reads (egide.results.tabular): the programmes
the reader may see, led in the country and with an IATI identifier (the key of every row), their results,
indicators and periods, and their approved values only. Importing the export changes nothing."""

from collections.abc import Iterator, Sequence
from decimal import Decimal

from django.db.models import Prefetch

from egide.core.imports.tables import write_csv, write_xlsx, write_zip
from egide.core.users import Caller
from egide.imports.models import TransferKind, TransferOutcome
from egide.imports.transfers import map_transfer_record
from egide.programmes.selectors import programmes_visible
from egide.results.disaggregations import Part, write
from egide.results.models import Disaggregation, Indicator, Period, Result, Update, UpdateStatus
from egide.results.tabular import COLUMNS, PARTS_SEPARATOR

FORMATS = ("xlsx", "zip")


def _number(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}"


def _parts(parts: Sequence[Disaggregation]) -> str:
    return write([Part(part.dimension, part.category, part.value) for part in parts], separator=f"{PARTS_SEPARATOR} ")


def export_rows(*, user: Caller, country: str) -> dict[str, list[list[str]]]:
    """The four tables' rows: five queries whatever the number of programmes."""
    updates = Update.objects.filter(status=UpdateStatus.APPROVED).prefetch_related("disaggregations")
    periods = Period.objects.prefetch_related("target_disaggregations", Prefetch("updates", queryset=updates))
    indicators = Indicator.objects.select_related("actor").prefetch_related(Prefetch("periods", queryset=periods))
    results = (
        Result.objects.filter(programme__in=programmes_visible(user=user, country=country).exclude(iati_identifier=""))
        .select_related("programme")
        .prefetch_related(Prefetch("indicators", queryset=indicators))
        .order_by("programme__iati_identifier", "order", "pk")
    )
    tables: dict[str, list[list[str]]] = {name: [] for name in COLUMNS}
    for result in results:
        key = [result.programme.iati_identifier, str(result.order)]
        tables["results"].append(
            [*key, result.type, result.title_en, result.title_fr, result.description_en, result.description_fr]
        )
        for indicator in result.indicators.all():
            indicator_key = [*key, str(indicator.order)]
            tables["indicators"].append(
                [
                    *indicator_key,
                    indicator.title_en,
                    indicator.title_fr,
                    indicator.description_en,
                    indicator.description_fr,
                    indicator.measure,
                    "yes" if indicator.ascending else "no",
                    _number(indicator.baseline_value),
                    indicator.baseline_date.isoformat() if indicator.baseline_date else "",
                    indicator.baseline_comment,
                    indicator.actor.reference if indicator.actor is not None else "",
                ]
            )
            for period in indicator.periods.all():
                period_key = [*indicator_key, period.start.isoformat(), period.end.isoformat()]
                tables["periods"].append(
                    [
                        *period_key,
                        _number(period.target_value),
                        period.target_comment,
                        _parts(list(period.target_disaggregations.all())),
                    ]
                )
                for update in period.updates.all():
                    tables["values"].append(
                        [
                            *period_key,
                            update.value_date.isoformat(),
                            _number(update.value),
                            update.text,
                            update.comment,
                            update.evidence_link,
                            _parts(list(update.disaggregations.all())),
                            update.status,
                            "",
                        ]
                    )
    return tables


def _sheets(tables: dict[str, list[list[str]]]) -> Iterator[tuple[str, tuple[Sequence[str], list[list[str]]]]]:
    for name, columns in COLUMNS.items():
        yield name, (columns, tables[name])


def results_export(*, user: Caller, country: str, fmt: str) -> bytes:
    """The file: XLSX (one sheet per table) or a ZIP of four CSV files. The export is recorded in the audit log."""
    tables = export_rows(user=user, country=country)
    if fmt == "xlsx":
        content = write_xlsx(dict(_sheets(tables)))
    else:
        content = write_zip({f"{name}.csv": write_csv(columns, rows) for name, (columns, rows) in _sheets(tables)})
    map_transfer_record(
        user=user,
        kind=TransferKind.EXPORT,
        country=country,
        fmt=fmt,
        outcome=TransferOutcome.DONE,
        records=sum(len(rows) for rows in tables.values()),
        details={"tables": "results"},
    )
    return content
