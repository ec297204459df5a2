"""Country context in the API: the indicators a reader may see, a country's summary per indicator (as its Context
tab), and one indicator's values for every country in a year (as its world map)."""

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from egide.api.common import country_or_404
from egide.api.errors import answers
from egide.context import selectors
from egide.context.codes import region_of
from egide.context.models import Indicator
from egide.context.sources import indicator_spec
from egide.core.labels import active_language

router = Router(tags=["country context"])


class ContextIndicatorOut(Schema):
    code: str
    source: str = Field(description="The public source's code (wgi, fsi, vdem, ucdp, gpi), or upload")
    name_en: str
    name_fr: str
    minimum: float | None
    maximum: float | None
    higher_is_better: bool
    unit_en: str
    unit_fr: str
    terms: str = Field(description="The source's terms of use, in the reader's language (empty for own series)")


class PointOut(Schema):
    year: int
    value: float


class RankOut(Schema):
    position: int = Field(description="1 is the best, whichever way the scale runs; ties share a position")
    of: int = Field(description="How many countries have a value that year")


class IndicatorContextOut(Schema):
    indicator: ContextIndicatorOut
    series: list[PointOut]
    region_series: list[PointOut] = Field(description="The median of the other countries of the region, per year")
    latest: PointOut | None
    previous: PointOut | None
    rank: RankOut | None
    region_latest: float | None = Field(description="The region's median in the country's latest year")


class CountryContextOut(Schema):
    country: str
    region: str = Field(description="The country's region in the UN's geographic scheme")
    indicators: list[IndicatorContextOut]


class MapQuery(Schema):
    year: int | None = Field(None, description="The year (the latest with values when absent or without values)")


class IndicatorMapOut(Schema):
    indicator: ContextIndicatorOut
    years: list[int] = Field(description="Every year with values")
    year: int | None
    values: dict[str, float] = Field(description="Each country's value that year, by ISO 3166-1 alpha-2 code")


def _indicator(indicator: Indicator) -> ContextIndicatorOut:
    spec = indicator_spec(indicator.code)
    terms = ""
    if spec is not None:
        terms = spec[0].terms_fr if active_language() == "fr" else spec[0].terms_en
    return ContextIndicatorOut(
        code=indicator.code,
        source=indicator.source,
        name_en=indicator.name_en,
        name_fr=indicator.name_fr,
        minimum=indicator.minimum,
        maximum=indicator.maximum,
        higher_is_better=indicator.higher_is_better,
        unit_en=indicator.unit_en,
        unit_fr=indicator.unit_fr,
        terms=terms,
    )


@router.get(
    "/context/indicators",
    response=answers({200: list[ContextIndicatorOut]}),
    summary="The indicators of country context the reader may see",
)
def list_indicators(request: HttpRequest) -> list[ContextIndicatorOut]:
    return [_indicator(indicator) for indicator in selectors.indicators_visible(user=request.user)]


@router.get(
    "/context/indicators/{code}/values",
    response=answers({200: IndicatorMapOut}, 404, 422),
    summary="One indicator's values for every country in a year",
)
def get_indicator_values(request: HttpRequest, code: str, query: Query[MapQuery]) -> IndicatorMapOut:
    try:
        found = selectors.indicator_map(user=request.user, code=code, year=query.year)
    except Indicator.DoesNotExist:
        raise Http404(_("No such indicator.")) from None
    return IndicatorMapOut(
        indicator=_indicator(found.indicator), years=list(found.years), year=found.year, values=found.values
    )


@router.get(
    "/countries/{code}/context",
    response=answers({200: CountryContextOut}, 404, 422),
    summary="A country's context: each indicator's series, latest value, rank and region",
)
def get_country_context(request: HttpRequest, code: str) -> CountryContextOut:
    country = country_or_404(code)
    groups = selectors.country_context(user=request.user, country=country)
    return CountryContextOut(
        country=country,
        region=region_of(country),
        indicators=[
            IndicatorContextOut(
                indicator=_indicator(item.indicator),
                series=[PointOut(year=p.year, value=p.value) for p in item.summary.series],
                region_series=[PointOut(year=p.year, value=p.value) for p in item.summary.region_series],
                latest=PointOut(year=item.summary.latest.year, value=item.summary.latest.value)
                if item.summary.latest
                else None,
                previous=PointOut(year=item.summary.previous.year, value=item.summary.previous.value)
                if item.summary.previous
                else None,
                rank=RankOut(position=item.summary.rank.position, of=item.summary.rank.of)
                if item.summary.rank
                else None,
                region_latest=item.summary.region_latest,
            )
            for group in groups
            for item in group.indicators
        ],
    )
