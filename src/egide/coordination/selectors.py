"""Coordination of a country, read through the access rules: who supports what (egide.programmes), what the map's
findings ask for (egide.governance), then overlaps and gaps (egide.coordination.analytics). A programme the reader
may not see counts nowhere: not in a cell, an overlap or a coverage."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Prefetch

from egide.actors.selectors import actors_visible
from egide.coordination.analytics import Gap, Need, Overlap, Support, gaps, overlaps, periods_meet
from egide.core import taxonomy
from egide.core.labels import active_language
from egide.core.users import Caller
from egide.governance.selectors import country_findings
from egide.programmes.models import Participation, Programme
from egide.programmes.selectors import programmes_visible

PARTNER_ROLES = frozenset({"1", "3", "4"})
"""Funding, extending and implementing organisations: the partners a coordination meeting speaks of."""
ACTIVE_STATUSES = frozenset({"2", "3"})
"""Implementation and finalisation: the programmes that cover a need."""


@dataclass(frozen=True, slots=True)
class Partner:
    key: str
    name: str


@dataclass(slots=True)
class Coordination:
    country: str
    year: int
    partners: list[Partner]
    areas: list[str]
    cells: dict[tuple[str, str], list[Programme]]
    """(partner key, area) → the programmes of that partner in that area whose period meets the year."""
    overlaps: list[Overlap]
    gaps: list[Gap]
    programmes: dict[int, Programme]
    actor_names: dict[int, str]
    finding_titles: dict[str, str] = field(default_factory=dict)
    """Each open finding's key → its rule's code."""

    def cell(self, partner: str, area: str) -> list[Programme]:
        return self.cells.get((partner, area), [])


def _partner(participation: Participation) -> Partner:
    if participation.organisation_id is not None and participation.organisation is not None:
        return Partner(f"org:{participation.organisation_id}", participation.organisation.name)
    return Partner(f"name:{participation.name.strip().casefold()}", participation.name.strip())


def _start(programme: Programme) -> datetime.date | None:
    return programme.actual_start or programme.planned_start


def _end(programme: Programme) -> datetime.date | None:
    return programme.actual_end or programme.planned_end


def country_coordination(*, user: Caller, country: str, year: int) -> Coordination:
    """Partners × areas for the programmes whose periods meet `year`, the overlaps among them, and the gaps
    the open findings of the map leave on the year's last day (or today in the current year)."""
    french = active_language() == "fr"
    visible_actors = {
        pk: (name_fr if french and name_fr else name_en)
        for pk, name_en, name_fr in actors_visible(user=user, country=country).values_list("id", "name_en", "name_fr")
    }
    programmes = list(
        programmes_visible(user=user, country=country)
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.filter(role__in=PARTNER_ROLES).select_related("organisation"),
            ),
            "areas",
            "supports",
        )
        .order_by("pk")
    )
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    window = Support(0, frozenset(), frozenset(), frozenset(), first, last)
    partners: dict[str, Partner] = {}
    supports: list[Support] = []
    cells: dict[tuple[str, str], list[Programme]] = {}
    for programme in programmes:
        own = {_partner(participation) for participation in programme.participations.all()}
        areas = frozenset(area.area for area in programme.areas.all())
        support = Support(
            programme=programme.pk,
            partners=frozenset(partner.key for partner in own),
            areas=areas,
            actors=frozenset(s.actor_id for s in programme.supports.all() if s.actor_id in visible_actors),
            start=_start(programme),
            end=_end(programme),
            active=programme.status in ACTIVE_STATUSES,
        )
        if not periods_meet(support, window):
            continue
        supports.append(support)
        for partner in own:
            partners.setdefault(partner.key, partner)
            for area in areas:
                cells.setdefault((partner.key, area), []).append(programme)
    today = datetime.date.today()
    on = today if first <= today <= last else last
    findings = country_findings(user=user, country=country)
    needs = [
        Need(finding.key, finding.area or None, frozenset(a for a in finding.subjects if a in visible_actors))
        for finding in findings.open()
    ]
    titles = {finding.key: finding.rule for finding in findings.open()}
    used_areas = {area for _partner_key, area in cells}
    return Coordination(
        country=country,
        year=year,
        partners=sorted(partners.values(), key=lambda partner: partner.name.casefold()),
        areas=[term.code for term in taxonomy.AREAS_OF_ACTION if term.code in used_areas],
        cells=cells,
        overlaps=overlaps(supports),
        gaps=gaps(needs, supports, on=on),
        programmes={programme.pk: programme for programme in programmes},
        actor_names=visible_actors,
        finding_titles=titles,
    )
