"""Programmes and what a programme's tabs list: the programmes list (overall, or a country's tab, with its
filters), a programme's transactions (its Money tab) and its results framework (its Results tab), one row a
period."""

from typing import Any

from django.db.models import OuterRef, Subquery
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils.translation import gettext_lazy

from egide.core import iati_codes
from egide.core.users import Caller
from egide.core.web import country_or_404
from egide.exports.columns import Column, Rows, field, labelled
from egide.exports.lists.base import ListExport, Scope, confidentiality_column, labels, owner_column, values_rows
from egide.money.selectors import programme_transactions
from egide.programmes import codes
from egide.programmes import selectors as programme_selectors
from egide.programmes.models import Programme
from egide.programmes.views import programme_filters, programme_sort
from egide.results.models import Update, UpdateStatus
from egide.results.selectors import periods_visible


def _programme_columns() -> list[Column]:
    return [
        field("iati_identifier", gettext_lazy("IATI identifier")),
        field("title_en", gettext_lazy("Title (English)")),
        field("title_fr", gettext_lazy("Title (French)")),
        field("country", gettext_lazy("Country")),
        labelled("status", gettext_lazy("Status"), labels(iati_codes.STATUSES)),
        labelled("lifecycle_stage", gettext_lazy("Lifecycle stage"), labels(codes.LIFECYCLE_STAGES)),
        field("planned_start", gettext_lazy("Planned start")),
        field("actual_start", gettext_lazy("Actual start")),
        field("planned_end", gettext_lazy("Planned end")),
        field("actual_end", gettext_lazy("Actual end")),
        owner_column(),
        confidentiality_column(),
    ]


def _programmes(*, user: Caller, scope: str, query: QueryDict, columns: list[Column]) -> Rows:
    country = country_or_404(scope) if scope else ""
    found = programme_selectors.programme_list(
        user=user, filters=programme_filters(query, country=country), sort=programme_sort(query)
    )
    return values_rows(found, columns)


def _programme(user: Caller, scope: str) -> Programme:
    if not scope.isdigit():
        raise Http404("No such programme.")
    return programme_selectors.programme_visible(user=user, pk=int(scope))


def _party(organisation: str, name: str) -> Any:
    """An organisation of the platform by its acronym, or one named as written."""
    return lambda row: row[organisation] or row[name]


def _transaction_columns() -> list[Column]:
    return [
        field("programme__iati_identifier", gettext_lazy("Programme")),
        field("date", gettext_lazy("Date")),
        labelled("type", gettext_lazy("Type"), labels(iati_codes.TRANSACTION_TYPES)),
        field("value", gettext_lazy("Value")),
        field("currency", gettext_lazy("Currency")),
        field("value_date", gettext_lazy("Value date")),
        Column(
            gettext_lazy("Provider"),
            _party("provider__acronym", "provider_name"),
            ("provider__acronym", "provider_name"),
        ),
        Column(
            gettext_lazy("Receiver"),
            _party("receiver__acronym", "receiver_name"),
            ("receiver__acronym", "receiver_name"),
        ),
        field("description", gettext_lazy("Description")),
        field("sector_code", gettext_lazy("Sector")),
        field("recipient_country", gettext_lazy("Recipient country")),
        field("reference", gettext_lazy("Reference")),
    ]


def _transactions(*, user: Caller, scope: str, query: QueryDict, columns: list[Column]) -> Rows:
    return values_rows(programme_transactions(programme=_programme(user, scope)), columns)


def _result_columns() -> list[Column]:
    return [
        field("indicator__result__order", gettext_lazy("Result")),
        labelled("indicator__result__type", gettext_lazy("Result type"), labels(iati_codes.RESULT_TYPES)),
        field("indicator__result__title_en", gettext_lazy("Result title")),
        field("indicator__title_en", gettext_lazy("Indicator")),
        labelled("indicator__measure", gettext_lazy("Measure"), labels(iati_codes.INDICATOR_MEASURES)),
        field("indicator__baseline_value", gettext_lazy("Baseline")),
        field("indicator__baseline_date", gettext_lazy("Baseline date")),
        field("start", gettext_lazy("Period start")),
        field("end", gettext_lazy("Period end")),
        field("target_value", gettext_lazy("Target")),
        field("latest_value", gettext_lazy("Latest approved value")),
        field("latest_value_date", gettext_lazy("Date of the latest approved value")),
    ]


def _results(*, user: Caller, scope: str, query: QueryDict, columns: list[Column]) -> Rows:
    programme = _programme(user, scope)
    latest = Update.objects.filter(period=OuterRef("pk"), status=UpdateStatus.APPROVED).order_by("-value_date", "-pk")
    periods = (
        periods_visible(user=user)
        .filter(indicator__result__programme=programme)
        .annotate(
            latest_value=Subquery(latest.values("value")[:1]),
            latest_value_date=Subquery(latest.values("value_date")[:1]),
        )
        .order_by("indicator__result__order", "indicator__result_id", "indicator__order", "indicator_id", "start")
    )
    return values_rows(periods, columns)


def _programme_tab(name: str) -> Any:
    return lambda scope: reverse(name, kwargs={"pk": int(scope)})


LISTS = (
    ListExport(
        name="programmes",
        title=gettext_lazy("Programmes"),
        scopes=frozenset({Scope.PLATFORM, Scope.COUNTRY}),
        columns=_programme_columns,
        select=_programmes,
        page=lambda scope: (
            reverse("country-programmes", kwargs={"code": scope}) if scope else reverse("programme-list")
        ),
    ),
    ListExport(
        name="transactions",
        title=gettext_lazy("Transactions"),
        scopes=frozenset({Scope.PROGRAMME}),
        columns=_transaction_columns,
        select=_transactions,
        page=_programme_tab("programme-money"),
    ),
    ListExport(
        name="results",
        title=gettext_lazy("Results"),
        scopes=frozenset({Scope.PROGRAMME}),
        columns=_result_columns,
        select=_results,
        page=_programme_tab("programme-results"),
    ),
)
