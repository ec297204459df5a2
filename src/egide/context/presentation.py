"""The Context tab and the world map as the templates and the charts read them: values written in the reader's
language, and the charts' data as plain JSON."""

from typing import Any

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from egide.context.codes import region_of
from egide.context.models import Indicator
from egide.context.regions import REGION_BY_CODE
from egide.context.selectors import IndicatorContext, IndicatorMap, SourceContext
from egide.context.sources import SourceSpec
from egide.core.reference import countries, country_rows


def _places(indicator: Indicator) -> int:
    if indicator.minimum is not None and indicator.maximum is not None and indicator.maximum - indicator.minimum > 20:
        return 1
    return 2


def written(indicator: Indicator, value: float | None) -> str:
    """A value as the reader reads it: yes or no for a flag, otherwise the scale's decimals."""
    if value is None:
        return "—"
    if is_flag(indicator):
        return _("yes") if value >= 0.5 else _("no")
    return number_format(value, _places(indicator))


def signed(indicator: Indicator, change: float | None) -> str:
    if change is None:
        return ""
    text = number_format(abs(change), _places(indicator))
    return f"+{text}" if change > 0 else (f"−{text}" if change < 0 else text)


def region_label(country: str) -> str:
    region = REGION_BY_CODE.get(region_of(country))
    return region.label if region else ""


def is_flag(indicator: Indicator) -> bool:
    return indicator.minimum == 0 and indicator.maximum == 1 and indicator.unit_en == "yes/no"


def short_name(indicator: Indicator, source: SourceSpec | None) -> str:
    """The indicator's name under its source's heading: without the source's name where it starts with it."""
    name = indicator.name
    if source is not None:
        for prefix in (source.name_en, source.name_fr):
            if name.startswith((f"{prefix}: ", f"{prefix} : ")):
                rest = name.split(":", 1)[1].strip()
                return rest[:1].upper() + rest[1:]
    return name


def card(item: IndicatorContext, source: SourceSpec | None) -> dict[str, Any]:
    indicator, summary = item.indicator, item.summary
    flag = is_flag(indicator)
    return {
        "indicator": indicator,
        "name": short_name(indicator, source),
        "chart_id": f"context-chart-{indicator.pk}",
        "latest": summary.latest,
        "latest_text": written(indicator, summary.latest.value if summary.latest else None),
        "previous": summary.previous,
        "change_text": signed(indicator, summary.change),
        "improved": summary.improved,
        # A rank or a median of yes-or-no flags says nothing.
        "rank": None if flag else summary.rank,
        "region_text": "" if flag or summary.region_latest is None else written(indicator, summary.region_latest),
        "above_region": summary.above_region,
        "map_url": reverse("context-indicator-map", args=[indicator.code])
        + (f"?year={summary.latest.year}" if summary.latest else ""),
    }


def cards(groups: list[SourceContext]) -> list[dict[str, Any]]:
    return [
        {"source": group.source, "cards": [card(item, group.source) for item in group.indicators]} for group in groups
    ]


def charts(groups: list[SourceContext]) -> dict[str, Any]:
    """Each card's small chart: the country's series and the region's median, on the indicator's scale."""
    return {
        f"context-chart-{item.indicator.pk}": {
            "name": item.indicator.name,
            "minimum": item.indicator.minimum,
            "maximum": item.indicator.maximum,
            "higherIsBetter": item.indicator.higher_is_better,
            "country": [[point.year, point.value] for point in item.summary.series],
            "region": [[point.year, point.value] for point in item.summary.region_series],
        }
        for group in groups
        for item in group.indicators
    }


def chart_labels(country: str) -> dict[str, str]:
    names = countries()
    region = region_label(country)
    return {
        "country": names[country].label if country in names else country,
        "region": _("%(region)s (median of the other countries)") % {"region": region} if region else "",
    }


def map_document(found: IndicatorMap) -> dict[str, Any]:
    """The choropleth's data: each country's value keyed by its ISO 3166-1 numeric code (the world boundaries'
    key), its name in the reader's language, and the address of its Context tab."""
    names = countries()
    numeric = {row["numeric"]: row["code"] for row in country_rows() if row["numeric"]}
    return {
        "year": found.year,
        "minimum": found.indicator.minimum,
        "maximum": found.indicator.maximum,
        "higherIsBetter": found.indicator.higher_is_better,
        "values": found.values,
        "numeric": numeric,
        "names": {code: term.label for code, term in names.items()},
        "countryUrl": reverse("country-context", args=["XX"]),
        "labels": {"noValue": _("no value"), "lowest": _("lowest"), "highest": _("highest")},
    }


def ranked_rows(found: IndicatorMap) -> list[dict[str, Any]]:
    """The map's values as a table, best first (the same ranking as the Context tab)."""
    names = countries()
    ordered = sorted(found.values.items(), key=lambda item: item[1], reverse=found.indicator.higher_is_better)
    rows = []
    position = 0
    previous: float | None = None
    for index, (code, value) in enumerate(ordered, start=1):
        if value != previous:
            position, previous = index, value
        rows.append(
            {
                "rank": position,
                "code": code,
                "name": names[code].label if code in names else code,
                "value": written(found.indicator, value),
            }
        )
    return rows
