"""A country's Coordination tab: partners × areas of action, overlaps and gaps for a year. Thin: the selector reads
through the access rules, the analytics compute."""

import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext, ngettext

from egide.coordination import flow_views, tab_html
from egide.coordination.amounts import money_format
from egide.coordination.analytics import ACTOR, SECTION
from egide.coordination.export import brief_xlsx
from egide.coordination.selectors import (
    BOTH,
    CURRENCIES,
    DEFAULT_THRESHOLD,
    ORIGINS,
    Coordination,
    Money,
    country_coordination,
)
from egide.core import taxonomy
from egide.core.reference import countries
from egide.core.web import country_or_404
from egide.duediligence.diligence_views import brief_section
from egide.duediligence.reports import brief_sheet
from egide.governance.forms import rule_title
from egide.governance.rules import RULE_BY_CODE
from egide.money.flows import COMMITTED, SPENT
from egide.programmes.models import Programme

FIRST_YEAR = 1990


def _year(request: HttpRequest) -> int:
    this_year = datetime.date.today().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        return this_year
    return year if FIRST_YEAR <= year <= this_year + 10 else this_year


def _area(code: str) -> str:
    term = taxonomy.AREA_BY_CODE.get(code)
    return term.label if term else code


BY_AREA, BY_ACTOR = "area", "actor"


EMPTY_CELL: dict[str, Any] = {
    "count": 0,
    "imported": 0,
    "imported_title": "",
    "own": 0,
    "titles": "",
    "committed_usd": None,
    "committed_eur": None,
    "spent_usd": None,
    "spent_eur": None,
    "committed": "",
    "spent": "",
}
"""A cell without programmes: shared by every empty cell of a matrix, read only."""


def _cell(
    found: Coordination, programmes: list[Programme], money: Money, formatted: Callable[[Decimal], str]
) -> dict[str, Any]:
    if not programmes:
        return EMPTY_CELL

    def amounts(text: str, usd: Decimal | None, eur: Decimal | None) -> str:
        return "" if usd is None or eur is None else text % {"usd": formatted(usd), "eur": formatted(eur)}

    imported = sum(1 for programme in programmes if programme.pk in found.imported)
    committed_usd, committed_eur = money.get((COMMITTED, "USD")), money.get((COMMITTED, "EUR"))
    spent_usd, spent_eur = money.get((SPENT, "USD")), money.get((SPENT, "EUR"))
    return {
        "count": len(programmes),
        "imported": imported,
        "imported_title": (
            ngettext("%(counter)s imported from IATI", "%(counter)s imported from IATI", imported)
            % {"counter": imported}
            if imported
            else ""
        ),
        "own": len(programmes) - imported,
        "titles": "; ".join(p.title for p in programmes),
        "committed_usd": committed_usd,
        "committed_eur": committed_eur,
        "spent_usd": spent_usd,
        "spent_eur": spent_eur,
        "committed": amounts(gettext("committed: %(usd)s USD · %(eur)s EUR"), committed_usd, committed_eur),
        "spent": amounts(gettext("disbursed and spent: %(usd)s USD · %(eur)s EUR"), spent_usd, spent_eur),
    }


def _matrix(found: Coordination, by: str) -> list[dict[str, Any]]:
    """One row per partner, one cell per area (or per actor when `by` is BY_ACTOR)."""
    rows = []
    formatted = money_format()
    for partner in found.partners:
        if by == BY_ACTOR:
            cells = [
                _cell(
                    found,
                    found.actor_cell(partner.key, actor),
                    found.actor_money.get((partner.key, actor), {}),
                    formatted,
                )
                for actor in found.actors
            ]
        else:
            cells = [
                _cell(found, found.cell(partner.key, area), found.money.get((partner.key, area), {}), formatted)
                for area in found.areas
            ]
        rows.append({"partner": partner, "cells": cells})
    return rows


def _columns(found: Coordination, by: str) -> list[str]:
    if by == BY_ACTOR:
        return [found.actor_names[actor] for actor in found.actors]
    return [_area(area) for area in found.areas]


def _overlaps(found: Coordination) -> list[dict[str, Any]]:
    names = {partner.key: partner.name for partner in found.partners}
    return [
        {
            "kind": overlap.kind,
            "actor": int(overlap.target) if overlap.kind == ACTOR else None,
            "label": found.actor_names.get(int(overlap.target), "") if overlap.kind == ACTOR else _area(overlap.target),
            "partners": sorted(names.get(key, key) for key in overlap.partners),
            "programmes": [found.programmes[pk] for pk in overlap.programmes],
        }
        for overlap in found.overlaps
    ]


def _overlaps_shown(found: Coordination) -> list[dict[str, Any]]:
    """The overlaps as the page lists them: each with its programmes' links written once."""
    return [overlap | {"links": tab_html.programme_links(overlap["programmes"])} for overlap in _overlaps(found)]


def _gaps(found: Coordination) -> list[dict[str, Any]]:
    """The gaps grouped by rule (each rule's area when no programme covers it, and every actor its open findings
    name that no programme supports), then by weak assessment section (its area and the actors of its scope)."""
    grouped: dict[str, dict[str, Any]] = {}
    for gap in found.gaps:
        if gap.need.origin == SECTION:
            weak = found.weak_sections[gap.need.key]
            entry = grouped.setdefault(
                gap.need.key,
                {
                    "kind": SECTION,
                    "title": weak.title,
                    "section": weak,
                    "scoped": bool(gap.need.actors),
                    "area": _area(gap.need.area) if gap.need.area else "",
                    "area_uncovered": False,
                    "actors": {},
                },
            )
        else:
            code = found.finding_titles.get(gap.need.key, gap.need.key)
            rule = RULE_BY_CODE.get(code)
            entry = grouped.setdefault(
                code,
                {
                    "kind": "finding",
                    "title": rule_title(rule) if rule else code,
                    "area": _area(gap.need.area) if gap.need.area else "",
                    "area_uncovered": False,
                    "actors": {},
                },
            )
        if gap.kind == ACTOR:
            entry["actors"][int(gap.target)] = found.actor_names.get(int(gap.target), "")
        else:
            entry["area_uncovered"] = True
    return [
        entry
        | {"actors": [{"pk": pk, "name": name} for pk, name in sorted(entry["actors"].items(), key=lambda a: a[1])]}
        for entry in grouped.values()
    ]


def _threshold(request: HttpRequest) -> str:
    """The band below which an assessment's section is a need: a band's code (short letters or digits), else the
    default; a code that no framework of the country has falls back to the default in the selector."""
    chosen = request.GET.get("below", DEFAULT_THRESHOLD).strip()
    return chosen if 0 < len(chosen) <= 32 and chosen.replace("-", "").replace("_", "").isalnum() else DEFAULT_THRESHOLD


def _choices(request: HttpRequest, code: str) -> tuple[str, int, str, str]:
    country = country_or_404(code)
    year = _year(request)
    origin = request.GET.get("origin", BOTH)
    origin = origin if origin in ORIGINS else BOTH
    by = BY_ACTOR if request.GET.get("by") == BY_ACTOR else BY_AREA
    return country, year, origin, by


def _brief(request: HttpRequest, code: str) -> tuple[str, int, str, str, Coordination]:
    country, year, origin, by = _choices(request, code)
    found = country_coordination(
        user=request.user, country=country, year=year, origin=origin, threshold=_threshold(request)
    )
    return country, year, origin, by, found


def country_coordination_page(request: HttpRequest, code: str) -> HttpResponse:
    country, year, origin, by, found = _brief(request, code)
    formatted = money_format()
    money = flow_views.flows_context(request=request, country=country, year=year, origin=origin, by=by)
    money["flow_rows_html"] = tab_html.flow_rows(money["flow_rows"], formatted)
    money["timeline_rows_html"] = tab_html.timeline_rows(money["timeline_rows"], formatted)
    matrix = _matrix(found, by)
    context = {
        "country": country,
        "country_name": countries()[country].label,
        "tab": "coordination",
        "year": year,
        "years": list(range(datetime.date.today().year + 5, FIRST_YEAR - 1, -1)),
        "origin": origin,
        "by": by,
        "areas": _columns(found, by),
        "matrix": matrix,
        "matrix_rows": tab_html.matrix_rows(matrix),
        "excluded": found.excluded,
        "overlaps": _overlaps_shown(found),
        "gaps": _gaps(found),
        "threshold": found.threshold,
        "bands": found.bands,
        "area_rules": found.area_rules,
        "money": money,
        "currencies": CURRENCIES,
        # Only for readers of the country's due-diligence assessments; empty (no heading, no count) for the others.
        "due_diligence": brief_section(request, country),
    }
    return render(request, "coordination/country_coordination.html", context)


def country_coordination_flows(request: HttpRequest, code: str) -> JsonResponse:
    """The money flows (Sankey diagram) and the timeline per partner as JSON, for the page's choices (year, since,
    origin, by, currency, flow, step): every amount the reader may see and none other."""
    country, year, origin, by = _choices(request, code)
    context = flow_views.flows_context(request=request, country=country, year=year, origin=origin, by=by)
    return JsonResponse(flow_views.flows_json(context, country=country, year=year))


def country_coordination_export(request: HttpRequest, code: str) -> FileResponse:
    """The brief (matrix by area and by actor, overlaps, gaps, money flows and timeline by partner) as an XLSX download
    in the reader's language."""
    country, year, origin, by, found = _brief(request, code)
    name = countries()[country].label
    money = flow_views.export_rows(request=request, country=country, year=year, origin=origin, by=by)
    content = brief_xlsx(
        title=f"{name} · {year}",
        columns=_columns(found, BY_AREA) + _columns(found, BY_ACTOR),
        matrix=[
            {"partner": area_row["partner"], "cells": area_row["cells"] + actor_row["cells"]}
            for area_row, actor_row in zip(_matrix(found, BY_AREA), _matrix(found, BY_ACTOR), strict=True)
        ],
        overlaps=_overlaps(found),
        gaps=_gaps(found),
        flows=money["flows"],
        timeline=money["timeline"],
        due_diligence=brief_sheet(user=request.user, country=country),
    )
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=f"coordination-{country}-{year}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
