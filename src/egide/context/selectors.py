"""Every read of country context, through the access rules of egide.accounts.

Indicators belong to no country: a public source's indicator is public; an organisation's own series follows the
rule for global records (egide.accounts.selectors.global_visibility_filter).
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from egide.accounts.models import Organisation
from egide.accounts.selectors import can_edit, global_visibility_filter, importing_owners, reach_of
from egide.context.analytics import Summary, summarise
from egide.context.codes import region_of, tables
from egide.context.models import Indicator, Observation, SourceLoad
from egide.context.sources import SOURCES, SourceSpec
from egide.core.users import Caller


def may_load_sources(*, user: Caller) -> bool:
    """Platform staff (and the command line): a public source's values are shown to every organisation."""
    return reach_of(user).superuser


def series_owners(*, user: Caller) -> QuerySet[Organisation]:
    """The organisations in whose name the user may add a series: those they edit for, in every country (a series
    belongs to no country: egide.accounts.selectors.can_edit on such a record)."""
    return Organisation.objects.filter(
        pk__in=[
            organisation.pk
            for organisation in importing_owners(user=user)
            if can_edit(user=user, record=Indicator(owner=organisation, country=""))
        ]
    ).order_by("acronym")


def indicators_visible(*, user: Caller) -> QuerySet[Indicator]:
    condition = global_visibility_filter(user=user, model=Indicator)
    indicators = Indicator.objects.all()
    return indicators if condition is None else indicators.filter(condition)


def observations_visible(*, user: Caller) -> QuerySet[Observation]:
    return Observation.objects.filter(indicator__in=indicators_visible(user=user))


def source_loads(*, source: str = "") -> QuerySet[SourceLoad]:
    loads = SourceLoad.objects.select_related("loaded_by")
    return loads.filter(source=source) if source else loads


@dataclass(frozen=True, slots=True)
class IndicatorContext:
    indicator: Indicator
    summary: Summary


@dataclass(frozen=True, slots=True)
class SourceContext:
    source: SourceSpec | None
    """None for organisations' own series."""
    indicators: tuple[IndicatorContext, ...]


def country_context(*, user: Caller, country: str) -> list[SourceContext]:
    """Every visible indicator with a value for the country, grouped by source in the sources' order, each with
    its summary (egide.context.analytics). Four queries whatever the number of indicators and countries."""
    indicators = {indicator.pk: indicator for indicator in indicators_visible(user=user)}
    if not indicators:
        return []
    series: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for indicator_id, year, value in Observation.objects.filter(
        indicator_id__in=list(indicators), country=country
    ).values_list("indicator_id", "year", "value"):
        series[indicator_id].append((year, value))
    if not series:
        return []
    latest = {indicator_id: max(year for year, _value in values) for indicator_id, values in series.items()}
    in_latest_year: dict[int, dict[str, float]] = defaultdict(dict)
    pairs = Q()
    for indicator_id, year in latest.items():
        pairs |= Q(indicator_id=indicator_id, year=year)
    for indicator_id, other, value in Observation.objects.filter(pairs).values_list("indicator_id", "country", "value"):
        in_latest_year[indicator_id][other] = value
    region = region_of(country)
    neighbours = sorted(code for code, found in tables().region.items() if found == region and code != country)
    region_values: dict[int, list[tuple[int, float]]] = defaultdict(list)
    if neighbours:
        for indicator_id, year, value in Observation.objects.filter(
            indicator_id__in=list(series), country__in=neighbours
        ).values_list("indicator_id", "year", "value"):
            region_values[indicator_id].append((year, value))
    grouped: dict[str, list[IndicatorContext]] = defaultdict(list)
    for indicator_id, values in series.items():
        indicator = indicators[indicator_id]
        summary = summarise(
            country,
            values,
            latest_year_values=in_latest_year[indicator_id],
            region_values=region_values[indicator_id],
            higher_is_better=indicator.higher_is_better,
        )
        grouped[indicator.source].append(IndicatorContext(indicator, summary))
    order = {source.code: position for position, source in enumerate(SOURCES)}
    specs = {source.code: source for source in SOURCES}
    spec_order = {spec.code: position for source in SOURCES for position, spec in enumerate(source.indicators)}
    return [
        SourceContext(
            specs.get(code),
            tuple(sorted(found, key=lambda item: (spec_order.get(item.indicator.code, 0), item.indicator.name))),
        )
        for code, found in sorted(grouped.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
    ]


@dataclass(frozen=True, slots=True)
class IndicatorMap:
    indicator: Indicator
    years: tuple[int, ...]
    year: int | None
    values: dict[str, float]


def indicator_map(*, user: Caller, code: str, year: int | None = None) -> IndicatorMap:
    """Every country's value of one visible indicator in one year (the latest when none is asked or the one asked
    has no values). Indicator.DoesNotExist when the user may not see it."""
    indicator = indicators_visible(user=user).get(code=code)
    years = tuple(
        sorted(
            Observation.objects.filter(indicator=indicator).values_list("year", flat=True).distinct().order_by(),
        )
    )
    if not years:
        return IndicatorMap(indicator, (), None, {})
    chosen = year if year in years else years[-1]
    values = dict(Observation.objects.filter(indicator=indicator, year=chosen).values_list("country", "value"))
    return IndicatorMap(indicator, years, chosen, values)
