"""The cross-country dashboard, read through the access rules: for every country the reader may see, its open
findings by severity (egide.governance), its latest published assessment's band (egide.assessments), its
programmes' money by area of action (egide.money) and a few context indicators (egide.context).

Every part is read for all the countries at once, aggregated in the database where it can be: the number of
queries does not grow with the number of countries (tests/coordination/test_dashboard_queries.py). A record the
reader may not see counts nowhere: not in a count, a band or a sum.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Sum

from egide.actors.selectors import actors_visible
from egide.assessments.models import Framework, Status
from egide.assessments.selectors import assessments_visible, latest_published_by_country, scorecards_of
from egide.context.codes import region_of
from egide.context.models import Indicator, Observation
from egide.context.regions import REGION_BY_CODE
from egide.context.selectors import indicators_visible
from egide.context.sources import SOURCE_BY_CODE
from egide.coordination.dashboard import DashboardRow, IndicatorValue, LatestAssessment
from egide.coordination.selectors import FLOW_GROUPS
from egide.core.labels import active_language
from egide.core.reference import countries as all_countries
from egide.core.users import Caller
from egide.governance.selectors import open_findings_by_country
from egide.money import conversion
from egide.money.models import ExchangeRate, MoneySum, RatePeriod
from egide.money.selectors import rate_table
from egide.programmes.models import ProgrammeArea
from egide.programmes.selectors import programmes_visible

CURRENCIES = conversion.TARGETS
CENT = Decimal("0.01")
MAX_INDICATORS = 4
DEFAULT_INDICATORS = 3


@dataclass(frozen=True, slots=True)
class IndicatorColumn:
    code: str
    name: str
    unit: str
    source: str
    """Who publishes the values: the public source's name, or the organisation whose own series it is."""


@dataclass(frozen=True, slots=True)
class Dashboard:
    rows: list[DashboardRow]
    frameworks: list[tuple[str, str]]
    """The frameworks of the published assessments the reader may see: (identifier, title)."""
    framework: str
    """The framework whose bands the table shows ('' when there is none)."""
    currency: str
    flow: str
    indicators: list[IndicatorColumn]
    """The indicators chosen, in the order asked."""
    available_indicators: list[IndicatorColumn]
    regions: list[tuple[str, str]]
    """The regions of the countries the reader may see, by name: (code, name)."""
    region: str


def countries_visible(*, user: Caller) -> set[str]:
    """The countries of which the user may see an actor, a programme or an assessment. Three queries."""
    found: set[str] = set()
    for records in (
        actors_visible(user=user),
        programmes_visible(user=user),
        assessments_visible(user=user),
    ):
        found.update(records.order_by().values_list("country", flat=True).distinct())
    return {code for code in found if code}


def _latest_assessments(*, user: Caller, framework: Framework | None) -> dict[str, LatestAssessment]:
    if framework is None:
        return {}
    language = active_language()
    latest = latest_published_by_country(user=user, framework=framework)
    cards = scorecards_of(latest)
    found = {}
    for assessment in latest:
        card = cards[assessment.pk]
        found[assessment.country] = LatestAssessment(
            pk=assessment.pk,
            as_of=assessment.as_of,
            score=card.score,
            band=card.band.code if card.band else "",
            band_label=card.band.label.read(language) if card.band else "",
        )
    return found


@dataclass(slots=True)
class _Money:
    total: dict[str, Decimal]
    by_area: dict[str, dict[str, Decimal]]
    excluded: dict[str, int]


def _money(*, user: Caller, countries: Sequence[str], currency: str, flow: str) -> _Money:
    """The money of the programmes the user may see (`_money_in_python`): converted in the database on
    PostgreSQL (`_money_in_sql`, the same totals to the cent), in Python on SQLite, whose arithmetic is binary."""
    if connection.vendor == "postgresql":
        return _money_in_sql(user=user, countries=countries, currency=currency, flow=flow)
    return _money_in_python(user=user, countries=countries, currency=currency, flow=flow)


def _money_sums(*, user: Caller, countries: Sequence[str], flow: str) -> QuerySet[MoneySum]:
    return MoneySum.objects.filter(
        programme__in=programmes_visible(user=user).filter(country__in=list(countries)).values("pk"),
        flow__in=sorted(code for code, group in FLOW_GROUPS.items() if group == flow),
    )


def _rate_join(alias: str, currency: str) -> str:
    """LEFT JOINs of the rates of `currency` (a column or a literal) that `conversion.RateTable.rate` would choose
    for a sum of the relation "g" (bucket, grain): the day's (grain day), the month's (unless grain year), the
    year's; then `{alias}` is the rate found (NULL when none is)."""
    table = ExchangeRate._meta.db_table
    return (
        f"LEFT JOIN {table} {alias}_d ON g.grain = '{conversion.DAY}' AND {alias}_d.currency = {currency} "
        f"AND {alias}_d.period = '{RatePeriod.DAY}' AND {alias}_d.starts_on = g.bucket "
        f"LEFT JOIN {table} {alias}_m ON g.grain <> '{conversion.YEAR}' AND {alias}_m.currency = {currency} "
        f"AND {alias}_m.period = '{RatePeriod.MONTH}' "
        f"AND {alias}_m.starts_on = CAST(date_trunc('month', g.bucket) AS date) "
        f"LEFT JOIN {table} {alias}_y ON {alias}_y.currency = {currency} AND {alias}_y.period = '{RatePeriod.YEAR}' "
        f"AND {alias}_y.starts_on = CAST(date_trunc('year', g.bucket) AS date) "
    )


def _half_even(hundredths: str) -> str:
    """SQL rounding an amount given in hundredths of its unit (a column: it is read several times) to the cent,
    half to even, as `conversion.rounded` does (PostgreSQL's round() rounds half away from zero)."""
    cents = f"trunc({hundredths})"
    return (
        f"(CASE WHEN abs({hundredths} - {cents}) = 0.5 THEN {cents} + abs(mod({cents}, 2)) * sign({hundredths})"
        f" ELSE round({hundredths}) END) / 100"
    )


def _converted_sql(groups: str, keys: Sequence[str], currency: str) -> str:
    """SELECT over `groups` (a relation with `keys`, currency, bucket, grain, amount, count) of each group's
    amount in `currency` rounded to the cent as `conversion.convert` does (NULL when a rate is missing) as
    "value", with the keys and count. The rates are looked up once per currency and period, not per group."""
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
        f"{_rate_join('own', 'g.currency')}{_rate_join('eur', f"'{conversion.EURO}'")}) "
        f"SELECT {columns}, count, {_half_even('hundredths')} AS value FROM ("
        f"SELECT {columns}, g.count, ({exact}) * 100 AS hundredths FROM groups g "
        "JOIN rates r ON r.currency = g.currency AND r.bucket = g.bucket AND r.grain = g.grain "
        # OFFSET 0: the division is made once per group, not once for each time the rounding reads it.
        "OFFSET 0) exact"
    )


def _money_in_sql(*, user: Caller, countries: Sequence[str], currency: str, flow: str) -> _Money:
    """`_money_in_python`'s sums, each group converted and rounded in the database and the converted amounts
    added up there by country (and area): two queries whatever the number of countries, programmes and rates."""
    result = _Money(total={}, by_area=defaultdict(dict), excluded={})
    if not countries:  # no query: Django cannot write the SQL of an empty IN
        return result
    sums = _money_sums(user=user, countries=countries, flow=flow)
    grouped = (
        sums.values_list("country", "currency", "bucket", "grain")
        .annotate(amount=Sum("amount"), count=Sum("count"))
        .order_by()
    )
    groups, params = grouped.query.sql_with_params()
    converted = _converted_sql(groups, ["country"], currency)
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
    converted = _converted_sql(area_groups, ["country", "area", "parts"], currency)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT country, area, parts, SUM(value) FROM ({converted}) converted WHERE value IS NOT NULL "
            "GROUP BY country, area, parts",
            records_params,
        )
        result.by_area = _shares(cursor.fetchall())
    return result


def _shares(sums: Iterable[tuple[str, str, int, Decimal]]) -> dict[str, dict[str, Decimal]]:
    """Each country's money by area from the converted sums of its programmes of `parts` areas in each area:
    each sum divided once by its number of areas, the shares added up and rounded to the cent, half to even."""
    found: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for country, area, parts, amount in sorted(sums):
        found[country][area] += amount / parts
    return {
        country: {area: amount.quantize(CENT) for area, amount in areas.items()} for country, areas in found.items()
    }


def _money_in_python(*, user: Caller, countries: Sequence[str], currency: str, flow: str) -> _Money:
    """The money of the programmes the user may see, led in these countries, of the flow (COMMITTED or SPENT of
    egide.coordination.selectors) over all years, in `currency`: in total and by area of action (a programme in
    several areas counts an equal share in each), each summed in the database by country, currency and the
    period whose rates convert it. Two queries and the rates'."""
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
        years={_day(row[2]).year for row in totals},
    )
    result = _Money(total=defaultdict(Decimal), by_area=defaultdict(lambda: defaultdict(Decimal)), excluded={})
    excluded: dict[str, int] = defaultdict(int)
    for country, money_currency, bucket, grain, amount, count in totals:
        value = conversion.convert(amount, money_currency, _day(bucket), table, finest=grain).in_currency(currency)
        if value is None:
            excluded[country] += count
        else:
            result.total[country] += value
    area_sums: dict[tuple[str, str, int], Decimal] = defaultdict(Decimal)
    for country, area, shared_by, money_currency, bucket, grain, amount, _count in by_area:
        value = conversion.convert(amount, money_currency, _day(bucket), table, finest=grain).in_currency(currency)
        if value is not None:
            area_sums[(country, area, shared_by)] += value
    result.by_area = _shares((*key, amount) for key, amount in area_sums.items())
    result.excluded = dict(excluded)
    return result


def _day(bucket: datetime.date) -> datetime.date:
    # PostgreSQL truncates dates to timestamps.
    return bucket.date() if isinstance(bucket, datetime.datetime) else bucket


def _column(indicator: Indicator) -> IndicatorColumn:
    source = SOURCE_BY_CODE.get(indicator.source)
    if source is not None:
        name = source.name_fr if active_language() == "fr" and source.name_fr else source.name_en
    else:
        name = indicator.owner.name if indicator.owner is not None else ""
    return IndicatorColumn(code=indicator.code, name=indicator.name, unit=indicator.unit, source=name)


def _latest_values(
    *, indicators: Sequence[Indicator], countries: Sequence[str]
) -> dict[str, dict[str, IndicatorValue]]:
    """Each country's latest value of each indicator, in one query."""
    found: dict[str, dict[str, IndicatorValue]] = defaultdict(dict)
    codes = {indicator.pk: indicator.code for indicator in indicators}
    rows = (
        Observation.objects.filter(indicator__in=list(codes), country__in=list(countries))
        .order_by("indicator_id", "country", "-year")
        .values_list("indicator_id", "country", "year", "value")
    )
    for indicator, country, year, value in rows:
        found[country].setdefault(codes[indicator], IndicatorValue(year=year, value=value))
    return found


def dashboard(
    *,
    user: Caller,
    framework: str = "",
    currency: str = conversion.BASE,
    flow: str = "committed",
    indicators: Sequence[str] | None = None,
    region: str = "",
) -> Dashboard:
    """The dashboard's rows for the countries the user may see (of one region when `region` is given), in the
    countries' alphabetical order. `framework`: a framework's identifier (the first with a published assessment
    the user may see when it names none of them); `indicators`: the codes of the indicators to show (the first
    few the user may see when None; at most MAX_INDICATORS)."""
    currency = currency if currency in CURRENCIES else conversion.BASE
    flow = flow if flow in set(FLOW_GROUPS.values()) else "committed"
    names = all_countries()
    visible = sorted(countries_visible(user=user))
    regions = {code: region_of(code) for code in visible}
    region_choices = sorted(
        {(code, REGION_BY_CODE[code].label) for code in regions.values() if code in REGION_BY_CODE},
        key=lambda item: item[1].casefold(),
    )
    region = region if region in REGION_BY_CODE else ""
    chosen = [code for code in visible if not region or regions[code] == region]

    framework_rows = list(
        Framework.objects.filter(
            versions__assessments__in=assessments_visible(user=user).filter(status=Status.PUBLISHED)
        )
        .distinct()
        .order_by("identifier")
    )
    chosen_framework = next((item for item in framework_rows if item.identifier == framework), None)
    if chosen_framework is None and framework_rows:
        chosen_framework = framework_rows[0]
    assessments = _latest_assessments(user=user, framework=chosen_framework)

    available = list(
        indicators_visible(user=user)
        .filter(observations__country__in=chosen)
        .distinct()
        .select_related("owner")
        .order_by("source", "code")
    )
    by_code = {indicator.code: indicator for indicator in available}
    if indicators is None:
        picked = available[:DEFAULT_INDICATORS]
    else:
        picked = [by_code[code] for code in dict.fromkeys(indicators) if code in by_code][:MAX_INDICATORS]
    values = _latest_values(indicators=picked, countries=chosen)

    findings = open_findings_by_country(user=user, countries=chosen)
    money = _money(user=user, countries=chosen, currency=currency, flow=flow)
    rows = []
    for code in chosen:
        counts: dict[str, int] = defaultdict(int)
        for finding in findings.get(code, []):
            counts[finding.severity] += 1
        region_code = regions[code]
        term = REGION_BY_CODE.get(region_code)
        rows.append(
            DashboardRow(
                country=code,
                name=names[code].label if code in names else code,
                region=region_code,
                region_name=term.label if term else "",
                findings=dict(counts),
                assessment=assessments.get(code),
                money=money.total.get(code),
                money_by_area=dict(money.by_area.get(code, {})),
                excluded=money.excluded.get(code, 0),
                indicators=values.get(code, {}),
            )
        )
    rows.sort(key=lambda row: (row.name.casefold(), row.country))
    return Dashboard(
        rows=rows,
        frameworks=[(item.identifier, item.title) for item in framework_rows],
        framework=chosen_framework.identifier if chosen_framework else "",
        currency=currency,
        flow=flow,
        indicators=[_column(indicator) for indicator in picked],
        available_indicators=[_column(indicator) for indicator in available],
        regions=region_choices,
        region=region,
    )
