"""Coordination of a country, read through the access rules: who supports what (egide.programmes), what the map's
findings ask for (egide.governance), then overlaps and gaps (egide.coordination.analytics). A programme the reader
may not see counts nowhere: not in a cell, an overlap or a coverage."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from egide.actors.selectors import actors_visible
from egide.assessments.models import Status
from egide.assessments.selectors import assessments_visible, scorecards_of
from egide.coordination.analytics import (
    Gap,
    Need,
    Overlap,
    SectionResult,
    Support,
    gaps,
    overlaps,
    periods_meet,
    section_key,
    weak_sections,
)
from egide.coordination.shares import EQUAL, SECTORS, area_shares, split
from egide.core import taxonomy
from egide.core.labels import active_language
from egide.core.users import Caller
from egide.governance.selectors import country_findings
from egide.iati.models import ImportedActivity
from egide.money import conversion
from egide.money.flows import FLOW_GROUPS
from egide.money.models import MoneySum
from egide.money.selectors import rate_table
from egide.programmes.models import Participation, Programme, ProgrammeArea, ProgrammeSector, SupportedActor
from egide.programmes.selectors import programmes_visible

PARTNER_ROLES = frozenset({"1", "3", "4"})
"""Funding, extending and implementing organisations: the partners a coordination meeting speaks of."""
ACTIVE_STATUSES = frozenset({"2", "3"})
"""Implementation and finalisation: the programmes that cover a need."""
OWN, IATI, BOTH = "own", "iati", "both"
ORIGINS = (OWN, IATI, BOTH)
CURRENCIES = conversion.TARGETS
IDS_IN_QUERY = 5000
PROGRAMME_FIELDS = ("title_en", "title_fr", "status", "planned_start", "actual_start", "planned_end", "actual_end")
"""What the tab, its brief and the country brief read of a programme (and its id): the rest is never loaded."""

DEFAULT_THRESHOLD = "C"
"""Sections below this band (in the shipped frameworks: D, E and F, scores under 50) are gaps unless supported."""

Money = dict[tuple[str, str], Decimal]
"""(COMMITTED or SPENT, "USD" or "EUR") → amount."""


@dataclass(frozen=True, slots=True)
class Partner:
    key: str
    name: str


@dataclass(frozen=True, slots=True)
class WeakSection:
    """What a page says of a weak section: the assessment and framework it belongs to, its title and its band."""

    assessment: int
    assessment_label: str
    as_of: datetime.date
    framework: str
    section: str
    title: str
    band: str
    band_label: str


@dataclass(frozen=True, slots=True)
class AssessmentNeeds:
    needs: list[Need]
    sections: dict[str, WeakSection]
    """Each weak section's need key → what to say of it."""
    bands: list[tuple[str, str]]
    """The band codes of the frameworks read, best first, with a label (to choose the threshold from)."""
    threshold: str = DEFAULT_THRESHOLD
    """The threshold applied: the one asked for, or the default when no framework read has that band."""


def weak_assessment_sections(
    *, user: Caller, country: str, threshold: str, visible_actors: frozenset[int] | None = None
) -> AssessmentNeeds:
    """The needs that the latest published assessment of each framework the user may see of the country makes:
    its sections below the `threshold` band, each with the section's area of action and the actors of the
    assessment's scope that the user may see (`visible_actors`; None: all of them). An assessment the user may not
    see makes none. Three queries."""
    language = active_language()
    latest: dict[int, Any] = {}
    for assessment in (
        assessments_visible(user=user, country=country)
        .filter(status=Status.PUBLISHED)
        .select_related("framework_version__framework")
        .prefetch_related("actors")
        .order_by("framework_version__framework_id", "-as_of", "-id")
    ):
        latest.setdefault(assessment.framework_version.framework_id, assessment)
    assessments = sorted(latest.values(), key=lambda item: item.framework_version.framework.identifier)
    cards = scorecards_of(assessments)
    results: list[SectionResult] = []
    described: dict[str, WeakSection] = {}
    band_labels: dict[str, str] = {}
    for assessment in assessments:
        for band in assessment.framework_version.definition.bands:
            band_labels.setdefault(band.code, band.label.read(language))
    # One order of the bands for every framework, so that a higher threshold never makes a section strong.
    codes = tuple(sorted(band_labels, key=lambda code: _band_rank(code, assessments)))
    for assessment in assessments:
        definition = assessment.framework_version.definition
        scope = frozenset(
            actor.pk for actor in assessment.actors.all() if visible_actors is None or actor.pk in visible_actors
        )
        card = cards[assessment.pk]
        for section in definition.sections:
            score = card.section(section.code)
            band = score.band.code if score.band is not None else None
            results.append(SectionResult(assessment.pk, section.code, section.area or None, scope, band, codes))
            if score.band is not None:
                described[section_key(assessment.pk, section.code)] = WeakSection(
                    assessment=assessment.pk,
                    assessment_label=assessment.title or assessment.framework_version.title,
                    as_of=assessment.as_of,
                    framework=assessment.framework_version.framework.title,
                    section=section.code,
                    title=section.title.read(language),
                    band=score.band.code,
                    band_label=score.band.label.read(language),
                )
    if threshold not in band_labels:
        threshold = DEFAULT_THRESHOLD  # a band no framework of the country has: the default rather than nothing
    needs = weak_sections(results, threshold=threshold)
    return AssessmentNeeds(
        needs=needs,
        sections={need.key: described[need.key] for need in needs},
        bands=[(code, band_labels[code]) for code in codes],
        threshold=threshold,
    )


def _band_rank(code: str, assessments: list[Any]) -> tuple[int, str]:
    """A band's place among the frameworks' bands: its best rank in any of them, then its code."""
    ranks = [
        [band.code for band in assessment.framework_version.definition.bands].index(code)
        for assessment in assessments
        if code in [band.code for band in assessment.framework_version.definition.bands]
    ]
    return (min(ranks) if ranks else 0, code)


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
    actors: list[int] = field(default_factory=list)
    """The visible actors of the map that the year's programmes support, by name."""
    actor_cells: dict[tuple[str, int], list[Programme]] = field(default_factory=dict)
    """(partner key, actor id) → the programmes of that partner supporting that actor."""
    money: dict[tuple[str, str], Money] = field(default_factory=dict)
    """(partner key, area) → the cell's money in the year: each programme's amounts divided among its areas in the
    shares its sectors' percentages give every area, equally otherwise (egide.coordination.shares)."""
    actor_money: dict[tuple[str, int], Money] = field(default_factory=dict)
    """(partner key, actor id) → the same, each programme's amounts split equally across its visible actors."""
    imported: frozenset[int] = frozenset()
    """The programmes imported from IATI (the others are Égide's own)."""
    origin: str = BOTH
    excluded: int = 0
    """Amounts of the matrix's programmes in the year left out of its sums for want of a rate."""
    threshold: str = DEFAULT_THRESHOLD
    """Assessment sections below this band are needs."""
    weak_sections: dict[str, WeakSection] = field(default_factory=dict)
    """Each weak section's need key → what to say of it."""
    bands: list[tuple[str, str]] = field(default_factory=list)
    """The bands of the frameworks of the country's assessments, best first, with their labels."""
    area_rules: dict[str, int] = field(default_factory=dict)
    """How many of the matrix's programmes in several areas divide their money by sector percentages (SECTORS) and
    how many equally (EQUAL)."""

    def cell(self, partner: str, area: str) -> list[Programme]:
        return self.cells.get((partner, area), [])

    def actor_cell(self, partner: str, actor: int) -> list[Programme]:
        return self.actor_cells.get((partner, actor), [])


def _meeting(programmes: QuerySet[Programme], first: datetime.date, last: datetime.date) -> QuerySet[Programme]:
    """The programmes whose periods (actual dates, else planned; an unknown bound open) meet first..last, as
    `analytics.periods_meet` reads them."""
    return programmes.annotate(
        coordination_start=Coalesce("actual_start", "planned_start"),
        coordination_end=Coalesce("actual_end", "planned_end"),
    ).filter(
        Q(coordination_start__isnull=True) | Q(coordination_start__lte=last),
        Q(coordination_end__isnull=True) | Q(coordination_end__gte=first),
    )


def _of_programmes(ids: list[int] | QuerySet[Any]) -> Q:
    """Rows of these programmes: a list of ids as one parameter (egide.core.lookups), a query as a subquery."""
    return Q(programme_id__any_of=ids) if isinstance(ids, list) else Q(programme__in=ids)


def _partners_of(programme_ids: list[int] | QuerySet[Any], *, french: bool) -> dict[int, list[Partner]]:
    """Each programme's partners (funding, extending, implementing) in one query of plain values: an organisation
    of the platform by its id, else the name as written (trimmed, compared without case)."""
    rows = (
        Participation.objects.filter(_of_programmes(programme_ids), role__in=PARTNER_ROLES)
        .order_by("programme_id", "role", "id")
        .values_list("programme_id", "organisation_id", "organisation__name_en", "organisation__name_fr", "name")
    )
    found: dict[int, list[Partner]] = defaultdict(list)
    for programme_id, organisation_id, name_en, name_fr, name in rows:
        if organisation_id is not None:
            found[programme_id].append(Partner(f"org:{organisation_id}", name_fr if french and name_fr else name_en))
        else:
            found[programme_id].append(Partner(f"name:{name.strip().casefold()}", name.strip()))
    return found


def _start(programme: Programme) -> datetime.date | None:
    return programme.actual_start or programme.planned_start


def _end(programme: Programme) -> datetime.date | None:
    return programme.actual_end or programme.planned_end


def _programme_money(programmes: list[int] | QuerySet[Any], year: int) -> tuple[dict[int, Money], dict[int, int]]:
    """Each programme's commitments and spending in the year, in dollars and euros, from the money sums
    (egide.money.models.MoneySum: by programme, type, currency and month) converted as a country's totals are,
    and how many of its amounts no rate converts. Two queries, whatever the number of programmes."""
    rows = list(
        MoneySum.objects.filter(
            _of_programmes(programmes),
            flow__in=sorted(FLOW_GROUPS),
            bucket__gte=datetime.date(year, 1, 1),
            bucket__lte=datetime.date(year, 12, 31),
        ).values_list("programme_id", "flow", "currency", "bucket", "grain", "amount", "count")
    )
    table = rate_table(currencies={row[2] for row in rows}, years={year})
    money: dict[int, Money] = defaultdict(lambda: defaultdict(Decimal))
    excluded: dict[int, int] = defaultdict(int)
    for programme, flow, currency, bucket, grain, amount, count in rows:
        if isinstance(bucket, datetime.datetime):
            bucket = bucket.date()  # PostgreSQL truncates dates to timestamps
        converted = conversion.convert(amount, currency, bucket, table, finest=grain)
        if not converted.complete:
            excluded[programme] += count
            continue
        for target in CURRENCIES:
            value = converted.in_currency(target)
            assert value is not None
            money[programme][(FLOW_GROUPS[flow], target)] += value
    return money, excluded


def _spread[C](
    cells: dict[tuple[str, C], list[Programme]],
    columns_of: dict[int, list[C]],
    money: dict[int, Money],
    weights_of: dict[int, list[Decimal]] | None = None,
) -> dict[tuple[str, C], Money]:
    """Each cell's money: every programme of the cell gives its share (to the cent) of each amount, in the
    programme's weights (`weights_of`), or equal when it has none."""
    divided: dict[int, dict[tuple[str, str], list[Decimal]]] = {}  # a programme's shares, the same in every row
    result: dict[tuple[str, C], Money] = {}
    for key, programmes in cells.items():
        total: Money = defaultdict(Decimal)
        for programme in programmes:
            columns = columns_of[programme.pk]
            weights = (weights_of or {}).get(programme.pk) or [Decimal(1)] * len(columns)
            index = columns.index(key[1])
            if programme.pk not in divided:
                divided[programme.pk] = {
                    money_key: split(amount, weights) for money_key, amount in money.get(programme.pk, {}).items()
                }
            for money_key, parts in divided[programme.pk].items():
                total[money_key] += parts[index]
        result[key] = dict(total)
    return result


def country_coordination(
    *, user: Caller, country: str, year: int, origin: str = BOTH, threshold: str = DEFAULT_THRESHOLD
) -> Coordination:
    """Partners × areas (and partners × actors) for the programmes whose periods meet `year`, with their money in
    the year, the overlaps among them, and the gaps the open findings of the map and the sections of the latest
    published assessments below the `threshold` band leave on the year's last day (or today in the current year).
    `origin`: OWN programmes only, those imported from IATI, or BOTH."""
    french = active_language() == "fr"
    visible_actors = {
        pk: (name_fr if french and name_fr else name_en)
        for pk, name_en, name_fr in actors_visible(user=user, country=country).values_list("id", "name_en", "name_fr")
    }
    visible = programmes_visible(user=user, country=country)
    if origin not in ORIGINS:
        origin = BOTH
    provenance = ImportedActivity.objects.filter(programme=OuterRef("pk"))
    if origin == OWN:
        visible = visible.exclude(Exists(provenance))
    elif origin == IATI:
        visible = visible.filter(Exists(provenance))
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    # Only the programmes whose periods meet the year are read, and what they hold as plain values: a large
    # country's tab would otherwise build a model instance for each of its thousands of programmes and their
    # partners, areas and actors (benchmarks/coordination.py).
    in_year = _meeting(visible, first, last)
    programmes = list(in_year.only(*PROGRAMME_FIELDS).annotate(imported=Exists(provenance)).order_by("pk"))
    # The ids in the queries that follow cost the database less than the year's filter run again in each as a
    # subquery; past a few thousand, the subquery keeps the statement small (and within SQLite's parameters).
    in_year_ids: list[int] | QuerySet[Any] = (
        [programme.pk for programme in programmes] if len(programmes) <= IDS_IN_QUERY else in_year.values("pk")
    )
    partners_of = _partners_of(in_year_ids, french=french)
    areas_in: dict[int, set[str]] = defaultdict(set)
    for programme_id, area in (
        ProgrammeArea.objects.filter(_of_programmes(in_year_ids)).order_by().values_list("programme_id", "area")
    ):
        areas_in[programme_id].add(area)
    supported: dict[int, set[int]] = defaultdict(set)
    for programme_id, actor_id in (
        SupportedActor.objects.filter(_of_programmes(in_year_ids)).order_by().values_list("programme_id", "actor_id")
    ):
        supported[programme_id].add(actor_id)
    sectors_of: dict[int, list[tuple[str, str, Decimal | None]]] = defaultdict(list)
    for programme_id, vocabulary, code, percentage in (
        ProgrammeSector.objects.filter(_of_programmes(in_year_ids))
        .order_by("programme_id", "-percentage", "code")
        .values_list("programme_id", "vocabulary", "code", "percentage")
    ):
        sectors_of[programme_id].append((vocabulary, code, percentage))
    window = Support(0, frozenset(), frozenset(), frozenset(), first, last)
    partners: dict[str, Partner] = {}
    supports: list[Support] = []
    cells: dict[tuple[str, str], list[Programme]] = {}
    actor_cells: dict[tuple[str, int], list[Programme]] = {}
    areas_of: dict[int, list[str]] = {}
    area_weights: dict[int, list[Decimal]] = {}
    area_rules = {SECTORS: 0, EQUAL: 0}
    actors_of: dict[int, list[int]] = {}
    for programme in programmes:
        own = set(partners_of.get(programme.pk, ()))
        areas = frozenset(areas_in.get(programme.pk, ()))
        support = Support(
            programme=programme.pk,
            partners=frozenset(partner.key for partner in own),
            areas=areas,
            actors=frozenset(actor for actor in supported.get(programme.pk, ()) if actor in visible_actors),
            start=_start(programme),
            end=_end(programme),
            active=programme.status in ACTIVE_STATUSES,
        )
        if not periods_meet(support, window):
            continue
        supports.append(support)
        divided = area_shares(areas, sectors_of.get(programme.pk, ()))
        areas_of[programme.pk] = list(divided.areas)
        area_weights[programme.pk] = list(divided.weights)
        if len(divided.areas) > 1:
            area_rules[divided.rule] += 1
        actors_of[programme.pk] = sorted(support.actors)
        for partner in own:
            partners.setdefault(partner.key, partner)
            for area in areas:
                cells.setdefault((partner.key, area), []).append(programme)
            for actor in support.actors:
                actor_cells.setdefault((partner.key, actor), []).append(programme)
    money, excluded = _programme_money(in_year_ids, year)
    today = datetime.date.today()
    on = today if first <= today <= last else last
    findings = country_findings(user=user, country=country)
    needs = [
        Need(finding.key, finding.area or None, frozenset(a for a in finding.subjects if a in visible_actors))
        for finding in findings.open()
    ]
    titles = {finding.key: finding.rule for finding in findings.open()}
    assessed = weak_assessment_sections(
        user=user, country=country, threshold=threshold, visible_actors=frozenset(visible_actors)
    )
    needs += assessed.needs
    used_areas = {area for _partner_key, area in cells}
    used_actors = {actor for _partner_key, actor in actor_cells}
    return Coordination(
        country=country,
        year=year,
        partners=sorted(partners.values(), key=lambda partner: partner.name.casefold()),
        areas=[term.code for term in taxonomy.AREAS_OF_ACTION if term.code in used_areas],
        cells=cells,
        actors=sorted(used_actors, key=lambda pk: visible_actors[pk].casefold()),
        actor_cells=actor_cells,
        money=_spread(cells, areas_of, money, area_weights),
        actor_money=_spread(actor_cells, actors_of, money),
        imported=frozenset(programme.pk for programme in programmes if programme.imported),
        origin=origin,
        area_rules=area_rules,
        excluded=sum(
            excluded.get(pk, 0)
            for pk in {programme.pk for group in (*cells.values(), *actor_cells.values()) for programme in group}
        ),
        overlaps=overlaps(supports),
        gaps=gaps(needs, supports, on=on),
        programmes={programme.pk: programme for programme in programmes},
        actor_names=visible_actors,
        finding_titles=titles,
        threshold=assessed.threshold,
        weak_sections=assessed.sections,
        bands=assessed.bands,
    )
