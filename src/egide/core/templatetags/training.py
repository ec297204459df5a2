"""The notice that a page shows a fictional training country (the demo's "XT", a code ISO 3166 leaves to users):
made-up units, people and incidents must never be read as facts about a real country."""

from typing import Any

from django import template
from django.template.context import Context

register = template.Library()

TRAINING_COUNTRIES = frozenset({"XT"})
"""The codes of fictional countries, for training and demonstration only."""

_RECORDS = ("actor", "relationship", "programme", "assessment", "person", "incident", "record")


def _country_of(context: Context) -> str:
    """The country a page is about: the country of its address (`/countries/XT/...`), or of the page's country or
    record."""
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
    return ""


@register.inclusion_tag("training_notice.html", takes_context=True)
def training_notice(context: Context) -> dict[str, bool]:
    return {"fictional": _country_of(context) in TRAINING_COUNTRIES}
