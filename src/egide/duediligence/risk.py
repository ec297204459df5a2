"""The risk listing of a due-diligence assessment: which incidents bear on supporting a unit, and through what.

Pure: the selector (egide.duediligence.diligence_selectors) reads the unit's parents, the command posts in those
units and the alleged responsibilities as plain records, and this module decides. An incident is listed when it is
alleged against

- the supported unit itself;
- one of its parent units, only when the assessment includes the parents;
- a person through a post that commands the unit (or, with the parents included, a parent), only when the
  incident falls within the time the person held the post: a person's record elsewhere or before they took command
  says nothing of the unit.

Dates are imprecise (egide.core.fuzzy_dates): an incident dated "2014" counts for the whole year, so it is within
a post held from June 2014; a post that ended on an unknown date cannot be placed in time and lists nothing, as on
the dated map. Incidents dated after the assessment's period are left out (they cannot bear on a decision about a
support that had ended); undated incidents are kept, since nobody can say they fall outside.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from egide.core.fuzzy_dates import FuzzyDate


class Path(StrEnum):
    """How an incident reaches the supported unit."""

    UNIT = "unit"
    PARENT = "parent"
    COMMANDER = "commander"


@dataclass(frozen=True, slots=True)
class CommandPost:
    """A post that commands a unit (its role is one of COMMAND_ROLES; the selector reads no other)."""

    id: int
    person_id: int
    actor_id: int
    role: str
    start: FuzzyDate | None
    end: FuzzyDate | None
    ongoing: bool

    def covers(self, occurred: FuzzyDate | None) -> bool:
        """Whether an incident on that imprecise date may have happened while the post was held: their spans
        overlap, each imprecise date taken for its whole year or month."""
        if occurred is None:
            return False
        if self.end is None and not self.ongoing:
            return False
        if self.start is not None and occurred.last_day < self.start.first_day:
            return False
        return self.end is None or occurred.first_day <= self.end.last_day


@dataclass(frozen=True, slots=True)
class Allegation:
    """A unit's or a person's alleged responsibility for an incident (exactly one of `actor_id`, `person_id`)."""

    id: int
    incident_id: int
    occurred: FuzzyDate | None
    actor_id: int | None = None
    person_id: int | None = None


@dataclass(frozen=True, slots=True)
class Period:
    start: datetime.date
    end: datetime.date | None = None

    def admits(self, occurred: FuzzyDate | None) -> bool:
        return occurred is None or self.end is None or occurred.first_day <= self.end


@dataclass(frozen=True, slots=True)
class Link:
    """One way an incident reaches the unit: the responsibility that alleges it, the unit it names (the supported
    unit or a parent) or the commanding post through which a person's responsibility counts."""

    path: Path
    responsibility_id: int
    actor_id: int
    post: CommandPost | None = None

    @property
    def post_key(self) -> tuple[datetime.date, int]:
        """Commanding posts in the order they were taken."""
        if self.post is None:
            return (datetime.date.min, 0)
        return (self.post.start.first_day if self.post.start else datetime.date.min, self.post.id)


@dataclass(frozen=True, slots=True)
class ListedIncident:
    incident_id: int
    occurred: FuzzyDate | None
    links: tuple[Link, ...]


_PATH_ORDER = {Path.UNIT: 0, Path.PARENT: 1, Path.COMMANDER: 2}


def units_considered(*, unit_id: int, ancestors: Sequence[int], include_parents: bool) -> list[int]:
    """The supported unit, then its parents nearest first when the assessment includes them."""
    return [unit_id, *ancestors] if include_parents else [unit_id]


def risk_listing(
    *,
    unit_id: int,
    ancestors: Sequence[int],
    posts: Iterable[CommandPost],
    allegations: Iterable[Allegation],
    period: Period,
    include_parents: bool,
) -> list[ListedIncident]:
    """Every incident that bears on the unit, each with every link that brings it in, the latest incident first
    (undated ones last). `ancestors` are the unit's parents, nearest first; `posts` and `allegations` may hold
    records about other units and people: only those that reach the unit count."""
    units = units_considered(unit_id=unit_id, ancestors=ancestors, include_parents=include_parents)
    considered = set(units)
    posts_by_person: dict[int, list[CommandPost]] = {}
    for post in posts:
        if post.actor_id in considered:
            posts_by_person.setdefault(post.person_id, []).append(post)
    found: dict[int, list[Link]] = {}
    dates: dict[int, FuzzyDate | None] = {}
    for allegation in allegations:
        if not period.admits(allegation.occurred):
            continue
        links = _links(allegation, unit_id=unit_id, considered=considered, posts_by_person=posts_by_person)
        if links:
            found.setdefault(allegation.incident_id, []).extend(links)
            dates[allegation.incident_id] = allegation.occurred
    rank = {actor_id: position for position, actor_id in enumerate(units)}
    listed = [
        ListedIncident(
            incident_id=incident_id,
            occurred=dates[incident_id],
            links=tuple(sorted(links, key=lambda link: (_PATH_ORDER[link.path], rank[link.actor_id], link.post_key))),
        )
        for incident_id, links in found.items()
    ]
    # Latest first; undated last; ties by id so that the order never depends on the order of the input.
    listed.sort(key=lambda item: item.incident_id)
    listed.sort(key=lambda item: item.occurred.first_day if item.occurred else datetime.date.min, reverse=True)
    return listed


def _links(
    allegation: Allegation, *, unit_id: int, considered: set[int], posts_by_person: dict[int, list[CommandPost]]
) -> list[Link]:
    if allegation.actor_id is not None:
        if allegation.actor_id not in considered:
            return []
        path = Path.UNIT if allegation.actor_id == unit_id else Path.PARENT
        return [Link(path=path, responsibility_id=allegation.id, actor_id=allegation.actor_id)]
    return [
        Link(path=Path.COMMANDER, responsibility_id=allegation.id, actor_id=post.actor_id, post=post)
        for post in posts_by_person.get(allegation.person_id or 0, [])
        if post.covers(allegation.occurred)
    ]
