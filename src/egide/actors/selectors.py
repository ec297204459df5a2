"""Every read of the map that applies who may see what. Pages, the API, exports and the CLI go through here.

The rules themselves live in egide.accounts.selectors; these functions add them to every query.
"""

import datetime
import functools
import operator
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connections
from django.db.models import (
    BooleanField,
    Case,
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from egide.accounts.selectors import owned_by_reader_filter, reach_of, visibility_filter, visible
from egide.actors.models import Actor, Citation, Relationship, Source
from egide.actors.versions import kept_for_version
from egide.core import taxonomy
from egide.core.fuzzy_dates import FuzzyDate, format_fuzzy, held_on
from egide.core.labels import Term, active_language
from egide.core.reference import countries
from egide.core.users import Caller
from egide.duediligence.commanders import commanders_head

User = Caller


def actors_visible(*, user: User, country: str | None = None) -> QuerySet[Actor]:
    """Actors the user may see; with `country`, that country's only, checked against its shares alone."""
    actors = Actor.objects.all() if country is None else Actor.objects.filter(country=country)
    condition = visibility_filter(user=user, model=Actor, country=country)
    return actors if condition is None else actors.filter(condition)


def relationships_visible(*, user: User, country: str | None = None) -> QuerySet[Relationship]:
    """Relationships the user may see, between actors the user may see (checked by joining both actors); with
    `country`, that country's only, between actors among the country's visible ones (a relationship's actors are
    in its country, a rule of the map)."""
    relationships = Relationship.objects.all() if country is None else Relationship.objects.filter(country=country)
    condition = visibility_filter(user=user, model=Relationship, country=country)
    if condition is None:
        return relationships
    if country is not None:
        # Both actors among the country's visible actors, found once for all the relationships, rather than each
        # relationship's actors joined and checked in turn.
        visible_actors = actors_visible(user=user, country=country).values("pk")
        return relationships.filter(condition, source__in=visible_actors, target__in=visible_actors)
    source = visibility_filter(user=user, model=Actor, prefix="source__")
    target = visibility_filter(user=user, model=Actor, prefix="target__")
    return relationships.filter(condition).filter(source).filter(target)


def _with_actors_in(relationships: QuerySet[Relationship], country: str) -> QuerySet[Relationship]:
    """The relationships' actors are in their country anyway (a rule of the map): saying so lets the database
    read that country's actors alone when it joins them, rather than the whole actors table."""
    return relationships.filter(source__country=country, target__country=country)


def sources_visible(*, user: User, country: str | None = None) -> QuerySet[Source]:
    """Sources the user may see: cited by a record the user sees in full (an actor the user sees, a relationship
    the user sees with both of its actors), or recorded by one of the user's organisations in a country its
    membership covers. A source never shows through a link to an actor hidden from the user.

    Each source looks for its first citation of a record the user sees, through the citations' index on their
    source and joins to the record and its actors, and stops there: a scalar subquery, run for each source, so
    that the query reads the citations of the sources asked for and not every visible record (PostgreSQL runs an
    EXISTS once for all the rows instead, over every citation, and then compiles the query). With `country`, that
    country's sources only: a citation cites a record of its source's country (`services.citation_add`), so the
    records' shares are read for that country alone."""
    sources = Source.objects.all() if country is None else Source.objects.filter(country=country)
    if reach_of(user).superuser:  # whom visibility_filter lets see everything
        return sources
    cited = Citation.objects.filter(source=OuterRef("pk")).order_by()
    by_actor = cited.filter(visibility_filter(user=user, model=Actor, prefix="actor__", country=country))
    by_relationship = cited
    for model, prefix in (
        (Relationship, "relationship__"),
        (Actor, "relationship__source__"),
        (Actor, "relationship__target__"),
    ):
        by_relationship = by_relationship.filter(
            visibility_filter(user=user, model=model, prefix=prefix, country=country)
        )
    return sources.alias(
        cited_by_actor=Subquery(by_actor.values("pk")[:1]),
        cited_by_relationship=Subquery(by_relationship.values("pk")[:1]),
    ).filter(
        Q(cited_by_actor__isnull=False) | Q(cited_by_relationship__isnull=False) | owned_by_reader_filter(user=user)
    )


def with_parent_visibility(actors: QuerySet[Actor], *, user: User) -> QuerySet[Actor]:
    """Each actor with `parent_visible`: whether the user may see its parent, checked in the same query (a join,
    no query per actor). Pages, the API and the map name a parent, or send its id, only when it is true."""
    condition = visibility_filter(user=user, model=Actor, prefix="parent__")
    if condition is None:
        return actors.annotate(parent_visible=Value(True, output_field=BooleanField()))
    return actors.annotate(
        parent_visible=Case(When(condition, then=Value(True)), default=Value(False), output_field=BooleanField())
    )


def _with_parents_in_country(actors: QuerySet[Actor], *, user: User, country: str) -> QuerySet[Actor]:
    """The country's actors with their parents and `parent_visible`, as `with_parent_visibility` gives them, but
    without joining the actors table again: a parent is in its actor's country (a rule of the map), so it is
    visible when it is among the country's visible actors (a subquery of that country alone), and the parents are
    read afterwards for the rows actually shown (one query)."""
    condition = visibility_filter(user=user, model=Actor, country=country)
    if condition is None:
        visible_parent: Any = Value(True, output_field=BooleanField())
    else:
        visible_parents = Actor.objects.filter(condition, country=country).values("pk")
        visible_parent = Case(
            When(parent_id__in=visible_parents, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    return actors.annotate(parent_visible=visible_parent).prefetch_related("parent")


def visible_parent_id(actor: Actor) -> int | None:
    """The actor's parent id, or None when the parent is hidden from the reader (or the actor was not read with
    `with_parent_visibility`: better to leave a parent out than to leak one)."""
    return actor.parent_id if getattr(actor, "parent_visible", False) else None


@dataclass(frozen=True, slots=True)
class CountrySummary:
    code: str
    name: str
    actors: int
    relationships: int
    families: dict[str, int]

    @property
    def family_breakdown(self) -> list[tuple[Term, int]]:
        return [(family, self.families[family.code]) for family in taxonomy.FAMILIES if family.code in self.families]


def country_summaries(*, user: User) -> list[CountrySummary]:
    """Countries that have a map, with their counts, in the active language's alphabetical order."""
    actor_counts: dict[str, dict[str, int]] = {}
    for row in actors_visible(user=user).values("country", "family").annotate(count=Count("id")).order_by():
        actor_counts.setdefault(row["country"], {})[row["family"]] = row["count"]
    relationship_counts = {
        row["country"]: row["count"]
        for row in relationships_visible(user=user).values("country").annotate(count=Count("id")).order_by()
    }
    names = countries()
    summaries = [
        CountrySummary(
            code=code,
            name=names[code].label if code in names else code,
            actors=sum(families.values()),
            relationships=relationship_counts.get(code, 0),
            families=families,
        )
        for code, families in actor_counts.items()
    ]
    return sorted(summaries, key=lambda summary: summary.name)


@dataclass(frozen=True, slots=True)
class CountryCounts:
    actors: int
    relationships: int


def country_counts(*, user: User, country: str, version: str | None = None) -> CountryCounts:
    """The actors and relationships of the country the user may see, counted once per map version and scope of
    readers (a reader's count checks every record against the visibility rules). `version`: the map version
    just read, if the caller has read it (`versions.kept_for_version`)."""
    return kept_for_version(
        country=country,
        name="counts",
        scope=reach_of(user).scope,
        version=version,
        compute=lambda: CountryCounts(
            actors=actors_visible(user=user, country=country).count(),
            relationships=relationships_visible(user=user, country=country).count(),
        ),
    )


ACTOR_SORTS = {
    "name": ("name_en",),
    "-name": ("-name_en",),
    "family": ("family", "name_en"),
    "-family": ("-family", "name_en"),
    "kind": ("kind", "name_en"),
    "-kind": ("-kind", "name_en"),
    "reference": ("reference",),
    "-reference": ("-reference",),
    "confidence": ("confidence", "name_en"),
    "-confidence": ("-confidence", "name_en"),
    "relationships": ("relationship_count", "name_en"),
    "-relationships": ("-relationship_count", "name_en"),
}

RELATIONSHIP_SORTS = {
    "source": ("source__name_en", "type"),
    "-source": ("-source__name_en", "type"),
    "type": ("type", "source__name_en"),
    "-type": ("-type", "source__name_en"),
    "target": ("target__name_en", "type"),
    "-target": ("-target__name_en", "type"),
    "start": ("start_date", "source__name_en"),
    "-start": ("-start_date", "source__name_en"),
    "confidence": ("confidence", "source__name_en"),
    "-confidence": ("-confidence", "source__name_en"),
}


def _name_sort(fields: tuple[str, ...]) -> tuple[str, ...]:
    """Sort on the French names when the page is in French."""
    if active_language() != "fr":
        return fields
    return tuple(field.replace("name_en", "name_fr") for field in fields)


def _containing(text: str, *names: str) -> Q:
    """Rows where any of the named fields contains the text, whatever its case."""
    return functools.reduce(operator.or_, (Q(**{f"{name}__icontains": text}) for name in names))


def _in_country[M: (Actor, Relationship)](
    rows: QuerySet[M], *, country: str, chosen: dict[str, str], search: str, searched: tuple[str, ...]
) -> QuerySet[M]:
    """The rows of a country's table: those of the country with each chosen value (an empty one chooses all), and,
    when there is a search, where one of the `searched` fields contains it."""
    rows = rows.filter(country=country)
    for name, value in chosen.items():
        if value:
            rows = rows.filter(**{name: value})
    if search:
        rows = rows.filter(_containing(search, *searched))
    return rows


def country_actors(
    *, user: User, country: str, family: str = "", kind: str = "", search: str = "", sort: str = "name"
) -> QuerySet[Actor]:
    actors = _in_country(
        actors_visible(user=user, country=country),
        country=country,
        chosen={"family": family, "kind": kind},
        search=search,
        searched=("name_en", "name_fr", "acronym_en", "acronym_fr", "reference"),
    )
    if sort.lstrip("-") == "relationships":
        actors = actors.annotate(relationship_count=_visible_relationship_count(user=user, country=country))
    return (
        _with_parents_in_country(actors, user=user, country=country)
        .select_related("owner")
        .order_by(*_name_sort(ACTOR_SORTS.get(sort, ACTOR_SORTS["name"])))
    )


def _visible_relationship_count(*, user: User, country: str) -> Any:
    """The number of relationships the user sees of each of the country's actors, as an expression to sort them
    by: counted in one pass over the country's visible relationships (a grouped query for each end), then given to
    the actors' query as each actor's number. A join of both ends, or a subquery per actor, would read the
    relationships many times over, and PostgreSQL would spend longer compiling the query than running it."""
    degrees: Counter[int] = Counter()
    relationships = relationships_visible(user=user, country=country).order_by()
    for end in ("source", "target"):
        for actor_id, count in relationships.values_list(end).annotate(count=Count("pk")).values_list(end, "count"):
            degrees[actor_id] += count
    actors_by_count: dict[int, list[int]] = {}
    for actor_id, count in degrees.items():
        actors_by_count.setdefault(count, []).append(actor_id)
    return Case(
        *(When(pk__in=sorted(ids), then=Value(count)) for count, ids in sorted(actors_by_count.items())),
        default=Value(0),
        output_field=IntegerField(),
    )


def country_relationships(
    *, user: User, country: str, type: str = "", search: str = "", sort: str = "source"
) -> QuerySet[Relationship]:
    relationships = _in_country(
        relationships_visible(user=user, country=country),
        country=country,
        chosen={"type": type},
        search=search,
        searched=(
            *(f"{end}__{name}" for end in ("source", "target") for name in ("name_en", "name_fr")),
            "source__acronym_en",
            "target__acronym_en",
        ),
    )
    ordering = _name_sort(RELATIONSHIP_SORTS.get(sort, RELATIONSHIP_SORTS["source"]))
    return _with_actors_in(relationships, country).select_related("source", "target", "owner").order_by(*ordering)


def _citations() -> Prefetch:
    return Prefetch("citations", queryset=Citation.objects.select_related("source"))


def actor_get(*, user: User, pk: int) -> Actor:
    """One actor with what its page shows; raises Actor.DoesNotExist when it is not the user's to see."""
    actors = with_parent_visibility(actors_visible(user=user), user=user)
    return actors.select_related("parent", "owner").prefetch_related(_citations()).get(pk=pk)


def actor_relationships(*, user: User, actor: Actor) -> tuple[list[Relationship], list[Relationship]]:
    """The relationships going out of and coming into an actor, each with its sources."""
    relationships = (
        relationships_visible(user=user)
        .filter(Q(source=actor) | Q(target=actor))
        .select_related("source", "target", "owner")
        .prefetch_related(_citations())
        .order_by("type", "source__name_en", "target__name_en")
    )
    outgoing = [relationship for relationship in relationships if relationship.source_id == actor.pk]
    incoming = [relationship for relationship in relationships if relationship.target_id == actor.pk]
    return outgoing, incoming


def relationship_get(*, user: User, pk: int) -> Relationship:
    return (
        relationships_visible(user=user)
        .select_related("source", "target", "owner")
        .prefetch_related(_citations())
        .get(pk=pk)
    )


def country_sources(*, user: User, country: str, version: str | None = None) -> QuerySet[Source]:
    """The country's sources the user may see, by title.

    For a reader to whom the visibility rules apply, which sources those are is found once per map version and
    scope of readers, as the counts are (`versions.kept_for_version`: a change to a source, a citation, a cited
    record or a share gives the map a new version, and readers of another reach never share the list): a request
    then reads the sources by their ids, as cheaply as platform staff read them all, rather than looking for a
    visible citation of each source. `version`: the map version just read, if the caller has read it."""
    sources = Source.objects.filter(country=country).order_by("title")
    reach = reach_of(user)
    if reach.superuser:
        return sources
    ids = kept_for_version(
        country=country,
        name="sources",
        scope=reach.scope,
        version=version,
        compute=lambda: sorted(sources_visible(user=user, country=country).values_list("pk", flat=True)),
    )
    return sources.filter(pk__in=ids)


def citation_get(*, user: User, pk: int) -> Citation:
    citation = Citation.objects.select_related("source", "actor", "relationship").get(pk=pk)
    if citation.actor_id is not None:
        actors_visible(user=user).get(pk=citation.actor_id)
    else:
        relationship_get(user=user, pk=citation.relationship_id)  # type: ignore[arg-type]
    return citation


MAP_BATCH = 10_000
"""Rows of the map read, written and sent at a time: a large map never exists whole in memory. Each batch is a
query, a round trip to the database server: at 2,000 rows, a map of 5,000 actors took 16 of them, and on
PostgreSQL the request was 1.4 times the time of reading the same rows in two queries; a batch of 10,000 rows
holds a few megabytes (benchmarks/RESULTS.md, perf-rest)."""

_NODE_COLUMNS = (
    "id",
    "reference",
    "name_en",
    "name_fr",
    "acronym_en",
    "acronym_fr",
    "family",
    "kind",
    "parent_id",
    "statutory",
    "legitimacy_disputed",
    "confidence",
)
_EDGE_COLUMNS = (
    "id",
    "source_id",
    "target_id",
    "type",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "ongoing",
    "strength",
    "confidence",
)


@dataclass(frozen=True, slots=True)
class MapParts:
    """A country's map as it is read: `head` (the country and the day), then the nodes and the edges in batches of
    plain dicts, each read from the database only when asked for. Whatever depends on the reader or the active
    language (who sees what, the labels) is settled when the parts are made, so the batches may be read later,
    while the answer is being sent."""

    head: dict[str, Any]
    nodes: Iterator[list[dict[str, Any]]]
    edges: Iterator[list[dict[str, Any]]]


def country_map_parts(
    *, user: User, country: str, as_of: datetime.date | None = None, batch: int = MAP_BATCH
) -> MapParts:
    """The country's map (see `country_map`) in parts, for an answer written as it is read. The actors, then the
    relationships, are read in order of id, `batch` rows at a time, each batch a query of its own that starts after
    the previous batch's last id (`WHERE id > last ORDER BY id LIMIT batch`): no cursor stays open on the server
    between batches, and a map of any size takes one query per batch, plus one for the parents that come later
    than their children in a batch where some do. The head also names who commanded each unit on the map's day
    (today when it has none), for a reader allowed to read those people: one more query, none for a visitor
    (egide.duediligence.commanders)."""
    actors = actors_visible(user=user).filter(country=country)
    relationships = visible(Relationship.objects.filter(country=country), user=user)
    nodes = _MapNodes(actors, french=active_language() == "fr", batch=batch)
    return MapParts(
        head={"country": country, "as_of": as_of.isoformat() if as_of else None}
        | commanders_head(user=user, country=country, day=as_of),
        nodes=iter(nodes),
        edges=_map_edges(relationships, nodes, as_of=as_of, batch=batch),
    )


def _keyset_batches(rows: QuerySet[Any, Any], batch: int) -> Iterator[list[tuple[Any, ...]]]:
    """A `values_list` query's rows whose first column is the id, in order of id, `batch` at a time, each batch read
    whole by a query of its own after the last id of the one before (a range of the (country, id) index), as the
    database driver gives them: without Django's conversion of each value, which the map's columns do not need
    (both drivers give numbers, text, booleans and dates as such; Django has SQLite's convert its declared types).
    The query is compiled once: the batches after the first differ only by their last parameter, the last id."""
    connection = connections[rows.db]

    def compiled(page: QuerySet[Any, Any]) -> tuple[str, tuple[Any, ...]]:
        sql, params = page.query.get_compiler(using=rows.db).as_sql()
        return sql, tuple(params)

    def after(last: int) -> tuple[str, tuple[Any, ...]]:
        return compiled(rows.filter(id__gt=last).order_by("id")[:batch])

    sql, params = compiled(rows.order_by("id")[:batch])
    (next_sql, one), (two_sql, two) = after(1), after(2)
    reusable = next_sql == two_sql and one[:-1] == two[:-1] and one[-1:] == (1,) and two[-1:] == (2,)
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            chunk = cursor.fetchall()
        if chunk:
            yield chunk
        if len(chunk) < batch:
            return
        last = chunk[-1][0]
        sql, params = (next_sql, (*one[:-1], last)) if reusable else after(last)


class _MapNodes:
    """The map's nodes, batch by batch; once all are read, `ids` holds every id the reader sees in the country.

    A parent is sent only when it is a node too (parents are in the actor's country, a rule of the map): one with a
    smaller id than the batch's last has been read already, or is hidden; the later ones of a batch are looked up
    in one query, with the same conditions as the nodes."""

    def __init__(self, actors: QuerySet[Actor], *, french: bool, batch: int) -> None:
        self.actors, self.french, self.batch = actors, french, batch
        self.ids: set[int] = set()
        self.complete = False

    def visible_ids(self) -> set[int]:
        """Every id the reader sees in the country: those the nodes gave if all were read, else read now."""
        if self.complete:
            return self.ids
        return set(self.actors.order_by().values_list("id", flat=True))

    def __iter__(self) -> Iterator[list[dict[str, Any]]]:
        families = {term.code: term.label for term in taxonomy.FAMILIES}
        kinds = {kind.code: kind.label for kind in taxonomy.KINDS}
        french, ids = self.french, self.ids
        later: set[int] = set()  # visible parents with an id greater than that of the batch that named them
        for chunk in _keyset_batches(self.actors.values_list(*_NODE_COLUMNS), self.batch):
            ids.update(row[0] for row in chunk)
            last = chunk[-1][0]
            ahead = {row[8] for row in chunk if row[8] is not None and row[8] > last and row[8] not in later}
            if ahead:
                later.update(self.actors.filter(id__in=ahead).order_by().values_list("id", flat=True))
            yield [
                {
                    "id": pk,
                    "reference": reference,
                    "name": (name_fr if french else name_en) or name_en,
                    "acronym": (acronym_fr if french and acronym_fr else acronym_en) or "",
                    "family": family,
                    "family_label": families[family],
                    "kind": kind,
                    "kind_label": kinds[kind],
                    "parent": parent if parent in ids or parent in later else None,
                    "statutory": statutory,
                    "legitimacy_disputed": disputed,
                    "confidence": confidence,
                }
                for (
                    pk,
                    reference,
                    name_en,
                    name_fr,
                    acronym_en,
                    acronym_fr,
                    family,
                    kind,
                    parent,
                    statutory,
                    disputed,
                    confidence,
                ) in chunk
            ]
        self.complete = True


class _FuzzyTexts(dict[tuple[Any, str], str]):
    """Dates written as `format_fuzzy` writes them, each (date, precision) once: a map has few distinct dates."""

    def __missing__(self, key: tuple[Any, str]) -> str:
        text = self[key] = format_fuzzy(*key)
        return text


def _map_edges(
    relationships: QuerySet[Relationship], nodes: _MapNodes, *, as_of: datetime.date | None, batch: int
) -> Iterator[list[dict[str, Any]]]:
    """The map's edges between the nodes the reader sees (read first, as the answer is written: checking the ends
    against the nodes' ids is cheaper than a condition on each end in the query)."""
    types = {kind.code: kind.label for kind in taxonomy.RELATIONSHIP_TYPES}
    texts = _FuzzyTexts()
    held: dict[tuple[Any, ...], bool] = {}  # each span dated once too

    def holds(span: tuple[Any, ...]) -> bool:
        answer = held.get(span)
        if answer is None:
            assert as_of is not None
            start, start_precision, end, end_precision, ongoing = span
            answer = held[span] = held_on(
                as_of,
                start=FuzzyDate.from_parts(start, start_precision),
                end=FuzzyDate.from_parts(end, end_precision),
                ongoing=ongoing,
            )
        return answer

    visible_ids = nodes.visible_ids()
    for chunk in _keyset_batches(relationships.values_list(*_EDGE_COLUMNS), batch):
        if as_of is not None:
            chunk = [row for row in chunk if holds(row[4:9])]
        yield [
            {
                "id": pk,
                "source": source,
                "target": target,
                "type": type_,
                "type_label": types[type_],
                "start": texts[start, start_kind],  # kind: the date's precision
                "end": texts[end, end_kind],
                "ongoing": ongoing,
                "strength": strength,
                "confidence": confidence,
            }
            for pk, source, target, type_, start, start_kind, end, end_kind, ongoing, strength, confidence in chunk
            if source in visible_ids and target in visible_ids
        ]


def country_map(*, user: User, country: str, as_of: datetime.date | None = None) -> dict[str, Any]:
    """The country's whole map as plain data. With `as_of`, the map as it stood on that day: only the
    relationships that held then, dated as the governance engine dates them (`egide.core.fuzzy_dates.held_on`);
    every actor stays (actors are not dated). The API writes it from `country_map_parts`, batch by batch."""
    parts = country_map_parts(user=user, country=country, as_of=as_of)
    return parts.head | {
        "nodes": [node for nodes in parts.nodes for node in nodes],
        "edges": [edge for edges in parts.edges for edge in edges],
    }
