"""The cross-country dashboard, read through the access rules: for every country the reader may see, its open
findings by severity (egide.governance), its latest published assessment's band (egide.assessments), its
programmes' money by area of action (egide.money) and a few context indicators (egide.context).

Every part is read for all the countries at once, aggregated in the database where it can be: the number of
queries does not grow with the number of countries (tests/coordination/test_dashboard_queries.py). A record the
reader may not see counts nowhere: not in a count, a band or a sum.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from egide.actors.selectors import actors_visible
from egide.assessments.models import Framework, Status
from egide.assessments.selectors import assessments_visible, latest_published_by_country, scorecards_of
from egide.context.codes import region_of
from egide.context.models import Indicator, Observation
from egide.context.regions import REGION_BY_CODE
from egide.context.selectors import indicators_visible
from egide.context.sources import SOURCE_BY_CODE
from egide.coordination.dashboard import DashboardRow, IndicatorValue, LatestAssessment
from egide.coordination.dashboard_money import dashboard_money
from egide.coordination.selectors import FLOW_GROUPS
from egide.core.labels import active_language
from egide.core.reference import countries as all_countries
from egide.core.users import Caller
from egide.governance.selectors import open_severities_by_country
from egide.money import conversion
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

    findings = open_severities_by_country(user=user, countries=chosen)
    money = dashboard_money(user=user, countries=chosen, currency=currency, flow=flow)
    rows = []
    for code in chosen:
        region_code = regions[code]
        term = REGION_BY_CODE.get(region_code)
        rows.append(
            DashboardRow(
                country=code,
                name=names[code].label if code in names else code,
                region=region_code,
                region_name=term.label if term else "",
                findings=findings.get(code, {}),
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
