"""A country's budgets and transactions as spreadsheets: export (CSV in a ZIP, or XLSX), and the same import, planned
then applied on the shared machinery of egide.core.imports.

Each row names its programme by IATI identifier (or by the platform's id when the programme has none). A row with
an `id` changes that budget or transaction (of that programme); a row without one is matched with an existing
record of the programme that holds exactly the same values, else created. Nothing is deleted. So an exported file
imported again changes nothing, and one edited in a spreadsheet changes what was edited. Every problem is named
by table, row and column, and nothing is written when there is one.
"""

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from egide.accounts.models import Organisation
from egide.core import iati_codes
from egide.core.imports.problems import ImportReport, Problems
from egide.core.imports.tables import ReadLimits, Row, TableLayout, read_tables, write_csv, write_xlsx, write_zip
from egide.core.users import Caller
from egide.money import rules, services
from egide.money.data import BudgetData, TransactionData
from egide.money.models import Budget, Transaction
from egide.money.selectors import budgets_of_country, transactions_of_country
from egide.money.services import TRANSACTION_FIELDS
from egide.programmes.models import Programme
from egide.programmes.selectors import programme_editable, programmes_visible

BUDGETS, TRANSACTIONS = "budgets", "transactions"
BUDGET_COLUMNS = ("id", "programme", "type", "status", "period_start", "period_end", "value", "currency", "value_date")
TRANSACTION_COLUMNS = ("id", "programme", *TRANSACTION_FIELDS)
REQUIRED = {
    BUDGETS: ("programme", "period_start", "period_end", "value", "currency"),
    TRANSACTIONS: ("programme", "type", "date", "value", "currency"),
}
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {"csv": "application/zip", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
EXTENSIONS = {"csv": "zip", "xlsx": "xlsx"}


def layout() -> TableLayout:
    def recognise(header: set[str]) -> str | None:
        if "period_start" in header:
            return BUDGETS
        if "date" in header and "type" in header:
            return TRANSACTIONS
        return None

    return TableLayout(
        columns={BUDGETS: BUDGET_COLUMNS, TRANSACTIONS: TRANSACTION_COLUMNS},
        required=REQUIRED,
        recognise=recognise,
        unrecognised=lambda: _(
            "The file holds neither budgets (a period_start column) nor transactions (date and type columns)."
        ),
    )


# --- export -------------------------------------------------------------------------------------------------------


def programme_key(programme: Programme) -> str:
    return programme.iati_identifier or str(programme.pk)


def _organisation(organisation: Organisation | None) -> str:
    return organisation.acronym if organisation is not None else ""


def money_sheets(*, user: Caller, country: str) -> dict[str, tuple[Sequence[str], list[list[Any]]]]:
    budgets = [
        [
            budget.pk,
            programme_key(budget.programme),
            budget.type,
            budget.status,
            budget.period_start,
            budget.period_end,
            budget.value,
            budget.currency,
            budget.value_date,
        ]
        for budget in budgets_of_country(user=user, country=country)
    ]
    transactions = [
        [
            record.pk,
            programme_key(record.programme),
            record.type,
            record.date,
            record.value,
            record.currency,
            record.value_date,
            _organisation(record.provider),
            record.provider_name,
            record.provider_reference,
            _organisation(record.receiver),
            record.receiver_name,
            record.receiver_reference,
            record.description,
            record.sector_code,
            record.recipient_country,
            record.reference,
        ]
        for record in transactions_of_country(user=user, country=country)
    ]
    return {BUDGETS: (BUDGET_COLUMNS, budgets), TRANSACTIONS: (TRANSACTION_COLUMNS, transactions)}


def money_export(*, user: Caller, country: str, fmt: str) -> bytes:
    """The budgets and transactions of the country's programmes that the user sees, in the import's columns."""
    sheets = money_sheets(user=user, country=country)
    if fmt == "xlsx":
        return write_xlsx(sheets)
    return write_zip({f"{name}.csv": write_csv(columns, rows) for name, (columns, rows) in sheets.items()})


# --- import -------------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class MoneyImportReport(ImportReport):
    budgets_created: int = 0
    budgets_updated: int = 0
    budgets_unchanged: int = 0
    transactions_created: int = 0
    transactions_updated: int = 0
    transactions_unchanged: int = 0
    programmes_skipped: list[str] = field(default_factory=list)
    """Programmes named by the file that the country does not have, left out (only with `skip_missing`)."""

    @property
    def changed(self) -> bool:
        return bool(
            self.budgets_created or self.budgets_updated or self.transactions_created or self.transactions_updated
        )


@dataclass(slots=True)
class _Planned:
    table: str
    number: int
    programme: Programme
    data: BudgetData | TransactionData
    record_id: int | None


class _Reader:
    """Reads one row's cells into typed values, adding a problem for each cell that cannot be read."""

    def __init__(self, problems: Problems, table: str, row: Row) -> None:
        self.problems, self.table, self.row = problems, table, row
        self.ok = True

    def problem(self, column: str, message: str) -> None:
        self.problems.at(self.table, self.row.number, column, message)
        self.ok = False

    def text(self, column: str) -> str:
        return self.row.get(column)

    def required(self, column: str) -> str:
        value = self.row.get(column)
        if not value:
            self.problem(column, _("This column is required."))
        return value

    def day(self, column: str, *, required: bool = True) -> date | None:
        text = self.required(column) if required else self.row.get(column)
        if not text:
            return None
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            self.problem(column, _("“%(value)s” is not a date: write YYYY-MM-DD.") % {"value": text})
            return None

    def decimal(self, column: str) -> Decimal | None:
        text = self.required(column)
        if not text:
            return None
        try:
            value = Decimal(text.replace(" ", "").replace("\u00a0", ""))
        except InvalidOperation:
            self.problem(column, _("“%(value)s” is not a number.") % {"value": text})
            return None
        for found in rules.check_value(value, field=column):
            self.problem(found.field, found.message)
        return value

    def code(self, column: str, codes: dict[str, Any], default: str = "") -> str:
        text = self.row.get(column) or default
        if text not in codes:
            self.problem(
                column, _("“%(value)s” is not one of the codes %(codes)s.") % {"value": text, "codes": ", ".join(codes)}
            )
        return text

    def record_id(self) -> int | None:
        text = self.row.get("id")
        if not text:
            return None
        try:
            return int(text)
        except ValueError:
            self.problem("id", _("“%(value)s” is not a record id (a whole number).") % {"value": text})
            return None


def _organisation_of(reader: _Reader, column: str, organisations: dict[str, Organisation]) -> Organisation | None:
    acronym = reader.text(column)
    if not acronym:
        return None
    organisation = organisations.get(acronym.upper())
    if organisation is None:
        reader.problem(column, _("No organisation of the platform has the acronym “%(value)s”.") % {"value": acronym})
    return organisation


@dataclass(slots=True)
class _Context:
    user: Caller
    country: str
    programmes: dict[str, Programme]
    organisations: dict[str, Organisation]
    skip_missing: bool
    problems: Problems = field(default_factory=Problems)
    skipped: set[str] = field(default_factory=set)
    refused: set[int] = field(default_factory=set)

    def programme(self, reader: _Reader) -> Programme | None:
        key = reader.required("programme")
        if not key:
            return None
        programme = self.programmes.get(key)
        if programme is None:
            if self.skip_missing:
                self.skipped.add(key)
                reader.ok = False
                return None
            reader.problem(
                "programme",
                _("No programme led in %(country)s that you may see has the identifier “%(value)s”.")
                % {"country": self.country, "value": key},
            )
            return None
        if programme.pk not in self.refused and not programme_editable(user=self.user, programme=programme):
            self.refused.add(programme.pk)
        if programme.pk in self.refused:
            reader.problem("programme", _("You may not change the money of programme “%(value)s”.") % {"value": key})
        return programme


def _plan_budget(context: _Context, row: Row) -> _Planned | None:
    reader = _Reader(context.problems, BUDGETS, row)
    programme = context.programme(reader)
    record_id = reader.record_id()
    start, end = reader.day("period_start"), reader.day("period_end")
    value_date = reader.day("value_date", required=False)
    value = reader.decimal("value")
    budget_type = reader.code("type", iati_codes.BUDGET_TYPE_BY_CODE, default="1")
    status = reader.code("status", iati_codes.BUDGET_STATUS_BY_CODE, default="1")
    currency = reader.required("currency").upper()
    if currency:
        for found in rules.check_currency(currency):
            reader.problem("currency", found.message)
    if start and end and end < start:
        reader.problem("period_end", _("The period ends before it starts."))
    if not reader.ok or programme is None or start is None or end is None or value is None:
        return None
    data = BudgetData(
        period_start=start,
        period_end=end,
        value=value,
        currency=currency,
        value_date=value_date or start,
        type=budget_type,
        status=status,
    )
    return _Planned(BUDGETS, row.number, programme, data, record_id)


def _plan_transaction(context: _Context, row: Row) -> _Planned | None:
    reader = _Reader(context.problems, TRANSACTIONS, row)
    programme = context.programme(reader)
    record_id = reader.record_id()
    transaction_type = reader.code("type", iati_codes.TRANSACTION_TYPE_BY_CODE)
    day = reader.day("date")
    value_date = reader.day("value_date", required=False)
    value = reader.decimal("value")
    currency = reader.required("currency").upper()
    provider = _organisation_of(reader, "provider", context.organisations)
    receiver = _organisation_of(reader, "receiver", context.organisations)
    found = rules.check_transaction(
        type=transaction_type,
        value=value if value is not None else Decimal(0),
        currency=currency,
        has_provider=provider is not None,
        provider_name=reader.text("provider_name"),
        has_receiver=receiver is not None,
        receiver_name=reader.text("receiver_name"),
        sector_code=reader.text("sector_code"),
        recipient_country=reader.text("recipient_country").upper(),
    )
    for problem in found:
        if problem.field not in ("type", "value") and not (problem.field == "currency" and not currency):
            reader.problem(problem.field, problem.message)
    if not reader.ok or programme is None or day is None or value is None:
        return None
    data = TransactionData(
        type=transaction_type,
        date=day,
        value=value,
        currency=currency,
        value_date=value_date or day,
        provider=provider,
        provider_name=reader.text("provider_name"),
        provider_reference=reader.text("provider_reference"),
        receiver=receiver,
        receiver_name=reader.text("receiver_name"),
        receiver_reference=reader.text("receiver_reference"),
        description=reader.text("description"),
        sector_code=reader.text("sector_code"),
        recipient_country=reader.text("recipient_country").upper(),
        reference=reader.text("reference"),
    )
    return _Planned(TRANSACTIONS, row.number, programme, data, record_id)


def _budget_values(budget: Budget | BudgetData) -> tuple[Any, ...]:
    return (
        budget.type,
        budget.status,
        budget.period_start,
        budget.period_end,
        Decimal(budget.value),
        budget.currency,
        budget.value_date,
    )


def _transaction_values(record: Transaction | TransactionData) -> tuple[Any, ...]:
    provider = record.provider_id if isinstance(record, Transaction) else getattr(record.provider, "pk", None)
    receiver = record.receiver_id if isinstance(record, Transaction) else getattr(record.receiver, "pk", None)
    return (
        record.type,
        record.date,
        Decimal(record.value),
        record.currency,
        record.value_date,
        provider,
        record.provider_name,
        record.provider_reference,
        receiver,
        record.receiver_name,
        record.receiver_reference,
        record.description,
        record.sector_code,
        record.recipient_country,
        record.reference,
    )


def _programmes(user: Caller, country: str) -> dict[str, Programme]:
    programmes: dict[str, Programme] = {}
    for programme in programmes_visible(user=user, country=country):
        programmes[str(programme.pk)] = programme
        if programme.iati_identifier:
            programmes[programme.iati_identifier] = programme
    return programmes


def money_tables_import(
    *,
    user: Caller,
    country: str,
    tables: dict[str, list[Row]],
    apply: bool = True,
    skip_missing: bool = False,
) -> MoneyImportReport:
    """Plan every row (all problems collected, ImportRejected when there is any), then, with `apply`, write in one
    transaction through the services. Without `apply`, say what would change and write nothing."""
    context = _Context(
        user=user,
        country=country,
        programmes=_programmes(user, country),
        organisations={organisation.acronym.upper(): organisation for organisation in Organisation.objects.all()},
        skip_missing=skip_missing,
    )
    planned = [_plan_budget(context, row) for row in tables.get(BUDGETS, [])]
    planned += [_plan_transaction(context, row) for row in tables.get(TRANSACTIONS, [])]
    rows = [item for item in planned if item is not None]
    report = MoneyImportReport(programmes_skipped=sorted(context.skipped))
    with transaction.atomic():
        _match_and_write(context, rows, report)
        context.problems.raise_if_any()
        if not apply:
            transaction.set_rollback(True)
    return report


def _match_and_write(context: _Context, rows: list[_Planned], report: MoneyImportReport) -> None:
    programme_ids = {item.programme.pk for item in rows}
    budgets = {budget.pk: budget for budget in Budget.objects.filter(programme_id__in=programme_ids)}
    records = {record.pk: record for record in Transaction.objects.filter(programme_id__in=programme_ids)}
    # Records without an id in the file are matched by their values, each existing record at most once.
    free_budgets = Counter((budget.programme_id, _budget_values(budget)) for budget in budgets.values())
    free_records = Counter((record.programme_id, _transaction_values(record)) for record in records.values())
    claimed: set[tuple[str, int]] = set()
    matched: list[tuple[_Planned, Budget | Transaction | None]] = []
    for item in rows:
        table = item.table
        existing: Budget | Transaction | None = None
        if item.record_id is not None:
            existing = (budgets if table == BUDGETS else records).get(item.record_id)
            if existing is None or existing.programme_id != item.programme.pk:
                context.problems.at(
                    table,
                    item.number,
                    "id",
                    _("Programme “%(programme)s” has no %(table)s record with id %(id)s.")
                    % {"programme": programme_key(item.programme), "table": table, "id": item.record_id},
                )
                continue
            if (table, item.record_id) in claimed:
                context.problems.at(table, item.number, "id", _("Another row of the file changes the same record."))
                continue
            claimed.add((table, item.record_id))
            # A record named by its id is no longer free to match a row without one.
            if isinstance(existing, Budget):
                free_budgets[(existing.programme_id, _budget_values(existing))] -= 1
            else:
                free_records[(existing.programme_id, _transaction_values(existing))] -= 1
        matched.append((item, existing))
    if context.problems.total:
        return  # nothing will be written
    for item, existing in matched:
        try:
            _write(context, item, existing, report, free_budgets, free_records)
        except ValidationError as error:
            for column, messages in error.message_dict.items():
                for message in messages:
                    context.problems.at(item.table, item.number, column, message)


def _write(
    context: _Context,
    item: _Planned,
    existing: Budget | Transaction | None,
    report: MoneyImportReport,
    free_budgets: Counter,
    free_records: Counter,
) -> None:
    user = context.user
    if isinstance(item.data, BudgetData):
        values = _budget_values(item.data)
        if isinstance(existing, Budget):
            if _budget_values(existing) == values:
                report.budgets_unchanged += 1
            else:
                report.budgets_updated += 1
                services.budget_update(user=user, budget=existing, data=item.data)
        elif free_budgets[(item.programme.pk, values)] > 0:
            free_budgets[(item.programme.pk, values)] -= 1
            report.budgets_unchanged += 1
        else:
            report.budgets_created += 1
            services.budget_create(user=user, programme=item.programme, data=item.data)
        return
    values = _transaction_values(item.data)
    if isinstance(existing, Transaction):
        if _transaction_values(existing) == values:
            report.transactions_unchanged += 1
        else:
            report.transactions_updated += 1
            services.transaction_update(user=user, record=existing, data=item.data)
    elif free_records[(item.programme.pk, values)] > 0:
        free_records[(item.programme.pk, values)] -= 1
        report.transactions_unchanged += 1
    else:
        report.transactions_created += 1
        services.transaction_create(user=user, programme=item.programme, data=item.data)


def money_file_import(
    *,
    user: Caller,
    country: str,
    data: bytes,
    filename: str,
    apply: bool = True,
    skip_missing: bool = False,
    limits: ReadLimits | None = None,
) -> MoneyImportReport:
    """Read an uploaded file (.xlsx with budgets and transactions sheets, .zip of budgets.csv and transactions.csv,
    or one .csv) and import it. FileRefused when it cannot be read, ImportRejected with its problems."""
    tables = read_tables(data, filename=filename, layout=layout(), limits=limits)
    return money_tables_import(user=user, country=country, tables=tables, apply=apply, skip_missing=skip_missing)
