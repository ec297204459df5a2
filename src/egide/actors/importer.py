"""Importing a country's map from tables: every row is checked first, and nothing is written unless all pass.

Actors are matched by their reference in the country, relationships by (from, type, to, start), sources by
(title, link): importing the same file twice changes nothing the second time.
"""

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from egide.accounts.models import Confidentiality, Organisation
from egide.accounts.selectors import can_create, can_edit, can_manage
from egide.actors.models import Actor, Citation, Relationship, Source
from egide.actors.rules import ActorFacts, RelationshipFacts, check_actor, check_relationship, check_texts
from egide.actors.selectors import actors_visible, relationships_visible, sources_visible
from egide.actors.tabular import Row, Tables
from egide.audit.models import Action
from egide.audit.services import audit_records_bulk, snapshot
from egide.core import taxonomy
from egide.core.fuzzy_dates import DAY, FuzzyDate, FuzzyDateError
from egide.core.users import AnyUser as User
from egide.core.users import author as _author
from egide.imports.transfers import audited_import

TRUE_WORDS = {"true", "yes", "y", "1", "oui", "vrai", "x"}
FALSE_WORDS = {"false", "no", "n", "0", "non", "faux"}
BATCH = 500

RelationshipKey = tuple[str, str, str, datetime.date | None]


@dataclass(frozen=True, slots=True)
class ImportProblem:
    table: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"{self.table}, row {self.row}, {self.column}: {self.message}"


@dataclass(slots=True)
class ImportReport:
    actors_created: int = 0
    actors_updated: int = 0
    actors_unchanged: int = 0
    relationships_created: int = 0
    relationships_updated: int = 0
    relationships_unchanged: int = 0
    sources_created: int = 0
    citations_created: int = 0

    @property
    def changed(self) -> bool:
        return any(
            (
                self.actors_created,
                self.actors_updated,
                self.relationships_created,
                self.relationships_updated,
                self.sources_created,
                self.citations_created,
            )
        )


class ImportRejected(Exception):
    """The file has problems; none of it was written.

    `problems` holds the first ones found (at most EGIDE_IMPORT_MAX_PROBLEMS), `total` counts them all, so that a
    file with millions of faults is reported in a page of bounded size.
    """

    def __init__(self, problems: list[ImportProblem], total: int | None = None) -> None:
        self.total = len(problems) if total is None else total
        super().__init__(f"{self.total} problem(s); nothing was imported")
        self.problems = problems

    @property
    def shown(self) -> int:
        return len(self.problems)


@dataclass(slots=True)
class _Plan:
    limit: int = 1_000
    total: int = 0
    problems: list[ImportProblem] = field(default_factory=list)
    actors: dict[str, dict[str, Any]] = field(default_factory=dict)
    actor_rows: dict[str, int] = field(default_factory=dict)
    parents: dict[str, str] = field(default_factory=dict)
    relationships: dict[RelationshipKey, dict[str, Any]] = field(default_factory=dict)
    relationship_rows: dict[RelationshipKey, int] = field(default_factory=dict)
    citations: list[tuple[str, RelationshipKey | str, dict[str, Any]]] = field(default_factory=list)
    # The (title, link) of the country's sources the importer may not see: citing one would show its author, date
    # and document, so such a row is refused as the citation form refuses it.
    hidden_sources: frozenset[tuple[str, str]] = frozenset()

    def problem(self, table: str, row: Row, column: str, message: str) -> None:
        self.add(ImportProblem(table, row.number, column, message))

    def add(self, problem: ImportProblem) -> None:
        """Count every problem; keep the first `limit` of them for the report."""
        self.total += 1
        if len(self.problems) < self.limit:
            self.problems.append(problem)

    def rejected(self) -> ImportRejected:
        return ImportRejected(sorted(self.problems, key=lambda problem: (problem.table, problem.row)), self.total)


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
    try:
        return FuzzyDate.parse(text)
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


def _citation_fields(plan: _Plan, table: str, row: Row, prefix: str) -> dict[str, Any] | None:
    title = row.get(f"{prefix}title")
    others = [row.get(f"{prefix}{name}") for name in ("author", "date", "url", "locator")]
    if not title:
        if any(others):
            plan.problem(table, row, f"{prefix}title", _("A cited source needs a title."))
        return None
    url = row.get(f"{prefix}url")
    if url and not url.lower().startswith(("http://", "https://")):
        plan.problem(table, row, f"{prefix}url", _("A link must start with http:// or https://."))
    if (title[:500], url) in plan.hidden_sources:
        plan.problem(
            table,
            row,
            f"{prefix}title",
            _("A source with this title and link is already recorded; give the new source another title or its link."),
        )
        return None
    return {
        "title": title[:500],
        "author": row.get(f"{prefix}author")[:300],
        "published": _date(plan, table, row, f"{prefix}date"),
        "url": url,
        "locator": row.get(f"{prefix}locator")[:500],
    }


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
            country=country,
            reference=reference,
            kind=kind,
            name_en=row.get("name_en"),
            name_fr=row.get("name_fr"),
            confidence=confidence,
        )
        for problem in check_actor(facts):
            plan.problem("actors", row, problem.field, problem.message)
        plan.actor_rows[reference] = row.number
        if kind not in taxonomy.KIND_BY_CODE:
            continue
        plan.actors[reference] = {
            "kind": kind,
            "family": taxonomy.KIND_BY_CODE[kind].family,
            "name_en": (row.get("name_en") or row.get("name_fr"))[:300],
            "name_fr": (row.get("name_fr") or row.get("name_en"))[:300],
            "acronym_en": row.get("acronym_en")[:32],
            "acronym_fr": row.get("acronym_fr")[:32],
            "statutory": _boolean(plan, "actors", row, "statutory", default=True),
            "legitimacy_disputed": _boolean(plan, "actors", row, "legitimacy_disputed", default=False),
            "mandate_text": row.get("mandate_text"),
            "mandate_reference": row.get("mandate_reference")[:500],
            "confidence": confidence,
            "notes": row.get("notes"),
            **_confidentiality(plan, "actors", row),
        }
        parent = row.get("parent")
        if parent:
            if parent not in existing and parent not in file_references:
                plan.problem(
                    "actors", row, "parent", _("No actor has the reference “%(reference)s”.") % {"reference": parent}
                )
            else:
                plan.parents[reference] = parent
        citation = _citation_fields(plan, "actors", row, "source_")
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


def _plan_relationships(plan: _Plan, country: str, tables: Tables, existing: dict[str, Actor]) -> None:
    seen: dict[RelationshipKey, int] = {}
    for row in tables.relationships:
        ends = {}
        for column in ("from", "to"):
            reference = row.get(column)
            if reference in plan.actors:
                ends[column] = plan.actors[reference]["family"]
            elif reference in existing:
                ends[column] = existing[reference].family
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
        strength = row.get("strength").lower() or "moderate"
        confidence = row.get("confidence").lower() or "medium"
        if len(ends) < 2:
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
            strength=strength,
            confidence=confidence,
        )
        for problem in check_relationship(facts):
            column = {"target": "to", "source": "from"}.get(problem.field, problem.field)
            plan.problem("relationships", row, column, problem.message)
        key = _relationship_key(row.get("from"), row.get("type"), row.get("to"), start)
        if key in seen:
            plan.problem(
                "relationships",
                row,
                "from",
                _("The same relationship (from, type, to, start) already appears on row %(row)s.") % {"row": seen[key]},
            )
            continue
        seen[key] = row.number
        plan.relationship_rows[key] = row.number
        plan.relationships[key] = {
            "legal_basis": row.get("legal_basis")[:500],
            "start_date": start.first_day if start else None,
            "start_precision": start.precision if start else DAY,
            "end_date": end.first_day if end else None,
            "end_precision": end.precision if end else DAY,
            "ongoing": ongoing,
            "strength": strength,
            "confidence": confidence,
            "notes": row.get("notes"),
            **_confidentiality(plan, "relationships", row),
        }
        citation = _citation_fields(plan, "relationships", row, "source_")
        if citation:
            plan.citations.append(("relationship", key, citation))


def _plan_citations(
    plan: _Plan, tables: Tables, existing: dict[str, Actor], existing_relationships: set[RelationshipKey]
) -> None:
    for row in tables.citations:
        record = row.get("record").lower()
        citation = _citation_fields(plan, "citations", row, "")
        if record == "actor":
            reference = row.get("actor")
            if reference not in plan.actors and reference not in existing:
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
            if key not in plan.relationships and key not in existing_relationships:
                plan.problem("citations", row, "from", _("No relationship matches these from, type, to and start."))
            elif citation:
                plan.citations.append(("relationship", key, citation))
        else:
            plan.problem("citations", row, "record", _("The record must be “actor” or “relationship”."))


def _changed(instance: Any, values: dict[str, Any]) -> bool:
    return any(getattr(instance, name) != value for name, value in values.items())


def _batched(items: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


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
    if user is not None and not can_create(user=user, owner=owner, country=country):
        raise PermissionDenied(_("You may not import records for this organisation in this country."))
    author = _author(user)
    existing = {actor.reference: actor for actor in Actor.objects.filter(country=country)}
    hidden: set[str] = set()
    relationships = Relationship.objects.filter(country=country)
    if user is not None:
        seen_ids = set(actors_visible(user=user).filter(country=country).values_list("id", flat=True))
        hidden = {reference for reference, actor in existing.items() if actor.pk not in seen_ids}
        # A relationship the user may not see is absent for this import: a row with its key creates the
        # user's own, exactly as a row matching nothing would, and a citation cannot reach it.
        relationships = relationships_visible(user=user).filter(country=country)
    existing_relationships: dict[RelationshipKey, Relationship] = {}
    reference_of = {actor.pk: reference for reference, actor in existing.items()}
    for relationship in relationships:
        key = (
            reference_of[relationship.source_id],
            relationship.type,
            reference_of[relationship.target_id],
            relationship.start_date,
        )
        existing_relationships[key] = relationship

    hidden_sources: frozenset[tuple[str, str]] = frozenset()
    if user is not None:
        hidden_sources = frozenset(
            Source.objects.filter(country=country)
            .exclude(pk__in=sources_visible(user=user).filter(country=country).values("pk"))
            .values_list("title", "url")
        )
    plan = _Plan(limit=settings.EGIDE_IMPORT_MAX_PROBLEMS, hidden_sources=hidden_sources)
    for name in ("actors", "relationships", "citations"):  # the same text rule as forms and the API
        for row in tables.table(name):
            for wrong in check_texts(row.values):
                plan.problem(name, row, wrong.field, wrong.message)
    # What the user may not see is treated as absent, so that an import cannot reveal or attach to it.
    reachable = {reference: actor for reference, actor in existing.items() if reference not in hidden}
    _plan_actors(plan, country, tables, reachable)
    for row in tables.actors:
        if row.get("reference") in hidden:
            plan.problem(
                "actors", row, "reference", _("This reference is already used by another actor of this country.")
            )
    _plan_relationships(plan, country, tables, reachable)
    _plan_citations(plan, tables, reachable, set(existing_relationships))
    if plan.total:
        raise plan.rejected()

    report = ImportReport()
    # Snapshots of existing records before this import changes them, for the audit log.
    actors_before: dict[int, dict[str, Any]] = {}
    relationships_before: dict[int, dict[str, Any]] = {}
    new_actors, changed_actors = [], []
    for reference, values in plan.actors.items():
        actor = existing.get(reference)
        if actor is None:
            actor = Actor(
                country=country,
                reference=reference,
                created_by=author,
                updated_by=author,
                owner=owner,
                **({"confidentiality": confidentiality} | values),
            )
            new_actors.append(actor)
        elif _changed(actor, values):
            if user is not None and not can_edit(user=user, record=actor):
                plan.add(_not_yours("actors", plan.actor_rows[reference]))
                continue
            if _access_refused(user, actor, values):
                plan.add(_not_the_owner("actors", plan.actor_rows[reference]))
                continue
            actors_before[actor.pk] = snapshot(actor)
            for name, value in values.items():
                setattr(actor, name, value)
            actor.updated_by = author
            changed_actors.append(actor)
    for batch in _batched(new_actors):
        Actor.objects.bulk_create(batch)
    actor_fields = sorted({name for values in plan.actors.values() for name in values} | {"updated_by", "updated_at"})
    now = datetime.datetime.now(datetime.UTC)
    for actor in changed_actors:
        actor.updated_at = now
    if changed_actors:
        Actor.objects.bulk_update(changed_actors, actor_fields, batch_size=BATCH)
    report.actors_created = len(new_actors)
    report.actors_updated = len(changed_actors)
    report.actors_unchanged = len(plan.actors) - len(new_actors) - len(changed_actors)

    by_reference = {**existing, **{actor.reference: actor for actor in new_actors}}
    hidden_ids = {existing[reference].pk for reference in hidden}
    reparented = []
    for reference in plan.actors:
        actor = by_reference[reference]
        parent = plan.parents.get(reference)
        parent_id = by_reference[parent].pk if parent else None
        if parent is None and actor.parent_id in hidden_ids:
            # The user's file cannot name a parent it cannot see (an export leaves it out): an empty cell keeps
            # the link, as if the parent were absent, rather than cutting it.
            parent_id = actor.parent_id
        if actor.parent_id != parent_id:
            if reference in existing and user is not None and not can_edit(user=user, record=actor):
                problem = _not_yours("actors", plan.actor_rows[reference])
                if problem not in plan.problems:
                    plan.add(problem)
                continue
            if reference in existing:
                actors_before.setdefault(actor.pk, snapshot(actor))
            actor.parent_id = parent_id
            reparented.append(actor)
            if reference in existing and actor not in changed_actors:
                report.actors_updated += 1
                report.actors_unchanged -= 1
    if reparented:
        Actor.objects.bulk_update(reparented, ["parent"], batch_size=BATCH)

    new_relationships: list[Relationship] = []
    changed_relationships: list[Relationship] = []
    for key, values in plan.relationships.items():
        from_reference, type, to_reference, _start = key
        existing_relationship = existing_relationships.get(key)
        if existing_relationship is None:
            relationship = Relationship(
                country=country,
                source=by_reference[from_reference],
                target=by_reference[to_reference],
                type=type,
                created_by=author,
                updated_by=author,
                owner=owner,
                **({"confidentiality": confidentiality} | values),
            )
            new_relationships.append(relationship)
            existing_relationships[key] = relationship
        elif _changed(existing_relationship, values):
            if user is not None and not can_edit(user=user, record=existing_relationship):
                plan.add(_not_yours("relationships", plan.relationship_rows[key]))
                continue
            if _access_refused(user, existing_relationship, values):
                plan.add(_not_the_owner("relationships", plan.relationship_rows[key]))
                continue
            relationships_before[existing_relationship.pk] = snapshot(existing_relationship)
            for name, value in values.items():
                setattr(existing_relationship, name, value)
            existing_relationship.updated_by = author
            existing_relationship.updated_at = now
            changed_relationships.append(existing_relationship)
    for batch in _batched(new_relationships):
        Relationship.objects.bulk_create(batch)
    if changed_relationships:
        fields = sorted(
            {name for values in plan.relationships.values() for name in values} | {"updated_by", "updated_at"}
        )
        Relationship.objects.bulk_update(changed_relationships, fields, batch_size=BATCH)
    report.relationships_created = len(new_relationships)
    report.relationships_updated = len(changed_relationships)
    report.relationships_unchanged = len(plan.relationships) - len(new_relationships) - len(changed_relationships)

    # Each record changed here gets one "update" event below, and so one more version: a form opened before the
    # import is then refused instead of writing over it.
    _bump_versions(Actor, list(actors_before))
    _bump_versions(Relationship, [relationship.pk for relationship in changed_relationships])
    _audit_import(
        user,
        created=[*new_actors, *new_relationships],
        changed=[(actor, actors_before[actor.pk]) for actor in by_reference.values() if actor.pk in actors_before]
        + [(relationship, relationships_before[relationship.pk]) for relationship in changed_relationships],
    )
    _write_citations(plan, country, author, by_reference, existing_relationships, report, user=user, owner=owner)
    if plan.total:
        # Raising inside the transaction undoes what was written above.
        raise plan.rejected()
    return report


def _bump_versions(model: type[Actor] | type[Relationship], ids: list[int]) -> None:
    for start in range(0, len(ids), BATCH):
        model.objects.filter(pk__in=ids[start : start + BATCH]).update(version=F("version") + 1)


def _audit_import(
    user: User | None,
    *,
    created: list[Actor | Relationship],
    changed: list[tuple[Actor | Relationship, dict[str, Any]]],
) -> None:
    audit_records_bulk(user=user, action=Action.CREATE, items=[(record, None, snapshot(record)) for record in created])
    audit_records_bulk(
        user=user, action=Action.UPDATE, items=[(record, before, snapshot(record)) for record, before in changed]
    )


def _not_yours(table: str, row: int) -> ImportProblem:
    return ImportProblem(table, row, "reference", _("This record belongs to an organisation you may not edit for."))


def _access_refused(user: User | None, record: Actor | Relationship, values: dict[str, Any]) -> bool:
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
    country: str,
    author: Any,
    by_reference: dict[str, Actor],
    relationships: dict[RelationshipKey, Relationship],
    report: ImportReport,
    *,
    user: User | None,
    owner: Organisation | None,
) -> None:
    if not plan.citations:
        return
    sources = {(source.title, source.url): source for source in Source.objects.filter(country=country)}
    new_sources = []
    for _record, _key, citation in plan.citations:
        identity = (citation["title"], citation["url"])
        if identity not in sources:
            published: FuzzyDate | None = citation["published"]
            source = Source(
                country=country,
                title=citation["title"],
                author=citation["author"],
                url=citation["url"],
                published_on=published.first_day if published else None,
                published_precision=published.precision if published else DAY,
                created_by=author,
                updated_by=author,
                owner=owner,
            )
            sources[identity] = source
            new_sources.append(source)
    for batch in _batched(new_sources):
        Source.objects.bulk_create(batch)
    audit_records_bulk(
        user=user, action=Action.CREATE, items=[(source, None, snapshot(source)) for source in new_sources]
    )
    report.sources_created = len(new_sources)

    existing: set[tuple[int, int | None, int | None, str]] = set(
        Citation.objects.filter(source__country=country).values_list(
            "source_id", "actor_id", "relationship_id", "locator"
        )
    )
    cite_events: list[tuple[Actor | Relationship, None, dict[str, str]]] = []
    new_citations = []
    for record, key, citation in plan.citations:
        source = sources[(citation["title"], citation["url"])]
        actor = by_reference[key] if record == "actor" and isinstance(key, str) else None
        relationship = relationships[key] if record == "relationship" and isinstance(key, tuple) else None
        citation_identity = (
            source.pk,
            actor.pk if actor else None,
            relationship.pk if relationship else None,
            citation["locator"],
        )
        if citation_identity in existing:
            continue
        cited: Actor | Relationship | None = actor or relationship
        if user is not None and cited is not None and not can_edit(user=user, record=cited):
            table = "actors" if actor else "relationships"
            row = plan.actor_rows.get(key, 0) if isinstance(key, str) else plan.relationship_rows.get(key, 0)
            plan.add(_not_yours(table, row))
            continue
        existing.add(citation_identity)
        if cited is not None:
            cite_events.append((cited, None, {"source": source.title, "locator": citation["locator"]}))
        new_citations.append(
            Citation(source=source, actor=actor, relationship=relationship, locator=citation["locator"])
        )
    for batch in _batched(new_citations):
        Citation.objects.bulk_create(batch)
    report.citations_created = len(new_citations)
    audit_records_bulk(user=user, action=Action.CITE, items=list(cite_events))


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
) -> ImportReport:
    """Read a file and import it: the one path of the import page, the background worker and the command line.

    Raises TableError for a file that cannot be read (or passes a cap), ImportRejected for rows with problems,
    PermissionDenied for an owner the user may not create records for; nothing is written in any of these cases.
    on_stage, when given, hears "reading" and then "importing", for a progress display.
    """
    from egide.actors.documents import read_map_file

    if on_stage is not None:
        on_stage("reading")
    tables = read_map_file(data, filename=filename)
    if on_stage is not None:
        on_stage("importing")
    return country_map_import(user=user, country=country, tables=tables, owner=owner, confidentiality=confidentiality)
