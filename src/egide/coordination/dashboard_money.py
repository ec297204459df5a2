"""The cross-country dashboard's money: for the countries asked, the programmes the reader may see, led there, of a
group of flows (egide.money.flows) over all years, in US dollars or euros, in total and by area of action (a
programme in several areas counts an equal share in each).

Each sum of the same currency and rates is converted and rounded to the cent, then the cents are added up: a total
may differ by a few cents from the sum of its amounts converted one by one. `money_direct` does so from the sums of
the programmes the reader sees; `dashboard_money` gives the same cents from the totals kept converted for every
reader of a layer (egide.money.layers): the layer's totals, then, for each sum where the reader sees more than its
layer (E, beside the layer's B), round(convert(B + E)) − round(convert(B)). Its work grows with what the reader
sees beyond its layer (its organisations' programmes, those shared with it), not with the programmes of the
countries: two queries, after the reader's reach. Superusers, whose layer would be everything, are read directly.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum

from egide.accounts.models import Confidentiality
from egide.accounts.selectors import partners_countries, reach_of
from egide.core.users import Caller
from egide.money import conversion, layers
from egide.money.flows import codes_of
from egide.money.models import MoneyLayerTotal, MoneyLevelSum, MoneySum
from egide.money.selectors import rate_table
from egide.money.sql_conversion import converted_sql
from egide.programmes.models import ProgrammeArea
from egide.programmes.selectors import programmes_visible

CENT = Decimal("0.01")
TOTAL = MoneyLevelSum.TOTAL


@dataclass(slots=True)
class Money:
    total: dict[str, Decimal]
    """Each country's total, when at least one of its sums could be converted."""
    by_area: dict[str, dict[str, Decimal]]
    excluded: dict[str, int]
    """The amounts left out of each country's total for want of a rate (countries with none left out)."""


def dashboard_money(*, user: Caller, countries: Sequence[str], currency: str, flow: str) -> Money:
    """The money of the programmes the user may see in these countries, as `money_direct` counts it."""
    if not countries:
        return Money(total={}, by_area={}, excluded={})
    if reach_of(user).superuser:
        return money_direct(user=user, countries=countries, currency=currency, flow=flow)
    partners = partners_countries(user=user)
    wide = sorted(countries if partners is None else set(countries) & partners)
    narrow = sorted(set(countries) - set(wide))
    base = _layer_totals(countries=narrow, wide=wide, currency=currency, flow=flow)
    # What the reader sees beyond its layer: its organisations' programmes, those shared with it, and those for
    # partners where its memberships do not reach.
    # Every country asked for in the partners' layer (a membership covering all countries): the conditions need
    # not name them again, which PostgreSQL would test for every row read.
    everywhere = not narrow
    in_layer = Q(confidentiality=Confidentiality.PUBLIC)
    if everywhere:
        in_layer |= Q(confidentiality=Confidentiality.PARTNERS)
    elif wide:
        in_layer |= Q(confidentiality=Confidentiality.PARTNERS, country__in=wide)
    beyond = programmes_visible(user=user).filter(country__in=list(countries)).exclude(in_layer).order_by()
    if connection.vendor == "postgresql":
        # Their ids first, as one array: the planner then knows how few they are and reads their sums through
        # the indexes (from a subquery it expected thousands, scanned the sums and compiled the plan: seconds).
        ids = list(beyond.values_list("pk", flat=True))
        corrections = (
            _corrections_in_sql(ids, wide=wide, everywhere=everywhere, currency=currency, flow=flow) if ids else {}
        )
    else:
        corrections = _corrections_in_python(
            beyond.values("pk"), wide=wide, everywhere=everywhere, currency=currency, flow=flow
        )
    return _combined(base, corrections)


Totals = dict[tuple[str, str, int], tuple[Decimal, int, int]]
"""(country, area or TOTAL, parts) → (converted value, sums converted, amounts left out)."""


def _layer_totals(*, countries: Sequence[str], wide: Sequence[str], currency: str, flow: str) -> Totals:
    """The converted totals of the public layer in `countries`, of the partners' layer in `wide`."""
    rows = MoneyLayerTotal.objects.filter(
        Q(layer=layers.PUBLIC, country__in=list(countries)) | Q(layer=layers.PARTNERS, country__in=list(wide)),
        flow=flow,
        target=currency,
    ).values_list("country", "area", "parts", "value", "converted", "excluded")
    return {
        (country, area, parts): (value, converted, excluded)
        for country, area, parts, value, converted, excluded in rows
    }


def _pairs_sql(
    beyond: QuerySet[Any] | list[int], *, wide: Sequence[str], everywhere: bool, flow: str
) -> tuple[str, list[Any]]:
    """SELECT, for each sum E of the programmes `beyond` the layer (a query of their ids, or the ids as an array
    on PostgreSQL) by country, area or TOTAL, parts, currency, bucket and grain, its amount and count and those of
    the layer's sum B of the same key (NULL when it has none)."""
    if isinstance(beyond, list):
        programmes, programme_params = "SELECT unnest(%s::bigint[])", [list(beyond)]
    else:
        programmes, query_params = beyond.query.sql_with_params()
        programme_params = list(query_params)
    money_sum, level_sum = MoneySum._meta.db_table, MoneyLevelSum._meta.db_table
    area_table = ProgrammeArea._meta.db_table
    codes = codes_of(flow)
    flows = ", ".join(["%s"] * len(codes))
    where = f"s.programme_id IN ({programmes}) AND s.flow IN ({flows})"
    where_params = [*programme_params, *codes]
    values = "s.currency, s.bucket, s.grain, SUM(s.amount) AS amount, SUM(s.count) AS count"
    grouped = "s.currency, s.bucket, s.grain"
    extra = (
        f"SELECT s.country, '{TOTAL}' AS area, 0 AS parts, {values} FROM {money_sum} s WHERE {where} "
        f"GROUP BY s.country, {grouped} "
        f"UNION ALL SELECT s.country, a.area, a.parts, {values} FROM {money_sum} s "
        f"JOIN (SELECT programme_id, area, COUNT(*) OVER (PARTITION BY programme_id) AS parts FROM {area_table} "
        f"WHERE programme_id IN ({programmes})) a ON a.programme_id = s.programme_id WHERE {where} "
        f"GROUP BY s.country, a.area, a.parts, {grouped}"
    )
    extra_params = [*where_params, *programme_params, *where_params]
    levels = f"l.level = '{layers.PUBLIC}'"
    level_params: list[Any] = []
    if everywhere:
        # Each level of the key's index, rather than a list of countries tested on every row it reads.
        levels = f"l.level IN ('{layers.PUBLIC}', '{layers.PARTNERS}')"
    elif wide:
        levels = f"({levels} OR (l.level = '{layers.PARTNERS}' AND l.country IN ({', '.join(['%s'] * len(wide))})))"
        level_params = list(wide)
    matched = ("country", "area", "parts", "currency", "bucket", "grain")
    keys = " AND ".join(f"l.{column} = e.{column}" for column in matched)
    columns = "e.country, e.area, e.parts, e.currency, e.bucket, e.grain, e.amount, e.count"
    return (
        f"SELECT {columns}, SUM(l.amount) AS base_amount, SUM(l.count) AS base_count FROM ({extra}) e "
        f"LEFT JOIN {level_sum} l ON {keys} AND l.flow = %s AND {levels} GROUP BY {columns}",
        [*extra_params, flow, *level_params],
    )


Corrections = dict[tuple[str, str, int], list[Any]]
"""(country, area or TOTAL, parts) → [change of the converted value, sums converted besides the layer's, amounts
left out besides the layer's]."""


def _corrections_in_sql(
    beyond: list[int], *, wide: Sequence[str], everywhere: bool, currency: str, flow: str
) -> Corrections:
    pairs, params = _pairs_sql(beyond, wide=wide, everywhere=everywhere, flow=flow)
    key = "country, area, parts"
    # Each pair twice: B + E ("after") and B ("before", when the layer has it), converted alike.
    groups = (
        f"WITH pairs AS MATERIALIZED ({pairs}) "
        f"SELECT {key}, 1 AS side, CASE WHEN base_count IS NULL THEN 1 ELSE 0 END AS fresh, currency, bucket, grain, "
        "amount + COALESCE(base_amount, 0) AS amount, count + COALESCE(base_count, 0) AS count FROM pairs "
        f"UNION ALL SELECT {key}, -1 AS side, 0 AS fresh, currency, bucket, grain, base_amount AS amount, "
        "base_count AS count FROM pairs WHERE base_count IS NOT NULL"
    )
    converted = converted_sql(groups, ["country", "area", "parts", "side", "fresh"], currency)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {key}, COALESCE(SUM(side * value), 0), SUM(CASE WHEN value IS NOT NULL THEN fresh ELSE 0 END), "
            f"SUM(CASE WHEN value IS NULL THEN side * count ELSE 0 END) FROM ({converted}) converted GROUP BY {key}",
            params,
        )
        return {
            (country, area, int(parts)): [Decimal(value), int(fresh), int(excluded)]
            for country, area, parts, value, fresh, excluded in cursor.fetchall()
        }


def _corrections_in_python(
    beyond: QuerySet[Any], *, wide: Sequence[str], everywhere: bool, currency: str, flow: str
) -> Corrections:
    pairs, params = _pairs_sql(beyond, wide=wide, everywhere=everywhere, flow=flow)
    with connection.cursor() as cursor:
        cursor.execute(pairs, params)
        rows = cursor.fetchall()
    table = rate_table(currencies={row[3] for row in rows}, years={layers.day_of(row[4]).year for row in rows})
    found: Corrections = defaultdict(lambda: [Decimal(0), 0, 0])
    for country, area, parts, money_currency, bucket, grain, amount, count, base_amount, base_count in rows:
        day = layers.day_of(bucket)
        extra = layers.sqlite_decimal(amount)
        entry = found[(country, area, int(parts))]
        if base_count is None:
            after = conversion.convert(extra, money_currency, day, table, finest=grain).in_currency(currency)
            before = None
            entry[1] += 0 if after is None else 1
        else:
            base = layers.sqlite_decimal(base_amount)
            after = conversion.convert(base + extra, money_currency, day, table, finest=grain).in_currency(currency)
            before = conversion.convert(base, money_currency, day, table, finest=grain).in_currency(currency)
        if after is None:
            entry[2] += int(count)
        else:
            entry[0] += after - (before or 0)
    return dict(found)


def _combined(base: Totals, corrections: Corrections) -> Money:
    result = Money(total={}, by_area={}, excluded={})
    area_sums: list[tuple[str, str, int, Decimal]] = []
    for key in base.keys() | corrections.keys():
        value, converted, excluded = base.get(key, (Decimal(0), 0, 0))
        change, fresh, left_out = corrections.get(key, (Decimal(0), 0, 0))
        country, area, parts = key
        value, converted, excluded = value + change, converted + fresh, excluded + left_out
        if area == TOTAL:
            if converted:
                result.total[country] = value.quantize(CENT)
            if excluded:
                result.excluded[country] = excluded
        elif converted:
            area_sums.append((country, area, parts, value))
    result.by_area = shares(area_sums)
    return result


# --- directly from the sums of the programmes the reader sees -----------------------------------------------------


def money_direct(*, user: Caller, countries: Sequence[str], currency: str, flow: str) -> Money:
    """The money of the programmes the user may see, from their sums: converted in the database on PostgreSQL
    (`money_in_sql`, the same totals to the cent), in Python on SQLite (`money_in_python`), whose arithmetic is
    binary."""
    if connection.vendor == "postgresql":
        return money_in_sql(user=user, countries=countries, currency=currency, flow=flow)
    return money_in_python(user=user, countries=countries, currency=currency, flow=flow)


def _money_sums(*, user: Caller, countries: Sequence[str], flow: str) -> QuerySet[MoneySum]:
    return MoneySum.objects.filter(
        programme__in=programmes_visible(user=user).filter(country__in=list(countries)).values("pk"),
        flow__in=codes_of(flow),
    )


def money_in_sql(*, user: Caller, countries: Sequence[str], currency: str, flow: str) -> Money:
    """`money_in_python`'s sums, each group converted and rounded in the database and the converted amounts
    added up there by country (and area): two queries whatever the number of countries, programmes and rates."""
    result = Money(total={}, by_area=defaultdict(dict), excluded={})
    if not countries:  # no query: Django cannot write the SQL of an empty IN
        return result
    sums = _money_sums(user=user, countries=countries, flow=flow)
    grouped = (
        sums.values_list("country", "currency", "bucket", "grain")
        .annotate(amount=Sum("amount"), count=Sum("count"))
        .order_by()
    )
    groups, params = grouped.query.sql_with_params()
    converted = converted_sql(groups, ["country"], currency)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT country, SUM(value), SUM(CASE WHEN value IS NULL THEN count ELSE 0 END) "
            f"FROM ({converted}) converted GROUP BY country",
            params,
        )
        for country, total, excluded in cursor.fetchall():
            if total is not None:
                result.total[country] = Decimal(total).quantize(CENT)
            if excluded:
                result.excluded[country] = int(excluded)
    # Each programme's sums go to each of its areas, grouped by the number of its areas, whose share is then the
    # group's converted sum divided by it.
    records, records_params = (
        sums.values_list("programme_id", "country", "currency", "bucket", "grain", "amount", "count")
        .order_by()
        .query.sql_with_params()
    )
    area_table = ProgrammeArea._meta.db_table
    area_groups = (
        "SELECT s.country, a.area, a.parts, s.currency, s.bucket, s.grain, SUM(s.amount) AS amount, "
        "SUM(s.count) AS count "
        f"FROM ({records}) s JOIN (SELECT programme_id, area, COUNT(*) OVER (PARTITION BY programme_id) AS parts "
        f"FROM {area_table}) a ON a.programme_id = s.programme_id "
        "GROUP BY s.country, a.area, a.parts, s.currency, s.bucket, s.grain"
    )
    converted = converted_sql(area_groups, ["country", "area", "parts"], currency)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT country, area, parts, SUM(value) FROM ({converted}) converted WHERE value IS NOT NULL "
            "GROUP BY country, area, parts",
            records_params,
        )
        result.by_area = shares(cursor.fetchall())
    return result


def shares(sums: Iterable[tuple[str, str, int, Decimal]]) -> dict[str, dict[str, Decimal]]:
    """Each country's money by area from the converted sums of its programmes of `parts` areas in each area:
    each sum divided once by its number of areas, the shares added up and rounded to the cent, half to even."""
    found: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for country, area, parts, amount in sorted(sums):
        found[country][area] += amount / parts
    return {
        country: {area: amount.quantize(CENT) for area, amount in areas.items()} for country, areas in found.items()
    }


def money_in_python(*, user: Caller, countries: Sequence[str], currency: str, flow: str) -> Money:
    """The money of the programmes the user may see, each sum of the same currency and rates added up in the
    database by country (and area, with the programmes of as many areas), converted here. Two queries and the
    rates'."""
    sums = _money_sums(user=user, countries=countries, flow=flow)
    totals = list(
        sums.values_list("country", "currency", "bucket", "grain")
        .annotate(amount=Sum("amount"), count=Sum("count"))
        .order_by()
    )
    # Each programme's sums go to each of its areas, grouped with the programmes of as many areas: the share of
    # each area is then an exact division of the group's sum (as the Coordination tab splits a programme's money).
    parts = Subquery(
        ProgrammeArea.objects.filter(programme_id=OuterRef("programme_id"))
        .order_by()
        .values("programme_id")
        .annotate(parts=Count("pk"))
        .values("parts")[:1],
        output_field=IntegerField(),
    )
    by_area = list(
        sums.filter(programme__areas__isnull=False)
        .annotate(parts=parts)
        .values_list("country", "programme__areas__area", "parts", "currency", "bucket", "grain")
        .annotate(amount=Sum("amount"), count=Sum("count"))
        .order_by()
    )
    table = rate_table(
        currencies={row[1] for row in totals},
        years={layers.day_of(row[2]).year for row in totals},
    )
    result = Money(total=defaultdict(Decimal), by_area={}, excluded={})
    excluded: dict[str, int] = defaultdict(int)
    for country, money_currency, bucket, grain, amount, count in totals:
        day = layers.day_of(bucket)
        value = conversion.convert(amount, money_currency, day, table, finest=grain).in_currency(currency)
        if value is None:
            excluded[country] += count
        else:
            result.total[country] += value
    area_sums: dict[tuple[str, str, int], Decimal] = defaultdict(Decimal)
    for country, area, shared_by, money_currency, bucket, grain, amount, _count in by_area:
        day = layers.day_of(bucket)
        value = conversion.convert(amount, money_currency, day, table, finest=grain).in_currency(currency)
        if value is not None:
            area_sums[(country, area, shared_by)] += value
    result.by_area = shares((*key, amount) for key, amount in area_sums.items())
    result.excluded = dict(excluded)
    return result
