"""The sums a country's totals read (egide.money.models.MoneySum), written again from the records in SQL: one
INSERT … SELECT … GROUP BY per source (transactions, budgets) for a set of programmes, a range of value dates, or
everything.

A programme's amounts are summed by type, currency and month of their value date, except that the amounts of a
day with a daily rate (of their currency, or of the euro for the euro column) get a row of that day: the rates
that convert a month's sum are then the same for every amount in it (its month's or year's,
egide.money.conversion.RateTable.rate with `finest` MONTH), so converting the sum converts each amount in it. The
grouping depends on which daily rates exist, not on their values: the rate services rebuild the months of the
days whose daily rates appear or disappear (`sums_of_days_rebuild`).

The programmes' sums are added up again per class of programmes (egide.money.models.MoneyClassSum: country,
owner, confidentiality, restricted programmes left out), by difference: before a programme's sums are written
again, those it had are taken away from their class's (the class they were counted under, which each sum keeps),
and the new ones are added to the programme's class as it is now. A programme whose class changes has its sums
written again (`egide.money.signals`), and a deleted programme's sums are taken away first. The same steps keep
the cross-country dashboard's sums and converted totals (egide.money.layers).

Callers are the money services and the importers, inside their transaction; nothing here checks permissions.
"""

import json
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from egide.accounts.models import Confidentiality
from egide.money import layers
from egide.money.conversion import DAY, EURO, MONTH
from egide.money.models import Budget, ExchangeRate, MoneyClassSum, MoneySum, RatePeriod, Transaction
from egide.programmes.models import Programme


def _table(model: type[Model], database: BaseDatabaseWrapper) -> str:
    return database.ops.quote_name(model._meta.db_table)


def _month_start(column: str, database: BaseDatabaseWrapper) -> str:
    if database.vendor == "postgresql":
        return f"CAST(date_trunc('month', {column}) AS date)"
    if database.vendor == "sqlite":
        return f"date({column}, 'start of month')"
    raise NotImplementedError(f"Money sums are written for SQLite and PostgreSQL, not {database.vendor}")


_FENCE = {"postgresql": "OFFSET 0", "sqlite": "LIMIT -1 OFFSET 0"}


def _insert_sql(model: type[Transaction] | type[Budget], where: str, database: BaseDatabaseWrapper) -> str:
    """INSERT … SELECT of the sums of one source's records that meet `where` (on the alias "record"). The inner
    selects tell once per record whether a daily rate applies, then name its bucket and grain, so that the outer
    one groups by plain columns."""
    flow = "record.type" if model is Transaction else f"'{MoneySum.BUDGET}'"
    day_rate = (
        f"EXISTS (SELECT 1 FROM {_table(ExchangeRate, database)} rate WHERE rate.period = '{RatePeriod.DAY}' "
        f"AND rate.starts_on = record.value_date AND (rate.currency = record.currency OR rate.currency = '{EURO}'))"
    )
    records = (
        "SELECT record.programme_id, programme.country, COALESCE(programme.owner_id, 0) AS owner_id, "
        f"programme.confidentiality, {flow} AS flow, record.currency, record.value, record.value_date, "
        f"CASE WHEN {day_rate} THEN 1 ELSE 0 END AS on_rate_day "
        f"FROM {_table(model, database)} record "
        f"JOIN {_table(Programme, database)} programme ON programme.id = record.programme_id WHERE {where} "
        # Kept a subquery of its own (neither database merges a subquery with an OFFSET into the query around it):
        # merged, the daily rate's EXISTS was run twice per record, for the bucket and for the grain (a third of
        # the statement's time on PostgreSQL, which also compiled the larger plan with its JIT).
        f"{_FENCE.get(database.vendor, '')}"
    )
    bucketed = (
        "SELECT programme_id, country, owner_id, confidentiality, flow, currency, value, "
        f"CASE WHEN on_rate_day = 1 THEN value_date ELSE {_month_start('value_date', database)} END AS bucket, "
        f"CASE WHEN on_rate_day = 1 THEN '{DAY}' ELSE '{MONTH}' END AS grain "
        f"FROM ({records}) dated"
    )
    columns = "programme_id, country, owner_id, confidentiality, flow, currency, bucket, grain"
    return (
        f"INSERT INTO {_table(MoneySum, database)} ({columns}, amount, count) "
        f"SELECT {columns}, SUM(value), COUNT(*) FROM ({bucketed}) bucketed GROUP BY {columns}"
    )


CLASS_KEY = "country, owner_id, confidentiality, flow, currency, bucket, grain"


def _classes_change(where: str, params: Sequence[Any], sign: int, database: BaseDatabaseWrapper) -> None:
    """Add to the class sums (sign 1), or take away from them (sign -1), the programme sums that meet `where`."""
    table = _table(MoneyClassSum, database)
    with database.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({CLASS_KEY}, amount, count) "
            f"SELECT {CLASS_KEY}, {sign} * SUM(amount), {sign} * SUM(count) FROM {_table(MoneySum, database)} "
            f"WHERE confidentiality <> '{Confidentiality.RESTRICTED}' AND {where} GROUP BY {CLASS_KEY} "
            f"ON CONFLICT ({CLASS_KEY}) DO UPDATE SET amount = {table}.amount + excluded.amount, "
            f"count = {table}.count + excluded.count",
            params,
        )
        if sign < 0:
            cursor.execute(f"DELETE FROM {table} WHERE count = 0")


def _write(where: str, params: Sequence[Any], database: BaseDatabaseWrapper) -> None:
    with database.cursor() as cursor:
        for model in (Transaction, Budget):
            cursor.execute(_insert_sql(model, where, database), params)


def _programmes_in(column: str, batch: list[int], database: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
    """The condition that `column` is one of these programmes, with its one parameter, whatever their number: all
    of them at once, so that the statements of a file's programmes read the sums tables once, not once per batch.
    PostgreSQL gets them as an array that it unnests: it then reads each programme's records through the index,
    whereas an IN list of hundreds of values made it scan the whole table for every batch. SQLite gets them as a
    JSON array (its json_each; a list of parameters would have to be cut in batches under its parameter limit, and
    each batch's statements went through the layers' sums again, a fifth of an import's time)."""
    if database.vendor == "postgresql":
        return f"{column} IN (SELECT unnest(%s::bigint[]))", [batch]
    return f"{column} IN (SELECT value FROM json_each(%s))", [json.dumps(batch)]


def _summed_in(batch: list[int], database: BaseDatabaseWrapper) -> str:
    """The condition that a programme sum (alias "s") is of one of these programmes, for egide.money.layers, whose
    statements join the sums to other relations: on PostgreSQL a plain `= ANY` of the array, read through the
    index or as a hashed filter. As a semi-join on the unnested array, the planner, which thinks sums just written
    are a handful, compared each of them with each programme (230 million comparisons for a file of 10,000)."""
    if database.vendor == "postgresql":
        return "s.programme_id = ANY(%s::bigint[])"
    return _programmes_in("s.programme_id", batch, database)[0]


def _batches(ids: list[int], database: BaseDatabaseWrapper) -> list[list[int]]:
    return [ids] if ids else []


def sums_of_programmes_rebuild(programme_ids: Iterable[int], *, database: BaseDatabaseWrapper = connection) -> None:
    """Write the sums of these programmes again from their budgets and transactions (and the areas they are
    counted under from their areas of action)."""
    with transaction.atomic(using=database.alias):
        layers.serialise(database)
        for batch in _batches(sorted(set(programme_ids)), database):
            condition, params = _programmes_in("programme_id", batch, database)
            summed = _summed_in(batch, database)
            layers.levels_take_away(summed, params, database=database)
            _classes_change(condition, params, -1, database)
            with database.cursor() as cursor:
                cursor.execute(f"DELETE FROM {_table(MoneySum, database)} WHERE {condition}", params)
            _write(_programmes_in("record.programme_id", batch, database)[0], params, database)
            layers.areas_write(condition, params, database=database)
            _classes_change(condition, params, 1, database)
            layers.levels_add(summed, params, database=database)
            layers.levels_settle(database=database)


def sums_of_programmes_forget(programme_ids: Iterable[int], *, database: BaseDatabaseWrapper = connection) -> None:
    """Take these programmes' sums away from their classes and delete them: the programmes are being deleted."""
    with transaction.atomic(using=database.alias):
        layers.serialise(database)
        for batch in _batches(sorted(set(programme_ids)), database):
            condition, params = _programmes_in("programme_id", batch, database)
            layers.levels_take_away(_summed_in(batch, database), params, database=database)
            _classes_change(condition, params, -1, database)
            with database.cursor() as cursor:
                cursor.execute(f"DELETE FROM {_table(MoneySum, database)} WHERE {condition}", params)
            layers.areas_forget(condition, params, database=database)
            layers.levels_settle(database=database)


def _months(days: Iterable[date]) -> list[tuple[date, date]]:
    """The months of these days as ranges [first day, first day of the next month), consecutive months merged."""
    ranges: list[tuple[date, date]] = []
    for month in sorted({day.replace(day=1) for day in days}):
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        if ranges and ranges[-1][1] == month:
            ranges[-1] = (ranges[-1][0], following)
        else:
            ranges.append((month, following))
    return ranges


def sums_of_days_rebuild(days: Iterable[date], *, database: BaseDatabaseWrapper = connection) -> None:
    """Write again the sums of every programme for the months of these days: a daily rate of one of them appeared
    or disappeared, which moves that day's amounts out of their month's sum or back into it."""
    with transaction.atomic(using=database.alias):
        layers.serialise(database)
        for start, end in _months(days):
            layers.levels_take_away("s.bucket >= %s AND s.bucket < %s", [start, end], database=database)
            _classes_change("bucket >= %s AND bucket < %s", [start, end], -1, database)
            with database.cursor() as cursor:
                table = _table(MoneySum, database)
                cursor.execute(f"DELETE FROM {table} WHERE bucket >= %s AND bucket < %s", [start, end])
            _write("record.value_date >= %s AND record.value_date < %s", [start, end], database)
            _classes_change("bucket >= %s AND bucket < %s", [start, end], 1, database)
            layers.levels_add("s.bucket >= %s AND s.bucket < %s", [start, end], database=database)
            layers.levels_settle(database=database)


def sums_rebuild(*, database: BaseDatabaseWrapper = connection, with_layers: bool = True) -> int:
    """Write every sum again from the records; returns the number of sums. `with_layers` False leaves out the
    dashboard's (egide.money.layers): for the migration that came before their tables."""
    with database.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table(MoneyClassSum, database)}")
        cursor.execute(f"DELETE FROM {_table(MoneySum, database)}")
    _write("1 = 1", [], database)
    _classes_change("1 = 1", [], 1, database)
    if with_layers:
        layers.rebuild(database=database)
    with database.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {_table(MoneySum, database)}")
        (count,) = cursor.fetchone()
    return int(count)
