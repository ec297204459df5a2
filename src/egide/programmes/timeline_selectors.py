"""The country timeline's reads: each kind of item (programmes, missions, key documents) from its own provider,
every one through the visibility rule of the records it reads, filtered in the database and capped, so that the
page runs the same few queries whatever the number of records.

A programme belongs to a country's timeline when the country leads it or receives it (JUSSEC, led from Mali, is
also on Mauritania's and Niger's timelines); whether the reader may see it is decided by `programmes_visible`, on
its lead country, as everywhere else.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Window
from django.urls import NoReverseMatch, reverse

from egide.accounts.models import Organisation
from egide.core import iati_codes
from egide.core.labels import active_language
from egide.core.users import Caller
from egide.programmes.models import Participation, Programme, ProgrammeCountry
from egide.programmes.selectors import programmes_visible
from egide.programmes.timeline import DOCUMENT, MISSION, PROGRAMME, Span, Timeline, TimelineItem, timeline_build
from egide.references.models import DocumentType, MissionKind
from egide.references.selectors import missions_visible, reference_documents_visible

LIMIT = 100
"""The most items of each kind that one timeline shows (the latest ones); the page says how many the filters kept,
so that a reader narrows them rather than scrolls through thousands of bars."""


@dataclass(frozen=True, slots=True)
class TimelineFilters:
    """What the reader narrowed the timeline to. Status applies to programmes; partner to programmes (any role)
    and missions (their lead organisation); the years to every item that overlaps them."""

    status: str = ""
    partner: int | None = None
    first_year: int | None = None
    last_year: int | None = None
    kinds: frozenset[str] = frozenset({PROGRAMME, MISSION, DOCUMENT})

    @property
    def first_day(self) -> datetime.date | None:
        return datetime.date(self.first_year, 1, 1) if self.first_year is not None else None

    @property
    def last_day(self) -> datetime.date | None:
        return datetime.date(self.last_year, 12, 31) if self.last_year is not None else None


def country_programmes(*, user: Caller, country: str) -> QuerySet[Programme]:
    """The programmes of a country's timeline that the user may see: led by the country or received by it."""
    # One list of ids from two index scans (led, received), rather than "led OR in the received ones", which
    # PostgreSQL can only answer by reading every programme (benchmarks/RESULTS.md, timeline).
    led = Programme.objects.filter(country=country).values("pk")
    received = ProgrammeCountry.objects.filter(country=country).values("programme_id")
    return programmes_visible(user=user).filter(pk__in=led.union(received, all=True))


def _overlapping(programmes: QuerySet[Programme], filters: TimelineFilters) -> QuerySet[Programme]:
    """The programmes whose dates (planned or actual) overlap the years chosen; an undated programme overlaps
    nothing once a year is chosen."""
    if filters.first_day is not None:
        programmes = programmes.filter(
            Q(planned_end__gte=filters.first_day)
            | Q(actual_end__gte=filters.first_day)
            | Q(planned_end__isnull=True, actual_end__isnull=True, planned_start__isnull=False)
            | Q(planned_end__isnull=True, actual_end__isnull=True, actual_start__isnull=False)
        )
    if filters.last_day is not None:
        programmes = programmes.filter(Q(planned_start__lte=filters.last_day) | Q(actual_start__lte=filters.last_day))
    return programmes


def programme_items(
    *, user: Caller, country: str, filters: TimelineFilters, limit: int = LIMIT
) -> tuple[list[TimelineItem], int]:
    """The programmes of the timeline (the `limit` latest to start, the undated last) and how many the filters
    kept, in one query: the count is a window over the rows the filters keep, so the database reads them once."""
    programmes = country_programmes(user=user, country=country)
    if filters.status:
        programmes = programmes.filter(status=filters.status)
    if filters.partner is not None:
        programmes = programmes.filter(
            Exists(Participation.objects.filter(programme=OuterRef("pk"), organisation_id=filters.partner))
        )
    programmes = _overlapping(programmes, filters)
    rows = list(
        programmes.annotate(total=Window(Count("pk")))
        .order_by(F("planned_start").desc(nulls_last=True), "-id")
        .values_list(
            "pk",
            "title_en",
            "title_fr",
            "iati_identifier",
            "status",
            "planned_start",
            "planned_end",
            "actual_start",
            "actual_end",
            "illustrative",
            "total",
        )[:limit]
    )
    link = _links("programme-detail")
    items = []
    for (
        pk,
        title_en,
        title_fr,
        identifier,
        status,
        planned_start,
        planned_end,
        actual_start,
        actual_end,
        invented,
        _total,
    ) in rows:
        has_planned = planned_start is not None or planned_end is not None
        has_actual = actual_start is not None or actual_end is not None
        status_term = iati_codes.STATUS_BY_CODE.get(status)
        items.append(
            TimelineItem(
                kind=PROGRAMME,
                key=f"programme-{pk}",
                label=_in_language(title_en, title_fr),
                link=link(pk),
                detail=identifier,
                status=status,
                status_label=status_term.label if status_term is not None else status,
                planned=Span(planned_start, planned_end) if has_planned else None,
                actual=Span(actual_start, actual_end) if has_actual else None,
                illustrative=invented,
            )
        )
    return items, rows[0][-1] if rows else 0


def _in_language(english: str, french: str) -> str:
    return french if active_language() == "fr" and french else english


def _links(name: str) -> Callable[[int], str]:
    """Each record's page address under the URL name, or none while that page is not installed (asked once per
    timeline: a failed reverse is slow, and there may be a hundred rows)."""
    try:
        reverse(name, args=[1])
    except NoReverseMatch:
        return lambda pk: ""
    return lambda pk: reverse(name, args=[pk])


def mission_items(
    *, user: Caller, country: str, filters: TimelineFilters, limit: int = LIMIT
) -> tuple[list[TimelineItem], int]:
    """The missions in the country, through the references app's selector (and so its visibility rule): the
    `limit` latest to start and how many the filters kept, in one query. A mission without an end runs to today."""
    missions = missions_visible(user=user, country=country).select_related(None)
    if filters.partner is not None:
        missions = missions.filter(lead_organisation_id=filters.partner)
    if filters.first_day is not None:
        ongoing = Q(end_date__isnull=True, start_date__isnull=False)
        missions = missions.filter(Q(end_date__gte=filters.first_day) | ongoing)
    if filters.last_day is not None:
        missions = missions.filter(start_date__lte=filters.last_day)
    rows = list(
        missions.annotate(total=Window(Count("pk")))
        .order_by(F("start_date").desc(nulls_last=True), "-id")
        .values_list("pk", "name_en", "name_fr", "acronym_en", "acronym_fr", "kind", "start_date", "end_date", "total")[
            :limit
        ]
    )
    link = _links("mission-detail")
    kinds = dict(MissionKind.choices)
    items = [
        TimelineItem(
            kind=MISSION,
            key=f"mission-{pk}",
            label=_in_language(name_en, name_fr),
            link=link(pk),
            detail=_in_language(acronym_en, acronym_fr),
            status=kind,
            status_label=str(kinds.get(kind, kind)),
            actual=Span(start, end) if start is not None or end is not None else None,
        )
        for pk, name_en, name_fr, acronym_en, acronym_fr, kind, start, end, _total in rows
    ]
    return items, rows[0][-1] if rows else 0


def document_items(
    *, user: Caller, country: str, filters: TimelineFilters, limit: int = LIMIT
) -> tuple[list[TimelineItem], int]:
    """The reference documents that concern the country (resolutions, statements, reports), through the references
    app's selector: points at their dates, the `limit` latest, and how many the filters kept, in one query."""
    documents = reference_documents_visible(user=user, country=country).select_related(None).prefetch_related(None)
    if filters.first_day is not None:
        documents = documents.filter(issued_date__gte=filters.first_day)
    if filters.last_day is not None:
        documents = documents.filter(issued_date__lte=filters.last_day)
    rows = list(
        documents.annotate(total=Window(Count("pk")))
        .order_by(F("issued_date").desc(nulls_last=True), "-id")
        .values_list("pk", "title_en", "title_fr", "symbol", "type", "issued_date", "total")[:limit]
    )
    link = _links("document-detail")
    types = dict(DocumentType.choices)
    items = [
        TimelineItem(
            kind=DOCUMENT,
            key=f"document-{pk}",
            label=_in_language(title_en, title_fr),
            link=link(pk),
            detail=symbol,
            status=type,
            status_label=str(types.get(type, type)),
            day=issued,
        )
        for pk, title_en, title_fr, symbol, type, issued, _total in rows
    ]
    return items, rows[0][-1] if rows else 0


PROVIDERS = {PROGRAMME: programme_items, MISSION: mission_items, DOCUMENT: document_items}
"""Each kind of item and the function that reads it: a new kind is one function and one line here."""


def country_timeline(
    *, user: Caller, country: str, filters: TimelineFilters, today: datetime.date | None = None
) -> Timeline:
    """The country's timeline as the user may see it, narrowed by the filters."""
    items: list[TimelineItem] = []
    totals: dict[str, int] = {}
    for kind, provider in PROVIDERS.items():
        if kind not in filters.kinds:
            totals[kind] = 0
            continue
        found, totals[kind] = provider(user=user, country=country, filters=filters)
        items.extend(found)
    return timeline_build(items, today=today or datetime.date.today(), totals=totals)


def timeline_partners(*, user: Caller, country: str) -> list[tuple[int, str]]:
    """The organisations that take part in a programme of the country's timeline that the user may see (for the
    partner filter): one query."""
    programmes = country_programmes(user=user, country=country).values("pk")
    organisations = (
        Organisation.objects.filter(
            pk__in=Participation.objects.filter(programme_id__in=programmes, organisation__isnull=False).values(
                "organisation_id"
            )
        )
        .order_by("acronym", "name_en")
        .values_list("pk", "acronym", "name_en", "name_fr")
    )
    return [(pk, acronym or _in_language(name_en, name_fr)) for pk, acronym, name_en, name_fr in organisations]
