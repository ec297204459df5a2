"""Reading an exchange-rate file in the IMF's format (pure: no ORM): one rate per line, in units of the currency per
US dollar.

    Date,Rate,Currency,Frequency,Source,Country code,Country
    2008-12-31,0.679923,EUR,A,IMF,U2,Euro Area (EA)

`Frequency` is A (annual: the rate of the date's year), M (monthly: of its month) or D (daily); empty means A.
Every faulty line is named with its column, and nothing is loaded when one is found. Two habits of the IMF's own
file are read as they are meant rather than refused:

- a currency shared by several countries (EUR, XOF, XAF) repeats once per country, sometimes with a slightly
  different rate: the currency union's own line wins (its country code is no country's, such as U2 for the euro
  area), else the rate most lines give, else the first line's;
- lines labelled USD are left out (the dollar's rate is 1 by definition), including those whose rate is not 1
  (Haiti's gourdes are labelled USD in the IMF's file).
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from egide.core.imports.limits import FileRefused, too_many_rows
from egide.core.imports.problems import Problems
from egide.core.imports.tables import ReadLimits, Row, TableLayout, read_tables
from egide.core.reference import countries
from egide.money import currencies
from egide.money.conversion import DAY, MONTH, YEAR, RateRow
from egide.money.rules import rate_stored

TABLE = "rates"
COLUMNS = ("date", "rate", "currency", "frequency", "source", "country code", "country")
REQUIRED = ("date", "rate", "currency")
FREQUENCIES = {"A": YEAR, "M": MONTH, "D": DAY, "": YEAR}
# What the rate column holds: 32 digits, 20 after the point (IMF rates of old currencies reach 10^-14).
MAX_WHOLE_DIGITS = 12


def layout() -> TableLayout:
    return TableLayout(
        columns={TABLE: COLUMNS},
        required={TABLE: REQUIRED},
        recognise=lambda header: TABLE if set(REQUIRED) <= header else None,
        unrecognised=lambda: (
            _("The file is not a rate table: its header needs the columns %(columns)s.")
            % {"columns": ", ".join(REQUIRED)}
        ),
    )


@dataclass(slots=True)
class RatesRead:
    """The rates of a file, one per currency and period, and what was left out or chosen on the way."""

    rows: list[RateRow] = field(default_factory=list)
    skipped_rows: int = 0
    """Rows of a wide table whose date could not be read (such a table's trailing "undefin" row)."""
    skipped_cells: int = 0
    """Cells of a wide table that hold no usable rate (not a positive number, or beyond what a rate may be)."""
    unknown_currencies: list[str] = field(default_factory=list)
    """Columns of a wide table that name no ISO 4217 currency: left out."""
    dollar_lines: int = 0
    """Lines labelled USD, left out."""
    merged_lines: int = 0
    """Lines that repeated a currency and period already given (a shared currency's other countries)."""
    disagreements: int = 0
    """Currencies and periods whose repeated lines gave different rates (one was chosen, by the rule above)."""


@dataclass(frozen=True, slots=True)
class _Line:
    number: int
    rate: Decimal
    union: bool


def _start(day: date, period: str) -> date:
    if period == YEAR:
        return date(day.year, 1, 1)
    if period == MONTH:
        return date(day.year, day.month, 1)
    return day


def _rate(text: str) -> Decimal | str:
    """The rate, or the problem with it."""
    try:
        rate = Decimal(text.replace(" ", ""))
    except InvalidOperation:
        return _("“%(value)s” is not a number.") % {"value": text}
    if not rate.is_finite() or rate <= 0:
        return _("“%(value)s” is not a positive number.") % {"value": text}
    if rate.adjusted() >= MAX_WHOLE_DIGITS:
        return _("“%(value)s” is too large for a rate (at most %(digits)s digits before the point).") % {
            "value": text,
            "digits": MAX_WHOLE_DIGITS,
        }
    rate = rate_stored(rate)
    if rate == 0:
        return _("“%(value)s” is too small for a rate (twenty decimal places are kept).") % {"value": text}
    return rate


def _read_row(row: Row, problems: Problems) -> tuple[str, str, date, _Line] | None:
    """The row's currency, period, start and line, or None (its problems added) when any of its cells is wrong."""
    ok = True
    currency = currencies.normalised(row.get("currency"))
    if not currency:
        problems.at(TABLE, row.number, "currency", _("The currency is missing."))
        ok = False
    elif not currencies.is_currency(currency):
        problems.at(
            TABLE, row.number, "currency", _("“%(code)s” is not an ISO 4217 currency code.") % {"code": currency}
        )
        ok = False
    frequency = row.get("frequency").upper()
    period = FREQUENCIES.get(frequency)
    if period is None:
        problems.at(
            TABLE,
            row.number,
            "frequency",
            _("“%(value)s” is not a frequency: write A (annual), M (monthly) or D (daily).") % {"value": frequency},
        )
        ok = False
    text = row.get("date")
    day: date | None = None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        message = _("The date is missing.") if not text else _("“%(value)s” is not a date: write YYYY-MM-DD.")
        problems.at(TABLE, row.number, "date", message % {"value": text} if text else message)
        ok = False
    rate_text = row.get("rate")
    rate = _rate(rate_text) if rate_text else _("The rate is missing.")
    if isinstance(rate, str):
        problems.at(TABLE, row.number, "rate", rate)
        ok = False
    if not ok or day is None or period is None or isinstance(rate, str):
        return None
    country = row.get("country code").upper()
    union = bool(country) and country not in countries()
    return currency, period, _start(day, period), _Line(row.number, rate, union)


def _chosen(lines: list[_Line]) -> Decimal:
    unions = [line for line in lines if line.union]
    if unions:
        return unions[0].rate
    counts = Counter(line.rate for line in lines)
    most = max(counts.values())
    return next(line.rate for line in lines if counts[line.rate] == most)


WIDE_DATE_COLUMNS = frozenset({"date", "month", "year", "period"})


def is_wide_table(data: bytes) -> bool:
    """Whether the file is a wide CSV table: a date column first, then one column per currency."""
    first = data[:4096].decode("utf-8-sig", errors="replace").splitlines()[:1]
    if not first:
        return False
    header = [cell.strip().strip('"') for cell in first[0].split(",")]
    return (
        len(header) > 2
        and header[0].lower() in WIDE_DATE_COLUMNS
        and "rate" not in {cell.lower() for cell in header}
        and sum(len(cell) == 3 and cell.isalpha() for cell in header[1:]) >= (len(header) - 1) // 2
    )


def _wide_period(text: str) -> tuple[str, date] | None:
    """A wide table's date: YYYY (a year), YYYY-MM (a month) or YYYY-MM-DD (a day); None when it is none."""
    text = text.strip()
    try:
        if len(text) == 4 and text.isdigit():
            return YEAR, date(int(text), 1, 1)
        if len(text) == 7 and text[4] == "-":
            return MONTH, date(int(text[:4]), int(text[5:]), 1)
        return DAY, date.fromisoformat(text)
    except ValueError:
        return None


def wide_rates_read(data: bytes, *, filename: str, limits: ReadLimits | None = None) -> RatesRead:
    """The rates of a wide table (one row per date, one column per currency, units per US dollar), read leniently,
    as such tables come: rows shorter or longer than the header are read for the cells they have, a row whose
    date cannot be read is left out and counted, an empty cell is no rate, a cell that is no usable rate is left
    out and counted, columns that name no currency are left out and named."""
    import csv
    import io

    limits = limits or ReadLimits.from_settings()
    text = data.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    if len(header) > limits.columns * 8:  # a currency per column: about 180 in use
        raise FileRefused(_("%(file)s: too many columns for a rate table.") % {"file": filename})
    result = RatesRead()
    columns: list[tuple[int, str]] = []
    for index, name in enumerate(header[1:], start=1):
        code = currencies.normalised(name)
        if code == currencies.BASE:
            continue
        if currencies.is_currency(code):
            columns.append((index, code))
        elif code:
            result.unknown_currencies.append(name.strip()[:16])
    rows: dict[tuple[str, str, date], Decimal] = {}
    for number, cells in enumerate(reader, start=2):
        if number > limits.rows + 1:
            raise FileRefused(too_many_rows(filename, TABLE, limits))
        if not cells or not "".join(cells).strip():
            continue
        period = _wide_period(cells[0])
        if period is None:
            result.skipped_rows += 1
            continue
        for index, code in columns:
            if index >= len(cells) or not cells[index].strip():
                continue
            rate = _rate(cells[index].strip())
            if isinstance(rate, str):
                result.skipped_cells += 1
                continue
            rows[(code, period[0], period[1])] = rate
    result.rows = [RateRow(code, kind, starts_on, rate) for (code, kind, starts_on), rate in rows.items()]
    return result


def rates_read(data: bytes, *, filename: str, limits: ReadLimits | None = None) -> RatesRead:
    """The file's rates; ImportRejected with every faulty line (by line number and column) when any is wrong,
    FileRefused when the file cannot be read as a table at all. A wide table (a date column, then one column per
    currency) is read by `wide_rates_read`."""
    if is_wide_table(data):
        return wide_rates_read(data, filename=filename, limits=limits)
    tables = read_tables(data, filename=filename, layout=layout(), limits=limits)
    problems = Problems()
    result = RatesRead()
    groups: dict[tuple[str, str, date], list[_Line]] = {}
    for row in tables[TABLE]:
        read = _read_row(row, problems)
        if read is None:
            continue
        currency, period, starts_on, line = read
        if currency == currencies.BASE:
            result.dollar_lines += 1
            continue
        groups.setdefault((currency, period, starts_on), []).append(line)
    problems.raise_if_any()
    for (currency, period, starts_on), lines in groups.items():
        result.merged_lines += len(lines) - 1
        if len({line.rate for line in lines}) > 1:
            result.disagreements += 1
        result.rows.append(RateRow(currency, period, starts_on, _chosen(lines)))
    return result
