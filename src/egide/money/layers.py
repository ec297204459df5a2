"""The cross-country dashboard's money, kept converted (egide.money.models: MoneyArea, MoneyLevelSum,
MoneyLayerTotal), written again in SQL with every change of the programme sums (egide.money.sums) and of the rates.

Why: the dashboard converts and rounds to the cent each sum of the programmes it shows that share a currency and
rates (one per country, currency and month: hundreds of thousands at the scale of the issue, too many to convert
for each request), then adds up the cents. But most of what a reader sees, every reader of the country sees alike:
the public programmes, and for a member of an organisation whose membership covers the country, those for
partners too (a *layer*: LAYERS). So the programme sums of these two confidentiality levels are added up by
country, group of flows (egide.money.flows), area of action and rates (MoneyLevelSum: the sums B of a layer are
those of its levels), and each layer's converted sums are kept added up (MoneyLayerTotal: Σ round(convert(B))). A
reader's dashboard starts from its layer's totals and, for the few sums where it sees more (E: its organisation's
programmes, those shared with it), adds round(convert(B + E)) − round(convert(B)): the same cents as converting
all it sees (egide.coordination.dashboard_money).

Everything is kept by difference. A programme's sums are counted in MoneyLevelSum under its level, country and the
areas it had then (MoneyArea): what they counted is noted before they are written again (taken away), what they
count after (added), and the level sums are changed once by the net difference (`levels_settle`); around that
step, the converted totals of the level sums that change are taken away and added again (`_totals_change`), so
that they always hold the rounded values of the level sums as they are. A change of rates changes the conversion of
the sums that read those rates only: each total is changed by the difference between those sums converted at the
new rates and at the old ones, kept from before the change (`rates_changing`, `rates_changed`); a whole file of
changed rates has the totals converted again (`totals_rebuild`).

Callers are egide.money.sums, the rate services and the money signals, inside their transaction; nothing here
checks permissions.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Context, Decimal
from typing import Any

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from egide.accounts.models import Confidentiality
from egide.money import conversion
from egide.money.flows import FLOW_GROUPS
from egide.money.models import ExchangeRate, MoneyArea, MoneyLayerTotal, MoneyLevelSum, MoneySum
from egide.money.sql_conversion import converted_sql, rate_differences_sql
from egide.programmes.models import ProgrammeArea

PUBLIC, PARTNERS = Confidentiality.PUBLIC.value, Confidentiality.PARTNERS.value
LEVELS = (PUBLIC, PARTNERS)
LAYERS = {PUBLIC: (PUBLIC,), PARTNERS: (PUBLIC, PARTNERS)}
"""Each layer's levels: a public layer for the readers who see no programme for partners in the country, a
partners' layer for those who see them all."""
TOTAL = MoneyLevelSum.TOTAL
KEY = "country, flow, area, parts, currency, bucket, grain"
"""What tells one level sum from another besides its level."""
TOTAL_KEY = ("layer", "country", "flow", "area", "parts")

Key = tuple[str, str, str, str, int, str]
"""A converted total's key: layer, country, flow, area, parts, target."""


LOCK = 7_202_611_514
"""The transaction-level advisory lock that serialises the changes of the layers on PostgreSQL (`serialise`)."""


def serialise(database: BaseDatabaseWrapper = connection) -> None:
    """Wait until no other transaction is changing the layers, then hold them until this one ends. A total is kept
    by difference of rounded values, which are not additive: two transactions changing the same sums at once would
    each take away a rounding the other has just changed. On PostgreSQL, whose writers run concurrently; SQLite lets
    one writer at a time. Callers are in a transaction (egide.money.sums opens one)."""
    if database.vendor == "postgresql":
        with database.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK])


def _table(model: type[Model], database: BaseDatabaseWrapper) -> str:
    return database.ops.quote_name(model._meta.db_table)


def _flow_group(column: str) -> str:
    whens = " ".join(f"WHEN '{code}' THEN '{group}'" for code, group in sorted(FLOW_GROUPS.items()))
    return f"CASE {column} {whens} END"


def _levels_of_layers() -> str:
    """A relation (level, layer): which layers each level counts in."""
    pairs = [(level, layer) for layer, levels in LAYERS.items() for level in levels]
    return " UNION ALL ".join(f"SELECT '{level}' AS level, '{layer}' AS layer" for level, layer in pairs)


def _contributions(where: str, database: BaseDatabaseWrapper) -> str:
    """SELECT of what the programme sums that meet `where` (on the alias "s") count in the level sums: each once
    for its country's total and once in each area it is counted under (MoneyArea). Its parameters are `where`'s,
    twice."""
    codes = ", ".join(f"'{code}'" for code in sorted(FLOW_GROUPS))
    levels = ", ".join(f"'{level}'" for level in LEVELS)
    condition = f"s.confidentiality IN ({levels}) AND s.flow IN ({codes}) AND ({where})"
    columns = f"s.confidentiality AS level, s.country, {_flow_group('s.flow')} AS flow"
    values = "s.currency, s.bucket, s.grain, s.amount, s.count"
    money_sum = _table(MoneySum, database)
    return (
        f"SELECT {columns}, '{TOTAL}' AS area, 0 AS parts, {values} FROM {money_sum} s WHERE {condition} "
        f"UNION ALL SELECT {columns}, a.area, a.parts, {values} FROM {money_sum} s "
        f"JOIN {_table(MoneyArea, database)} a ON a.programme_id = s.programme_id WHERE {condition}"
    )


CHANGES = "egide_layer_changes"
"""The temporary table of what a change of programme sums takes away from the level sums and adds to them (level,
KEY, amount, count; negative when taken away), from `levels_take_away` and `levels_add` to `levels_settle`."""

SETTLED = "egide_layer_settled"


def _changes_record(where: str, params: Sequence[Any], sign: int, database: BaseDatabaseWrapper) -> None:
    columns = f"level, {KEY}"
    with database.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {CHANGES} (level varchar(12), country varchar(2), "
            "flow varchar(9), area varchar(48), parts integer, currency varchar(3), bucket date, grain varchar(5), "
            "amount numeric, count bigint)"
        )
        cursor.execute(
            f"INSERT INTO {CHANGES} ({columns}, amount, count) "
            f"SELECT {columns}, {sign} * SUM(amount), {sign} * SUM(count) "
            f"FROM ({_contributions(where, database)}) c GROUP BY {columns}",
            [*params, *params],
        )


def levels_take_away(where: str, params: Sequence[Any], *, database: BaseDatabaseWrapper = connection) -> None:
    """Note what the programme sums that meet `where` (on the alias "s") count in the level sums, to be taken away
    by `levels_settle`: before these sums are deleted or written again (and before the areas they are counted
    under are). The caller has serialised (`serialise`) until `levels_settle`."""
    _changes_record(where, params, -1, database)


def levels_add(where: str, params: Sequence[Any], *, database: BaseDatabaseWrapper = connection) -> None:
    """Note what the programme sums that meet `where` (on the alias "s") count in the level sums, to be added by
    `levels_settle`: after these sums are written."""
    _changes_record(where, params, 1, database)


def levels_settle(*, database: BaseDatabaseWrapper = connection) -> None:
    """Change the level sums by what `levels_take_away` and `levels_add` noted, and their layers' converted totals
    with them: the totals of the level sums that change are taken away, the level sums changed, their totals added
    again. Only the level sums whose amount or count changes are touched: the sums that a programme had and has
    again (a re-import, an edit of its title) net to nothing, and a new programme has nothing to take away.

    Everything is done once over the net changes, gathered in a table of their own and analysed: a join of the
    programme sums just written (whose statistics still say the table is nearly empty) made the planner loop over
    all of them for each programme, 22 s for an IATI file of 10,000 activities (benchmarks/RESULTS.md, dashfix)."""
    columns = f"level, {KEY}"
    table = _table(MoneyLevelSum, database)
    with database.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {CHANGES} (level varchar(12), country varchar(2), "
            "flow varchar(9), area varchar(48), parts integer, currency varchar(3), bucket date, grain varchar(5), "
            "amount numeric, count bigint)"
        )
        cursor.execute(f"DROP TABLE IF EXISTS {SETTLED}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {SETTLED} AS SELECT {columns}, SUM(amount) AS amount, SUM(count) AS count "
            f"FROM {CHANGES} GROUP BY {columns} HAVING SUM(amount) <> 0 OR SUM(count) <> 0"
        )
        cursor.execute(f"DROP TABLE {CHANGES}")
        cursor.execute(f"SELECT COUNT(*) FROM {SETTLED}")
        (changed,) = cursor.fetchone()
    if changed:
        if database.vendor == "postgresql":
            with database.cursor() as cursor:
                cursor.execute(f"ANALYZE {SETTLED}")
        keys: tuple[str, list[Any]] = (f"SELECT DISTINCT {KEY} FROM {SETTLED}", [])
        _totals_change(keys, -1, database)
        with database.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({columns}, amount, count) SELECT {columns}, amount, count FROM {SETTLED} "
                f"WHERE true ON CONFLICT ({KEY}, level) DO UPDATE SET amount = {table}.amount + excluded.amount, "
                f"count = {table}.count + excluded.count"
            )
            cursor.execute(f"DELETE FROM {table} WHERE count = 0")
        _totals_change(keys, 1, database)
    with database.cursor() as cursor:
        cursor.execute(f"DROP TABLE {SETTLED}")


def areas_write(condition: str, params: Sequence[Any], *, database: BaseDatabaseWrapper = connection) -> None:
    """Write again the areas under which the programmes whose ids meet `condition` (on the column "programme_id")
    are counted, from their areas of action: after their sums were taken away, before they are added again."""
    table = _table(MoneyArea, database)
    with database.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {condition}", params)
        cursor.execute(
            f"INSERT INTO {table} (programme_id, area, parts) "
            "SELECT programme_id, area, COUNT(*) OVER (PARTITION BY programme_id) "
            f"FROM {_table(ProgrammeArea, database)} WHERE {condition}",
            params,
        )


def areas_forget(condition: str, params: Sequence[Any], *, database: BaseDatabaseWrapper = connection) -> None:
    with database.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table(MoneyArea, database)} WHERE {condition}", params)


def areas_moved(programme_id: int, *, database: BaseDatabaseWrapper = connection) -> bool:
    """Whether the programme's areas of action differ from those its sums are counted under."""
    with database.cursor() as cursor:
        cursor.execute(f"SELECT area FROM {_table(ProgrammeArea, database)} WHERE programme_id = %s", [programme_id])
        current = {row[0] for row in cursor.fetchall()}
        cursor.execute(f"SELECT area FROM {_table(MoneyArea, database)} WHERE programme_id = %s", [programme_id])
        counted = {row[0] for row in cursor.fetchall()}
    return current != counted


def rebuild(*, database: BaseDatabaseWrapper = connection) -> None:
    """Write the areas, level sums and converted totals again from the programme sums and areas."""
    serialise(database)
    with database.cursor() as cursor:
        for model in (MoneyLayerTotal, MoneyLevelSum, MoneyArea):
            cursor.execute(f"DELETE FROM {_table(model, database)}")
    areas_write("1 = 1", [], database=database)
    levels_add("1 = 1", [], database=database)
    levels_settle(database=database)  # the totals too: with no level sum left, none was taken away
    if database.vendor == "postgresql":
        # Statistics for the new rows at once: without them the planner expects a few level sums and scans them all
        # where the dashboard looks up a few thousand (benchmarks/RESULTS.md, dashagg).
        with database.cursor() as cursor:
            for model in (MoneyLayerTotal, MoneyLevelSum, MoneyArea):
                cursor.execute(f"ANALYZE {_table(model, database)}")


RATES_BY_DIFFERENCE = 60
"""Up to this many rates changed at once (currency, period and start), the totals of the sums that read them are
changed by difference; beyond (a whole file revised), they are all converted again (`totals_rebuild`), which
converts each sum once where the difference converts the sums it touches twice."""

RATES_BEFORE = "egide_rates_before"
"""The temporary table of the rates as they were before a change (PostgreSQL), from `rates_changing` to
`rates_changed`: what the sums they read were converted at."""

WORK_MEMORY = "64MB"
"""PostgreSQL's memory for each sort and grouping while the totals change by difference (`_differences_in_sql`)."""


@dataclass(frozen=True, slots=True)
class RatesChange:
    """Rates about to change (`rates_changing`), told again when they have (`rates_changed`): their currency,
    period and start as they were and as they will be; on SQLite the whole rate table as it was (`before`);
    `whole` when there are too many to change the totals by difference."""

    periods: frozenset[tuple[str, str, date]]
    before: conversion.RateTable | None = None
    whole: bool = False


def _rated(periods: Iterable[tuple[str, str, date]], alias: str = "l") -> tuple[str, list[Any]]:
    """The condition that a level sum (`alias`) reads one of these rates (currency, period, start) when it is
    converted (egide.money.conversion.RateTable.rate): a daily rate, the sums of its day (grain day); a monthly one,
    the sums of its month but those of a whole year (grain year, which read the year's rate only); a yearly one,
    the sums of its year. The euro's are read by the sums of every currency (the cross rate, and the euro's own
    dollars). A superset: a year's sum that a finer rate converts does not read the year's rate, and is counted in
    the difference for nothing."""
    conditions: list[str] = []
    params: list[Any] = []
    for currency, period, starts_on in sorted(set(periods)):
        bounds: list[Any]
        if period == conversion.DAY:
            condition, bounds = f"{alias}.bucket = %s AND {alias}.grain = '{conversion.DAY}'", [starts_on]
        elif period == conversion.MONTH:
            following = date(starts_on.year + starts_on.month // 12, starts_on.month % 12 + 1, 1)
            condition = f"{alias}.bucket >= %s AND {alias}.bucket < %s AND {alias}.grain <> '{conversion.YEAR}'"
            bounds = [starts_on.replace(day=1), following]
        else:
            condition = f"{alias}.bucket >= %s AND {alias}.bucket < %s"
            bounds = [date(starts_on.year, 1, 1), date(starts_on.year + 1, 1, 1)]
        if currency != conversion.EURO:
            condition += f" AND {alias}.currency = %s"
            bounds.append(currency)
        conditions.append(f"({condition})")
        params += bounds
    return " OR ".join(conditions) or "1 = 0", params


def rates_changing(
    periods: Iterable[tuple[str, str, date]], *, database: BaseDatabaseWrapper = connection
) -> RatesChange:
    """Before rates of these (currency, period, start) are written, created or deleted: keep the rates as they are,
    at which the sums that read them were converted. Pass what this returns to `rates_changed` once they are."""
    serialise(database)
    wanted = frozenset(periods)
    if not wanted:
        return RatesChange(wanted)
    if len(wanted) > RATES_BY_DIFFERENCE:
        return RatesChange(wanted, whole=True)
    if database.vendor != "postgresql":
        return RatesChange(wanted, before=rates(database=database))
    currencies = sorted({currency for currency, _period, _starts_on in wanted} | {conversion.EURO})
    with database.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {RATES_BEFORE}")
        # Every currency's when the euro's change: the sums of every currency read them.
        where = (
            ""
            if conversion.EURO in {period[0] for period in wanted}
            else (f" WHERE currency IN ({', '.join(['%s'] * len(currencies))})")
        )
        cursor.execute(
            f"CREATE TEMPORARY TABLE {RATES_BEFORE} AS SELECT currency, period, starts_on, rate "
            f"FROM {_table(ExchangeRate, database)}{where}",
            [] if not where else currencies,
        )
        cursor.execute(f"ANALYZE {RATES_BEFORE}")
    return RatesChange(wanted)


def rates_changed(change: RatesChange, *, database: BaseDatabaseWrapper = connection) -> None:
    """After the rates `rates_changing` was told of were written: change each converted total by the difference
    between its sums converted at the new rates and at the old ones, for the sums that read a changed rate only
    (`_rated`); all the totals converted again when there were too many rates."""
    serialise(database)
    if not change.periods:
        return
    if change.whole:
        totals_rebuild(database=database)
        return
    where, params = _rated(change.periods)
    sums_sql, sums_params = _layer_sums_where(where, params, database)
    if database.vendor == "postgresql":
        _differences_in_sql(sums_sql, sums_params, database)
        return
    assert change.before is not None
    found = _differences_in_python(sums_sql, sums_params, change.before, database)
    if found:
        _totals_add(found, 1, database)


def totals_rebuild(*, database: BaseDatabaseWrapper = connection) -> None:
    """Convert every level sum again: the rates changed."""
    serialise(database)
    with database.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table(MoneyLayerTotal, database)}")
    _totals_change(None, 1, database)


# --- the converted totals -----------------------------------------------------------------------------------------


def _layer_sums(keys: tuple[str, list[Any]] | None, database: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
    """SELECT of the sums B of each layer (layer, KEY, amount, count) whose KEY is one of `keys` (a SELECT of
    KEY with its parameters; None: all of them)."""
    join = ""
    params: list[Any] = []
    if keys is not None:
        sql, params = keys
        matched = " AND ".join(f"k.{column} = l.{column}" for column in KEY.split(", "))
        join = f"JOIN ({sql}) k ON {matched} "
    columns = ", ".join(f"l.{column}" for column in KEY.split(", "))
    return (
        f"SELECT lay.layer, {columns}, SUM(l.amount) AS amount, SUM(l.count) AS count "
        f"FROM {_table(MoneyLevelSum, database)} l JOIN ({_levels_of_layers()}) lay ON lay.level = l.level "
        f"{join}GROUP BY lay.layer, {columns}",
        params,
    )


def _totals_change(keys: tuple[str, list[Any]] | None, sign: int, database: BaseDatabaseWrapper) -> None:
    """Add to the converted totals (sign 1), or take away from them (sign -1), the converted and rounded layer
    sums whose KEY is one of `keys` (None: all)."""
    sql, params = _layer_sums(keys, database)
    if database.vendor == "postgresql":
        found = _converted_in_sql(sql, params, database)
    else:
        found = _converted_in_python(sql, params, database)
    if found:
        _totals_add(found, sign, database)


SUMS_TABLE = "egide_layer_sums"


def _layer_sums_where(where: str, params: list[Any], database: BaseDatabaseWrapper) -> tuple[str, list[Any]]:
    """SELECT of the sums B of each layer (as `_layer_sums`) of the level sums (alias "l") that meet `where`, a
    condition on KEY's columns: each key's levels all meet it or none does."""
    columns = ", ".join(f"l.{column}" for column in KEY.split(", "))
    return (
        f"SELECT lay.layer, {columns}, SUM(l.amount) AS amount, SUM(l.count) AS count "
        f"FROM {_table(MoneyLevelSum, database)} l JOIN ({_levels_of_layers()}) lay ON lay.level = l.level "
        f"WHERE {where} GROUP BY lay.layer, {columns}",
        params,
    )


def _differences_in_sql(sums: str, params: list[Any], database: BaseDatabaseWrapper) -> None:
    """Change the converted totals by the difference, for each of these layer sums and target, between its value
    at the rates as they are and at those of RATES_BEFORE (each rounded to the cent), in three statements: the
    sums gathered and analysed (as in `_converted_in_sql`), the differences added to the totals in one upsert
    (each sum converted at both rates in one pass, egide.money.sql_conversion.rate_differences_sql), the totals
    that no longer count anything deleted. NUMERIC: exact, to the cent."""
    columns = ", ".join(TOTAL_KEY)
    values = []
    for target, now, was in ((conversion.BASE, "usd", "usd_before"), (conversion.EURO, "eur", "eur_before")):
        values.append(
            f"('{target}', COALESCE({now}, 0) - COALESCE({was}, 0), "
            f"(CASE WHEN {now} IS NULL THEN 0 ELSE 1 END) - (CASE WHEN {was} IS NULL THEN 0 ELSE 1 END), "
            f"(CASE WHEN {now} IS NULL THEN count ELSE 0 END) - (CASE WHEN {was} IS NULL THEN count ELSE 0 END))"
        )
    converted = rate_differences_sql(f"SELECT * FROM {SUMS_TABLE}", TOTAL_KEY, RATES_BEFORE)
    differences = (
        f"SELECT {columns}, t.target, SUM(t.value) AS value, SUM(t.converted) AS converted, "
        f"SUM(t.excluded) AS excluded FROM ({converted}) c "
        f"CROSS JOIN LATERAL (VALUES {', '.join(values)}) t (target, value, converted, excluded) "
        "WHERE t.value <> 0 OR t.converted <> 0 OR t.excluded <> 0 "
        f"GROUP BY {columns}, t.target"
    )
    table = _table(MoneyLayerTotal, database)
    with database.cursor() as cursor:
        # Sorts and groupings of tens of thousands of sums in memory (the default 4 MB spilt them to disk, a third
        # of the time of a euro's yearly rate), for these statements only.
        cursor.execute("SELECT current_setting('work_mem'), set_config('work_mem', %s, true)", [WORK_MEMORY])
        (memory, _set) = cursor.fetchone()
        cursor.execute(f"DROP TABLE IF EXISTS {SUMS_TABLE}")
        cursor.execute(f"CREATE TEMPORARY TABLE {SUMS_TABLE} AS {sums}", params)
        if cursor.rowcount:
            cursor.execute(f"ANALYZE {SUMS_TABLE}")
            cursor.execute(
                f"INSERT INTO {table} ({columns}, target, value, converted, excluded) {differences} "
                f"ON CONFLICT ({columns}, target) DO UPDATE SET value = {table}.value + excluded.value, "
                f"converted = {table}.converted + excluded.converted, excluded = {table}.excluded + excluded.excluded"
            )
            cursor.execute(f"DELETE FROM {table} WHERE converted = 0 AND excluded = 0")
        cursor.execute(f"DROP TABLE {SUMS_TABLE}")
        cursor.execute(f"DROP TABLE IF EXISTS {RATES_BEFORE}")
        cursor.execute("SELECT set_config('work_mem', %s, true)", [memory])


def _differences_in_python(
    sums: str, params: list[Any], before: conversion.RateTable, database: BaseDatabaseWrapper
) -> dict[Key, list[Any]]:
    """What `_differences_in_sql` adds to each total, in Python's decimals (SQLite)."""
    with database.cursor() as cursor:
        cursor.execute(sums, params)
        rows = cursor.fetchall()
    if not rows:
        return {}
    after = rates(database=database)
    found: dict[Key, list[Any]] = defaultdict(lambda: [Decimal(0), 0, 0])
    for layer, country, flow, area, parts, currency, bucket, grain, amount, count in rows:
        value, day = sqlite_decimal(amount), day_of(bucket)
        now = conversion.convert(value, currency, day, after, finest=grain)
        was = conversion.convert(value, currency, day, before, finest=grain)
        for target in conversion.TARGETS:
            entry = found[(layer, country, flow, area, int(parts), target)]
            for sign, converted in ((1, now), (-1, was)):
                amount_in_target = converted.in_currency(target)
                if amount_in_target is None:
                    entry[2] += sign * int(count)
                else:
                    entry[0] += sign * amount_in_target
                    entry[1] += sign
    return {key: entry for key, entry in found.items() if any(entry)}


def _converted_in_sql(sums: str, params: list[Any], database: BaseDatabaseWrapper) -> dict[Key, list[Any]]:
    """The sums gathered once into a temporary table, analysed, then converted to each target in one statement.
    Analysed, because from a subquery the planner expected one sum where there were thousands, and matched each
    with each rate period in a nested loop: seconds for an import's batch (benchmarks/RESULTS.md, dashagg)."""
    columns = ", ".join(TOTAL_KEY)
    per_target = " UNION ALL ".join(
        f"SELECT {columns}, '{target}' AS target, COALESCE(SUM(value), 0) AS value, COUNT(value) AS converted, "
        "SUM(CASE WHEN value IS NULL THEN count ELSE 0 END) AS excluded "
        f"FROM ({converted_sql(f'SELECT * FROM {SUMS_TABLE}', TOTAL_KEY, target)}) converted GROUP BY {columns}"
        for target in conversion.TARGETS
    )
    with database.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {SUMS_TABLE}")
        cursor.execute(f"CREATE TEMPORARY TABLE {SUMS_TABLE} AS {sums}", params)
        rows = []
        if cursor.rowcount:  # none for the programmes of no layer, the most common change
            cursor.execute(f"ANALYZE {SUMS_TABLE}")
            cursor.execute(per_target)
            rows = cursor.fetchall()
        cursor.execute(f"DROP TABLE {SUMS_TABLE}")
    return {
        (layer, country, flow, area, parts, target): [Decimal(value), int(converted), int(excluded)]
        for layer, country, flow, area, parts, target, value, converted, excluded in rows
    }


FIFTEEN_DIGITS = Context(prec=15)


def sqlite_decimal(value: Any) -> Decimal:
    """A sum of decimals as SQLite returns it (a float when not whole), made a Decimal as Django's SQLite backend
    makes an aggregate's: so that the sums converted here are those the ORM would read."""
    return FIFTEEN_DIGITS.create_decimal_from_float(value) if isinstance(value, float) else Decimal(value)


def day_of(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    assert isinstance(value, date)
    return value


def rates(*, database: BaseDatabaseWrapper = connection) -> conversion.RateTable:
    """The whole rate table (a few thousand rows), read through the ORM so that the rates are the decimals that
    every other conversion reads."""
    rows = ExchangeRate.objects.using(database.alias).values_list("currency", "period", "starts_on", "rate")
    return conversion.RateTable(conversion.RateRow(*row) for row in rows)


def _converted_in_python(sums: str, params: list[Any], database: BaseDatabaseWrapper) -> dict[Key, list[Any]]:
    with database.cursor() as cursor:
        cursor.execute(sums, params)
        rows = cursor.fetchall()
    if not rows:
        return {}
    table = rates(database=database)
    found: dict[Key, list[Any]] = defaultdict(lambda: [Decimal(0), 0, 0])
    for layer, country, flow, area, parts, currency, bucket, grain, amount, count in rows:
        converted = conversion.convert(sqlite_decimal(amount), currency, day_of(bucket), table, finest=grain)
        for target in conversion.TARGETS:
            value = converted.in_currency(target)
            entry = found[(layer, country, flow, area, int(parts), target)]
            if value is None:
                entry[2] += int(count)
            else:
                entry[0] += value
                entry[1] += 1
    return dict(found)


def _totals_add(found: dict[Key, list[Any]], sign: int, database: BaseDatabaseWrapper) -> None:
    """Add these converted totals to those kept, in Python's decimals (SQLite's sums are binary): a total that no
    longer counts any sum is deleted."""
    table = _table(MoneyLayerTotal, database)
    columns = "layer, country, flow, area, parts, target"
    countries = sorted({key[1] for key in found})
    kept: dict[Key, tuple[int, Decimal, int, int]] = {}
    with database.cursor() as cursor:
        for start in range(0, len(countries), 500):
            batch = countries[start : start + 500]
            cursor.execute(
                f"SELECT id, {columns}, value, converted, excluded FROM {table} "
                f"WHERE country IN ({', '.join(['%s'] * len(batch))})",
                batch,
            )
            for pk, layer, country, flow, area, parts, target, value, converted, excluded in cursor.fetchall():
                kept[(layer, country, flow, area, int(parts), target)] = (
                    pk,
                    sqlite_decimal(value).quantize(conversion.CENT),
                    int(converted),
                    int(excluded),
                )
        inserted, updated, deleted = [], [], []
        for key, (value, converted, excluded) in found.items():
            old = kept.get(key)
            total = (old[1] if old else Decimal(0)) + sign * value
            converted_count = (old[2] if old else 0) + sign * converted
            excluded_count = (old[3] if old else 0) + sign * excluded
            if old is None:
                inserted.append((*key, total, converted_count, excluded_count))
            elif converted_count == 0 and excluded_count == 0:
                deleted.append((old[0],))
            else:
                updated.append((total, converted_count, excluded_count, old[0]))
        if inserted:
            cursor.executemany(
                f"INSERT INTO {table} ({columns}, value, converted, excluded) VALUES ({', '.join(['%s'] * 9)})",
                inserted,
            )
        if updated:
            cursor.executemany(f"UPDATE {table} SET value = %s, converted = %s, excluded = %s WHERE id = %s", updated)
        if deleted:
            cursor.executemany(f"DELETE FROM {table} WHERE id = %s", deleted)
