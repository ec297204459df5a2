"""The map's lists: a country's actors, relationships and sources, as their tabs show them."""

from typing import Any

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from egide.actors import selectors
from egide.actors.views import ACTOR_TABLE, RELATIONSHIP_TABLE, table_choices
from egide.core import taxonomy
from egide.core.users import Caller
from egide.core.web import country_or_404
from egide.exports.columns import Column, Rows, field, flag, labelled
from egide.exports.lists.base import ListExport, Scope, confidentiality_column, labels, owner_column, values_rows


def _actor_columns() -> list[Column]:
    return [
        field("reference", gettext_lazy("Reference")),
        field("name_en", gettext_lazy("Name (English)")),
        field("name_fr", gettext_lazy("Name (French)")),
        field("acronym_en", gettext_lazy("Acronym (English)")),
        field("acronym_fr", gettext_lazy("Acronym (French)")),
        labelled("family", gettext_lazy("Family"), labels(taxonomy.FAMILIES)),
        labelled("kind", gettext_lazy("Kind"), labels(taxonomy.KINDS)),
        flag("statutory", gettext_lazy("Statutory"), yes=_("yes"), no=_("no")),
        flag("legitimacy_disputed", gettext_lazy("Legitimacy disputed"), yes=_("yes"), no=_("no")),
        field("mandate_reference", gettext_lazy("Mandate reference")),
        labelled("confidence", gettext_lazy("Confidence"), labels(taxonomy.CONFIDENCE_LEVELS)),
        owner_column(),
        confidentiality_column(),
    ]


def _actors(*, user: Caller, scope: str, query: QueryDict, columns: list[Column]) -> Rows:
    country = country_or_404(scope)
    chosen: dict[str, Any] = table_choices(query, **ACTOR_TABLE)
    return values_rows(selectors.country_actors(user=user, country=country, **chosen), columns)


def _relationship_columns() -> list[Column]:
    return [
        field("source__reference", gettext_lazy("From (reference)")),
        field("source__name_en", gettext_lazy("From")),
        labelled("type", gettext_lazy("Type"), labels(taxonomy.RELATIONSHIP_TYPES)),
        field("target__reference", gettext_lazy("To (reference)")),
        field("target__name_en", gettext_lazy("To")),
        field("legal_basis", gettext_lazy("Legal basis")),
        field("start_date", gettext_lazy("Start")),
        field("end_date", gettext_lazy("End")),
        flag("ongoing", gettext_lazy("Ongoing"), yes=_("yes"), no=_("no")),
        field("strength", gettext_lazy("Strength")),
        labelled("confidence", gettext_lazy("Confidence"), labels(taxonomy.CONFIDENCE_LEVELS)),
        owner_column(),
        confidentiality_column(),
    ]


def _relationships(*, user: Caller, scope: str, query: QueryDict, columns: list[Column]) -> Rows:
    country = country_or_404(scope)
    chosen: dict[str, Any] = table_choices(query, **RELATIONSHIP_TABLE)
    found = selectors.country_relationships(user=user, country=country, **chosen)
    return values_rows(found, columns)


def _source_columns() -> list[Column]:
    return [
        field("title", gettext_lazy("Title")),
        field("author", gettext_lazy("Publisher or author")),
        field("published_on", gettext_lazy("Date")),
        field("url", gettext_lazy("Link")),
        owner_column(),
    ]


def _sources(*, user: Caller, scope: str, query: QueryDict, columns: list[Column]) -> Rows:
    country = country_or_404(scope)
    return values_rows(selectors.country_sources(user=user, country=country), columns)


def _tab(name: str) -> Any:
    return lambda scope: reverse(name, kwargs={"code": scope})


LISTS = (
    ListExport(
        name="actors",
        title=gettext_lazy("Actors"),
        scopes=frozenset({Scope.COUNTRY}),
        columns=_actor_columns,
        select=_actors,
        page=_tab("country-actors"),
    ),
    ListExport(
        name="relationships",
        title=gettext_lazy("Relationships"),
        scopes=frozenset({Scope.COUNTRY}),
        columns=_relationship_columns,
        select=_relationships,
        page=_tab("country-relationships"),
    ),
    ListExport(
        name="sources",
        title=gettext_lazy("Sources"),
        scopes=frozenset({Scope.COUNTRY}),
        columns=_source_columns,
        select=_sources,
        page=_tab("country-sources"),
    ),
)
