"""The cross-country dashboard: the home page of signed-in readers, also at /dashboard/. Thin: the selector reads
through the access rules, egide.coordination.dashboard sorts."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from egide.coordination import dashboard_html
from egide.coordination.dashboard import (
    FINDINGS,
    INDICATOR_PREFIX,
    MONEY,
    NAME,
    REGION,
    SCORE,
    SEVERITIES,
    SEVERITY_PREFIX,
    DashboardRow,
    sort_keys,
    sorted_rows,
)
from egide.coordination.dashboard_selectors import Dashboard, dashboard
from egide.core import taxonomy
from egide.core.reference import countries
from egide.governance.forms import SEVERITIES as SEVERITY_CHOICES


def _text(request: HttpRequest, name: str, *, default: str = "") -> str:
    """A choice of the address: compared with the known choices only (never given to the database), so anything
    else is simply not chosen."""
    return request.GET.get(name, default).strip()[:100]


def read_dashboard(request: HttpRequest) -> tuple[Dashboard, str, list[DashboardRow]]:
    """The dashboard for the request's choices (framework, currency, flow, indicators, region, sort): the
    selector's answer, the sort applied and the rows in that order."""
    chosen_indicators = [code.strip()[:100] for code in request.GET.getlist("indicator") if code.strip()]
    found = dashboard(
        user=request.user,
        framework=_text(request, "framework"),
        currency=_text(request, "currency", default="USD"),
        flow=_text(request, "flow", default="committed"),
        # Once the form is sent (its `shown` field), no indicator ticked means none; before, the first few.
        indicators=chosen_indicators if chosen_indicators or "shown" in request.GET else None,
        region=_text(request, "region"),
    )
    codes = [column.code for column in found.indicators]
    rows, sort = sorted_rows(found.rows, sort=_text(request, "sort", default="name"), indicators=codes)
    return found, sort, rows


def _sort_links(request: HttpRequest, sort: str, columns: list[str]) -> dict[str, dict[str, str]]:
    """For each column, the query string that sorts by it (reversing the current direction), and its state."""
    links = {}
    for column in columns:
        params = request.GET.copy()
        params["sort"] = f"-{column}" if sort == column else column
        links[column] = {
            "query": params.urlencode(),
            "state": "ascending" if sort == column else "descending" if sort == f"-{column}" else "none",
        }
    return links


def _headers(found: Dashboard, links: dict[str, dict[str, str]]) -> list[dict[str, Any]]:
    severity_names = dict(SEVERITY_CHOICES)
    headers: list[dict[str, Any]] = [
        {"label": _("Country"), "link": links[NAME]},
        {"label": _("Region"), "link": links[REGION]},
    ]
    headers += [
        {
            "label": severity_names.get(code, code),
            "extra": _("findings"),
            "link": links[f"{SEVERITY_PREFIX}{code}"],
            "numeric": True,
        }
        for code in SEVERITIES
    ]
    headers += [
        {"label": _("Open findings"), "link": links[FINDINGS], "numeric": True},
        {"label": _("Latest assessment"), "extra": _("band and score"), "link": links[SCORE]},
        {"label": _("Money"), "extra": found.currency, "link": links[MONEY], "numeric": True},
    ]
    headers += [
        {
            "label": column.name,
            "extra": f"{column.unit} · {column.source}" if column.unit else column.source,
            "link": links[f"{INDICATOR_PREFIX}{column.code}"],
            "numeric": True,
        }
        for column in found.indicators
    ]
    return headers


def _cells(found: Dashboard, rows: list[DashboardRow]) -> list[dict[str, Any]]:
    areas = {term.code: term.label for term in taxonomy.AREAS_OF_ACTION}
    return [
        {
            "row": row,
            "severities": [row.findings.get(code, 0) for code in SEVERITIES],
            "top_areas": [(areas.get(code, code), amount) for code, amount in row.top_areas()],
            "indicators": [row.indicators.get(column.code) for column in found.indicators],
        }
        for row in rows
    ]


def dashboard_page(request: HttpRequest) -> HttpResponse:
    found, sort, rows = read_dashboard(request)
    codes = [column.code for column in found.indicators]
    chosen = {column.code for column in found.indicators}
    cells = _cells(found, rows)
    context = {
        "dashboard": found,
        "rows": cells,
        "rows_html": dashboard_html.rows(cells),
        "sort": sort,
        "headers": _headers(found, _sort_links(request, sort, sort_keys(codes))),
        "indicator_choices": [(column, column.code in chosen) for column in found.available_indicators],
        "other_countries": sorted(countries().values(), key=lambda term: term.label),
    }
    return render(request, "coordination/dashboard.html", context)
