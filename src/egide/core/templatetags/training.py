"""The notice that a page shows a fictional training country (the demo's "XT", a code ISO 3166 leaves to users):
made-up units, people and incidents must never be read as facts about a real country."""

from typing import Any

from django import template
from django.template.context import Context

register = template.Library()

TRAINING_COUNTRIES = frozenset({"XT"})
"""The codes of fictional countries, for training and demonstration only."""

_RECORDS = ("actor", "relationship", "programme", "assessment", "person", "incident", "record")


def is_training(country: str) -> bool:
    """Whether a country code is a fictional training country's."""
    return country.upper() in TRAINING_COUNTRIES


def _country_of(context: Context) -> str:
    """The country a page is about: the country of its address (`/countries/XT/...`), of the page's country or
    record, or of the list's filter (`/people/?country=XT`)."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    code = str(match.kwargs.get("code", "")) if match is not None else ""
    if code:
        return code.upper()
    country = context.get("country")
    if isinstance(country, str):
        return country.upper()
    for name in _RECORDS:
        record: Any = context.get(name)
        value = getattr(record, "country", None)
        if isinstance(value, str) and value:
            return value.upper()
    chosen = getattr(request, "GET", {}).get("country", "")
    return chosen.strip().upper() if isinstance(chosen, str) else ""


def _lists_training(context: Context) -> bool:
    """Whether the page's list (`page`, a paginated list of people or incidents of any country) shows a training
    country's record: the list is then partly invented, and says so."""
    rows: Any = getattr(context.get("page"), "object_list", ())
    return any(is_training(str(getattr(row, "country", "") or "")) for row in rows)


@register.inclusion_tag("training_notice.html", takes_context=True)
def training_notice(context: Context) -> dict[str, bool]:
    return {"fictional": is_training(_country_of(context)) or _lists_training(context)}
