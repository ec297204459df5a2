"""The public portal's pages and files, for anonymous visitors. Thin: the selectors read what a visitor may see,
`caching.public_page` serves each answer in the language of its address, validated and kept by its last change."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.sitemaps.views import sitemap
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from egide.accounts.models import Organisation
from egide.accounts.selectors import is_administrator
from egide.core.reference import country_rows
from egide.core.web import apply_form_errors
from egide.portal import freshness, licences, opendata, selectors, services
from egide.portal.caching import languages, public_page
from egide.portal.forms import LicenceForm
from egide.portal.sitemaps import PortalSitemap
from egide.reports.services import public_brief_pdf

LIST_LIMIT = 50
"""A country page lists this many programmes and findings; the rest are a link (and a download) away."""
LATEST_ON_COUNTRY_PAGE = 8

MAP_COLOURS = ["#a9c6e8", "#6d9bd1", "#1f5fa8", "#0d2f57"]


def root(request: HttpRequest) -> HttpResponse:
    """/public/: the portal's home in the reader's language (chosen, or asked for by the browser)."""
    language = get_language() if get_language() in languages() else languages()[0]
    return HttpResponseRedirect(reverse("portal:home", kwargs={"language": language}))


def _alternates(request: HttpRequest, language: str) -> list[dict[str, Any]]:
    """The same page in each language, for the language links and the search engines' `hreflang`."""
    prefix = f"/{language}/"
    path = request.path
    at = path.index(prefix)
    return [
        {"code": code, "url": f"{path[:at]}/{code}/{path[at + len(prefix) :]}", "current": code == language}
        for code in languages()
    ]


def _page(request: HttpRequest, template: str, language: str, context: dict[str, Any]) -> HttpResponse:
    context |= {"language": language, "alternates": _alternates(request, language)}
    return render(request, template, context)


def _map_data(published: list[selectors.PublishedCountry], language: str) -> dict[str, Any]:
    """The world map's data, in the form the context bundle's choropleth reads (static/egide/context/main.js):
    each country's number of public records, keyed by its ISO code; the boundaries by their numeric code."""
    values = {country.code: country.records for country in published}
    return {
        "values": values,
        "numeric": {row["numeric"]: row["code"] for row in country_rows() if row["numeric"]},
        "names": {country.code: country.name for country in published},
        "minimum": 0,
        "maximum": max(values.values(), default=1),
        "higherIsBetter": True,
        "colours": MAP_COLOURS,
        "countryUrl": reverse("portal:country", kwargs={"language": language, "code": "XX"}),
        "labels": {"noValue": _("nothing published"), "lowest": _("fewer records"), "highest": _("more records")},
    }


@public_page
def home(request: HttpRequest, *, language: str, country: str, change: Any) -> HttpResponse:
    published = selectors.published_countries()
    return _page(
        request,
        "portal/home.html",
        language,
        {"countries": published, "map": _map_data(published, language) if published else None},
    )


@public_page
def country_page(request: HttpRequest, *, language: str, country: str, change: Any) -> HttpResponse:
    counts = selectors.published_country(country=country)
    if counts is None:
        raise Http404(_("This country has published nothing yet."))
    findings = selectors.public_findings(country=country)
    programmes = selectors.public_programmes(country=country)
    owners = selectors.licences_of(selectors.country_owner_ids(country=country))
    context = {
        "country": country,
        "counts": counts,
        "relationships": selectors.public_relationship_count(country=country),
        "findings": findings[:LIST_LIMIT],
        "finding_count": len(findings),
        "severities": selectors.severity_counts(findings),
        "assessments": list(selectors.public_assessments(country=country)),
        "programmes": list(programmes[:LIST_LIMIT]),
        "licences": sorted(owners.values(), key=lambda item: item.organisation.acronym),
        "datasets": opendata.DATASETS,
        "latest": selectors.latest_developments(country=country, limit=LATEST_ON_COUNTRY_PAGE),
        "list_limit": LIST_LIMIT,
    }
    return _page(request, "portal/country.html", language, context)


@public_page
def latest(request: HttpRequest, *, language: str, country: str, change: Any) -> HttpResponse:
    return _page(request, "portal/latest.html", language, {"items": selectors.latest_developments()})


def _download(content: bytes, *, fmt: str, name: str, country: str) -> HttpResponse:
    response = HttpResponse(content, content_type=opendata.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="egide-{country.lower()}-{name}"'
    return response


@public_page
def dataset(request: HttpRequest, *, language: str, country: str, change: Any, name: str, fmt: str) -> HttpResponse:
    if name not in opendata.DATASETS or fmt not in opendata.FORMATS:
        raise Http404(_("No such file."))
    if selectors.published_country(country=country) is None:
        raise Http404(_("This country has published nothing yet."))
    content = opendata.dataset_file(country=country, dataset=name, fmt=fmt)
    return _download(content, fmt=fmt, name=f"{name}.{fmt}", country=country)


@public_page
def iati(request: HttpRequest, *, language: str, country: str, change: Any) -> HttpResponse:
    if selectors.published_country(country=country) is None:
        raise Http404(_("This country has published nothing yet."))
    return _download(opendata.iati_file(country=country), fmt="xml", name="programmes-iati.xml", country=country)


def public_sitemap(request: HttpRequest) -> HttpResponse:
    return sitemap(request, sitemaps={"portal": PortalSitemap})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_licence(request: HttpRequest, pk: int) -> HttpResponse:
    """An organisation's administrators choose the licence of its open data."""
    organisation = get_object_or_404(Organisation, pk=pk)
    if not is_administrator(user=request.user, organisation=organisation):
        raise PermissionDenied(_("Only the organisation's administrators choose the licence of its open data."))
    current = selectors.organisation_licence(organisation=organisation)
    form = LicenceForm(request.POST or None, initial={"licence": current})
    if request.method == "POST" and form.is_valid():
        try:
            services.licence_set(user=request.user, organisation=organisation, licence=form.cleaned_data["licence"])
        except ValidationError as error:
            apply_form_errors(form, error)
        else:
            messages.success(request, _("The licence of the organisation's open data is saved."))
            return HttpResponseRedirect(reverse("portal:organisation-licence", kwargs={"pk": organisation.pk}))
    return render(
        request,
        "portal/licence.html",
        {"organisation": organisation, "form": form, "current": current, "urls": licences.URLS},
    )


@public_page(also=freshness.brief_inputs)
def brief(request: HttpRequest, *, language: str, country: str, change: Any) -> HttpResponse:
    """The country's public brief as of today, as PDF: what an anonymous visitor may see, drawn once per day and
    per change of its records, then served from the page cache."""
    if selectors.published_country(country=country) is None:
        raise Http404(_("This country has published nothing yet."))
    response = HttpResponse(public_brief_pdf(country=country, language=language), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="egide-{country.lower()}-brief-{language}.pdf"'
    return response
