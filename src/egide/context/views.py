"""The country page's Context tab, an indicator's world map, and the list of sources with their terms of use.
Thin: the selectors read through the access rules, egide.context.presentation writes."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from egide.context import presentation, selectors, series_file, services
from egide.context.forms import SeriesUploadForm
from egide.context.models import Indicator, SourceLoad
from egide.context.sources import SOURCES, indicator_spec
from egide.core.imports.limits import FileRefused
from egide.core.imports.problems import ImportRejected
from egide.core.reference import countries
from egide.core.web import country_or_404


def country_context_page(request: HttpRequest, code: str) -> HttpResponse:
    country = country_or_404(code)
    groups = selectors.country_context(user=request.user, country=country)
    context = {
        "country": country,
        "country_name": countries()[country].label,
        "tab": "context",
        "groups": presentation.cards(groups),
        "charts": presentation.charts(groups),
        "chart_labels": presentation.chart_labels(country),
        "region": presentation.region_label(country),
    }
    return render(request, "context/country_context.html", context)


def indicator_map_page(request: HttpRequest, code: str) -> HttpResponse:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    try:
        found = selectors.indicator_map(user=request.user, code=code, year=year)
    except Indicator.DoesNotExist:
        raise Http404(_("No such indicator.")) from None
    spec = indicator_spec(found.indicator.code)
    context = {
        "found": found,
        "indicator": found.indicator,
        "source": spec[0] if spec else None,
        "map": presentation.map_document(found),
        "rows": presentation.ranked_rows(found),
    }
    return render(request, "context/indicator_map.html", context)


def sources_page(request: HttpRequest) -> HttpResponse:
    latest: dict[str, SourceLoad] = {}
    for load in selectors.source_loads():
        latest.setdefault(load.source, load)
    indicators = {indicator.code: indicator for indicator in selectors.indicators_visible(user=request.user)}
    rows = [
        {
            "source": source,
            "load": latest.get(source.code),
            "indicators": [{"spec": spec, "stored": indicators.get(spec.code)} for spec in source.indicators],
        }
        for source in SOURCES
    ]
    own = [indicator for indicator in indicators.values() if indicator.source not in {s.code for s in SOURCES}]
    may_upload = request.user.is_authenticated and selectors.series_owners(user=request.user).exists()
    return render(request, "context/sources.html", {"rows": rows, "own": own, "may_upload": may_upload})


@login_required
def series_upload_page(request: HttpRequest) -> HttpResponse:
    organisations = selectors.series_owners(user=request.user)
    if not organisations.exists():
        raise PermissionDenied(_("Only an editor of an organisation, for every country, may add its series."))
    form = SeriesUploadForm(request.POST or None, request.FILES or None, organisations=organisations)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = services.SeriesData(
            name_en=form.cleaned_data["name_en"],
            name_fr=form.cleaned_data["name_fr"],
            higher_is_better=form.cleaned_data["higher_is_better"],
            minimum=form.cleaned_data["minimum"],
            maximum=form.cleaned_data["maximum"],
            confidentiality=form.cleaned_data["confidentiality"],
        )
        try:
            rows = series_file.series_read(upload.read(), filename=upload.name)
            context["uploaded"] = services.series_upload(
                user=request.user, organisation=form.cleaned_data["organisation"], data=data, rows=rows
            )
        except FileRefused as error:
            context["refused"] = str(error)
        except ImportRejected as error:
            context["rejected"] = error
    return render(request, "context/series_upload.html", context)
