"""Who supports what, where they overlap, and what nobody covers: pure functions over plain records (no database),
fed by the coordination selectors.

A **support** is a programme as coordination sees it: its partners, the areas of action and the actors of the
map it supports, its period. Two supports **overlap** on an actor or an area when both support it, their periods
meet, and their partners differ (one programme with two partners is a joint programme, not an overlap). A
**need** is a governance finding or a weak assessment section: the actors and the area it concerns. A **gap** is
one actor, or the area, of a need that no active support covers.
"""

import datetime
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

ACTOR = "actor"
AREA = "area"
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Support:
    programme: int
    partners: frozenset[str]
    """Keys of the participating organisations (an organisation's id, or a name when it has none)."""
    areas: frozenset[str]
    actors: frozenset[int]
    start: datetime.date | None
    """None: not known, taken as open towards the past."""
    end: datetime.date | None
    """None: not known or not ended, taken as open towards the future."""
    active: bool = True
    """In implementation (or about to be): only active supports cover a need."""


def periods_meet(first: Support, second: Support) -> bool:
    """Whether the two periods share at least a day; an unknown bound is open."""
    if first.start is not None and second.end is not None and second.end < first.start:
        return False
    return not (second.start is not None and first.end is not None and first.end < second.start)


def covers(support: Support, on: datetime.date) -> bool:
    return (support.start is None or support.start <= on) and (support.end is None or on <= support.end)


@dataclass(frozen=True, slots=True)
class Overlap:
    kind: str
    """ACTOR or AREA."""
    target: str
    """The area's code, or the actor's id as text."""
    partners: frozenset[str]
    programmes: tuple[int, ...]
    """Every programme on the target that overlaps another one of different partners, in increasing order."""


def overlaps(supports: Iterable[Support]) -> list[Overlap]:
    """Every actor and area that two or more partners support at once, with the programmes concerned; sorted by
    kind and target."""
    on_target: dict[tuple[str, str], list[Support]] = defaultdict(list)
    for support in supports:
        for actor in support.actors:
            on_target[(ACTOR, str(actor))].append(support)
        for area in support.areas:
            on_target[(AREA, area)].append(support)
    found: list[Overlap] = []
    for (kind, target), group in sorted(on_target.items()):
        involved = _overlapping(group)
        if not involved:
            continue
        partners = frozenset().union(*(support.partners for support in group if support.programme in involved))
        found.append(Overlap(kind, target, partners, tuple(sorted(involved))))
    return found


def _overlapping(group: list[Support]) -> set[int]:
    """The programmes of `group` whose period meets that of another of different partners.

    Not pair by pair (a large country's area holds hundreds of programmes a year, most of whose periods meet): in
    order of start, each prefix keeps the latest end of its programmes and the latest end among those of other
    partners than that one's. A programme meets one of other partners if, among the programmes starting by its end,
    the latest-ending one of other partners than its own ends on or after its start."""
    ordered = sorted(
        (
            (support.start or datetime.date.min, support.end or datetime.date.max, support.partners, support.programme)
            for support in group
        ),
        key=lambda item: (item[0], item[1], item[3]),
    )
    starts = [start for start, _end, _partners, _programme in ordered]
    # latest[i]: over ordered[:i + 1], (the latest end, its partners, the latest end of other partners or None).
    latest: list[tuple[datetime.date, frozenset[str], datetime.date | None]] = []
    best: tuple[datetime.date, frozenset[str]] | None = None
    other: datetime.date | None = None
    for _start, end, partners, _programme in ordered:
        if best is None:
            best = (end, partners)
        elif end > best[0]:
            if partners != best[1]:
                other = best[0]
            best = (end, partners)
        elif partners != best[1] and (other is None or end > other):
            other = end
        latest.append((best[0], best[1], other))
    involved: set[int] = set()
    for start, end, partners, programme in ordered:
        reach = bisect_right(starts, end)  # the programmes starting on or before this one's end
        if not reach:
            continue
        best_end, best_partners, other_end = latest[reach - 1]
        candidate = best_end if best_partners != partners else other_end
        if candidate is not None and candidate >= start:
            involved.add(programme)
    return involved


FINDING = "finding"
SECTION = "section"


@dataclass(frozen=True, slots=True)
class Need:
    key: str
    """What the need is, for a link: a finding's key, or an assessment and section (`section_key`)."""
    area: str | None
    actors: frozenset[int]
    origin: str = FINDING
    """FINDING: an open governance finding; SECTION: a weak section of an assessment."""


@dataclass(frozen=True, slots=True)
class Gap:
    need: Need
    kind: str
    """ACTOR: one actor of the need that no active programme supports; AREA: the need's area, that none does."""
    target: str


def gaps(needs: Iterable[Need], supports: Iterable[Support], *, on: datetime.date) -> list[Gap]:
    """Each actor and area of each need that no active support covering `on` supports."""
    active = [support for support in supports if support.active and covers(support, on)]
    covered_actors = frozenset().union(*(support.actors for support in active))
    covered_areas = frozenset().union(*(support.areas for support in active))
    found: list[Gap] = []
    for need in needs:
        for actor in sorted(need.actors - covered_actors):
            found.append(Gap(need, ACTOR, str(actor)))
        if need.area and need.area not in covered_areas:
            found.append(Gap(need, AREA, need.area))
    return found


@dataclass(frozen=True, slots=True)
class SectionResult:
    """One section of an assessment as coordination reads it: its band, among the framework's bands."""

    assessment: int
    section: str
    """The section's code."""
    area: str | None
    actors: frozenset[int]
    """The assessment's scope (the actors it was made of), those the reader may see; empty: the whole country."""
    band: str | None
    """The section's band; None when nothing in it is answered (no score: not a weakness, a lack of evidence)."""
    bands: tuple[str, ...]
    """The band codes the threshold is compared in, from best to worst: the same for every section of a page (the
    bands of all the frameworks read, in one order), so that a higher threshold never makes a section strong."""


def section_key(assessment: int, section: str) -> str:
    return f"section:{assessment}:{section}"


def below(band: str | None, bands: tuple[str, ...], threshold: str) -> bool:
    """Whether `band` ranks after the `threshold` band in `bands` (best first). A band or a threshold that `bands`
    does not hold, or a section without a band, is never below: there is nothing to compare."""
    if band is None or band not in bands or threshold not in bands:
        return False
    return bands.index(band) > bands.index(threshold)


def weak_sections(sections: Iterable[SectionResult], *, threshold: str) -> list[Need]:
    """The needs that the sections below the threshold band make: the section's area of action and the actors of
    its assessment's scope, in the order given."""
    return [
        Need(section_key(result.assessment, result.section), result.area or None, result.actors, SECTION)
        for result in sections
        if below(result.band, result.bands, threshold)
    ]


def shares(amount: Decimal, parts: int) -> list[Decimal]:
    """An amount split equally into `parts` shares to the cent that add up to it: the cents left over by rounding go
    to the first shares, one each (a programme's money split across its areas of action)."""
    if parts <= 0:
        return []
    cents = int((amount / CENT).to_integral_value())
    base, extra = divmod(cents, parts)
    return [(base + (1 if index < extra else 0)) * CENT for index in range(parts)]
