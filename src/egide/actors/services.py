"""Every write to the security system map. Each service validates, then writes atomically."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from egide.accounts.models import Confidentiality, Organisation
from egide.accounts.selectors import can_create, can_edit, can_manage
from egide.actors import fields
from egide.actors.data import ActorData, CitationData, RecordData, RelationshipData, SourceCitation
from egide.actors.models import Actor, Citation, Relationship, Source
from egide.actors.rules import ActorFacts, Problem, RelationshipFacts, check_actor, check_relationship, check_texts
from egide.actors.selectors import sources_visible
from egide.audit.models import Action
from egide.audit.services import audit_record, snapshot
from egide.core import taxonomy
from egide.core.fuzzy_dates import DAY, FuzzyDate, FuzzyDateError
from egide.core.users import Caller, author

User = Caller


def _require_create(user: User, owner: Organisation | None, country: str) -> None:
    """An editing role for the owner in the country (the platform, user None, may do anything)."""
    if not can_create(user=user, owner=owner, country=country):
        raise PermissionDenied(_("You may not create records for this organisation in this country."))


def _require_edit(user: User, record: Actor | Relationship) -> None:
    if not can_edit(user=user, record=record):
        raise PermissionDenied(_("You may not change this record."))


def _require_manage_for_access(
    user: User, record: Actor | Relationship, owner: Organisation | None, confidentiality: str
) -> None:
    """Who owns a record and who may read it are for the owner's editors; a share's editing right is not enough."""
    if (owner.pk if owner else None) == record.owner_id and confidentiality == record.confidentiality:
        return
    if not can_manage(user=user, record=record):
        raise PermissionDenied(
            _("Only the owner organisation's editors may change the owner or who may read this record.")
        )


def _check_confidentiality(level: str) -> list[Problem]:
    if level in Confidentiality.values:
        return []
    return [Problem("confidentiality", _("Confidentiality must be public, partners, organisation or restricted."))]


def _raise(problems: list[Problem]) -> None:
    if problems:
        errors: dict[str, list[str]] = {}
        for problem in problems:
            errors.setdefault(problem.field, []).append(problem.message)
        raise ValidationError(errors)


_author = author


class StaleRecord(Exception):
    """The record was saved by someone else after the version the caller started from; nothing was written.

    `record` is the record as it is now (its `version` tells how far it moved), `expected` the version the caller
    had.
    """

    def __init__(self, record: Actor | Relationship, expected: int) -> None:
        super().__init__(f"{type(record).__name__} {record.pk} is at version {record.version}, not {expected}")
        self.record = record
        self.expected = expected


def actor_lock(*, actor: Actor) -> Actor:
    """The actor as it is now, locked until the end of the caller's transaction, so that nobody changes it between
    this read and the caller's write. Raises Actor.DoesNotExist when it was deleted meanwhile."""
    # Only the actor's own row: locking its parent or owner too would make unrelated edits wait on each other.
    return Actor.objects.select_for_update(of=("self",)).select_related("owner", "parent").get(pk=actor.pk)


def relationship_lock(*, relationship: Relationship) -> Relationship:
    """The relationship as it is now, locked like `actor_lock`."""
    return (
        Relationship.objects.select_for_update(of=("self",))
        .select_related("owner", "source", "target")
        .get(pk=relationship.pk)
    )


def _check_version(record: Actor | Relationship, expected: int | None) -> None:
    # Compared under the row lock (PostgreSQL) or the write lock that immediate transactions take (SQLite): two
    # writers from the same version cannot both pass.
    if expected is not None and record.version != expected:
        raise StaleRecord(record, expected)


def _refresh[R: (Actor, Relationship)](stale: R, current: R) -> None:
    """Bring the caller's instance up to date with the record as written, without another query."""
    for field in type(current)._meta.concrete_fields:
        setattr(stale, field.attname, getattr(current, field.attname))
    stale._state.fields_cache = dict(current._state.fields_cache)


def _require_change(
    user: User | None, current: Actor | Relationship, expected_version: int | None, data: ActorData | RelationshipData
) -> None:
    """What a change of a record needs: the right to edit it, no save since the version the caller started from,
    and, to change who owns it or who may read it, the owner's editors (and an editing role for a new owner)."""
    _require_edit(user, current)
    _check_version(current, expected_version)
    _require_manage_for_access(user, current, data.owner, data.confidentiality)
    if data.owner != current.owner:
        _require_create(user, data.owner, current.country)


def _save_new[R: (Actor, Relationship)](user: User | None, record: R, citation: SourceCitation | None) -> R:
    """Write a checked new record, log its creation, and cite the source given with it."""
    record.save()
    audit_record(user=user, action=Action.CREATE, instance=record, before=None, after=snapshot(record))
    source_cite(user=user, record=record, citation=citation)
    return record


def _save_change[R: (Actor, Relationship)](
    user: User | None, record: R, current: R, apply: Callable[[], None], citation: SourceCitation | None
) -> R:
    """Apply a checked change to the locked `current` record and write it only when it changes something, one
    version up and logged; then bring the caller's `record` up to date and cite the source given with it."""
    before = snapshot(current)
    apply()
    after = snapshot(current)
    if after != before:
        current.version += 1
        current.updated_by = _author(user)
        current.save()
        audit_record(user=user, action=Action.UPDATE, instance=current, before=before, after=after)
    _refresh(record, current)
    source_cite(user=user, record=record, citation=citation)
    return record


def _ancestry(actor: Actor | None) -> tuple[str, ...]:
    references: list[str] = []
    seen: set[int] = set()
    while actor is not None and actor.pk is not None and actor.pk not in seen:
        seen.add(actor.pk)
        references.append(actor.reference)
        actor = actor.parent
    return tuple(references)


def actor_reference_suggest(*, country: str, data: ActorData) -> str:
    """A readable reference, unique in the country, from the acronym or the name."""
    base = slugify(data.acronym_en or data.acronym_fr or data.name_en or data.name_fr).upper()[:56] or "ACTOR"
    taken = set(Actor.objects.filter(country=country, reference__startswith=base).values_list("reference", flat=True))
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


ACTOR_TEXTS = tuple(name for name in fields.ACTOR.texts if name != "reference")
RELATIONSHIP_TEXTS = fields.RELATIONSHIP.texts


def _check_actor(*, country: str, data: ActorData, actor: Actor | None) -> None:
    problems = check_actor(
        ActorFacts(
            country=country,
            reference=data.reference,
            kind=data.kind,
            name_en=data.name_en,
            name_fr=data.name_fr,
            confidence=data.confidence,
            article_fr=data.article_fr,
            parent_reference=data.parent.reference if data.parent else "",
            parent_country=data.parent.country if data.parent else None,
            parent_ancestry=_ancestry(data.parent),
        )
    )
    problems += _check_confidentiality(data.confidentiality)
    problems += check_texts({name: getattr(data, name) for name in ACTOR_TEXTS}, multiline=fields.ACTOR.multiline)
    duplicate = Actor.objects.filter(country=country, reference=data.reference)
    if actor is not None and actor.pk is not None:
        duplicate = duplicate.exclude(pk=actor.pk)
    if data.reference and duplicate.exists():
        problems.append(
            Problem(
                "reference",
                _("“%(reference)s” is already used by another actor of this country.") % {"reference": data.reference},
            )
        )
    _raise(problems)


def _apply_declared(record: Actor | Relationship, declared: fields.Record, data: RecordData) -> None:
    """Copy the data's declared fields to the record: texts stripped, dates as their first day and precision."""
    for spec in declared.fields:
        value = getattr(data, spec.attribute)
        if spec.kind is fields.Kind.FUZZY_DATE:
            setattr(record, f"{spec.attribute}_date", value.first_day if value else None)
            setattr(record, f"{spec.attribute}_precision", value.precision if value else DAY)
        else:
            setattr(record, spec.attribute, value.strip() if spec.is_text else value)
    record.owner = data.owner


def _apply_actor(actor: Actor, data: ActorData) -> None:
    _apply_declared(actor, fields.ACTOR, data)
    actor.family = taxonomy.KIND_BY_CODE[data.kind].family
    # A name given in one language only stands for both.
    actor.name_en = actor.name_en or actor.name_fr
    actor.name_fr = actor.name_fr or actor.name_en


@transaction.atomic
def actor_create(*, user: User | None, country: str, data: ActorData, citation: SourceCitation | None = None) -> Actor:
    """Create an actor, citing `citation`'s source for it; nothing is written when either is refused."""
    _require_create(user, data.owner, country)
    if not data.reference:
        data.reference = actor_reference_suggest(country=country, data=data)
    _check_actor(country=country, data=data, actor=None)
    actor = Actor(country=country, created_by=_author(user), updated_by=_author(user))
    _apply_actor(actor, data)
    return _save_new(user, actor, citation)


@transaction.atomic
def actor_update(
    *,
    user: User | None,
    actor: Actor,
    data: ActorData,
    expected_version: int | None = None,
    citation: SourceCitation | None = None,
) -> Actor:
    """Change an actor, read again under a lock, and cite `citation`'s source for it; nothing is written when
    either is refused. With `expected_version`, refuse (StaleRecord) when someone saved it since; without, the data
    still applies to the current record, never to a copy read earlier.

    The version goes up by one with each change that is audited, so that the audit log tells what happened
    between two versions; saving unchanged data changes nothing.
    """
    current = actor_lock(actor=actor)
    _require_change(user, current, expected_version, data)
    if not data.reference:
        data.reference = current.reference
    _check_actor(country=current.country, data=data, actor=current)
    return _save_change(user, actor, current, lambda: _apply_actor(current, data), citation)


@transaction.atomic
def actor_delete(*, user: User, actor: Actor, expected_version: int | None = None) -> None:
    """Delete an actor with its relationships and citations; its children lose their parent. With
    `expected_version`, refuse (StaleRecord) when someone saved it since."""
    current = actor_lock(actor=actor)
    _require_edit(user, current)
    _check_version(current, expected_version)
    # The relationships go with the actor: each is logged as deleted too.
    for relationship in Relationship.objects.filter(Q(source=current) | Q(target=current)):
        audit_record(user=user, action=Action.DELETE, instance=relationship, before=snapshot(relationship), after=None)
    audit_record(user=user, action=Action.DELETE, instance=current, before=snapshot(current), after=None)
    current.delete()


def _check_relationship(*, data: RelationshipData) -> None:
    _raise(
        _check_confidentiality(data.confidentiality)
        + check_texts(
            {name: getattr(data, name) for name in RELATIONSHIP_TEXTS}, multiline=fields.RELATIONSHIP.multiline
        )
        + check_relationship(
            RelationshipFacts(
                type=data.type,
                source_reference=data.source.reference if data.source.pk != data.target.pk else "",
                target_reference=data.target.reference if data.source.pk != data.target.pk else "",
                source_country=data.source.country,
                target_country=data.target.country,
                source_family=data.source.family,
                target_family=data.target.family,
                start=data.start,
                end=data.end,
                ongoing=data.ongoing,
                strength=data.strength,
                confidence=data.confidence,
            )
        )
    )


def _apply_relationship(relationship: Relationship, data: RelationshipData) -> None:
    _apply_declared(relationship, fields.RELATIONSHIP, data)
    relationship.country = data.source.country


@transaction.atomic
def relationship_create(
    *, user: User | None, data: RelationshipData, citation: SourceCitation | None = None
) -> Relationship:
    """Create a relationship, citing `citation`'s source for it; nothing is written when either is refused."""
    _require_create(user, data.owner, data.source.country)
    _check_relationship(data=data)
    relationship = Relationship(created_by=_author(user), updated_by=_author(user))
    _apply_relationship(relationship, data)
    return _save_new(user, relationship, citation)


@transaction.atomic
def relationship_update(
    *,
    user: User | None,
    relationship: Relationship,
    data: RelationshipData,
    expected_version: int | None = None,
    citation: SourceCitation | None = None,
) -> Relationship:
    """Change a relationship, read again under a lock, and cite `citation`'s source for it; `expected_version` as
    for `actor_update`."""
    current = relationship_lock(relationship=relationship)
    _require_change(user, current, expected_version, data)
    if data.source.country != current.country:
        raise ValidationError({"source": [_("A relationship stays in its country; create a new one elsewhere.")]})
    _check_relationship(data=data)
    return _save_change(user, relationship, current, lambda: _apply_relationship(current, data), citation)


@transaction.atomic
def relationship_delete(*, user: User, relationship: Relationship, expected_version: int | None = None) -> None:
    current = relationship_lock(relationship=relationship)
    _require_edit(user, current)
    _check_version(current, expected_version)
    audit_record(user=user, action=Action.DELETE, instance=current, before=snapshot(current), after=None)
    current.delete()


def _may_change_source(user: User, source: Source) -> bool:
    """A source belongs to the organisation that recorded it: its editors (and platform staff, and the command
    line) change it; a source nobody recorded is changed by platform staff only."""
    return can_create(user=user, owner=source.owner, country=source.country)


SOURCE_DESCRIPTION = ("title", "author", "published_on", "published_precision", "url", "document")


def source_audit_values(source: Source, *, changed: list[str] | None = None) -> dict[str, object]:
    """What the audit log keeps of a source: all of it, or for a source about a person (whose title or link may
    name them, and which an erasure removes) who recorded it and where, and which parts of its description were
    given (`changed`: which changed), never their values."""
    if not source.about_person:
        return snapshot(source)
    kept: dict[str, object] = {"country": source.country, "owner": source.owner_id, "about_person": True}
    if changed is None:
        return kept | {"described": [name for name in SOURCE_DESCRIPTION if getattr(source, name)]}
    return kept | {"changed": changed}


@transaction.atomic
def source_get_or_create(
    *,
    user: User,
    country: str,
    citation: CitationData,
    document: UploadedFile | None = None,
    owner: Organisation | None = None,
    about_person: bool = False,
) -> Source:
    """The country's source with this title and link, created (or completed) when needed.

    An existing source's document is attached or replaced only by its own organisation's editors, so that nobody
    can swap the document behind someone else's citations; others are refused. Its missing author is completed
    by them too, and silently left as it is for others. Every creation and change is in the audit log.

    A source created `about_person` (evidence about a person, egide.duediligence) stays so: the audit log names it
    by its id and keeps no part of its description (`source_audit_values`).
    """
    title = citation.title.strip()
    if not title:
        raise ValidationError({"source_title": [_("A source needs a title.")]})
    source, created = Source.objects.get_or_create(
        country=country,
        title=title,
        url=citation.url.strip(),
        defaults={
            "author": citation.author.strip(),
            "published_on": citation.published.first_day if citation.published else None,
            "published_precision": citation.published.precision if citation.published else DAY,
            "created_by": _author(user),
            "owner": owner,
            "about_person": about_person,
        },
    )
    if created:
        if document is not None:
            source.document = document
            source.save()
        audit_record(user=user, action=Action.CREATE, instance=source, before=None, after=source_audit_values(source))
        return source
    if user is not None and not sources_visible(user=user).filter(pk=source.pk).exists():
        # Citing it would show its author, date and document to whoever guessed its title and link.
        raise ValidationError(
            {
                "source_title": [
                    _(
                        "A source with this title and link is already recorded; "
                        "give the new source another title or its link."
                    )
                ]
            }
        )
    before = snapshot(source)
    if document is not None:
        if not _may_change_source(user, source):
            raise ValidationError(
                {"source_document": [_("Only the organisation that recorded this source may change its document.")]}
            )
        source.document = document
    elif citation.author.strip() and not source.author and _may_change_source(user, source):
        source.author = citation.author.strip()
    after = snapshot(source)
    if after != before:
        source.updated_by = _author(user)
        source.save()
        changed = [name for name in SOURCE_DESCRIPTION if before.get(name) != after.get(name)]
        audit_record(
            user=user,
            action=Action.UPDATE,
            instance=source,
            before=source_audit_values(source, changed=[]) if source.about_person else before,
            after=source_audit_values(source, changed=changed),
        )
    return source


@transaction.atomic
def citation_add(
    *,
    user: User,
    source: Source,
    actor: Actor | None = None,
    relationship: Relationship | None = None,
    locator: str = "",
    locator_fr: str = "",
) -> Citation:
    if (actor is None) == (relationship is None):
        raise ValidationError(_("A citation backs exactly one actor or one relationship."))
    record = actor or relationship
    assert record is not None
    _require_edit(user, record)
    if source.country != record.country:
        raise ValidationError({"source": [_("The source belongs to another country.")]})
    citation, created = Citation.objects.get_or_create(
        source=source,
        actor=actor,
        relationship=relationship,
        locator=locator.strip(),
        defaults={"locator_fr": locator_fr.strip()},
    )
    if created:
        audit_record(user=user, action=Action.CITE, instance=record, before=None, after=_citation_snapshot(citation))
    return citation


@transaction.atomic
def source_cite(*, user: User | None, record: Actor | Relationship, citation: SourceCitation | None) -> Citation | None:
    """Cite for the record the source a person chose or described with it; None when they chose none.

    A new source is recorded for the record's owner, with its document: see `source_get_or_create` for an existing
    source of the same title and link.
    """
    if citation is None:
        return None
    if citation.recorded is not None and citation.new is not None:
        raise ValidationError(_("Choose a recorded source or describe a new one, not both."))
    source = citation.recorded
    if citation.new is not None:
        source = source_get_or_create(
            user=user, country=record.country, citation=citation.new, document=citation.document, owner=record.owner
        )
    if source is None:
        return None
    actor, relationship = (record, None) if isinstance(record, Actor) else (None, record)
    return citation_add(
        user=user,
        source=source,
        actor=actor,
        relationship=relationship,
        locator=citation.locator,
        locator_fr=citation.locator_fr,
    )


@transaction.atomic
def citation_remove(*, user: User | None, citation: Citation) -> None:
    record = citation.actor or citation.relationship
    assert record is not None
    _require_edit(user, record)
    audit_record(user=user, action=Action.UNCITE, instance=record, before=_citation_snapshot(citation), after=None)
    citation.delete()


def _citation_snapshot(citation: Citation) -> dict[str, str]:
    return {"source": citation.source.title, "locator": citation.locator, "locator_fr": citation.locator_fr}


def fuzzy_or_none(text: str, *, field: str) -> FuzzyDate | None:
    """Parse a date typed by a person, naming the field when it cannot be read."""
    if not text or not text.strip():
        return None
    try:
        return FuzzyDate.parse(text)
    except FuzzyDateError as error:
        raise ValidationError({field: [str(error)]}) from error
