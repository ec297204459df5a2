"""Converting amounts to US dollars and euros at the rate of their value date: pure Python, no ORM.

Rules, in the order they are applied:

- A rate is in units of the currency per US dollar. The US dollar's is 1, always, and needs no row.
- The rate of a value date is the currency's rate for that day if the table has one, else its rate for the
  month of that day, else its annual rate for the year (the IMF's annual average). `Rate` says which was used.
- Euros go through the dollar: an amount's euros are its dollars times the euro's rate of the same value date
  (the cross rate). An amount in euros keeps its value in euros and needs the euro's rate only for its dollars.
- An amount whose rate is unknown (its currency's, or the euro's for the euro column) has no converted value:
  it is flagged, never counted as zero. A total sums the amounts it could convert and says how many it left out.
- Arithmetic is Decimal throughout (28 significant digits, Python's default context). Each converted amount is
  rounded to the cent, half to even (banker's rounding, as accounting tools do), and totals add the rounded
  amounts, so that a column shown on a page adds up to its total.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal

from django.utils.translation import gettext

BASE = "USD"
EURO = "EUR"
TARGETS = (BASE, EURO)
CENT = Decimal("0.01")
ONE = Decimal(1)

YEAR, MONTH, DAY = "year", "month", "day"


def rounded(amount: Decimal) -> Decimal:
    """An amount to the cent, half to even."""
    return amount.quantize(CENT, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True, slots=True)
class Rate:
    """The rate used for a currency on a value date, and which one it was: the day's, the month's, the year's, or
    the dollar's own (`period` "base")."""

    currency: str
    units_per_usd: Decimal
    period: str
    starts_on: date | None

    @property
    def label(self) -> str:
        """Which rate: "USD", "EUR 2008 (year)", "XOF 2008-03 (month)", "GBP 2008-03-14 (day)" (the period's word in
        the active language)."""
        if self.period == "base" or self.starts_on is None:
            return self.currency
        # The period's word in the reader's language ("year", "année"): the catalogue has them (RatePeriod).
        if self.period == YEAR:
            return f"{self.currency} {self.starts_on.year} ({gettext(YEAR)})"
        if self.period == MONTH:
            return f"{self.currency} {self.starts_on:%Y-%m} ({gettext(MONTH)})"
        return f"{self.currency} {self.starts_on.isoformat()} ({gettext(DAY)})"


USD_RATE = Rate(BASE, ONE, "base", None)


@dataclass(frozen=True, slots=True)
class RateRow:
    """One row of the rate table as a selector reads it."""

    currency: str
    period: str
    starts_on: date
    units_per_usd: Decimal


class RateTable:
    """The rates the conversion may use, looked up by currency and value date. Built from rows read once (all the
    table, or the currencies and years a page needs)."""

    def __init__(self, rows: Iterable[RateRow] = ()) -> None:
        self._days: dict[tuple[str, date], RateRow] = {}
        self._months: dict[tuple[str, int, int], RateRow] = {}
        self._years: dict[tuple[str, int], RateRow] = {}
        for row in rows:
            self.add(row)

    def add(self, row: RateRow) -> None:
        if row.units_per_usd <= 0:
            raise ValueError(f"A rate must be positive: {row}")
        if row.period == DAY:
            self._days[(row.currency, row.starts_on)] = row
        elif row.period == MONTH:
            self._months[(row.currency, row.starts_on.year, row.starts_on.month)] = row
        elif row.period == YEAR:
            self._years[(row.currency, row.starts_on.year)] = row
        else:
            raise ValueError(f"Unknown rate period {row.period!r}")

    def __len__(self) -> int:
        return len(self._days) + len(self._months) + len(self._years)

    def rate(self, currency: str, value_date: date, *, finest: str = DAY) -> Rate | None:
        """The rate of `currency` on `value_date`: the day's, else the month's, else the year's; None when the
        table has none of them. With `finest` MONTH or YEAR, the value date stands for a whole month or year of
        amounts summed together, none of them on a day of a finer rate: those finer rates are not looked at."""
        if currency == BASE:
            return USD_RATE
        row = (
            (self._days.get((currency, value_date)) if finest == DAY else None)
            or (self._months.get((currency, value_date.year, value_date.month)) if finest != YEAR else None)
            or self._years.get((currency, value_date.year))
        )
        if row is None:
            return None
        return Rate(currency, row.units_per_usd, row.period, row.starts_on)


@dataclass(frozen=True, slots=True)
class Converted:
    """An amount in its own currency, in US dollars and in euros (each None when a rate is missing), with the
    rates used."""

    value: Decimal
    currency: str
    value_date: date
    usd: Decimal | None
    eur: Decimal | None
    rate: Rate | None
    euro_rate: Rate | None

    @property
    def complete(self) -> bool:
        return self.usd is not None and self.eur is not None

    @property
    def missing(self) -> list[str]:
        """The currencies whose rate was missing for this amount (its own, the euro's), for the page's flag."""
        missing = []
        if self.rate is None:
            missing.append(self.currency)
        if self.euro_rate is None and EURO not in missing:
            missing.append(EURO)
        return missing

    @property
    def rates_used(self) -> str:
        """Which rates converted it, e.g. "XOF 2008 (year); EUR 2008 (year)": each once, the dollar's not named."""
        labels = [rate.label for rate in (self.rate, self.euro_rate) if rate is not None and rate.period != "base"]
        return "; ".join(dict.fromkeys(labels))

    def in_currency(self, target: str) -> Decimal | None:
        if target == BASE:
            return self.usd
        if target == EURO:
            return self.eur
        raise ValueError(f"Amounts are shown in {BASE} and {EURO} only, not {target}")


def convert(value: Decimal, currency: str, value_date: date, table: RateTable, *, finest: str = DAY) -> Converted:
    """The amount in dollars and euros at the rates of its value date (rules: the module's docstring); `finest`
    as for `RateTable.rate`, for a sum of amounts."""
    rate = table.rate(currency, value_date, finest=finest)
    euro_rate = table.rate(EURO, value_date, finest=finest)
    usd: Decimal | None = None
    eur: Decimal | None = None
    if currency == EURO:
        eur = rounded(value)
        if euro_rate is not None:
            usd = rounded(value / euro_rate.units_per_usd)
    elif rate is not None:
        exact_usd = value / rate.units_per_usd
        usd = rounded(exact_usd)
        if euro_rate is not None:
            # From the unrounded dollars: rounding twice could move the euros by a cent.
            eur = rounded(exact_usd * euro_rate.units_per_usd)
    return Converted(value, currency, value_date, usd, eur, rate, euro_rate)


@dataclass(slots=True)
class Total:
    """A sum in one target currency: of the amounts it could convert, with the count of those it could not
    (excluded, never counted as zero)."""

    currency: str
    amount: Decimal = Decimal("0.00")
    counted: int = 0
    excluded: int = 0

    def add(self, converted: Converted) -> None:
        value = converted.in_currency(self.currency)
        if value is None:
            self.excluded += 1
        else:
            self.amount += value
            self.counted += 1

    @property
    def complete(self) -> bool:
        return self.excluded == 0


@dataclass(slots=True)
class Totals:
    """Totals in dollars and euros of a group of amounts (a type of transaction, the budgets, …)."""

    usd: Total = field(default_factory=lambda: Total(BASE))
    eur: Total = field(default_factory=lambda: Total(EURO))

    def add(self, converted: Converted) -> None:
        self.usd.add(converted)
        self.eur.add(converted)

    @property
    def excluded(self) -> int:
        """Amounts left out of at least one of the two totals."""
        return max(self.usd.excluded, self.eur.excluded)


def totals(amounts: Iterable[Converted]) -> Totals:
    result = Totals()
    for converted in amounts:
        result.add(converted)
    return result


def totals_by[K](items: Iterable[tuple[K, Converted]]) -> dict[K, Totals]:
    """Totals grouped by a key (a transaction type, a year), in the order the keys first appear."""
    groups: dict[K, Totals] = {}
    for key, converted in items:
        groups.setdefault(key, Totals()).add(converted)
    return groups


@dataclass(frozen=True, slots=True)
class ChartPoint:
    day: date
    budget: Decimal
    disbursed: Decimal


def cumulative_series(
    budgets: Iterable[tuple[date, Decimal | None]], disbursements: Iterable[tuple[date, Decimal | None]]
) -> list[ChartPoint]:
    """Cumulative budget (counted from each period's start) and cumulative disbursement over time, one point per
    date where either changes. Amounts without a converted value (None) are left out, as in totals."""
    steps: dict[date, list[Decimal]] = {}
    for day, amount in budgets:
        if amount is not None:
            steps.setdefault(day, [Decimal(0), Decimal(0)])[0] += amount
    for day, amount in disbursements:
        if amount is not None:
            steps.setdefault(day, [Decimal(0), Decimal(0)])[1] += amount
    points = []
    budget = disbursed = Decimal("0.00")
    for day in sorted(steps):
        budget += steps[day][0]
        disbursed += steps[day][1]
        points.append(ChartPoint(day, budget, disbursed))
    return points
