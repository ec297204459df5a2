"""Every read of money. Budgets and transactions are read through their programme (`programme_visible`,
`programmes_visible`): whoever sees the programme sees its money. The rate table is public, like a published
statistic; who may change it is `may_edit_rates`."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, DateField, Exists, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncMonth, TruncYear
from django.http import Http404

from egide.accounts.models import Confidentiality
from egide.accounts.selectors import reach_of, visibility_filter
from egide.core import iati_codes
from egide.core.users import Caller
from egide.money import conversion
from egide.money.conversion import EURO, Converted, RateRow, RateTable, Totals
from egide.money.flows import COMMITMENT, DISBURSEMENT, EXPENDITURE
from egide.money.models import Budget, ExchangeRate, MoneyClassSum, MoneySum, RatePeriod, Transaction
from egide.programmes.models import Programme
from egide.programmes.selectors import programme_visible, programmes_visible

# The groups of transactions a programme's totals show: what was committed, disbursed and spent (IATI types 2,
# 3 and 4), then the other types that the programme has.
HEADLINE_TYPES = (COMMITMENT, DISBURSEMENT, EXPENDITURE)


def may_edit_rates(*, user: Caller) -> bool:
    """Platform staff only (and the platform itself). The table converts every organisation's amounts: an
    organisation's administrator who changed it would change what every other organisation's pages say."""
    return reach_of(user).superuser


# --- rates --------------------------------------------------------------------------------------------------------


def rates_all() -> QuerySet[ExchangeRate]:
    return ExchangeRate.objects.all()


def rate_get(*, pk: int) -> ExchangeRate:
    try:
        return ExchangeRate.objects.get(pk=pk)
    except ExchangeRate.DoesNotExist:
        raise Http404("No such rate.") from None


def rate_table(*, currencies: Iterable[str], years: Iterable[int]) -> RateTable:
    """The rates of these currencies (and the euro's, for the cross rate) in these years, in one query."""
    wanted = set(currencies) | {EURO}
    wanted.discard(conversion.BASE)
    year_list = sorted(set(years))
    if not year_list:
        return RateTable()
    rows = ExchangeRate.objects.filter(
        currency__in=sorted(wanted),
        starts_on__gte=date(year_list[0], 1, 1),
        starts_on__lte=date(year_list[-1], 12, 31),
    ).values_list("currency", "period", "starts_on", "rate")
    return RateTable(RateRow(currency, period, starts_on, rate) for currency, period, starts_on, rate in rows)


# --- a programme's money ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BudgetLine:
    budget: Budget
    converted: Converted


@dataclass(frozen=True, slots=True)
class TransactionLine:
    transaction: Transaction
    converted: Converted


@dataclass(frozen=True, slots=True)
class TypeTotals:
    code: str
    label: str
    totals: Totals


@dataclass(slots=True)
class ProgrammeMoney:
    """What the Money tab shows: every budget and transaction converted, the totals, and the chart's points."""

    programme: Programme
    budgets: list[BudgetLine]
    transactions: list[TransactionLine]
    budget_totals: Totals
    by_type: list[TypeTotals]
    chart: list[conversion.ChartPoint] = field(default_factory=list)

    @property
    def missing(self) -> int:
        """Amounts left out of at least one total for want of a rate."""
        lines: list[BudgetLine | TransactionLine] = [*self.budgets, *self.transactions]
        return sum(1 for line in lines if not line.converted.complete)


def programme_money(*, user: Caller, programme: Programme) -> ProgrammeMoney:
    """A programme's money, converted. Three queries whatever the number of rows: budgets, transactions (with
    their organisations), and the rates of their currencies and years. The caller has checked that `user` sees
    the programme (egide.programmes.selectors.programme_visible)."""
    budgets = list(Budget.objects.filter(programme=programme).order_by("period_start", "id"))
    transactions = list(
        Transaction.objects.filter(programme=programme).select_related("provider", "receiver").order_by("date", "id")
    )
    dated: list[Budget | Transaction] = [*budgets, *transactions]
    table = rate_table(
        currencies={record.currency for record in dated}, years={record.value_date.year for record in dated}
    )
    budget_lines = [
        BudgetLine(budget, conversion.convert(budget.value, budget.currency, budget.value_date, table))
        for budget in budgets
    ]
    transaction_lines = [
        TransactionLine(record, conversion.convert(record.value, record.currency, record.value_date, table))
        for record in transactions
    ]
    groups = conversion.totals_by((line.transaction.type, line.converted) for line in transaction_lines)
    codes = [*HEADLINE_TYPES, *sorted((code for code in groups if code not in HEADLINE_TYPES), key=int)]
    by_type = [
        TypeTotals(code, iati_codes.TRANSACTION_TYPE_BY_CODE[code].label, groups.get(code) or Totals())
        for code in codes
    ]
    chart = conversion.cumulative_series(
        ((line.budget.period_start, line.converted.usd) for line in budget_lines),
        (
            (line.transaction.date, line.converted.usd)
            for line in transaction_lines
            if line.transaction.type == DISBURSEMENT
        ),
    )
    return ProgrammeMoney(
        programme=programme,
        budgets=budget_lines,
        transactions=transaction_lines,
        budget_totals=conversion.totals(line.converted for line in budget_lines),
        by_type=by_type,
        chart=chart,
    )


def budget_of(*, user: Caller, programme_pk: int, pk: int) -> Budget:
    """A budget of a programme the user sees, or 404."""
    programme = programme_visible(user=user, pk=programme_pk)
    try:
        return Budget.objects.select_related("programme").get(programme=programme, pk=pk)
    except Budget.DoesNotExist:
        raise Http404("No such budget.") from None


def transaction_of(*, user: Caller, programme_pk: int, pk: int) -> Transaction:
    programme = programme_visible(user=user, pk=programme_pk)
    try:
        return Transaction.objects.select_related("programme", "provider", "receiver").get(programme=programme, pk=pk)
    except Transaction.DoesNotExist:
        raise Http404("No such transaction.") from None


# --- a country's totals -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CountryTotals:
    country: str
    by_type: dict[str, Totals]
    budgets: Totals

    @property
    def excluded(self) -> int:
        return sum(totals.excluded for totals in [*self.by_type.values(), self.budgets])


def _day(bucket: date) -> date:
    # PostgreSQL truncates dates to timestamps.
    return bucket.date() if isinstance(bucket, datetime.datetime) else bucket


def _group_totals(groups: Iterable[tuple[str, str, date, str, Decimal, int]], table: RateTable) -> dict[str, Totals]:
    """Totals per key from sums grouped by key, currency and bucket (a day, a month or a year: `_buckets`). The sums
    that the same rates convert are added first and converted once, and rounded once. A group without a rate
    counts all its amounts as excluded."""
    merged: dict[tuple[str, str, object, object], list[Any]] = {}
    for key, currency, bucket, grain, amount, count in groups:
        if isinstance(bucket, datetime.datetime):
            bucket = bucket.date()  # PostgreSQL truncates dates to timestamps
        rates = (key, currency, table.rate(currency, bucket, finest=grain), table.rate(EURO, bucket, finest=grain))
        entry = merged.get(rates)
        if entry is None:
            merged[rates] = [bucket, grain, amount, count]
        else:
            entry[2] += amount
            entry[3] += count
    result: dict[str, Totals] = {}
    for (key, currency, _rate, _euro_rate), (bucket, grain, amount, count) in merged.items():
        converted = conversion.convert(amount, currency, bucket, table, finest=grain)
        totals = result.setdefault(key, Totals())
        for total in (totals.usd, totals.eur):
            value = converted.in_currency(total.currency)
            if value is None:
                total.excluded += count
            else:
                total.amount += value
                total.counted += count
    return result


DAY_RATES_LIMIT = 1_000
"""Past this many daily rates, a country's sums are grouped by day rather than by the days that have a rate."""


def _buckets(field: str) -> tuple[Any, Any]:
    """The date a value date is summed under, and its grain (day, month or year): the day itself where a daily
    rate (of its currency or of the euro) applies, else its month where a monthly rate may, else its year. Every
    amount of one bucket is converted by the same rates, so the database sums a country's amounts into a few
    hundred buckets instead of one per day. Past DAY_RATES_LIMIT daily rates, every day is a bucket."""
    day_rates = list(
        ExchangeRate.objects.filter(period=RatePeriod.DAY).values_list("currency", "starts_on")[: DAY_RATES_LIMIT + 1]
    )
    if len(day_rates) > DAY_RATES_LIMIT:
        return F(field), Value(conversion.DAY)
    monthly = set(ExchangeRate.objects.filter(period=RatePeriod.MONTH).values_list("currency", flat=True).distinct())
    days: dict[str, list[date]] = {}
    for currency, day in day_rates:
        days.setdefault(currency, []).append(day)
    grains: list[tuple[Q, str]] = []
    if EURO in days:
        grains.append((Q(**{f"{field}__in": days.pop(EURO)}), conversion.DAY))
    grains += [(Q(currency=currency, **{f"{field}__in": dates}), conversion.DAY) for currency, dates in days.items()]
    default = conversion.MONTH if EURO in monthly else conversion.YEAR
    if monthly and default == conversion.YEAR:
        grains.append((Q(currency__in=sorted(monthly)), conversion.MONTH))
    truncate = {
        conversion.DAY: F(field),
        conversion.MONTH: TruncMonth(field, output_field=DateField()),
        conversion.YEAR: TruncYear(field, output_field=DateField()),
    }
    if not grains:
        return truncate[default], Value(default)
    bucket = Case(
        *(When(condition, then=truncate[grain]) for condition, grain in grains),
        default=truncate[default],
        output_field=DateField(),
    )
    grain = Case(*(When(condition, then=Value(grain)) for condition, grain in grains), default=Value(default))
    return bucket, grain


def _by_rate_period(sums: QuerySet[Any]) -> list[tuple[str, str, date, str, Decimal, int]]:
    """The sums added up by type, currency and the period whose rates convert them: a month's sums of a currency
    that has no monthly rate, while the euro has none either, are converted by the year's rates, and are added up
    by year in the database (twelve times fewer rows to convert, the same totals)."""
    monthly = ExchangeRate.objects.filter(period=RatePeriod.MONTH)
    by_year = (
        Q(grain=conversion.MONTH)
        & ~Q(currency__in=monthly.values("currency"))
        & ~Q(Exists(monthly.filter(currency=EURO)))
    )
    return list(
        sums.annotate(
            rate_bucket=Case(
                When(by_year, then=TruncYear("bucket", output_field=DateField())),
                default=F("bucket"),
                output_field=DateField(),
            ),
            rate_grain=Case(When(by_year, then=Value(conversion.YEAR)), default=F("grain")),
        )
        .values_list("flow", "currency", "rate_bucket", "rate_grain")
        .annotate(amount=Sum("amount"), count=Sum("count"))
        .order_by()
    )


def country_money(*, user: Caller, country: str) -> CountryTotals:
    """The totals of the programmes led in a country that the user sees, by transaction type, and their budgets,
    in US dollars and euros, from the sums that egide.money.sums keeps by type, currency and month (or day of a
    daily rate): those of the classes of programmes (owner, confidentiality) that the visibility rules let the
    user see, and those of each restricted programme the user sees (its shares make it a case of its own), so that
    the work grows neither with the number of transactions nor with that of programmes. Each sum of the same rates
    is converted and rounded once, so a total may differ by a few cents from the sum of its rows converted one by
    one: the same totals as `country_money_from_records`. Three queries, after the reader's reach."""
    classes = MoneyClassSum.objects.filter(country=country)
    # The rules read a programme's country, owner and confidentiality only (the class's columns, named as the
    # programme's), but for the shares of restricted programmes, which no class holds: they are read below.
    condition = visibility_filter(user=user, model=Programme, country=country)
    if condition is not None:
        classes = classes.filter(condition)
    restricted = programmes_visible(user=user, country=country).filter(confidentiality=Confidentiality.RESTRICTED)
    rows = [
        *_by_rate_period(classes),
        *_by_rate_period(MoneySum.objects.filter(programme__in=restricted.values("pk"))),
    ]
    table = rate_table(currencies={row[1] for row in rows}, years={_day(row[2]).year for row in rows})
    by_type = _group_totals(rows, table)
    budget_totals = by_type.pop(MoneySum.BUDGET, Totals())
    return CountryTotals(country=country, by_type=by_type, budgets=budget_totals)


def country_money_from_records(*, user: Caller, country: str) -> CountryTotals:
    """`country_money` computed from the budgets and transactions themselves rather than from their sums: the
    reference the sums are checked against (tests/money/test_money_sums.py) and what the benchmark compares them
    with. The database sums the amounts by currency and by the period whose rates convert them
    (`_buckets`); each sum is converted and rounded once, so a total may differ by a few cents from the sum of its
    rows converted one by one. Five queries whatever the number of programmes."""
    programmes = programmes_visible(user=user, country=country).values("pk")
    bucket, grain = _buckets("value_date")
    transactions = list(
        Transaction.objects.filter(programme__in=programmes)
        .annotate(bucket=bucket, grain=grain)
        .values_list("type", "currency", "bucket", "grain")
        .annotate(amount=Sum("value"), count=Count("id"))
        .order_by()
    )
    budgets = list(
        Budget.objects.filter(programme__in=programmes)
        .annotate(bucket=bucket, grain=grain)
        .values_list("currency", "bucket", "grain")
        .annotate(amount=Sum("value"), count=Count("id"))
        .order_by()
    )
    currencies = {row[1] for row in transactions} | {row[0] for row in budgets}
    years = {row[2].year for row in transactions} | {row[1].year for row in budgets}
    table = rate_table(currencies=currencies, years=years)
    by_type = _group_totals(transactions, table)
    budget_totals = _group_totals((("budget", *row) for row in budgets), table).get("budget", Totals())
    return CountryTotals(country=country, by_type=by_type, budgets=budget_totals)


def programme_transactions(*, programme: Programme) -> QuerySet[Transaction]:
    """A programme's transactions in the order of its Money tab; the caller has checked that the reader sees the
    programme (egide.programmes.selectors.programme_visible), as for `programme_money`."""
    return Transaction.objects.filter(programme=programme).order_by("date", "id")


def transactions_of_country(*, user: Caller, country: str) -> QuerySet[Transaction]:
    return (
        Transaction.objects.filter(programme__in=programmes_visible(user=user, country=country).values("pk"))
        .select_related("programme", "provider", "receiver")
        .order_by("programme__iati_identifier", "programme_id", "date", "id")
    )


def budgets_of_country(*, user: Caller, country: str) -> QuerySet[Budget]:
    return (
        Budget.objects.filter(programme__in=programmes_visible(user=user, country=country).values("pk"))
        .select_related("programme")
        .order_by("programme__iati_identifier", "programme_id", "period_start", "id")
    )
