"""Every read of programmes, through the one visibility rule of accounts.selectors: pages, API, exports, imports
and the other apps (money, results, the timeline) read a programme and what it holds only through these."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Exists, F, Model, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404

from egide.accounts.selectors import can_edit, visibility_filter
from egide.actors.models import Actor
from egide.actors.selectors import actors_visible
from egide.core.users import Caller
from egide.programmes.models import (
    Participation,
    Programme,
    ProgrammeArea,
    ProgrammeCountry,
    ProgrammeDocument,
    ProgrammeSector,
    SupportedActor,
)


def programmes_visible(*, user: Caller, country: str | None = None) -> QuerySet[Programme]:
    """The programmes the user may see; of one lead country when `country` is given."""
    programmes = Programme.objects.all()
    if country is not None:
        programmes = programmes.filter(country=country)
    condition = visibility_filter(user=user, model=Programme, country=country)
    return programmes if condition is None else programmes.filter(condition)


def programme_visible(*, user: Caller, pk: int) -> Programme:
    """One programme the user may see, or 404 (never 403: a hidden programme does not show that it exists)."""
    try:
        return programmes_visible(user=user).get(pk=pk)
    except Programme.DoesNotExist:
        raise Http404("No such programme.") from None


def programme_editable(*, user: Caller, programme: Programme) -> bool:
    """Whether the user may change the programme and what it holds (budgets, transactions, results): an editor of
    its owner organisation, or of one it shares editing with, as for the map's records."""
    return can_edit(user=user, record=programme)


@dataclass(frozen=True, slots=True)
class ProgrammeFilters:
    """What a programme list is narrowed to: every value as the address gives it, empty for any."""

    country: str = ""
    partner: str = ""
    """An organisation of the platform, by id."""
    role: str = ""
    area: str = ""
    sector: str = ""
    status: str = ""
    year: str = ""
    search: str = ""

    @property
    def chosen(self) -> bool:
        return any(getattr(self, name) for name in self.__slots__)


SORTS = {
    "title": ("title_en", "id"),
    "identifier": ("iati_identifier", "id"),
    "country": ("country", "title_en", "id"),
    "status": ("status", "title_en", "id"),
    "start": ("start_on", "id"),
    "end": ("end_on", "id"),
}
"""The columns a programme list sorts by, with what breaks ties."""


def _year(value: str) -> int | None:
    try:
        year = int(value)
    except ValueError:
        return None
    return year if 1900 <= year <= 2200 else None


def _part(model: type[Model], **conditions: Any) -> Exists:
    return Exists(model._default_manager.filter(programme=OuterRef("pk"), **conditions))


def programme_list(*, user: Caller, filters: ProgrammeFilters, sort: str = "title") -> QuerySet[Programme]:
    """The visible programmes that match the filters, sorted, with what a list row shows fetched in a constant
    number of queries whatever the rows: the participants with their organisations, the recipient countries."""
    programmes = programmes_visible(user=user).annotate(
        start_on=Coalesce("actual_start", "planned_start"), end_on=Coalesce("actual_end", "planned_end")
    )
    if filters.country:
        programmes = programmes.filter(Q(country=filters.country) | _part(ProgrammeCountry, country=filters.country))
    participation: dict[str, Any] = {}
    if filters.partner.isdigit():
        participation["organisation_id"] = int(filters.partner)
    if filters.role:
        participation["role"] = filters.role
    if participation:
        programmes = programmes.filter(_part(Participation, **participation))
    if filters.area:
        programmes = programmes.filter(_part(ProgrammeArea, area=filters.area))
    if filters.sector:
        sector = Q(code=filters.sector) if len(filters.sector) == 5 else Q(code__startswith=filters.sector)
        programmes = programmes.filter(Exists(ProgrammeSector.objects.filter(sector, programme=OuterRef("pk"))))
    if filters.status:
        programmes = programmes.filter(status=filters.status)
    year = _year(filters.year)
    if year is not None:
        programmes = programmes.filter(start_on__lte=date(year, 12, 31)).filter(
            Q(end_on__isnull=True) | Q(end_on__gte=date(year, 1, 1))
        )
    if filters.search:
        programmes = programmes.filter(
            Q(title_en__icontains=filters.search)
            | Q(title_fr__icontains=filters.search)
            | Q(iati_identifier__icontains=filters.search)
        )
    descending = sort.startswith("-")
    order = SORTS.get(sort.removeprefix("-"), SORTS["title"])
    ordering = [F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True) for name in order]
    return programmes.order_by(*ordering).prefetch_related(
        Prefetch("participations", queryset=Participation.objects.select_related("organisation")),
        "countries",
    )


def programme_parts(*, user: Caller, programme: Programme) -> dict[str, Any]:
    """What the programme's overview shows besides its own fields, the supported actors being those the user
    may see."""
    return {
        "countries": list(programme.countries.all()),
        "participations": list(programme.participations.select_related("organisation")),
        "sectors": list(programme.sectors.all()),
        "areas": list(programme.areas.all()),
        "locations": list(programme.locations.all()),
        "supports": supports_visible(user=user, programme=programme),
    }


def supports_visible(*, user: Caller, programme: Programme) -> list[SupportedActor]:
    """The programme's supported actors that the user may see, by name."""
    actors = actors_visible(user=user).values("pk")
    return list(
        programme.supports.filter(actor__in=actors).select_related("actor").order_by("actor__name_en", "actor__pk")
    )


def programmes_supporting(*, user: Caller, actor: Actor) -> QuerySet[Programme]:
    """The visible programmes that support an actor (the actor page's list)."""
    return programmes_visible(user=user).filter(supports__actor=actor).order_by("title_en", "pk").distinct()


def documents_of(*, programme: Programme) -> QuerySet[ProgrammeDocument]:
    return ProgrammeDocument.objects.filter(programme=programme)


def document_visible(*, user: Caller, pk: int) -> ProgrammeDocument:
    """A document of a programme the user may see, or 404."""
    visible_programmes = programmes_visible(user=user).values("pk")
    try:
        return ProgrammeDocument.objects.select_related("programme").get(pk=pk, programme__in=visible_programmes)
    except ProgrammeDocument.DoesNotExist:
        raise Http404("No such document.") from None
