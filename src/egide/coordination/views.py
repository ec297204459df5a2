"""A country's Coordination tab: partners × areas of action, overlaps and gaps for a year. Thin: the selector reads
through the access rules, the analytics compute."""

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from egide.coordination.analytics import ACTOR
from egide.coordination.selectors import Coordination, country_coordination
from egide.core import taxonomy
from egide.core.reference import countries
from egide.core.web import country_or_404
from egide.governance.forms import rule_title
from egide.governance.rules import RULE_BY_CODE

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


def _matrix(found: Coordination) -> list[dict[str, Any]]:
    return [
        {
            "partner": partner,
            "cells": [
                {"count": len(programmes), "titles": "; ".join(p.title for p in programmes)}
                for programmes in (found.cell(partner.key, area) for area in found.areas)
            ],
        }
        for partner in found.partners
    ]


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


def _gaps(found: Coordination) -> list[dict[str, Any]]:
    """The gaps grouped by rule: each rule's area (when no programme covers it) and every actor its open
    findings name that no programme supports."""
    grouped: dict[str, dict[str, Any]] = {}
    for gap in found.gaps:
        code = found.finding_titles.get(gap.need.key, gap.need.key)
        rule = RULE_BY_CODE.get(code)
        entry = grouped.setdefault(
            code,
            {
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


def country_coordination_page(request: HttpRequest, code: str) -> HttpResponse:
    country = country_or_404(code)
    year = _year(request)
    found = country_coordination(user=request.user, country=country, year=year)
    context = {
        "country": country,
        "country_name": countries()[country].label,
        "tab": "coordination",
        "year": year,
        "years": list(range(datetime.date.today().year + 5, FIRST_YEAR - 1, -1)),
        "areas": [_area(area) for area in found.areas],
        "matrix": _matrix(found),
        "overlaps": _overlaps(found),
        "gaps": _gaps(found),
    }
    return render(request, "coordination/country_coordination.html", context)
