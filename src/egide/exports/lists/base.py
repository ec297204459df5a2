"""How a list is declared for export: its name, title, scope, columns, and how its rows are selected from the list
page's own query string, through the page's own selectors."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from egide.accounts.levels import Confidentiality
from egide.exports.columns import Column, Rows, field, labelled, needed_fields


class Scope(StrEnum):
    """What a list belongs to: the whole platform, a country (its code), or a programme (its id)."""

    PLATFORM = "platform"
    COUNTRY = "country"
    PROGRAMME = "programme"


Select = Callable[..., Rows]
"""select(*, user, scope, query, columns): the rows the page would show to `user` with the filters of `query`;
`scope` is the country's code or the programme's id (empty for the platform). Raises Http404 for a scope the user
may not see, and BadRequest for a refused parameter, as the page does."""


@dataclass(frozen=True, slots=True)
class ListExport:
    name: str
    title: str | Promise
    scopes: frozenset[Scope]
    columns: Callable[[], Sequence[Column]]
    """Built when the file is written, in the language of its reader (the labels of codes are read once)."""
    select: Select
    page: Callable[[str], str]
    """The list page's address for a scope."""
    pin: Callable[[HttpRequest, QueryDict], None] | None = None
    """Writes into the query what the page reads from the session rather than the address (the governance day),
    so that a background export reads what the page showed."""


def values_rows(queryset: QuerySet[Any], columns: Sequence[Column]) -> Rows:
    """A queryset's rows as dictionaries of only the fields the columns read, fetched in chunks by a database
    cursor: a large list is never in memory whole."""
    rows = queryset.prefetch_related(None).values(*needed_fields(columns))
    return Rows(total=queryset.count(), records=lambda: rows.iterator(chunk_size=settings.EGIDE_EXPORT_CHUNK_ROWS))


def labels(terms: Sequence[Any]) -> dict[str, str]:
    """The labels of coded terms (egide.core.labels.Term) in the active language, read once for a whole export."""
    return {term.code: str(term.label) for term in terms}


def choice_labels(choices: Sequence[tuple[str, Any]]) -> dict[str, str]:
    return {code: str(label) for code, label in choices}


def owner_column() -> Column:
    return field("owner__acronym", gettext_lazy("Owner"))


def confidentiality_column() -> Column:
    return labelled("confidentiality", gettext_lazy("Confidentiality"), choice_labels(Confidentiality.choices))
