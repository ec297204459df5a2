"""Sums converted and rounded to the cent in PostgreSQL, as egide.money.conversion converts them in Python (the
same cents: tests/coordination/test_dashboard_money_sql.py): for reads that convert too many sums to bring them
into Python. SQLite's arithmetic is binary: its callers convert in Python."""

from collections.abc import Sequence

from egide.money import conversion
from egide.money.models import ExchangeRate, RatePeriod


def rate_join(alias: str, currency: str, table: str = "") -> str:
    """LEFT JOINs of the rates of `currency` (a column or a literal) that `conversion.RateTable.rate` would choose
    for a sum of the relation "g" (bucket, grain): the day's (grain day), the month's (unless grain year), the
    year's; then `{alias}` is the rate found (NULL when none is). From the rate table, or from `table` (a relation
    of its columns currency, period, starts_on and rate: the rates as they were before a change)."""
    table = table or ExchangeRate._meta.db_table
    return (
        f"LEFT JOIN {table} {alias}_d ON g.grain = '{conversion.DAY}' AND {alias}_d.currency = {currency} "
        f"AND {alias}_d.period = '{RatePeriod.DAY}' AND {alias}_d.starts_on = g.bucket "
        f"LEFT JOIN {table} {alias}_m ON g.grain <> '{conversion.YEAR}' AND {alias}_m.currency = {currency} "
        f"AND {alias}_m.period = '{RatePeriod.MONTH}' "
        f"AND {alias}_m.starts_on = CAST(date_trunc('month', g.bucket) AS date) "
        f"LEFT JOIN {table} {alias}_y ON {alias}_y.currency = {currency} AND {alias}_y.period = '{RatePeriod.YEAR}' "
        f"AND {alias}_y.starts_on = CAST(date_trunc('year', g.bucket) AS date) "
    )


def half_even(hundredths: str) -> str:
    """SQL rounding an amount given in hundredths of its unit (a column: it is read several times) to the cent,
    half to even, as `conversion.rounded` does (PostgreSQL's round() rounds half away from zero)."""
    cents = f"trunc({hundredths})"
    return (
        f"(CASE WHEN abs({hundredths} - {cents}) = 0.5 THEN {cents} + abs(mod({cents}, 2)) * sign({hundredths})"
        f" ELSE round({hundredths}) END) / 100"
    )


def converted_sql(groups: str, keys: Sequence[str], currency: str, rates: str = "") -> str:
    """SELECT over `groups` (a relation with `keys`, currency, bucket, grain, amount, count) of each group's
    amount in `currency` rounded to the cent as `conversion.convert` does (NULL when a rate is missing) as
    "value", with the keys and count. The rates are looked up once per currency and period, not per group: in
    the rate table, or in `rates` (as `rate_join`'s `table`)."""
    rate = f"CASE WHEN g.currency = '{conversion.BASE}' THEN 1 ELSE COALESCE(own_d.rate, own_m.rate, own_y.rate) END"
    euro = "COALESCE(eur_d.rate, eur_m.rate, eur_y.rate)"
    if currency == conversion.BASE:
        exact = f"CASE WHEN g.currency = '{conversion.EURO}' THEN g.amount / r.euro ELSE g.amount / r.rate END"
    else:
        exact = f"CASE WHEN g.currency = '{conversion.EURO}' THEN g.amount ELSE g.amount / r.rate * r.euro END"
    columns = ", ".join(keys)
    return (
        f"WITH groups AS MATERIALIZED ({groups}), "
        f"rates AS MATERIALIZED (SELECT g.currency, g.bucket, g.grain, {rate} AS rate, {euro} AS euro "
        "FROM (SELECT DISTINCT currency, bucket, grain FROM groups) g "
        f"{rate_join('own', 'g.currency', rates)}{rate_join('eur', f"'{conversion.EURO}'", rates)}) "
        f"SELECT {columns}, count, {half_even('hundredths')} AS value FROM ("
        f"SELECT {columns}, g.count, ({exact}) * 100 AS hundredths FROM groups g "
        "JOIN rates r ON r.currency = g.currency AND r.bucket = g.bucket AND r.grain = g.grain "
        # OFFSET 0: the division is made once per group, not once for each time the rounding reads it.
        "OFFSET 0) exact"
    )


def _exact_hundredths(currency: str, rate: str, euro: str) -> str:
    """The exact amount of a group "g" in `currency` times 100, from the rates `rate` and `euro` (columns)."""
    if currency == conversion.BASE:
        exact = f"CASE WHEN g.currency = '{conversion.EURO}' THEN g.amount / {euro} ELSE g.amount / {rate} END"
    else:
        exact = f"CASE WHEN g.currency = '{conversion.EURO}' THEN g.amount ELSE g.amount / {rate} * {euro} END"
    return f"({exact}) * 100"


def rate_differences_sql(groups: str, keys: Sequence[str], before: str) -> str:
    """SELECT over `groups` (as `converted_sql`'s) of each group's keys and count with its amount in dollars and
    in euros rounded to the cent at the rates as they are ("usd", "eur") and at those of `before` (a relation of
    the rate table's columns currency, period, starts_on and rate: "usd_before", "eur_before"), NULL where a rate
    is missing: in one pass over the groups, the rates looked up once per currency and period in each table."""
    columns = ", ".join(keys)
    found = [
        f"CASE WHEN g.currency = '{conversion.BASE}' THEN 1 "
        f"ELSE COALESCE({own}_d.rate, {own}_m.rate, {own}_y.rate) END AS {own}, "
        f"COALESCE({eur}_d.rate, {eur}_m.rate, {eur}_y.rate) AS {eur}"
        for own, eur in (("own", "eur"), ("own0", "eur0"))
    ]
    joins = "".join(
        rate_join(own, "g.currency", table) + rate_join(eur, f"'{conversion.EURO}'", table)
        for own, eur, table in (("own", "eur", ""), ("own0", "eur0", before))
    )
    exact = ", ".join(
        f"{_exact_hundredths(target, f'r.{own}', f'r.{eur}')} AS {name}"
        for target, own, eur, name in (
            (conversion.BASE, "own", "eur", "usd"),
            (conversion.BASE, "own0", "eur0", "usd_before"),
            (conversion.EURO, "own", "eur", "eur"),
            (conversion.EURO, "own0", "eur0", "eur_before"),
        )
    )
    rounded = ", ".join(f"{half_even(name)} AS {name}" for name in ("usd", "usd_before", "eur", "eur_before"))
    return (
        f"WITH groups AS MATERIALIZED ({groups}), "
        f"rates AS MATERIALIZED (SELECT g.currency, g.bucket, g.grain, {', '.join(found)} "
        f"FROM (SELECT DISTINCT currency, bucket, grain FROM groups) g {joins}) "
        f"SELECT {columns}, count, {rounded} FROM ("
        f"SELECT {columns}, g.count, {exact} FROM groups g "
        "JOIN rates r ON r.currency = g.currency AND r.bucket = g.bucket AND r.grain = g.grain "
        "OFFSET 0) exact"
    )
