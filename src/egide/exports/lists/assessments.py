"""The assessments list, with its filters (country, framework, status)."""

from django.http import QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy

from egide.assessments import selectors
from egide.assessments.models import Status
from egide.assessments.views import assessment_filters
from egide.core.users import Caller
from egide.exports.columns import Column, Rows, field, labelled
from egide.exports.lists.base import (
    ListExport,
    Scope,
    choice_labels,
    confidentiality_column,
    owner_column,
    values_rows,
)


def _columns() -> list[Column]:
    return [
        field("title", gettext_lazy("Title")),
        field("country", gettext_lazy("Country")),
        field("framework_version__framework__identifier", gettext_lazy("Framework")),
        field("framework_version__version", gettext_lazy("Framework version")),
        field("as_of", gettext_lazy("As of")),
        labelled("status", gettext_lazy("Status"), choice_labels(Status.choices)),
        field("published_at", gettext_lazy("Published at")),
        owner_column(),
        confidentiality_column(),
    ]


def _assessments(*, user: Caller, scope: str, query: QueryDict, columns: list[Column]) -> Rows:
    return values_rows(selectors.assessment_list(user=user, filters=assessment_filters(query)), columns)


LISTS = (
    ListExport(
        name="assessments",
        title=gettext_lazy("Assessments"),
        scopes=frozenset({Scope.PLATFORM}),
        columns=_columns,
        select=_assessments,
        page=lambda scope: reverse("assessment-list"),
    ),
)
