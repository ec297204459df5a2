"""Every read of people's records, through the one read rule of due diligence (egide.duediligence.access): lists,
the search, a person's page, a unit's holders over time, the export of a person's record, and who consulted
what."""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from egide.accounts.models import Organisation
from egide.accounts.selectors import administered_countries, visibility_filter
from egide.actors.models import Actor
from egide.audit.models import Action, AuditEvent
from egide.core.users import Caller
from egide.duediligence import search
from egide.duediligence.access import readable_filter
from egide.duediligence.models import Evidence, Incident, Person, PersonFact, PersonName, Post, Responsibility
from egide.duediligence.reads import VIA_ASSESSMENT, VIA_FORM, VIA_LIST, VIA_POSTS


def people_readable(*, user: Caller, country: str | None = None) -> QuerySet[Person]:
    condition = readable_filter(user=user, model=Person, country=country)
    people = Person.objects.all() if condition is None else Person.objects.filter(condition)
    return people if country is None else people.filter(country=country)


def _with_names(people: QuerySet[Person]) -> QuerySet[Person]:
    return people.prefetch_related(Prefetch("names", queryset=PersonName.objects.order_by("id")))


def person_get(*, user: Caller, pk: int) -> Person:
    """A person the user may read, with their names; Person.DoesNotExist otherwise."""
    return _with_names(people_readable(user=user)).select_related("owner").get(pk=pk)


@dataclass(frozen=True, slots=True)
class PeopleFound:
    """The people a list shows: a query to page through, or the search's ranked list (at most
    search.MAX_RESULTS) with each person's score."""

    people: QuerySet[Person] | list[Person]
    scores: dict[int, float]
    searched: bool


def people_list(
    *, user: Caller, country: str = "", text: str = "", role: str = "", actor: int | None = None
) -> PeopleFound:
    """The people the user may read, filtered; with a search text, the closest names first, else in the order
    they were recorded."""
    people = people_readable(user=user, country=country or None)
    if role or actor is not None:
        posts = Post.objects.all()
        if role:
            posts = posts.filter(role=role)
        if actor is not None:
            # Only a unit the user may see filters: another's would tell who holds posts in it.
            posts = posts.filter(actor_id=actor, actor__in=_actors_readable(user))
        people = people.filter(pk__in=posts.values("person_id"))
    if text.strip():
        ranked = search.ranked_ids(people, text)
        found = {person.pk: person for person in _with_names(Person.objects.filter(pk__in=[pk for pk, _ in ranked]))}
        return PeopleFound(people=[found[pk] for pk, _ in ranked if pk in found], scores=dict(ranked), searched=True)
    return PeopleFound(people=_with_names(people.order_by("id")), scores={}, searched=False)


def _actors_readable(user: Caller) -> QuerySet[Actor]:
    condition = visibility_filter(user=user, model=Actor)
    return Actor.objects.all() if condition is None else Actor.objects.filter(condition)


@dataclass
class CareerPost:
    post: Post
    actor_visible: bool
    evidence: list[Evidence] = field(default_factory=list)


@dataclass
class PersonDetail:
    person: Person
    names: list[PersonName]
    facts_evidence: dict[str, list[Evidence]]
    career: list[CareerPost]
    responsibilities: list[Responsibility]
    unreadable_links: int


def person_detail(*, user: Caller, person: Person) -> PersonDetail:
    """What a person's page shows: names, the evidence behind each fact, the career (posts with their units, a unit
    the user may not see named as such) and the incidents the person is linked to that the user may read."""
    evidence = list(
        Evidence.objects.filter(Q(person=person) | Q(post__person=person)).select_related("source").order_by("id")
    )
    facts: dict[str, list[Evidence]] = {fact: [] for fact in PersonFact.values}
    by_post: dict[int, list[Evidence]] = {}
    for item in evidence:
        if item.post_id is not None:
            by_post.setdefault(item.post_id, []).append(item)
        else:
            facts.setdefault(item.fact or PersonFact.OTHER, []).append(item)
    posts = list(Post.objects.filter(person=person).select_related("actor").order_by("start_date", "id"))
    visible = set(_actors_readable(user).filter(pk__in=[post.actor_id for post in posts]).values_list("pk", flat=True))
    career = [CareerPost(post, post.actor_id in visible, by_post.get(post.pk, [])) for post in posts]
    links = Responsibility.objects.filter(person=person)
    condition = readable_filter(user=user, model=Incident, prefix="incident__")
    readable = links if condition is None else links.filter(condition)
    responsibilities = list(readable.select_related("incident").order_by("incident__occurred_on", "id"))
    return PersonDetail(
        person=person,
        names=list(person.names.all()),
        facts_evidence=facts,
        career=career,
        responsibilities=responsibilities,
        unreadable_links=links.count() - len(responsibilities),
    )


def actor_holders(*, user: Caller, actor: Actor) -> list[Post]:
    """The posts held in the unit, by people the user may read, in the order they began."""
    condition = readable_filter(user=user, model=Person, prefix="person__", country=actor.country)
    posts = Post.objects.filter(actor=actor)
    if condition is not None:
        posts = posts.filter(condition)
    return list(
        posts.select_related("person")
        .prefetch_related(Prefetch("person__names", queryset=PersonName.objects.order_by("id")))
        .order_by("start_date", "id")
    )


def person_posts(*, user: Caller, person: Person) -> list[CareerPost]:
    """A readable person's posts (the caller found the person through `person_get`), each saying whether the user
    may see its unit (a unit they may not see is not named to them, as on the person's page)."""
    posts = list(Post.objects.filter(person=person).select_related("actor").order_by("start_date", "id"))
    visible = set(_actors_readable(user).filter(pk__in=[post.actor_id for post in posts]).values_list("pk", flat=True))
    return [CareerPost(post, post.actor_id in visible) for post in posts]


def _source(evidence: Evidence) -> dict[str, Any]:
    source = evidence.source
    return {
        "title": source.title,
        "author": source.author,
        "url": source.url,
        "published": source.published,
        "page_or_passage": evidence.locator,
        "confidence": evidence.confidence,
    }


def person_record(*, user: Caller, person: Person) -> dict[str, Any]:
    """Everything the platform holds on a person that the user may read, with its sources, as plain data (the
    export a data-protection request asks for). Links from incidents the user may not read are counted, not
    shown."""
    detail = person_detail(user=user, person=person)
    return {
        "id": person.pk,
        "country": person.country,
        "nationality": person.nationality,
        "born": person.born,
        "notes": person.notes,
        "confidentiality": person.confidentiality,
        "confidence": person.confidence,
        "owner": person.owner.acronym if person.owner else "",
        "created_at": person.created_at.isoformat(),
        "updated_at": person.updated_at.isoformat(),
        "names": [{"name": name.name, "kind": name.kind, "script": name.script} for name in detail.names],
        "evidence": [
            {"fact": fact, **_source(item)} for fact, items in detail.facts_evidence.items() for item in items
        ],
        "posts": [
            {
                "id": entry.post.pk,
                "actor": entry.post.actor.name if entry.actor_visible else "",
                "actor_id": entry.post.actor_id if entry.actor_visible else None,
                "country": entry.post.country,
                "role": entry.post.role,
                "title": entry.post.title,
                "start": entry.post.start,
                "end": entry.post.end,
                "ongoing": entry.post.ongoing,
                "confidence": entry.post.confidence,
                "notes": entry.post.notes,
                "evidence": [_source(item) for item in entry.evidence],
            }
            for entry in detail.career
        ],
        "incidents": [
            {
                "incident": link.incident.pk,
                "title": link.incident.title_en,
                "title_fr": link.incident.title_fr,
                "occurred": link.incident.occurred,
                "violation": link.incident.violation,
                "status": link.status,
                "status_since": link.status_since,
                "confidence": link.confidence,
                "notes": link.notes,
                "evidence": [_source(item) for item in link.evidence.select_related("source")],
            }
            for link in detail.responsibilities
        ],
        "links_in_incidents_not_readable": detail.unreadable_links,
    }


@dataclass(frozen=True, slots=True)
class Consultation:
    event: AuditEvent
    kind: str  # "person" or "incident"
    name: str  # the record's present name when it still exists and the reader may read it, else empty
    how: str = ""  # how the record was read: its page, a list, a form, an assessment's risk listing, an export


CONSULTING_ACTIONS = (Action.READ, Action.EXPORT)
"""What "who consulted what" lists: every read (egide.duediligence.reads) and every export of a record."""


def _how(event: AuditEvent) -> str:
    """How the event's reader read the record, in the reader's language (the event keeps codes, not text)."""
    after = event.after if isinstance(event.after, dict) else {}
    if event.action == Action.EXPORT:
        return _("Exported (%(format)s)") % {"format": str(after.get("format", "")).upper()}
    via = after.get("via")
    if via == VIA_ASSESSMENT:
        return _("Risk listing of due-diligence assessment #%(id)s") % {"id": after.get("assessment", "?")}
    labels = {VIA_LIST: _("In a list or search results"), VIA_FORM: _("Edit form"), VIA_POSTS: _("Posts")}
    return str(labels.get(str(via), _("The record itself")))


def consultations(
    *,
    user: Caller,
    organisation: Organisation,
    record_type: str = "",
    record_id: int | None = None,
    username: str = "",
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[AuditEvent]:
    """Who read or exported which person or incident of the organisation, newest first: for its administrators
    (limited to the countries their membership covers) and platform staff; PermissionDenied for anyone else."""
    countries = administered_countries(user=user, organisation=organisation)
    if countries is None:
        raise PermissionDenied("Only the organisation's administrators may see who consulted its records.")
    types = {
        "person": ContentType.objects.get_for_model(Person).pk,
        "incident": ContentType.objects.get_for_model(Incident).pk,
    }
    wanted = [types[record_type]] if record_type in types else list(types.values())
    events = AuditEvent.objects.filter(
        action__in=CONSULTING_ACTIONS, organisation=organisation, content_type_id__in=wanted
    )
    if countries:
        events = events.filter(country__in=sorted(countries))
    if record_id is not None:
        events = events.filter(object_id=record_id)
    if username.strip():
        events = events.filter(username__icontains=username.strip()[:150])
    if since is not None:
        events = events.filter(created_at__date__gte=since)
    if until is not None:
        events = events.filter(created_at__date__lte=until)
    return events.order_by("-created_at", "-id")


def consultation_rows(*, user: Caller, events: list[AuditEvent]) -> list[Consultation]:
    """The events of a page of `consultations`, each with its record's present name where the reader may read it
    (an erased person is only an id)."""
    person_type = ContentType.objects.get_for_model(Person).pk
    person_ids = [event.object_id for event in events if event.content_type_id == person_type]
    incident_ids = [event.object_id for event in events if event.content_type_id != person_type]
    people = {
        person.pk: person.display_name for person in _with_names(people_readable(user=user)).filter(pk__in=person_ids)
    }
    condition = readable_filter(user=user, model=Incident)
    incidents = Incident.objects.filter(pk__in=incident_ids)
    if condition is not None:
        incidents = incidents.filter(condition)
    titles = {incident.pk: incident.title for incident in incidents}
    rows = []
    for event in events:
        if event.content_type_id == person_type:
            rows.append(Consultation(event, "person", people.get(event.object_id, ""), _how(event)))
        else:
            rows.append(Consultation(event, "incident", titles.get(event.object_id, ""), _how(event)))
    return rows
