"""Importing a country's map from tables: every row is checked first, and nothing is written unless all pass.

Actors are matched by their reference in the country, relationships by (from, type, to, start), sources by
(title, link): importing the same file twice changes nothing the second time.

The import runs in two steps on the generic machinery of egide.core.imports: `_plan` reads what the country
holds, checks every row (values, references, loops, the user's right to change each record, with one query for
all) and collects every problem, writing nothing; `_apply` writes the plan, in batches. A file found unchanged
is remembered, and the same file imported again into the same map is answered at once (`import_memo`).
"""

import collections
import dataclasses
import datetime
import itertools
import operator
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egide.accounts.models import Confidentiality, Organisation
from egide.accounts.selectors import can_create, can_manage, editable_ids
from egide.actors import fields, import_memo
from egide.actors.models import Actor, Citation, Relationship, Source
from egide.actors.rules import ActorFacts, RelationshipFacts, check_actor, check_relationship, check_texts
from egide.actors.selectors import actors_visible, relationships_visible, sources_visible
from egide.actors.tabular import ColumnMapping, Row, Tables
from egide.actors.versions import map_changed
from egide.audit.models import Action
from egide.audit.services import AuditRow, RowSnapshots, audit_records_bulk, audit_rows_bulk, snapshot
from egide.core import taxonomy
from egide.core.fuzzy_dates import DAY, FuzzyDate, FuzzyDateError
from egide.core.imports import problems
from egide.core.imports.limits import BATCH, FileRefused, batched, grouped
from egide.core.imports.problems import ImportProblem, ImportRejected, Problems
from egide.core.inserts import insert_rows, new_ids
from egide.core.labels import active_language
from egide.core.reference import countries
from egide.core.users import AnyUser as User
from egide.core.users import author as _author
from egide.imports.transfers import audited_import

__all__ = ["ImportProblem", "ImportRejected", "ImportReport", "country_map_import", "map_file_import"]

TRUE_WORDS = {"true", "yes", "y", "1", "oui", "vrai", "x"}
FALSE_WORDS = {"false", "no", "n", "0", "non", "faux"}

WRITTEN = 5_000
"""New records written, with their audit entries, per batch: a statement each on PostgreSQL (a COPY, after one
query for their ids), so that few round trips wait on the server, and a batch's rows stay a few megabytes."""

RelationshipKey = tuple[str, str, str, datetime.date | None]
CitationKey = tuple[str, RelationshipKey | str, Mapping[str, Any]]


@dataclass(slots=True)
class ImportReport(problems.ImportReport):
    actors_created: int = 0
    actors_updated: int = 0
    actors_unchanged: int = 0
    relationships_created: int = 0
    relationships_updated: int = 0
    relationships_unchanged: int = 0
    sources_created: int = 0
    citations_created: int = 0

    def again(self) -> "ImportReport":
        """The report of importing the same file again into the map this import has left: every row unchanged."""
        return ImportReport(
            actors_unchanged=self.actors_created + self.actors_updated + self.actors_unchanged,
            relationships_unchanged=self.relationships_created
            + self.relationships_updated
            + self.relationships_unchanged,
        )


Stored = Any
"""A record as the import reads it (`_StoredRows`): a named tuple of its columns, `pk` its id."""


class _StoredRows:
    """A model's records read as named tuples of the columns the import reads (every concrete field but the
    timestamps and authors), with `pk`: a tenth of the cost of model instances, for the thousands of records a
    re-import compares and leaves alone. Those it changes are read again as instances (`_Existing.instances`)."""

    def __init__(self, model: type[Actor] | type[Relationship]) -> None:
        names = [field.attname for field in model._meta.concrete_fields if field.name not in _UNREAD]
        assert names[0] == "id"
        base = collections.namedtuple(f"Stored{model.__name__}", names)  # type: ignore[misc]
        self.row = type(base.__name__, (base,), {"__slots__": (), "pk": property(operator.itemgetter(0))})
        self.names = tuple(names)

    def of(self, rows: Iterable[tuple[Any, ...]]) -> Iterator[Stored]:
        new, row = tuple.__new__, self.row
        return (new(row, values) for values in rows)


@dataclass(slots=True)
class _Existing:
    """What the country holds before the import, as the user may reach it."""

    country: str
    actors: dict[str, Stored]
    """Every actor of the country by reference, hidden ones too (their references are taken)."""
    hidden: set[str]
    """References of actors the user may not see: absent for this import, so that it cannot reveal or attach
    to them."""
    relationships: dict[RelationshipKey, Stored]
    """The relationships the user may see, by key."""
    hidden_sources: frozenset[tuple[str, str]]
    """The (title, link) of the country's sources the importer may not see: citing one would show its author,
    date and document, so such a row is refused as the citation form refuses it."""
    actor_instances: dict[int, Actor] = field(default_factory=dict)
    relationship_instances: dict[int, Relationship] = field(default_factory=dict)
    """The records the import may change or cite, as model instances, by id (`instances`)."""

    @property
    def reachable(self) -> dict[str, Stored]:
        return {reference: actor for reference, actor in self.actors.items() if reference not in self.hidden}

    def instances(self, actors: Iterable[Stored], relationships: Iterable[Stored]) -> None:
        """Read these records as model instances, for the permission checks, the snapshots of the audit log and
        the bulk updates: those the plan changes or cites, the only ones that need more than their values."""
        for model, records, found in (
            (Actor, actors, self.actor_instances),
            (Relationship, relationships, self.relationship_instances),
        ):
            ids = sorted({record.pk for record in records} - found.keys())
            for batch in batched(ids):
                found.update(model.objects.defer(*_UNREAD).in_bulk(batch))

    def actor(self, reference: str) -> Actor:
        return self.actor_instances[self.actors[reference].pk]

    def relationship(self, key: RelationshipKey) -> Relationship:
        return self.relationship_instances[self.relationships[key].pk]


class _Values(Mapping[str, Any]):
    """A row's values, read only, held in a tuple beside the positions of their names, shared by every row with
    the same names: a fifth of a dict's memory, for the hundreds of thousands of rows of a large import."""

    __slots__ = ("_positions", "_values")
    _shared: ClassVar[dict[tuple[str, ...], dict[str, int]]] = {}
    _names: ClassVar[dict[int, tuple[str, ...]]] = {}  # by the id of a shared positions dict, which lives on

    def __init__(self, positions: dict[str, int], values: tuple[Any, ...]) -> None:
        self._positions = positions
        self._values = values

    @classmethod
    def of(cls, values: dict[str, Any]) -> "_Values":
        names = tuple(values)
        positions = cls._shared.get(names)
        if positions is None:
            positions = cls._shared.setdefault(names, {name: index for index, name in enumerate(names)})
        return cls(positions, tuple(values.values()))

    def __getitem__(self, name: str) -> Any:
        return self._values[self._positions[name]]

    def __iter__(self) -> Iterator[str]:
        return iter(self._positions)

    def __len__(self) -> int:
        return len(self._values)

    @property
    def names(self) -> tuple[str, ...]:
        """The names, in the order of `values` (shared by every row with the same names)."""
        names = self._names.get(id(self._positions))
        if names is None:
            names = self._names.setdefault(id(self._positions), tuple(self._positions))
        return names

    @property
    def in_order(self) -> tuple[Any, ...]:
        """The values, in the order of `names`."""
        return self._values

    def as_dict(self) -> dict[str, Any]:
        """The values as a dict, made at once (faster than reading them one by one)."""
        return dict(zip(self._positions, self._values, strict=True))


@dataclass(slots=True)
class _Plan(Problems):
    actors: dict[str, "_Values"] = field(default_factory=dict)
    actor_rows: dict[str, int] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)
    relationships: dict[RelationshipKey, "_Values"] = field(default_factory=dict)
    relationship_rows: dict[RelationshipKey, int] = field(default_factory=dict)
    citations: list[CitationKey] = field(default_factory=list)
    hidden_sources: frozenset[tuple[str, str]] = frozenset()
    # What the checks found to write: existing records whose values or parent change, and the citations that do
    # not exist yet.
    changed_actors: list[str] = field(default_factory=list)
    reparented: dict[str, str | int | None] = field(default_factory=dict)
    changed_relationships: list[RelationshipKey] = field(default_factory=list)
    new_citations: list[CitationKey] = field(default_factory=list)
    # The file's records that cannot be imported whatever else is fixed (an unknown kind, a reference that is not
    # one), with the row that says why: a row naming them is told so, rather than that no such actor exists.
    failed_actors: dict[str, tuple[str, int]] = field(default_factory=dict)
    failed_relationships: dict[RelationshipKey, tuple[str, int]] = field(default_factory=dict)
    # The cells already reported as missing or empty: nothing more is said about them.
    settled: set[tuple[str, int, str]] = field(default_factory=set)
    # Each date read, by its text: a large file's rows repeat them, and share one.
    dates: dict[str, FuzzyDate] = field(default_factory=dict)

    def problem(self, table: str, row: Row, column: str, message: str) -> None:
        table, number, column = _where(table, row, column)
        if (table, number, column) not in self.settled:
            self.at(table, number, column, message)


def _where(table: str, row: Row, column: str) -> tuple[str, int, str]:
    """Where a problem is reported: the row's own table, row and column, or, for a row read from a record of a
    JSON document (a citation), that record and the key at fault."""
    if row.place is None:
        return table, row.number, column
    return row.place.table, row.place.row, row.place.column(column)


def _not_imported(plan: _Plan, table: str, row: Row, column: str, because: tuple[str, int], reference: str) -> None:
    """A row names a record of the file that its own row keeps out (an actor by reference, or else a relationship):
    say which row, rather than that no such record exists."""
    place = {"table": because[0], "row": because[1], "reference": reference}
    if reference:
        message = _("The actor “%(reference)s” is not imported because of the problems on %(table)s row %(row)s.")
    else:
        message = _("This relationship is not imported because of the problems on %(table)s row %(row)s.")
    plan.problem(table, row, column, message % place)


def _read(plan: _Plan, table: str, row: Row, spec: fields.Field) -> Any:
    """A cell's value as its declaration says: text kept to its length, yes or no, a code or a date."""
    if spec.kind is fields.Kind.YES_NO:
        return _boolean(plan, table, row, spec.name, default=bool(spec.default))
    if spec.kind is fields.Kind.FUZZY_DATE:
        return _date(plan, table, row, spec.name)
    if spec.kind is fields.Kind.CODE:
        return row.get(spec.name).lower() or spec.default
    text = row.get(spec.name)
    return text[: spec.max_length] if spec.max_length else text


_AS_READ = (fields.Kind.LINE, fields.Kind.TEXT, fields.Kind.YES_NO)


_STORED_FIELDS: dict[tuple[str, frozenset[str]], tuple[fields.Field, ...]] = {}


def _stored_fields(record: fields.Record, skip: frozenset[str]) -> tuple[fields.Field, ...]:
    """The fields `_stored` reads, worked out once per table."""
    key = (record.table, skip)
    if key not in _STORED_FIELDS:
        _STORED_FIELDS[key] = _fields_as_read(record, skip)
    return _STORED_FIELDS[key]


def _fields_as_read(record: fields.Record, skip: frozenset[str]) -> tuple[fields.Field, ...]:
    return tuple(
        spec
        for spec in record.fields
        if spec.name not in skip
        and spec is not fields.CONFIDENTIALITY  # an empty cell takes the import's choice: see _confidentiality
        and (spec.kind in _AS_READ or (spec.kind is fields.Kind.CODE and spec.default))
    )


_TEXTS = (fields.Kind.LINE, fields.Kind.TEXT)


def _stored(plan: _Plan, table: str, row: Row, record: fields.Record, *, skip: frozenset[str]) -> dict[str, Any]:
    """The row's values for the fields stored as they are read: text, yes or no, and codes with a default."""
    cells = row.values
    values = {}
    for spec in _stored_fields(record, skip):
        if spec.kind in _TEXTS:  # most of them: read here, as `_read` reads them, without two calls per cell
            text = cells.get(spec.name, "").strip()
            values[spec.name] = text[: spec.max_length] if spec.max_length else text
        else:
            values[spec.name] = _read(plan, table, row, spec)
    return values


def _boolean(plan: _Plan, table: str, row: Row, column: str, *, default: bool) -> bool:
    text = row.get(column).lower()
    if not text:
        return default
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    plan.problem(table, row, column, _("“%(value)s” is not yes or no.") % {"value": row.get(column)})
    return default


def _date(plan: _Plan, table: str, row: Row, column: str) -> FuzzyDate | None:
    text = row.get(column)
    if not text:
        return None
    found = plan.dates.get(text)
    if found is not None:
        return found
    try:
        found = plan.dates[text] = FuzzyDate.parse(text)
        return found
    except FuzzyDateError:
        plan.problem(
            table, row, column, _("“%(value)s” is not a date: write YYYY, YYYY-MM or YYYY-MM-DD.") % {"value": text}
        )
        return None


def _confidentiality(plan: _Plan, table: str, row: Row) -> dict[str, str]:
    """The row's own confidentiality, when it gives one (otherwise the import's default applies to new rows)."""
    level = row.get("confidentiality").lower()
    if not level:
        return {}
    if level not in Confidentiality.values:
        plan.problem(
            table, row, "confidentiality", _("Confidentiality must be public, partners, organisation or restricted.")
        )
        return {}
    return {"confidentiality": level}


_CITATION_COLUMNS: dict[str, tuple[str, ...]] = {}


def _citation_columns(prefix: str) -> tuple[str, ...]:
    """The columns `_citation_fields` reads, with their prefix."""
    if prefix not in _CITATION_COLUMNS:
        names = ("title", "author", "date", "url", *fields.PASSAGE)
        _CITATION_COLUMNS[prefix] = tuple(prefix + name for name in names)
    return _CITATION_COLUMNS[prefix]


def _citation_fields(plan: _Plan, table: str, row: Row, prefix: str) -> Mapping[str, Any] | None:
    def text(name: str) -> str:
        return row.get(prefix + name)[: fields.SOURCE[name].max_length]

    if row.values.keys().isdisjoint(_citation_columns(prefix)):
        return None  # no cell of a citation: most rows
    title = text("title")
    others = [row.get(f"{prefix}{name}") for name in ("author", "date", "url", *fields.PASSAGE)]
    if not title:
        if any(others):
            plan.problem(table, row, f"{prefix}title", _("A cited source needs a title."))
        return None
    # The link is kept whole: it identifies the source with its title.
    url = row.get(f"{prefix}url")
    longest = fields.SOURCE["url"].max_length or 0
    if url and not url.lower().startswith(("http://", "https://")):
        plan.problem(table, row, f"{prefix}url", _("A link must start with http:// or https://."))
    elif len(url) > longest:
        # Cut, the link would lead elsewhere; and the database refuses a longer one.
        plan.problem(
            table,
            row,
            f"{prefix}url",
            _("The link is %(length)s characters long; a link may have at most %(most)s.")
            % {"length": grouped(len(url)), "most": grouped(longest)},
        )
    if (title, url) in plan.hidden_sources:
        plan.problem(
            table,
            row,
            f"{prefix}title",
            _("A source with this title and link is already recorded; give the new source another title or its link."),
        )
        return None
    return _Values.of(
        {
            "title": title,
            "author": text("author"),
            "published": _date(plan, table, row, f"{prefix}date"),
            "url": url,
            **{name: text(name) for name in fields.PASSAGE},
        }
    )


def _plan_actors(plan: _Plan, country: str, tables: Tables, existing: dict[str, Actor]) -> None:
    file_references = {row.get("reference") for row in tables.actors}
    for row in tables.actors:
        reference = row.get("reference")
        if reference in plan.actor_rows:
            plan.problem(
                "actors",
                row,
                "reference",
                _("“%(reference)s” is used again; it first appears on row %(row)s.")
                % {"reference": reference, "row": plan.actor_rows[reference]},
            )
            continue
        kind = row.get("kind")
        confidence = row.get("confidence").lower() or "medium"
        facts = ActorFacts(
            article_fr=row.get("article_fr").lower() or "unknown",
            country=country,
            reference=reference,
            kind=kind,
            name_en=row.get("name_en"),
            name_fr=row.get("name_fr"),
            confidence=confidence,
        )
        faults = check_actor(facts)
        for problem in faults:
            plan.problem("actors", row, problem.field, problem.message)
        plan.actor_rows[reference] = row.number
        values = _stored(plan, "actors", row, fields.ACTOR, skip=frozenset({"reference"}))
        access = _confidentiality(plan, "actors", row)
        citation = _citation_fields(plan, "actors", row, "source_")
        parent = row.get("parent")
        if parent and parent not in existing and parent not in file_references:
            plan.problem(
                "actors", row, "parent", _("No actor has the reference “%(reference)s”.") % {"reference": parent}
            )
            parent = ""
        if any(problem.field in ("kind", "reference") for problem in faults):
            if reference:
                plan.failed_actors[reference] = _where("actors", row, "")[:2]
            continue
        for name, other in (("name_en", "name_fr"), ("name_fr", "name_en")):
            values[name] = (row.get(name) or row.get(other))[: fields.ACTOR[name].max_length]
        plan.actors[reference] = _Values.of(
            {
                "kind": kind,
                "family": taxonomy.KIND_BY_CODE[kind].family,
                **values,
                **access,
            }
        )
        if parent:
            plan.parents[reference] = parent
        if citation:
            plan.citations.append(("actor", reference, citation))
    _check_parent_loops(plan, tables, existing)


def _check_parent_loops(plan: _Plan, tables: Tables, existing: dict[str, Actor]) -> None:
    by_id = {actor.pk: reference for reference, actor in existing.items()}
    parent_of = {
        reference: by_id[actor.parent_id]
        for reference, actor in existing.items()
        if actor.parent_id is not None and actor.parent_id in by_id
    }
    parent_of.update(plan.parents)
    rows = {row.get("reference"): row for row in tables.actors}
    for reference in plan.parents:
        seen = {reference}
        current = parent_of.get(reference)
        while current is not None:
            if current in seen:
                plan.problem(
                    "actors",
                    rows[reference],
                    "parent",
                    _("This parent makes a loop: the actor would be its own ancestor."),
                )
                break
            seen.add(current)
            current = parent_of.get(current)


def _relationship_key(from_reference: str, type: str, to_reference: str, start: FuzzyDate | None) -> RelationshipKey:
    return (from_reference, type, to_reference, start.first_day if start else None)


def _plan_relationships(
    plan: _Plan, country: str, tables: Tables, existing: dict[str, Actor], *, consume: bool = False
) -> None:
    """Check the relationships' rows; with `consume`, drop each row from the tables once checked (the import's own
    tables), so that the rows and the plan made from them are not all held at once."""
    seen = plan.relationship_rows
    for row in _taken(tables.relationships) if consume else tables.relationships:
        ends = {}
        for column in ("from", "to"):
            reference = row.get(column)
            if reference in plan.actors:
                ends[column] = plan.actors[reference]["family"]
            elif reference in existing:
                ends[column] = existing[reference].family
            elif reference in plan.failed_actors:
                _not_imported(
                    plan,
                    "relationships",
                    row,
                    column,
                    plan.failed_actors[reference],
                    reference,
                )
            else:
                plan.problem(
                    "relationships",
                    row,
                    column,
                    _("No actor has the reference “%(reference)s”.") % {"reference": reference},
                )
        start = _date(plan, "relationships", row, "start")
        end = _date(plan, "relationships", row, "end")
        ongoing = _boolean(plan, "relationships", row, "ongoing", default=end is None)
        values = _stored(plan, "relationships", row, fields.RELATIONSHIP, skip=frozenset({"ongoing"}))
        access = _confidentiality(plan, "relationships", row)
        citation = _citation_fields(plan, "relationships", row, "source_")
        key = _relationship_key(row.get("from"), row.get("type"), row.get("to"), start)
        if len(ends) < 2:
            plan.failed_relationships.setdefault(key, _where("relationships", row, "")[:2])
            continue
        facts = RelationshipFacts(
            type=row.get("type"),
            source_reference=row.get("from"),
            target_reference=row.get("to"),
            source_country=country,
            target_country=country,
            source_family=ends["from"],
            target_family=ends["to"],
            start=start,
            end=end,
            ongoing=ongoing,
            strength=values["strength"],
            confidence=values["confidence"],
        )
        for problem in check_relationship(facts):
            column = {"target": "to", "source": "from"}.get(problem.field, problem.field)
            plan.problem("relationships", row, column, problem.message)
        if key in seen:
            plan.problem(
                "relationships",
                row,
                "from",
                _("The same relationship (from, type, to, start) already appears on row %(row)s.") % {"row": seen[key]},
            )
            continue
        seen[key] = row.number
        plan.relationships[key] = _Values.of(
            {
                **values,
                "start_date": start.first_day if start else None,
                "start_precision": start.precision if start else DAY,
                "end_date": end.first_day if end else None,
                "end_precision": end.precision if end else DAY,
                "ongoing": ongoing,
                **access,
            }
        )
        if citation:
            plan.citations.append(("relationship", key, citation))


def _taken(rows: list[Row]) -> Iterator[Row]:
    """The rows in order, each removed from the list as it is given."""
    rows.reverse()
    while rows:
        yield rows.pop()


def _plan_citations(
    plan: _Plan, tables: Tables, existing: dict[str, Actor], existing_relationships: set[RelationshipKey]
) -> None:
    for row in tables.citations:
        record = row.get("record").lower()
        citation = _citation_fields(plan, "citations", row, "")
        if record == "actor":
            reference = row.get("actor")
            if reference in plan.failed_actors:
                # A citation read from the failed record itself adds nothing to that record's problems.
                if row.place is None:
                    _not_imported(
                        plan,
                        "citations",
                        row,
                        "actor",
                        plan.failed_actors[reference],
                        reference,
                    )
            elif reference not in plan.actors and reference not in existing:
                plan.problem(
                    "citations",
                    row,
                    "actor",
                    _("No actor has the reference “%(reference)s”.") % {"reference": reference},
                )
            elif citation:
                plan.citations.append(("actor", reference, citation))
        elif record == "relationship":
            start = _date(plan, "citations", row, "start")
            key = _relationship_key(row.get("from"), row.get("type"), row.get("to"), start)
            if key in plan.failed_relationships:
                if row.place is None:
                    _not_imported(plan, "citations", row, "from", plan.failed_relationships[key], "")
            elif key not in plan.relationships and key not in existing_relationships:
                plan.problem("citations", row, "from", _("No relationship matches these from, type, to and start."))
            elif citation:
                plan.citations.append(("relationship", key, citation))
        else:
            plan.problem("citations", row, "record", _("The record must be “actor” or “relationship”."))


_GETTERS: dict[tuple[str, ...], Callable[[Any], tuple[Any, ...]]] = {}


def _changed(record: Any, values: Mapping[str, Any]) -> bool:
    """Whether any of the values differs from the record's: one comparison of two tuples for a planned row."""
    if not isinstance(values, _Values):
        return any(getattr(record, name) != value for name, value in values.items())
    names = values.names
    getter = _GETTERS.get(names)
    if getter is None:
        take = operator.attrgetter(*names)
        getter = _GETTERS.setdefault(names, take if len(names) > 1 else lambda record: (take(record),))
    return getter(record) != values.in_order


# What the import never reads of the records it loads: the audit's snapshots leave these out, and a change sets
# the last two itself. Left unread, 50,000 records load without converting 100,000 timestamps.
_UNREAD = ("created_at", "updated_at", "created_by", "updated_by")


_STORED: dict[type, _StoredRows] = {}


def _stored_rows(model: type[Actor] | type[Relationship]) -> _StoredRows:
    if model not in _STORED:
        _STORED[model] = _StoredRows(model)
    return _STORED[model]


def _existing(user: User | None, country: str) -> _Existing:
    stored_actors = _stored_rows(Actor)
    actors = {
        actor.reference: actor
        for actor in stored_actors.of(Actor.objects.filter(country=country).values_list(*stored_actors.names))
    }
    hidden: set[str] = set()
    relationships = Relationship.objects.filter(country=country)
    hidden_sources: frozenset[tuple[str, str]] = frozenset()
    if user is not None:
        seen_ids = set(actors_visible(user=user).filter(country=country).values_list("id", flat=True))
        hidden = {reference for reference, actor in actors.items() if actor.pk not in seen_ids}
        # A relationship the user may not see is absent for this import: a row with its key creates the
        # user's own, exactly as a row matching nothing would, and a citation cannot reach it.
        relationships = relationships_visible(user=user).filter(country=country)
        hidden_sources = frozenset(
            Source.objects.filter(country=country)
            .exclude(pk__in=sources_visible(user=user).filter(country=country).values("pk"))
            .values_list("title", "url")
        )
    stored_relationships = _stored_rows(Relationship)
    reference_of = {actor.pk: reference for reference, actor in actors.items()}
    by_key = {
        (
            reference_of[relationship.source_id],
            relationship.type,
            reference_of[relationship.target_id],
            relationship.start_date,
        ): relationship
        for relationship in stored_relationships.of(relationships.values_list(*stored_relationships.names))
    }
    return _Existing(country=country, actors=actors, hidden=hidden, relationships=by_key, hidden_sources=hidden_sources)


def _plan(user: User | None, country: str, tables: Tables, existing: _Existing, *, consume: bool = False) -> _Plan:
    """Check every row and every change it makes, writing nothing: the plan holds every problem found. With
    `consume`, the relationships' rows are dropped from `tables` as they are checked."""
    plan = _Plan(limit=settings.EGIDE_IMPORT_MAX_PROBLEMS, hidden_sources=existing.hidden_sources)
    # What reading found (a document's unknown or missing keys) comes first, and silences the later checks of the
    # same cells.
    for problem in tables.problems:
        plan.add(problem)
        plan.settled.add((problem.table, problem.row, problem.column))
    for name, columns in fields.TABLES.items():
        required = [spec.name for spec in columns if spec.required]
        multiline = {spec.name for spec in columns if spec.multiline}
        for row in tables.table(name):
            for column in required:
                if not row.get(column):
                    plan.problem(name, row, column, _("A value is required here."))
                    plan.settled.add(_where(name, row, column))
            # The same text rule as forms and the API.
            for wrong in check_texts(row.values, multiline=multiline):
                plan.problem(name, row, wrong.field, wrong.message)
    # What the user may not see is treated as absent, so that an import cannot reveal or attach to it.
    reachable = existing.reachable
    _plan_actors(plan, country, tables, reachable)
    for row in tables.actors:
        if row.get("reference") in existing.hidden:
            plan.problem(
                "actors", row, "reference", _("This reference is already used by another actor of this country.")
            )
    _plan_relationships(plan, country, tables, reachable, consume=consume)
    _plan_citations(plan, tables, reachable, set(existing.relationships))
    # What the rows change, and whether the user may change it: checked even when other rows have problems, so
    # that one pass tells all.
    _plan_changes(plan, user, existing)
    return plan


def _plan_changes(plan: _Plan, user: User | None, existing: _Existing) -> None:
    """Which existing records the rows change, and refuse each change the user may not make."""
    hidden_ids = {existing.actors[reference].pk for reference in existing.hidden}
    for reference, values in plan.actors.items():
        actor = existing.actors.get(reference)
        if actor is not None and _changed(actor, values):
            plan.changed_actors.append(reference)
    for reference in plan.actors:
        actor = existing.actors.get(reference)
        parent = plan.parents.get(reference)
        if actor is None:
            if parent is not None:
                plan.reparented[reference] = parent
            continue
        if parent is None:
            # The user's file cannot name a parent it cannot see (an export leaves it out): an empty cell keeps
            # the link, as if the parent were absent, rather than cutting it.
            if actor.parent_id is not None and actor.parent_id not in hidden_ids:
                plan.reparented[reference] = None
        elif parent not in existing.actors or existing.actors[parent].pk != actor.parent_id:
            plan.reparented[reference] = parent
    for key, planned in plan.relationships.items():
        relationship = existing.relationships.get(key)
        if relationship is not None and _changed(relationship, planned):
            plan.changed_relationships.append(key)
    cited_actors, cited_relationships = _plan_new_citations(plan, existing)

    # One query per kind of record for the right to change all of them, rather than one per row.
    references = {*plan.changed_actors, *plan.reparented, *cited_actors}
    existing.instances(
        [existing.actors[reference] for reference in references if reference in existing.actors],
        [existing.relationships[key] for key in {*plan.changed_relationships, *cited_relationships}],
    )
    actors = list(existing.actor_instances.values())
    relationships = list(existing.relationship_instances.values())
    if user is None:
        editable = {actor.pk for actor in actors} | {("r", item.pk) for item in relationships}
    else:
        editable = editable_ids(user=user, records=actors)
        editable |= {("r", pk) for pk in editable_ids(user=user, records=relationships)}

    for reference in list(plan.changed_actors):
        actor = existing.actor(reference)
        if actor.pk not in editable:
            plan.add(_not_yours("actors", plan.actor_rows[reference]))
            plan.changed_actors.remove(reference)
        elif _access_refused(user, actor, plan.actors[reference]):
            plan.add(_not_the_owner("actors", plan.actor_rows[reference]))
            plan.changed_actors.remove(reference)
    for reference in list(plan.reparented):
        actor_or_none = existing.actors.get(reference)
        if actor_or_none is not None and actor_or_none.pk not in editable:
            problem = _not_yours("actors", plan.actor_rows[reference])
            if problem not in plan.problems:
                plan.add(problem)
    for relationship_key in list(plan.changed_relationships):
        relationship = existing.relationship(relationship_key)
        if ("r", relationship.pk) not in editable:
            plan.add(_not_yours("relationships", plan.relationship_rows[relationship_key]))
        elif _access_refused(user, relationship, plan.relationships[relationship_key]):
            plan.add(_not_the_owner("relationships", plan.relationship_rows[relationship_key]))
    for record, cited, _citation in plan.new_citations:
        if record == "actor" and isinstance(cited, str) and cited in existing.actors:
            refused = existing.actors[cited].pk not in editable
            row = plan.actor_rows.get(cited, 0)
        elif record == "relationship" and isinstance(cited, tuple) and cited in existing.relationships:
            refused = ("r", existing.relationships[cited].pk) not in editable
            row = plan.relationship_rows.get(cited, 0)
        else:
            continue
        if refused:
            plan.add(_not_yours("actors" if record == "actor" else "relationships", row))


def _plan_new_citations(plan: _Plan, existing: _Existing) -> tuple[set[str], set[RelationshipKey]]:
    """Keep the citations that are not recorded yet (once each); return the existing records they cite."""
    if not plan.citations:
        return set(), set()
    country_sources = {
        (title, url): pk
        for pk, title, url in Source.objects.filter(country=existing.country).values_list("pk", "title", "url")
    }
    recorded: set[tuple[int, int | None, int | None, str]] = set(
        Citation.objects.filter(source__country=existing.country).values_list(
            "source_id", "actor_id", "relationship_id", "locator"
        )
    )
    seen: set[tuple[tuple[str, str], str, RelationshipKey | str, str]] = set()
    actors: set[str] = set()
    relationships: set[RelationshipKey] = set()
    for record, key, citation in plan.citations:
        identity = (citation["title"], citation["url"])
        if (identity, record, key, citation["locator"]) in seen:
            continue
        seen.add((identity, record, key, citation["locator"]))
        actor = existing.actors.get(key) if record == "actor" and isinstance(key, str) else None
        relationship = existing.relationships.get(key) if isinstance(key, tuple) else None
        source_id = country_sources.get(identity)
        if source_id is not None and (actor is not None or relationship is not None):
            stored = (
                source_id,
                actor.pk if actor else None,
                relationship.pk if relationship else None,
                citation["locator"],
            )
            if stored in recorded:
                continue
        plan.new_citations.append((record, key, citation))
        if actor is not None:
            actors.add(key)  # type: ignore[arg-type]
        if relationship is not None:
            relationships.add(key)  # type: ignore[arg-type]
    return actors, relationships


@transaction.atomic
def country_map_import(
    *,
    user: User | None,
    country: str,
    tables: Tables,
    owner: Organisation | None = None,
    confidentiality: str = Confidentiality.PARTNERS,
) -> ImportReport:
    """Check every row of every table, then write them all, or raise ImportRejected and write nothing.

    New records belong to `owner` with the given confidentiality unless a row gives its own; existing records
    keep their owner and may only be changed by those allowed to edit them. The command line (user None)
    acts as the platform.
    """
    return _import_tables(
        user=user, country=country, tables=tables, owner=owner, confidentiality=confidentiality, consume=False
    )


def _import_tables(
    *,
    user: User | None,
    country: str,
    tables: Tables,
    owner: Organisation | None,
    confidentiality: str,
    consume: bool,
) -> ImportReport:
    """`country_map_import`; with `consume`, the tables are the import's own, and their rows are dropped as they
    are checked (see `_plan`)."""
    _check_creator(user=user, owner=owner, country=country)
    if tables.country and tables.country != country:
        names = countries()
        raise FileRefused(
            _(
                "The document is the map of %(document)s (its “country” is %(code)s), not of %(country)s: import it "
                "into the map of %(document)s, or change its “country”."
            )
            % {
                "document": names[tables.country].label if tables.country in names else tables.country,
                "code": tables.country,
                "country": names[country].label if country in names else country,
            }
        )
    existing = _existing(user, country)
    plan = _plan(user, country, tables, existing, consume=consume)
    plan.raise_if_any()
    return _apply(plan, existing, user=user, country=country, owner=owner, confidentiality=confidentiality)


def _check_creator(*, user: User | None, owner: Organisation | None, country: str) -> None:
    """Refuse an import by a user who may not create records for `owner` in the country."""
    if user is not None and not can_create(user=user, owner=owner, country=country):
        raise PermissionDenied(_("You may not import records for this organisation in this country."))


class _Cited(NamedTuple):
    """A record that a new citation cites, as its audit entry names it."""

    pk: int
    name: str
    owner_id: int | None


class _Columns:
    """A model's columns as `insert_rows` writes them (every concrete field but the id), with their defaults."""

    def __init__(self, model: type[Actor | Relationship | Source | Citation]) -> None:
        self.model = model
        written = [field for field in model._meta.concrete_fields if not field.primary_key]
        self.names = tuple(field.attname for field in written)
        self.defaults = {field.attname: field.get_default() for field in written}
        self._take = operator.itemgetter(*self.names)
        self._snapshots = RowSnapshots(model, ("id", *self.names))

    def row(self, values: dict[str, Any]) -> tuple[Any, ...]:
        """The row of a record with `values`, the others at their defaults."""
        row: tuple[Any, ...] = self._take(self.defaults | values)
        return row

    def snapshot(self, pk: int, row: tuple[Any, ...]) -> dict[str, Any]:
        """What `snapshot` gives for the record written from `row` with id `pk`."""
        return self._snapshots((pk, *row))


class _Names:
    """The names the audit log gives records (`str(record)` in the platform's default language), from their
    values: the import writes records without instances."""

    def __init__(self) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            self.french = active_language() == "fr"
            self.types = {code: str(kind.label) for code, kind in taxonomy.RELATIONSHIP_TYPE_BY_CODE.items()}
        self.actors: dict[int, str] = {}
        """Each actor's name by id, the import's and the country's."""

    def actor(self, name_en: str, name_fr: str) -> str:
        return name_fr if self.french and name_fr else name_en

    def relationship(self, source_id: int, type: str, target_id: int) -> str:
        return f"{self.actors[source_id]} {self.types[type]} {self.actors[target_id]}"


class _Writing:
    """What every record an import creates shares, and its rows and audit entries."""

    def __init__(self, *, country: str, author: Any, owner: Organisation | None, confidentiality: str) -> None:
        self.country = country
        now = timezone.now()
        self.common = {
            "country": country,
            "created_by_id": author.pk if author is not None else None,
            "updated_by_id": author.pk if author is not None else None,
            "created_at": now,
            "updated_at": now,
            "owner_id": owner.pk if owner is not None else None,
            "confidentiality": str(confidentiality),
        }
        self.owner_id = owner.pk if owner is not None else None
        self.actors = _Columns(Actor)
        self.relationships = _Columns(Relationship)
        self.sources = _Columns(Source)
        self.citations = _Columns(Citation)
        self.names = _Names()

    def actor(self, reference: str, values: _Values, parent_id: int | None = None) -> tuple[Any, ...]:
        return self.actors.row({**self.common, "reference": reference, "parent_id": parent_id, **values.as_dict()})

    def relationship(self, key: RelationshipKey, values: _Values, ids: dict[str, int]) -> tuple[Any, ...]:
        ends = {"source_id": ids[key[0]], "type": key[1], "target_id": ids[key[2]]}
        return self.relationships.row({**self.common, **ends, **values.as_dict()})

    def created(self, pk: int, row: tuple[Any, ...], columns: _Columns, name: str) -> AuditRow:
        return (pk, name, self.country, self.owner_id, None, columns.snapshot(pk, row))


def _apply(
    plan: _Plan,
    existing: _Existing,
    *,
    user: User | None,
    country: str,
    owner: Organisation | None,
    confidentiality: str,
) -> ImportReport:
    """Write a plan that passed every check, with its audit entries: the whole of the import's writing, ending
    once the last record and its audit entry are written.

    New records are written as rows (`insert_rows`), without a model instance each, in statements as large as the
    database allows, from generators, so that no batch outlives its statement; their audit entries likewise
    (`audit_rows_bulk`): the same events as the services write. Changed records go through the ORM's bulk update.
    """
    author = _author(user)
    report = ImportReport()
    writing = _Writing(country=country, author=author, owner=owner, confidentiality=confidentiality)
    names = writing.names
    # Snapshots of existing records before this import changes them, for the audit log.
    actors_before: dict[int, dict[str, Any]] = {}
    fresh = [reference for reference in plan.actors if reference not in existing.actors]
    ids = {reference: actor.pk for reference, actor in existing.actors.items()}
    # The new actors' parents, by id once every new actor has one: on PostgreSQL the ids are taken first and each
    # actor is written with its parent (a parent may come later in the file); on SQLite, set once all are written.
    reserved = new_ids(Actor, len(fresh))
    if reserved is not None:
        ids.update(zip(fresh, reserved, strict=True))
        new_parents = _new_parents(plan, existing, ids)
        insert_rows(
            Actor,
            ("id", *writing.actors.names),
            (
                (ids[reference], *writing.actor(reference, plan.actors[reference], new_parents.get(reference)))
                for reference in fresh
            ),
            ids=False,
        )
    else:
        made = insert_rows(
            Actor, writing.actors.names, (writing.actor(reference, plan.actors[reference]) for reference in fresh)
        )
        ids.update(zip(fresh, made, strict=True))
        del made
        new_parents = _new_parents(plan, existing, ids)
        _set_parents((parent_id, ids[reference]) for reference, parent_id in new_parents.items())
    changed_actors = [(existing.actor(reference), plan.actors[reference]) for reference in plan.changed_actors]
    actors_before.update(_write(Actor, changed_actors, author))
    report.actors_created = len(fresh)
    report.actors_updated = len(changed_actors)
    report.actors_unchanged = len(plan.actors) - len(fresh) - len(changed_actors)

    for reference, parent in plan.reparented.items():
        if reference not in existing.actors:
            continue
        actor = existing.actor(reference)
        actors_before.setdefault(actor.pk, snapshot(actor))
        if reference not in plan.changed_actors:
            report.actors_updated += 1
            report.actors_unchanged -= 1
        actor.parent_id = ids[parent] if isinstance(parent, str) else None
    _set_parents(
        (existing.actor(reference).parent_id, existing.actor(reference).pk)
        for reference in plan.reparented
        if reference in existing.actors
    )
    for stored in existing.actors.values():
        named: Stored = existing.actor_instances.get(stored.pk, stored)  # a changed actor by its new name
        names.actors[named.pk] = names.actor(named.name_en, named.name_fr)
    for reference in fresh:
        values = plan.actors[reference]
        names.actors[ids[reference]] = names.actor(values["name_en"], values["name_fr"])
    audit_rows_bulk(
        user=user,
        action=Action.CREATE,
        model=Actor,
        rows=(
            writing.created(
                ids[reference],
                writing.actor(reference, plan.actors[reference], new_parents.get(reference)),
                writing.actors,
                names.actors[ids[reference]],
            )
            for reference in fresh
        ),
    )

    # The new relationships, written and audited a batch at a time: only those that a citation of the file names
    # are remembered afterwards.
    cited = {key for record, key, _citation in plan.new_citations if record == "relationship"}
    relationships: dict[RelationshipKey, _Cited] = {}
    for key in cited:
        if key in existing.relationships:
            record = existing.relationships[key]
            name = names.relationship(record.source_id, record.type, record.target_id)
            relationships[key] = _Cited(record.pk, name, record.owner_id)
    # Each new relationship's planned values are dropped once it is written: a large import's plan is not held
    # beside the rows and audit entries made from it.
    planned = len(plan.relationships)
    plan.relationship_rows.clear()
    new_relationships = [key for key in plan.relationships if key not in existing.relationships]
    for keys in itertools.batched(new_relationships, WRITTEN):
        batch = [(key, plan.relationships.pop(key)) for key in keys]
        rows = [writing.relationship(key, values, ids) for key, values in batch]
        made = insert_rows(Relationship, writing.relationships.names, rows)
        batch_names = [names.relationship(ids[key[0]], key[1], ids[key[2]]) for key, _values in batch]
        audit_rows_bulk(
            user=user,
            action=Action.CREATE,
            model=Relationship,
            rows=(
                writing.created(pk, row, writing.relationships, name)
                for pk, row, name in zip(made, rows, batch_names, strict=True)
            ),
        )
        for pk, (key, _values), name in zip(made, batch, batch_names, strict=True):
            if key in cited:
                relationships[key] = _Cited(pk, name, writing.owner_id)
        report.relationships_created += len(made)
    changed_relationships = [existing.relationship(key) for key in plan.changed_relationships]
    relationships_before = _write(
        Relationship,
        [(existing.relationship(key), plan.relationships[key]) for key in plan.changed_relationships],
        author,
    )
    report.relationships_updated = len(changed_relationships)
    report.relationships_unchanged = planned - report.relationships_created - len(changed_relationships)

    # Each record changed here gets one "update" event below, and so one more version: a form opened before the
    # import is then refused instead of writing over it.
    _bump_versions(Actor, list(actors_before))
    _bump_versions(Relationship, [relationship.pk for relationship in changed_relationships])
    changed: list[tuple[Actor | Relationship, dict[str, Any]]] = [
        (existing.actor_instances[actor.pk], actors_before[actor.pk])
        for actor in existing.actors.values()
        if actor.pk in actors_before
    ]
    changed += [(relationship, relationships_before[relationship.pk]) for relationship in changed_relationships]
    audit_records_bulk(
        user=user, action=Action.UPDATE, items=((record, before, snapshot(record)) for record, before in changed)
    )
    actors: dict[str, _Cited] = {}
    for kind, key, _citation in plan.new_citations:
        if kind == "actor" and isinstance(key, str) and key not in actors:
            stored_actor = existing.actors.get(key)
            owner_id = stored_actor.owner_id if stored_actor is not None else writing.owner_id
            actors[key] = _Cited(ids[key], names.actors[ids[key]], owner_id)
    _write_citations(plan, writing, actors, relationships, report, user=user)
    if report.changed:
        map_changed(country=country)  # bulk writes send no signals: one new map version, in the import's transaction
    return report


def _new_parents(plan: _Plan, existing: _Existing, ids: Mapping[str, int]) -> dict[str, int | None]:
    """The parent of each new actor that has one, by id."""
    return {
        reference: ids[parent] if isinstance(parent, str) else None
        for reference, parent in plan.reparented.items()
        if reference not in existing.actors
    }


def _set_parents(pairs: Iterable[tuple[int | None, int]]) -> None:
    """Set each actor's parent, given as (parent id, actor id): on PostgreSQL one statement per batch, from two
    arrays; on SQLite one prepared statement run for every pair."""
    table = connection.ops.quote_name(Actor._meta.db_table)
    with connection.cursor() as cursor:
        for batch in itertools.batched(pairs, BATCH * 10):
            if connection.vendor == "postgresql":
                parents, actors = zip(*batch, strict=True)
                cursor.execute(
                    f"UPDATE {table} SET parent_id = given.parent FROM unnest(%s::bigint[], %s::bigint[]) "
                    f"AS given (parent, actor) WHERE {table}.id = given.actor",
                    [list(parents), list(actors)],
                )
            else:
                cursor.executemany(f"UPDATE {table} SET parent_id = %s WHERE id = %s", batch)


def _write[R: (Actor, Relationship)](
    model: type[R], changed: Sequence[tuple[R, Mapping[str, Any]]], author: Any
) -> dict[int, dict[str, Any]]:
    """Set the planned values of the changed records, in batches; return each changed record's snapshot from
    before, by id, for the audit log."""
    before: dict[int, dict[str, Any]] = {}
    now = datetime.datetime.now(datetime.UTC)
    names = {"updated_by", "updated_at"}
    for record, values in changed:
        before[record.pk] = snapshot(record)
        for name, value in values.items():
            setattr(record, name, value)
        names.update(values)
        record.updated_by = author
        record.updated_at = now
    if changed:
        model.objects.bulk_update([record for record, _values in changed], sorted(names), batch_size=BATCH)
    return before


def _bump_versions(model: type[Actor] | type[Relationship], ids: list[int]) -> None:
    for batch in batched(ids):
        model.objects.filter(pk__in=batch).update(version=F("version") + 1)


def _not_yours(table: str, row: int) -> ImportProblem:
    return ImportProblem(table, row, "reference", _("This record belongs to an organisation you may not edit for."))


def _access_refused(user: User | None, record: Actor | Relationship, values: Mapping[str, Any]) -> bool:
    """A row may change who may read a record only for the owner's editors, as on the record's page."""
    level = values.get("confidentiality", record.confidentiality)
    return user is not None and level != record.confidentiality and not can_manage(user=user, record=record)


def _not_the_owner(table: str, row: int) -> ImportProblem:
    return ImportProblem(
        table,
        row,
        "confidentiality",
        _("Only the owner organisation's editors may change who may read this record."),
    )


def _write_citations(
    plan: _Plan,
    writing: _Writing,
    actors: dict[str, _Cited],
    relationships: dict[RelationshipKey, _Cited],
    report: ImportReport,
    *,
    user: User | None,
) -> None:
    if not plan.new_citations:
        return
    country = writing.country
    sources = {
        (title, url): pk for pk, title, url in Source.objects.filter(country=country).values_list("pk", "title", "url")
    }
    new_sources: dict[tuple[str, str], tuple[Any, ...]] = {}
    for _record, _key, citation in plan.new_citations:
        identity = (citation["title"], citation["url"])
        if identity not in sources and identity not in new_sources:
            published: FuzzyDate | None = citation["published"]
            values = {
                **writing.common,
                "title": citation["title"],
                "author": citation["author"],
                "url": citation["url"],
                "published_on": published.first_day if published else None,
                "published_precision": published.precision if published else DAY,
            }
            new_sources[identity] = writing.sources.row(values)
    made = insert_rows(Source, writing.sources.names, new_sources.values())
    sources.update(zip(new_sources, made, strict=True))
    audit_rows_bulk(
        user=user,
        action=Action.CREATE,
        model=Source,
        rows=(
            writing.created(pk, row, writing.sources, identity[0])
            for pk, (identity, row) in zip(made, new_sources.items(), strict=True)
        ),
    )
    report.sources_created = len(new_sources)

    # The citations, written and audited a batch at a time.
    for batch in itertools.batched(plan.new_citations, WRITTEN):
        actor_events: list[AuditRow] = []
        relationship_events: list[AuditRow] = []
        rows = []
        for record, key, citation in batch:
            actor = actors[key] if record == "actor" and isinstance(key, str) else None
            relationship = relationships[key] if record == "relationship" and isinstance(key, tuple) else None
            cited = actor or relationship
            if cited is not None:
                event = {"source": citation["title"], "locator": citation["locator"]}
                events = actor_events if actor is not None else relationship_events
                events.append((cited.pk, cited.name, country, cited.owner_id, None, event))
            values = {
                "source_id": sources[(citation["title"], citation["url"])],
                "actor_id": actor.pk if actor else None,
                "relationship_id": relationship.pk if relationship else None,
                **{name: citation[name] for name in fields.PASSAGE},
            }
            rows.append(writing.citations.row(values))
        insert_rows(Citation, writing.citations.names, rows, ids=False)
        report.citations_created += len(rows)
        audit_rows_bulk(user=user, action=Action.CITE, model=Actor, rows=actor_events)
        audit_rows_bulk(user=user, action=Action.CITE, model=Relationship, rows=relationship_events)


@audited_import
def map_file_import(
    *,
    user: User | None,
    country: str,
    filename: str,
    data: bytes,
    owner: Organisation | None = None,
    confidentiality: str = Confidentiality.PARTNERS,
    on_stage: Callable[[str], None] | None = None,
    mapping: ColumnMapping | None = None,
) -> ImportReport:
    """Read a file and import it: the one path of the import page, the background worker and the command line.

    Raises TableError for a file that cannot be read (or passes a cap), ImportRejected for rows with problems,
    PermissionDenied for an owner the user may not create records for; nothing is written in any of these cases.
    on_stage, when given, hears "reading" and then "importing", for a progress display. `mapping` says what the
    spreadsheet's headers that name no column stand for (TableError's UnknownColumns names those it does not).
    """
    from egide.actors.documents import read_map_file

    if on_stage is not None:
        on_stage("reading")
    # The same file found unchanged before, in the same map, by a user who sees and may change the same records:
    # the answer is known (see import_memo), and only the right to import for the owner is checked again.
    key = import_memo.memo_key(user=user, country=country, filename=filename, data=data, mapping=mapping)
    known = import_memo.recalled(key)
    if known is not None:
        if on_stage is not None:
            on_stage("importing")
        _check_creator(user=user, owner=owner, country=country)
        return ImportReport(**known)
    tables = read_map_file(data, filename=filename, mapping=mapping)
    if on_stage is not None:
        on_stage("importing")
    with transaction.atomic():
        report = _import_tables(
            user=user, country=country, tables=tables, owner=owner, confidentiality=confidentiality, consume=True
        )
        if report.changed:
            # The map now holds every row as the file gives it: the same file imported again changes nothing.
            key = import_memo.primed_key(user=user, country=country, filename=filename, data=data, mapping=mapping)
    import_memo.remember(key, dataclasses.asdict(report.again() if report.changed else report))
    return report
