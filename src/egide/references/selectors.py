"""Every read of frameworks, missions and reference documents, through the access rules of egide.accounts.

A global record (no country) is read as follows, since no membership's countries can cover it: anybody reads it
when it is public; a member of any organisation when it is for partners; a member of its owner organisation,
whatever countries the membership covers, when it is for the organisation or restricted (and those it is shared
with, when their membership covers every country). Changing it takes an editing role in the owner organisation
covering every country (egide.accounts.selectors.can_edit, which no limited membership passes for it).
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from egide.accounts.models import Confidentiality
from egide.accounts.selectors import global_visibility_filter
from egide.core.users import Caller
from egide.programmes.selectors import programmes_visible
from egide.references import search as full_text
from egide.references.models import Framework, Mission, ReferenceDocument, ReferenceDocumentCountry

type Confidential = Framework | Mission | ReferenceDocument


def reference_visibility(*, user: Caller, model: type[Confidential]) -> Q | None:
    """The condition a record of `model` must meet to be visible to the user (None: everything): the map's rule,
    and the rule for global records written at the top of this module."""
    return global_visibility_filter(user=user, model=model)


def _visible[M: (Framework, Mission, ReferenceDocument)](queryset: QuerySet[M], user: Caller) -> QuerySet[M]:
    condition = reference_visibility(user=user, model=queryset.model)
    return queryset if condition is None else queryset.filter(condition)


def frameworks_visible(*, user: Caller, search: str = "") -> QuerySet[Framework]:
    frameworks = _visible(Framework.objects.select_related("owner"), user)
    for word in full_text.query_words(search):
        frameworks = frameworks.filter(
            Q(code__icontains=word)
            | Q(title_en__icontains=word)
            | Q(title_fr__icontains=word)
            | Q(issuing_body__icontains=word)
        )
    return frameworks.order_by("adopted_date", "code")


def framework_get(*, user: Caller, pk: int) -> Framework:
    return frameworks_visible(user=user).get(pk=pk)


def missions_visible(*, user: Caller, country: str = "", kind: str = "", search: str = "") -> QuerySet[Mission]:
    missions = _visible(Mission.objects.select_related("owner", "lead_organisation"), user)
    if country:
        missions = missions.filter(country=country)
    if kind:
        missions = missions.filter(kind=kind)
    for word in full_text.query_words(search):
        missions = missions.filter(
            Q(name_en__icontains=word)
            | Q(name_fr__icontains=word)
            | Q(acronym_en__icontains=word)
            | Q(acronym_fr__icontains=word)
            | Q(lead_body__icontains=word)
        )
    return missions.order_by("-start_date", "name_en")


def mission_get(*, user: Caller, pk: int) -> Mission:
    documents = reference_documents_visible(user=user).order_by("issued_date")
    programmes = programmes_visible(user=user).order_by("title_en")
    return (
        missions_visible(user=user)
        .prefetch_related(Prefetch("documents", queryset=documents), Prefetch("programmes", queryset=programmes))
        .get(pk=pk)
    )


def reference_documents_visible(*, user: Caller, country: str = "", type: str = "") -> QuerySet[ReferenceDocument]:
    documents = _visible(ReferenceDocument.objects.select_related("owner"), user).defer(
        "file_text", "search_vector", "rank_vector"
    )
    if country:
        documents = documents.filter(
            pk__in=ReferenceDocumentCountry.objects.filter(country=country).values("document_id")
        )
    if type:
        documents = documents.filter(type=type)
    return documents.prefetch_related("country_links").order_by("-issued_date", "title_en")


def reference_documents_search(
    user: Caller, query: str, *, country: str = "", type: str = ""
) -> QuerySet[ReferenceDocument]:
    """The documents the user may see that match every word of `query` in their titles, symbol, summaries,
    issuing body or uploaded text, best match first (each with its `rank`); all of them, newest first, for an
    empty query. PostgreSQL's full-text search or SQLite's FTS5, as egide.references.search explains."""
    documents = reference_documents_visible(user=user, country=country, type=type)
    if not full_text.query_words(query):
        return documents
    return full_text.ranked(documents, query)


def reference_document_get(*, user: Caller, pk: int) -> ReferenceDocument:
    missions = missions_visible(user=user)
    return (
        reference_documents_visible(user=user)
        .defer(None)
        .prefetch_related(
            Prefetch("missions", queryset=missions),
            Prefetch("programmes", queryset=programmes_visible(user=user).order_by("title_en")),
        )
        .get(pk=pk)
    )


@dataclass(frozen=True)
class Development:
    """One item of the latest developments: a document issued, a mission started or ended."""

    kind: str  # "document", "mission_started" or "mission_ended"
    day: datetime.date
    when: str  # the date with its precision
    title: str
    summary: str
    url: str
    label: str  # the document's type, or what happened to the mission
    countries: list[str] = field(default_factory=list)
    key: str = ""


def developments(*, user: Caller, country: str = "", limit: int = 30, public_only: bool = False) -> list[Development]:
    """The latest documents, missions started and missions ended that the user may see, newest first, for one
    country or everywhere; `public_only` keeps public records only, whoever asks (the feeds)."""
    documents = reference_documents_visible(user=user, country=country).filter(issued_date__isnull=False)
    missions = missions_visible(user=user, country=country)
    if public_only:
        documents = documents.filter(confidentiality=Confidentiality.PUBLIC)
        missions = missions.filter(confidentiality=Confidentiality.PUBLIC)
    items: list[Development] = []
    for document in documents.order_by("-issued_date", "pk")[:limit]:
        assert document.issued_date is not None
        items.append(
            Development(
                kind="document",
                day=document.issued_date,
                when=document.issued,
                title=str(document),
                summary=document.summary,
                url=reverse("document-detail", kwargs={"pk": document.pk}),
                label=document.get_type_display(),
                countries=document.country_codes,
                key=f"document-{document.pk}",
            )
        )
    for started in missions.filter(start_date__isnull=False).order_by("-start_date", "pk")[:limit]:
        assert started.start_date is not None
        items.append(_mission_item(started, "mission_started", started.start_date, started.start, _("Mission started")))
    for ended in missions.filter(end_date__isnull=False).order_by("-end_date", "pk")[:limit]:
        assert ended.end_date is not None
        items.append(_mission_item(ended, "mission_ended", ended.end_date, ended.end, _("Mission ended")))
    items.sort(key=lambda item: (item.day, item.key), reverse=True)
    return items[:limit]


def _mission_item(mission: Mission, kind: str, day: datetime.date, when: str, label: str) -> Development:
    name = f"{mission.name} ({mission.acronym})" if mission.acronym else mission.name
    return Development(
        kind=kind,
        day=day,
        when=when,
        title=name,
        summary=mission.tasks,
        url=reverse("mission-detail", kwargs={"pk": mission.pk}),
        label=label,
        countries=[mission.country],
        key=f"{kind}-{mission.pk}",
    )
