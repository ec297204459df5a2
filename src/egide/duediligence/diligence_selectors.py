"""Reads of due-diligence assessments and their risk listing, through the one read rule of due diligence
(egide.duediligence.access.readable_filter): an assessment is read by its owner organisation (and those it is
shared with), and its risk listing holds only the incidents and posts the reader may read themselves."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from egide.accounts.selectors import reach_of, visibility_filter
from egide.actors.models import Actor
from egide.actors.selectors import actors_visible
from egide.core.fuzzy_dates import FuzzyDate
from egide.core.users import Caller
from egide.duediligence.access import readable_filter
from egide.duediligence.models import (
    CLEARED_STATUSES,
    COMMAND_ROLES,
    Alert,
    DiligenceAssessment,
    Evidence,
    Incident,
    Person,
    Post,
    Responsibility,
)
from egide.duediligence.risk import Allegation, CommandPost, Link, ListedIncident, Path, Period, risk_listing
from egide.programmes.models import Programme, SupportedActor

MAX_DEPTH = 32
"""How far up the parent chain the listing looks: far beyond any real hierarchy, and a guard against a cycle."""


def _filtered[M: Incident | Person | DiligenceAssessment | Post | Responsibility | Alert](
    queryset: QuerySet[M], condition: Q | None
) -> QuerySet[M]:
    return queryset if condition is None else queryset.filter(condition)


def assessments_visible(*, user: Caller, country: str | None = None) -> QuerySet[DiligenceAssessment]:
    """The assessments the user may read, of a programme and a unit they may see too: an assessment names both
    (its pages, the reports, the brief's sheet, the digest), so one shared with a partner that may not see its
    programme or its unit is not theirs to read."""
    queryset = DiligenceAssessment.objects.select_related("programme", "actor", "owner", "decided_by")
    if country is not None:
        queryset = queryset.filter(country=country)
    queryset = _filtered(queryset, readable_filter(user=user, model=DiligenceAssessment, country=country))
    # The programme's lead country may differ from the unit's: no country hint for it.
    programme = visibility_filter(user=user, model=Programme, prefix="programme__")
    unit = visibility_filter(user=user, model=Actor, prefix="actor__", country=country)
    for condition in (programme, unit):
        if condition is not None:
            queryset = queryset.filter(condition)
    return queryset


def assessment_visible(*, user: Caller, pk: int) -> DiligenceAssessment:
    """One assessment the user may read, or 404 (never 403: a hidden assessment does not show that it exists)."""
    try:
        return assessments_visible(user=user).get(pk=pk)
    except DiligenceAssessment.DoesNotExist:
        raise Http404("No such assessment.") from None


def assessments_of_units(*, user: Caller, actor_ids: list[int]) -> list[DiligenceAssessment]:
    """The assessments the user may read of supports to these units (a person's or an incident's page lists those
    of the units it names), the latest period first. One query."""
    if not actor_ids:
        return []
    found = assessments_visible(user=user).filter(actor_id__in=sorted(set(actor_ids)))
    return list(found.order_by("-period_start", "-pk"))


LEVELS_PER_QUERY = 6
"""How many parents one query reads (one join each): every real hierarchy in one query."""


def ancestors_of(*, actor_id: int) -> list[int]:
    """The unit's parents, nearest first, `LEVELS_PER_QUERY` levels per query."""
    lookups = ["__".join(["parent"] * level) + "_id" for level in range(1, LEVELS_PER_QUERY + 1)]
    chain: list[int] = []
    current = actor_id
    while len(chain) < MAX_DEPTH:
        found = Actor.objects.filter(pk=current).values_list(*lookups).first()
        parents = [parent for parent in (found or ()) if parent is not None]
        for parent in parents:
            if parent == actor_id or parent in chain:  # a cycle: the chain stops where it comes back
                return chain
            chain.append(parent)
        if len(parents) < LEVELS_PER_QUERY:
            return chain
        current = parents[-1]
    return chain[:MAX_DEPTH]


@dataclass
class EvidenceRow:
    source: str
    url: str
    locator: str
    confidence: str


@dataclass
class LinkRow:
    """One path of a listed incident, ready for a page: the unit it names, or the commander and their post."""

    path: Path
    actor: Actor
    responsibility: Responsibility
    post: Post | None = None
    evidence: list[EvidenceRow] = field(default_factory=list)
    actor_visible: bool = True

    @property
    def allegation_shown(self) -> bool:
        """Whether the reader may read what the responsibility says (status, confidence, evidence): not when it
        names a unit they may not see (a parent hidden from them), which is then only "a unit you cannot see", as on
        the incident's page. A commander's allegation is the person's, whom the reader reads."""
        return self.responsibility.actor_id is None or self.actor_visible


@dataclass
class RiskRow:
    incident: Incident
    links: list[LinkRow]
    evidence: list[EvidenceRow]

    @property
    def credible(self) -> bool:
        return any(link.responsibility.credible for link in self.links if link.allegation_shown)


@dataclass
class RiskListing:
    rows: list[RiskRow]
    units: list[Actor]

    @property
    def credible_count(self) -> int:
        return sum(1 for row in self.rows if row.credible)


def _fuzzy(day: datetime.date | None, precision: str) -> FuzzyDate | None:
    return FuzzyDate.from_parts(day, precision)


def risk_records(
    *, user: Caller, actor_id: int, country: str, include_parents: bool, period: Period
) -> tuple[list[int], list[ListedIncident]]:
    """The units considered and the listing of `egide.duediligence.risk`, from what the user may read: the command
    posts of readable people, the responsibilities of readable incidents. Queries: the parent chain, then two."""
    ancestors = ancestors_of(actor_id=actor_id)
    units = [actor_id, *ancestors] if include_parents else [actor_id]
    posts_query = _filtered(
        Post.objects.filter(actor_id__in=units, role__in=sorted(COMMAND_ROLES)),
        readable_filter(user=user, model=Person, prefix="person__", country=country),
    )
    # Unordered: the pure listing orders what it finds; a sort here would only cost the database.
    rows = posts_query.order_by().values_list(
        "pk", "person_id", "actor_id", "role", "start_date", "start_precision", "end_date", "end_precision", "ongoing"
    )
    posts = [
        CommandPost(
            id=pk,
            person_id=person_id,
            actor_id=post_actor,
            role=role,
            start=_fuzzy(start, start_precision),
            end=_fuzzy(end, end_precision),
            ongoing=ongoing,
        )
        for pk, person_id, post_actor, role, start, start_precision, end, end_precision, ongoing in rows
    ]
    people = sorted({post.person_id for post in posts})
    alleged = Q(actor_id__in=units) | Q(person_id__in=people) if people else Q(actor_id__in=units)
    responsibilities = (
        _filtered(
            Responsibility.objects.filter(alleged),
            # Incidents of every country: a commander's allegation may come from a post abroad; the country hint of
            # the share subquery would then hide incidents shared from elsewhere.
            readable_filter(user=user, model=Incident, prefix="incident__"),
        )
        .order_by()
        .values_list(
            "pk", "incident_id", "actor_id", "person_id", "incident__occurred_on", "incident__occurred_precision"
        )
    )
    allegations = [
        Allegation(
            id=pk,
            incident_id=incident_id,
            occurred=_fuzzy(occurred_on, precision),
            actor_id=alleged_actor,
            person_id=person_id,
        )
        for pk, incident_id, alleged_actor, person_id, occurred_on, precision in responsibilities
    ]
    listed = risk_listing(
        unit_id=actor_id,
        ancestors=ancestors,
        posts=posts,
        allegations=allegations,
        period=period,
        include_parents=include_parents,
    )
    return units, listed


def _evidence_rows(items: list[Evidence]) -> list[EvidenceRow]:
    return [
        EvidenceRow(source=item.source.title, url=item.source.url, locator=item.locator, confidence=item.confidence)
        for item in items
    ]


def risk_for(*, user: Caller, assessment: DiligenceAssessment) -> RiskListing:
    """The assessment's risk listing as the user may read it, with each incident's and link's evidence: a fixed
    number of queries whatever the number of incidents (the parent chain aside)."""
    units, listed = risk_records(
        user=user,
        actor_id=assessment.actor_id,
        country=assessment.country,
        include_parents=assessment.include_parents,
        period=Period(assessment.period_start, assessment.period_end),
    )
    actors = Actor.objects.in_bulk(units)
    # A parent the reader may not see on the map is named to them as such (its incidents may still be theirs).
    visible_units = set(actors_visible(user=user).filter(pk__in=units).values_list("pk", flat=True))
    incident_ids = [item.incident_id for item in listed]
    responsibility_ids = {link.responsibility_id for item in listed for link in item.links}
    post_ids = {link.post.id for item in listed for link in item.links if link.post is not None}
    incidents = Incident.objects.in_bulk(incident_ids)
    responsibilities = Responsibility.objects.in_bulk(responsibility_ids)
    posts = Post.objects.select_related("person").prefetch_related("person__names").in_bulk(post_ids)
    evidence_by_incident: dict[int, list[Evidence]] = {}
    evidence_by_responsibility: dict[int, list[Evidence]] = {}
    for evidence in Evidence.objects.filter(
        Q(incident_id__in=incident_ids) | Q(responsibility_id__in=responsibility_ids)
    ).select_related("source"):
        if evidence.incident_id is not None:
            evidence_by_incident.setdefault(evidence.incident_id, []).append(evidence)
        elif evidence.responsibility_id is not None:
            evidence_by_responsibility.setdefault(evidence.responsibility_id, []).append(evidence)
    rows = []
    for item in listed:
        links = [
            _link_row(link, actors, responsibilities, posts, evidence_by_responsibility, visible_units)
            for link in item.links
        ]
        rows.append(
            RiskRow(
                incident=incidents[item.incident_id],
                links=links,
                evidence=_evidence_rows(evidence_by_incident.get(item.incident_id, [])),
            )
        )
    return RiskListing(rows=rows, units=[actors[pk] for pk in units if pk in actors])


def _link_row(
    link: Link,
    actors: dict[int, Actor],
    responsibilities: dict[int, Responsibility],
    posts: dict[int, Post],
    evidence: dict[int, list[Evidence]],
    visible_units: set[int],
) -> LinkRow:
    return LinkRow(
        path=link.path,
        actor=actors[link.actor_id],
        responsibility=responsibilities[link.responsibility_id],
        post=posts[link.post.id] if link.post is not None else None,
        evidence=_evidence_rows(evidence.get(link.responsibility_id, [])),
        actor_visible=link.actor_id in visible_units,
    )


@dataclass
class SupportedUnit:
    """A unit a programme supports, with its latest assessment the reader may read (None: none yet)."""

    support: SupportedActor
    assessment: DiligenceAssessment | None

    @property
    def overdue(self) -> bool:
        return is_overdue(self.assessment)


def is_overdue(assessment: DiligenceAssessment | None, *, today: datetime.date | None = None) -> bool:
    if assessment is None or assessment.next_review is None:
        return False
    return assessment.next_review < (today or timezone.localdate())


def programme_units(*, user: Caller, programme: Programme) -> list[SupportedUnit]:
    """The programme's supported units that the user may see (as on the programme's page), each with the latest
    assessment of its support that the user may read. Two queries."""
    supports = list(
        SupportedActor.objects.filter(programme=programme, actor__in=actors_visible(user=user)).select_related("actor")
    )
    latest: dict[int, DiligenceAssessment] = {}
    for assessment in assessments_visible(user=user).filter(programme=programme).order_by("period_start", "pk"):
        latest[assessment.actor_id] = assessment
    return [SupportedUnit(support=support, assessment=latest.get(support.actor_id)) for support in supports]


def current_assessments(*, today: datetime.date | None = None) -> QuerySet[DiligenceAssessment]:
    """The assessments whose support has not ended: what the alerts watch."""
    today = today or timezone.localdate()
    return DiligenceAssessment.objects.filter(Q(period_end__isnull=True) | Q(period_end__gte=today))


def _all(*conditions: Q | None) -> Q:
    combined = Q()
    for condition in conditions:
        if condition is not None:
            combined &= condition
    return combined


def alert_causes_readable(*, user: Caller) -> Q:
    """The alerts whose cause the user may read (docs/due-diligence-assessments.md, "Who is alerted"): an incident
    alleged of the unit, the incident and the commander it is alleged of, or the new commander and at least one
    incident with a credible allegation against them. An alert that would name or hint at anything else is not
    shown or sent to the user at all: "something changed" alone would tell them that an allegation exists."""
    incident = readable_filter(user=user, model=Incident, prefix="responsibility__incident__")
    commander = readable_filter(user=user, model=Person, prefix="responsibility__person__")
    holder = readable_filter(user=user, model=Person, prefix="post__person__")
    credible = _filtered(
        Responsibility.objects.exclude(status__in=sorted(CLEARED_STATUSES)),
        readable_filter(user=user, model=Incident, prefix="incident__"),
    ).values("person_id")
    return (
        _all(Q(responsibility__isnull=False, responsibility__actor__isnull=False), incident)
        | _all(Q(responsibility__isnull=False, responsibility__person__isnull=False), incident, commander)
        | _all(Q(post__isnull=False, post__person_id__in=credible), holder)
    )


def alerts_readable(*, user: Caller) -> QuerySet[Alert]:
    """The alerts of the assessments the user's organisations own, that the user may read with their cause.
    Nothing for the platform (it owns nothing) and anonymous visitors."""
    reach = reach_of(user)
    if not reach.authenticated or not reach.grants:
        return Alert.objects.none()
    owned = Q(assessment__owner_id__in=sorted(reach.organisation_ids))
    assessments = assessments_visible(user=user).values("pk")
    return Alert.objects.filter(owned, alert_causes_readable(user=user), assessment__in=assessments)


def alert_readable(*, user: Caller, pk: int) -> Alert:
    """One alert the user may read with its cause (`alerts_readable`; platform staff: any), acknowledged or not; 404
    otherwise, the same whether the alert does not exist or is hidden: that an alert exists on an assessment is
    already "something changed"."""
    found = Alert.objects.all() if reach_of(user).superuser else alerts_readable(user=user)
    alert = found.select_related("assessment").filter(pk=pk).first()
    if alert is None:
        raise Http404("No such alert.")
    return alert


def alerts_for(*, user: Caller) -> QuerySet[Alert]:
    """The unacknowledged alerts the user may read (`alerts_readable`): what their dashboard shows."""
    return (
        alerts_readable(user=user)
        .filter(acknowledged_at__isnull=True)
        .select_related(
            "assessment__actor",
            "assessment__programme",
            "responsibility__incident",
            "responsibility__actor",
            "post__actor",
            "post__person",
        )
        .prefetch_related("post__person__names")
    )


def readable_incident_ids(*, user: Caller, incident_ids: list[int]) -> set[int]:
    """Which of these incidents the user may read (an alert names its incident only to those)."""
    if not incident_ids:
        return set()
    queryset = _filtered(Incident.objects.filter(pk__in=incident_ids), readable_filter(user=user, model=Incident))
    return set(queryset.values_list("pk", flat=True))


@dataclass
class AlertsShown:
    """Alerts with what their reader may see of their causes: the incidents and the people they may read."""

    alerts: list[Alert]
    incidents: set[int]
    people: set[int]


def alerts_shown(*, user: Caller, alerts: list[Alert]) -> AlertsShown:
    incident_ids = [alert.responsibility.incident_id for alert in alerts if alert.responsibility is not None]
    person_ids = [alert.post.person_id for alert in alerts if alert.post is not None]
    return AlertsShown(
        alerts=alerts,
        incidents=readable_incident_ids(user=user, incident_ids=incident_ids),
        people=readable_person_ids(user=user, person_ids=person_ids),
    )


def readable_person_ids(*, user: Caller, person_ids: list[int]) -> set[int]:
    if not person_ids:
        return set()
    queryset = _filtered(Person.objects.filter(pk__in=person_ids), readable_filter(user=user, model=Person))
    return set(queryset.values_list("pk", flat=True))
