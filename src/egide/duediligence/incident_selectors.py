"""Every read of incidents, their alleged responsibilities and evidence, through the one read rule of due diligence
(egide.duediligence.access.readable_filter): pages, the API and counts alike.

A reader of an incident reads its responsibilities and evidence with it; but a unit or a person named in a
responsibility is shown only to a reader allowed to see that actor or read that person (`named_for`), and what the
responsibility says of them (status, its date, confidence, notes, evidence) only with them: to any other reader the
link is "a unit you cannot see" or "a person whose record you may not read", and nothing more.
"""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext as _

from egide.actors.selectors import actors_visible
from egide.core.users import Caller
from egide.duediligence.access import readable_filter
from egide.duediligence.models import Evidence, Incident, Person, PersonName, Responsibility, Violation


def incidents_readable(*, user: Caller, country: str | None = None) -> QuerySet[Incident]:
    """The incidents the user may read; with `country`, that country's only."""
    incidents = Incident.objects.all() if country is None else Incident.objects.filter(country=country)
    condition = readable_filter(user=user, model=Incident, country=country)
    return incidents if condition is None else incidents.filter(condition)


@dataclass(frozen=True, slots=True, kw_only=True)
class IncidentFilters:
    """What a list of a country's incidents may be narrowed to (an empty value chooses all)."""

    violation: str = ""
    year_from: int | None = None
    year_to: int | None = None
    unit: int | None = None
    status: str = ""
    confidence: str = ""


def country_incidents(*, user: Caller, country: str, filters: IncidentFilters | None = None) -> QuerySet[Incident]:
    """The country's incidents the user may read, latest first, narrowed by `filters`: a type of violation, a
    range of years (of the date's first day), a unit alleged responsible, the status of one of its allegations,
    and how sure the editors are."""
    filters = filters or IncidentFilters()
    incidents = incidents_readable(user=user, country=country)
    if filters.violation:
        incidents = incidents.filter(violation=filters.violation)
    if filters.year_from is not None:
        incidents = incidents.filter(occurred_on__year__gte=filters.year_from)
    if filters.year_to is not None:
        incidents = incidents.filter(occurred_on__year__lte=filters.year_to)
    if filters.confidence:
        incidents = incidents.filter(confidence=filters.confidence)
    links = Responsibility.objects.all()
    if filters.unit is not None:
        # Only a unit the user may see filters: another's would tell which readable incidents name it (and an
        # unseen unit finds nothing, as a unit that does not exist).
        links = links.filter(actor_id=filters.unit, actor__in=actors_visible(user=user, country=country))
    if filters.status:
        links = links.filter(status=filters.status)
    if filters.unit is not None or filters.status:
        incidents = incidents.filter(pk__in=links.values("incident_id"))
    return incidents.select_related("owner").order_by("-occurred_on", "-id")


def _person_names() -> Prefetch:
    return Prefetch("person__names", queryset=PersonName.objects.order_by("id"))


def incident_get(*, user: Caller, pk: int) -> Incident:
    """One incident with its responsibilities (their unit, person and evidence) and its own evidence; raises
    Incident.DoesNotExist when it is not the user's to read."""
    responsibilities = Responsibility.objects.select_related("actor", "person").prefetch_related(
        _person_names(), Prefetch("evidence", queryset=Evidence.objects.select_related("source"))
    )
    return (
        incidents_readable(user=user)
        .select_related("owner")
        .prefetch_related(
            Prefetch("responsibilities", queryset=responsibilities.order_by("id")),
            Prefetch("evidence", queryset=Evidence.objects.select_related("source")),
        )
        .get(pk=pk)
    )


@dataclass(frozen=True, slots=True)
class Named:
    """Which of the units and people named in some responsibilities the reader may see (by id)."""

    actors: frozenset[int]
    people: frozenset[int]

    def shows(self, responsibility: Responsibility) -> bool:
        if responsibility.actor_id is not None:
            return responsibility.actor_id in self.actors
        return responsibility.person_id in self.people


def named_for(*, user: Caller, responsibilities: list[Responsibility]) -> Named:
    """Of the units and people these responsibilities name, those the user may see: an incident shared with a
    partner does not open the person's record or a restricted unit to it. Two queries at most."""
    actor_ids = {item.actor_id for item in responsibilities if item.actor_id is not None}
    person_ids = {item.person_id for item in responsibilities if item.person_id is not None}
    actors: set[int] = set()
    people: set[int] = set()
    if actor_ids:
        actors = set(actors_visible(user=user).filter(pk__in=sorted(actor_ids)).values_list("pk", flat=True))
    if person_ids:
        found = Person.objects.filter(pk__in=sorted(person_ids))
        condition = readable_filter(user=user, model=Person)
        people = set((found if condition is None else found.filter(condition)).values_list("pk", flat=True))
    return Named(frozenset(actors), frozenset(people))


def named_hidden(*, user: Caller, responsibility: Responsibility) -> bool:
    """Whether the responsibility names a unit the user may not see or a person the user may not read: its status,
    notes and evidence are then neither shown nor changed by them (an incident's editor may still remove it)."""
    return not named_for(user=user, responsibilities=[responsibility]).shows(responsibility)


def hidden_message(responsibility: Responsibility) -> str:
    """Why a user for whom `named_hidden` holds may not change the allegation or cite evidence for it."""
    if responsibility.actor_id is not None:
        return _("You may not see the unit named in this allegation.")
    return _("You may not read the person named in this allegation.")


def responsibility_get(*, user: Caller, pk: int) -> Responsibility:
    """One responsibility, read through its incident; raises Responsibility.DoesNotExist when the incident is not
    the user's to read."""
    condition = readable_filter(user=user, model=Incident, prefix="incident__")
    found = Responsibility.objects.select_related("incident", "incident__owner", "actor", "person")
    return (found if condition is None else found.filter(condition)).get(pk=pk)


def evidence_get(*, user: Caller, pk: int) -> Evidence:
    """One piece of evidence of an incident or of a responsibility, read through the incident."""
    direct = readable_filter(user=user, model=Incident, prefix="incident__")
    through = readable_filter(user=user, model=Incident, prefix="responsibility__incident__")
    found = Evidence.objects.filter(Q(incident__isnull=False) | Q(responsibility__isnull=False)).select_related(
        "source", "incident", "responsibility__incident"
    )
    if direct is not None and through is not None:
        found = found.filter((Q(incident__isnull=False) & direct) | (Q(responsibility__isnull=False) & through))
    return found.get(pk=pk)


def actor_incidents(*, user: Caller, actor_id: int) -> QuerySet[Incident]:
    """The incidents the user may read in which the actor is named as a responsible unit, latest first."""
    linked = Responsibility.objects.filter(actor_id=actor_id).values("incident_id")
    return incidents_readable(user=user).filter(pk__in=linked).order_by("-occurred_on", "-id")


@dataclass(frozen=True, slots=True)
class IncidentCounts:
    total: int
    by_violation: list[tuple[str, str, int]]  # code, label, count; the controlled list's order
    by_year: list[tuple[int | None, int]]  # year (None: undated), count; oldest first, undated last


def incident_counts(*, user: Caller, country: str) -> IncidentCounts:
    """How many of the country's incidents the user may read, per type of violation and per year (two
    queries)."""
    incidents = incidents_readable(user=user, country=country).order_by()
    violations = dict(incidents.values_list("violation").annotate(count=Count("pk")).values_list("violation", "count"))
    years: dict[int | None, int] = dict(
        incidents.annotate(year=ExtractYear("occurred_on"))
        .values_list("year")
        .annotate(count=Count("pk"))
        .values_list("year", "count")
    )
    by_violation = [
        (str(code), str(label), violations[code]) for code, label in Violation.choices if code in violations
    ]
    by_year = sorted(years.items(), key=lambda item: (item[0] is None, item[0] or 0))
    return IncidentCounts(total=sum(violations.values()), by_violation=by_violation, by_year=by_year)


def incident_countries(*, user: Caller) -> dict[str, int]:
    """The countries in which the user reads incidents, with how many."""
    rows = incidents_readable(user=user).order_by().values_list("country").annotate(count=Count("pk"))
    return dict(rows.values_list("country", "count"))
