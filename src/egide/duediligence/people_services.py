"""Every write to the records of people: a person, their names, their posts in the map's units, the evidence
behind each fact, and the erasure of a person's whole record. Each service checks, then writes atomically.

What the audit log keeps of a person (it cannot be changed, and outlives an erasure): never a name, a date of
birth, a nationality or notes. Records about a person are logged under their type and id (`audit_name` on the
models); a change of a person's facts records which facts changed, not their values; a name or a post added or
removed records how many the person has; a citation records the source's id and the fact it backs; an erasure
records the reason (refused when it names the person) and how many records went. See docs/due-diligence.md.
"""

import datetime
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import ForeignObjectRel, Q
from django.utils.translation import gettext as _

from egide.accounts.models import Organisation
from egide.accounts.selectors import can_create, can_edit, can_manage, record_shares
from egide.actors.data import CitationData
from egide.actors.models import Actor, Source
from egide.actors.rules import check_texts
from egide.actors.selectors import actors_visible, sources_visible
from egide.actors.services import source_audit_values, source_get_or_create
from egide.audit.models import Action
from egide.audit.services import audit_record
from egide.core import taxonomy
from egide.core.fuzzy_dates import DAY, FuzzyDate
from egide.core.reference import countries
from egide.core.users import Caller, author
from egide.duediligence import names as folding
from egide.duediligence import reasons
from egide.duediligence.access import allowed_levels
from egide.duediligence.models import (
    Alert,
    Evidence,
    NameKind,
    Person,
    PersonFact,
    PersonName,
    Post,
    PostRole,
    Responsibility,
)

NAME_MAX_LENGTH = 300
SCRIPT_MAX_LENGTH = 32
LOCATOR_MAX_LENGTH = 500
TITLE_MAX_LENGTH = 300
REASON_MAX_LENGTH = 1000
PERSONAL_FIELDS = ("nationality", "birth_date", "birth_precision", "notes")
POST_FIELDS = (
    "actor_id",
    "role",
    "title",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "ongoing",
    "confidence",
    "notes",
)


class StalePerson(Exception):
    """The person's record was saved by someone else after the version the caller started from; nothing was
    written. `person` is the record as it is now."""

    def __init__(self, person: Person, expected: int) -> None:
        super().__init__(f"Person {person.pk} is at version {person.version}, not {expected}")
        self.person = person
        self.expected = expected


@dataclass(frozen=True, slots=True)
class PersonData:
    """A person's own facts, as a form or the API gives them."""

    country: str
    owner: Organisation | None
    confidentiality: str
    confidence: str = "medium"
    nationality: str = ""
    birth: FuzzyDate | None = None
    notes: str = ""


@dataclass(frozen=True, slots=True)
class NameData:
    name: str
    kind: str = NameKind.PRIMARY
    script: str = ""


@dataclass(frozen=True, slots=True)
class PostData:
    actor: Actor
    role: str
    title: str = ""
    start: FuzzyDate | None = None
    end: FuzzyDate | None = None
    ongoing: bool = True
    confidence: str = "medium"
    notes: str = ""


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def _check_confidence(errors: dict[str, list[str]], confidence: str) -> None:
    if confidence not in taxonomy.CONFIDENCE_BY_CODE:
        errors.setdefault("confidence", []).append(
            _("Confidence must be one of: %(codes)s.") % {"codes": ", ".join(taxonomy.CONFIDENCE_BY_CODE)}
        )


def _check_person(data: PersonData) -> None:
    errors: dict[str, list[str]] = {}
    if data.country not in countries():
        errors["country"] = [_("“%(code)s” is not a country code.") % {"code": data.country}]
    if data.nationality and data.nationality not in countries():
        errors["nationality"] = [_("“%(code)s” is not a country code.") % {"code": data.nationality}]
    levels = allowed_levels()
    if data.confidentiality not in levels:
        errors["confidentiality"] = [
            _("A person's record may be read by: %(levels)s.") % {"levels": ", ".join(str(level) for level in levels)}
        ]
    _check_confidence(errors, data.confidence)
    if data.birth is not None and data.birth.first_day > datetime.date.today():
        errors["birth"] = [_("The date of birth is in the future.")]
    for problem in check_texts({"notes": data.notes}, multiline={"notes"}):
        errors.setdefault(problem.field, []).append(problem.message)
    _raise(errors)


def _check_name(data: NameData, *, field: str = "name") -> str:
    name = " ".join(data.name.split())
    errors: dict[str, list[str]] = {}
    hidden = folding.invisible_character(data.name)
    if hidden is not None and hidden in folding.JOINERS:
        errors[field] = [
            _(
                "The name holds the invisible character %(code)s (a zero-width joiner or non-joiner) where it joins "
                "no two letters: it is allowed only inside a word, between two letters, as Persian and Indic names "
                "write it; remove it there."
            )
            % {"code": f"U+{ord(hidden):04X}"}
        ]
    elif hidden is not None:
        errors[field] = [
            _(
                "The name holds the invisible character %(code)s (a direction mark or a zero-width character), "
                "which can disguise a name or make one name look like two: remove it."
            )
            % {"code": f"U+{ord(hidden):04X}"}
        ]
    elif not name:
        errors[field] = [_("A name cannot be empty.")]
    elif len(name) > NAME_MAX_LENGTH:
        errors[field] = [_("A name has at most %(count)s characters.") % {"count": NAME_MAX_LENGTH}]
    elif not folding.fold(name):
        errors[field] = [_("“%(name)s” holds no letter or digit.") % {"name": name}]
    if data.kind not in NameKind.values:
        errors["kind"] = [_("The kind of name must be one of: %(kinds)s.") % {"kinds": ", ".join(NameKind.values)}]
    if len(data.script) > SCRIPT_MAX_LENGTH:
        errors["script"] = [_("The script has at most %(count)s characters.") % {"count": SCRIPT_MAX_LENGTH}]
    for problem in check_texts({field: name, "script": data.script}, multiline=()):
        errors.setdefault(problem.field, []).append(problem.message)
    _raise(errors)
    return name


def _require_create(user: Caller, owner: Organisation | None, country: str) -> None:
    if not can_create(user=user, owner=owner, country=country):
        raise PermissionDenied(_("You may not create records for this organisation in this country."))


def _require_edit(user: Caller, person: Person) -> None:
    if not can_edit(user=user, record=person):
        raise PermissionDenied(_("You may not change this person's record."))


def person_lock(*, person: Person) -> Person:
    """The person as they are now, locked until the end of the caller's transaction."""
    return Person.objects.select_for_update(of=("self",)).get(pk=person.pk)


def _check_version(person: Person, expected: int | None) -> None:
    if expected is not None and person.version != expected:
        raise StalePerson(person, expected)


def _record_facts(person: Person) -> dict[str, Any]:
    """What the audit log keeps of a person's record: who owns it, who reads it, where, how sure; no personal
    data."""
    return {
        "country": person.country,
        "owner": person.owner_id,
        "confidentiality": person.confidentiality,
        "confidence": person.confidence,
    }


def _personal_values(person: Person) -> dict[str, Any]:
    return {name: getattr(person, name) for name in PERSONAL_FIELDS}


def _refresh_search_names(person: Person) -> None:
    person.search_names = folding.search_text([name.name for name in person.names.order_by("id")])
    Person.objects.filter(pk=person.pk).update(search_names=person.search_names)


def _apply(person: Person, data: PersonData) -> None:
    person.country = data.country
    person.owner = data.owner
    person.confidentiality = data.confidentiality
    person.confidence = data.confidence
    person.nationality = data.nationality
    person.birth_date = data.birth.first_day if data.birth else None
    person.birth_precision = data.birth.precision if data.birth else DAY
    person.notes = data.notes.strip()


@transaction.atomic
def person_create(*, user: Caller, data: PersonData, names: list[NameData]) -> Person:
    """Record a person with at least one name (the first is the primary name unless one is marked so)."""
    _require_create(user, data.owner, data.country)
    _check_person(data)
    if not names:
        raise ValidationError({"name": [_("A person needs at least one name.")]})
    cleaned = [(_check_name(name), name) for name in names]
    spelled = [name for name, _data in cleaned]
    if len(set(spelled)) != len(spelled):
        raise ValidationError({"name": [_("The same name is given twice.")]})
    person = Person(created_by=author(user), updated_by=author(user))
    _apply(person, data)
    person.save()
    PersonName.objects.bulk_create(
        PersonName(person=person, name=name, kind=given.kind, script=given.script.strip()) for name, given in cleaned
    )
    _refresh_search_names(person)
    filled = sorted(name for name, value in _personal_values(person).items() if value not in (None, "", DAY))
    audit_record(
        user=user,
        action=Action.CREATE,
        instance=person,
        before=None,
        after=_record_facts(person) | {"personal_data": filled, "names": len(cleaned)},
    )
    return person


@transaction.atomic
def person_update(*, user: Caller, person: Person, data: PersonData, expected_version: int | None = None) -> Person:
    """Change a person's own facts (not their names: `name_add`, `name_remove`). With `expected_version`, refuse
    (StalePerson) when someone saved the record since; changing the owner or who may read it is for the owner's
    editors, and moving it to another country needs an editing role there."""
    current = person_lock(person=person)
    _require_edit(user, current)
    _check_version(current, expected_version)
    access_changes = (data.owner.pk if data.owner else None) != current.owner_id or (
        data.confidentiality != current.confidentiality
    )
    if access_changes and not can_manage(user=user, record=current):
        raise PermissionDenied(
            _("Only the owner organisation's editors may change the owner or who may read this record.")
        )
    if data.owner != current.owner or data.country != current.country:
        _require_create(user, data.owner, data.country)
    _check_person(data)
    if data.country != current.country and current.posts.exclude(country=data.country).exists():
        raise ValidationError(
            {"country": [_("The person holds posts in another country's units: remove them before moving the record.")]}
        )
    before_facts, before_personal = _record_facts(current), _personal_values(current)
    _apply(current, data)
    after_facts, after_personal = _record_facts(current), _personal_values(current)
    changed = sorted(name for name in PERSONAL_FIELDS if before_personal[name] != after_personal[name])
    if changed or before_facts != after_facts:
        current.version += 1
        current.updated_by = author(user)
        current.save()
        # A share carries its record's country (the access rule reads a country's shares only).
        record_shares(record=current).update(country=current.country)
        audit_record(
            user=user,
            action=Action.UPDATE,
            instance=current,
            before=before_facts,
            after=after_facts | ({"personal_data": changed} if changed else {}),
        )
    for field in Person._meta.concrete_fields:
        setattr(person, field.attname, getattr(current, field.attname))
    return person


def _names_changed(user: Caller, person: Person, before: int) -> None:
    """A name added or removed is logged on the person as the number of names, never the name."""
    Person.objects.filter(pk=person.pk).update(version=person.version + 1, updated_by=author(user))
    person.version += 1
    audit_record(
        user=user,
        action=Action.UPDATE,
        instance=person,
        before={"names": before},
        after={"names": person.names.count()},
    )


@transaction.atomic
def name_add(*, user: Caller, person: Person, data: NameData) -> PersonName:
    current = person_lock(person=person)
    _require_edit(user, current)
    name = _check_name(data)
    if current.names.filter(name=name).exists():
        raise ValidationError({"name": [_("“%(name)s” is already one of this person's names.") % {"name": name}]})
    count = current.names.count()
    if data.kind == NameKind.PRIMARY:
        # One primary name: the new one takes the place of the former, which stays as another spelling.
        current.names.filter(kind=NameKind.PRIMARY).update(kind=NameKind.SPELLING)
    added = PersonName.objects.create(person=current, name=name, kind=data.kind, script=data.script.strip())
    _refresh_search_names(current)
    _names_changed(user, current, count)
    person.version = current.version
    return added


@transaction.atomic
def name_remove(*, user: Caller, name: PersonName) -> None:
    """Remove one of a person's names; the last one stays (a person is known by at least one name)."""
    current = person_lock(person=name.person)
    _require_edit(user, current)
    count = current.names.count()
    if count <= 1:
        raise ValidationError({"name": [_("A person keeps at least one name: add another before removing this one.")]})
    PersonName.objects.filter(pk=name.pk, person=current).delete()
    _refresh_search_names(current)
    _names_changed(user, current, count)


def _check_post(user: Caller, person: Person, data: PostData) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if not actors_visible(user=user).filter(pk=data.actor.pk).exists():
        errors["actor"] = [_("No such actor.")]
    elif data.actor.country != person.country:
        errors["actor"] = [
            _("The post must be in a unit of %(country)s, the person's country.") % {"country": person.country_name}
        ]
    if data.role not in PostRole.values:
        errors["role"] = [_("The role must be one of: %(roles)s.") % {"roles": ", ".join(PostRole.values)}]
    if len(data.title) > TITLE_MAX_LENGTH:
        errors["title"] = [_("The title has at most %(count)s characters.") % {"count": TITLE_MAX_LENGTH}]
    if data.start and data.end and data.end.last_day < data.start.first_day:
        errors["end"] = [_("The post ends before it starts.")]
    if data.ongoing and data.end is not None:
        errors["ongoing"] = [_("A post that is still held has no end: clear the end date or untick “ongoing”.")]
    _check_confidence(errors, data.confidence)
    for problem in check_texts({"title": data.title, "notes": data.notes}, multiline={"notes"}):
        errors.setdefault(problem.field, []).append(problem.message)
    _raise(errors)
    return {
        "actor": data.actor,
        "country": data.actor.country,
        "role": data.role,
        "title": data.title.strip(),
        "start_date": data.start.first_day if data.start else None,
        "start_precision": data.start.precision if data.start else DAY,
        "end_date": data.end.first_day if data.end else None,
        "end_precision": data.end.precision if data.end else DAY,
        "ongoing": data.ongoing,
        "confidence": data.confidence,
        "notes": data.notes.strip(),
    }


def _posts_changed(user: Caller, person: Person, before: dict[str, Any], after: dict[str, Any]) -> None:
    """A post added, changed or removed is logged on the person: which post, in which unit and role, and which of
    its facts changed; not its dates or notes."""
    Person.objects.filter(pk=person.pk).update(version=person.version + 1, updated_by=author(user))
    person.version += 1
    audit_record(user=user, action=Action.UPDATE, instance=person, before=before, after=after)


def _post_summary(post: Post) -> dict[str, Any]:
    return {"post": post.pk, "actor": post.actor_id, "role": post.role}


@transaction.atomic
def post_create(*, user: Caller, person: Person, data: PostData) -> Post:
    current = person_lock(person=person)
    _require_edit(user, current)
    values = _check_post(user, current, data)
    post = Post.objects.create(person=current, **values)
    _posts_changed(
        user, current, {"posts": current.posts.count() - 1}, {"posts": current.posts.count()} | _post_summary(post)
    )
    person.version = current.version
    return post


@transaction.atomic
def post_update(*, user: Caller, post: Post, data: PostData) -> Post:
    current = person_lock(person=post.person)
    _require_edit(user, current)
    values = _check_post(user, current, data)
    changed = sorted(name for name, value in values.items() if name != "country" and getattr(post, name) != value)
    if changed:
        before = _post_summary(post)
        for name, value in values.items():
            setattr(post, name, value)
        post.save()
        _posts_changed(user, current, before, _post_summary(post) | {"post_facts": changed})
    return post


@transaction.atomic
def post_delete(*, user: Caller, post: Post) -> None:
    current = person_lock(person=post.person)
    _require_edit(user, current)
    count = current.posts.count()
    summary = _post_summary(post)
    post.delete()
    _posts_changed(user, current, {"posts": count} | summary, {"posts": count - 1})


def _evidence_source(
    user: Caller, country: str, owner: Organisation | None, source: Source | None, new_source: CitationData | None
) -> Source:
    if (source is None) == (new_source is None):
        raise ValidationError({"source": [_("Choose a recorded source or describe a new one (one of the two).")]})
    if new_source is not None:
        return source_get_or_create(user=user, country=country, citation=new_source, owner=owner, about_person=True)
    assert source is not None
    if source.country != country or not sources_visible(user=user, country=country).filter(pk=source.pk).exists():
        raise ValidationError({"source": [_("No such source among those of this country you may read.")]})
    return source


@transaction.atomic
def evidence_add(
    *,
    user: Caller,
    person: Person,
    post: Post | None = None,
    fact: str = "",
    source: Source | None = None,
    new_source: CitationData | None = None,
    locator: str = "",
    confidence: str = "medium",
) -> Evidence:
    """Cite a source for one of a person's facts (`fact`, without `post`) or for one of their posts: a source of
    the person's country that the user may read, or a new one described by `new_source`."""
    current = person_lock(person=person)
    _require_edit(user, current)
    errors: dict[str, list[str]] = {}
    if post is not None and post.person_id != current.pk:
        errors["post"] = [_("The post is not this person's.")]
    if post is None and fact not in PersonFact.values:
        errors["fact"] = [_("Say which fact the source backs: %(facts)s.") % {"facts": ", ".join(PersonFact.values)}]
    if len(locator) > LOCATOR_MAX_LENGTH:
        errors["locator"] = [_("The page or passage has at most %(count)s characters.") % {"count": LOCATOR_MAX_LENGTH}]
    _check_confidence(errors, confidence)
    for problem in check_texts({"locator": locator}, multiline=()):
        errors.setdefault(problem.field, []).append(problem.message)
    _raise(errors)
    cited = _evidence_source(user, current.country, current.owner, source, new_source)
    evidence = Evidence.objects.create(
        source=cited,
        person=current if post is None else None,
        fact=fact if post is None else "",
        post=post,
        locator=locator.strip(),
        confidence=confidence,
        created_by=author(user),
    )
    audit_record(
        user=user,
        action=Action.CITE,
        instance=current,
        before=None,
        after={"source": cited.pk, "fact": evidence.fact, "post": post.pk if post else None},
    )
    return evidence


def evidence_person(evidence: Evidence) -> Person:
    """The person a piece of evidence on a person or a post belongs to."""
    if evidence.post_id is not None:
        return evidence.post.person  # type: ignore[union-attr]
    if evidence.person is None:
        raise ValidationError(_("This evidence backs an incident, not a person."))
    return evidence.person


@transaction.atomic
def evidence_remove(*, user: Caller, evidence: Evidence) -> None:
    current = person_lock(person=evidence_person(evidence))
    _require_edit(user, current)
    audit_record(
        user=user,
        action=Action.UNCITE,
        instance=current,
        before={"source": evidence.source_id, "fact": evidence.fact, "post": evidence.post_id},
        after=None,
    )
    evidence.delete()


@transaction.atomic
def person_erase(*, user: Caller, person: Person, reason: str) -> None:
    """Erase a person's whole record, as data-protection law may require: their names, posts, evidence, the
    incidents' links to them and the alerts those raised. The audit log keeps that it happened, who did it and
    why, and how many records went; the reason may not name the person, since the log is never erased."""
    current = person_lock(person=person)
    if not can_manage(user=user, record=current):
        raise PermissionDenied(_("Only the owner organisation's editors may erase a person's record."))
    reason = reason.strip()
    errors: dict[str, list[str]] = {}
    if not reason:
        errors["reason"] = [_("Say why the record is erased (for example the request it answers).")]
    elif len(reason) > REASON_MAX_LENGTH:
        errors["reason"] = [_("The reason has at most %(count)s characters.") % {"count": REASON_MAX_LENGTH}]
    elif reasons.names_in(reason, [name.name for name in current.names.all()]):
        errors["reason"] = [
            _(
                "The reason holds a word of the person's names: the audit log keeps it for ever, "
                "so say why without naming them."
            )
        ]
    elif reasons.birth_in(reason, current.birth_date, current.birth_precision):
        errors["reason"] = [
            _("The reason holds the person's date of birth: the audit log keeps it for ever, so say why without it.")
        ]
    for problem in check_texts({"reason": reason}, multiline={"reason"}):
        errors.setdefault(problem.field, []).append(problem.message)
    _raise(errors)
    posts = Post.objects.filter(person=current)
    responsibilities = Responsibility.objects.filter(person=current)
    evidence = Evidence.objects.filter(Q(person=current) | Q(post__person=current) | Q(responsibility__person=current))
    described = set(evidence.filter(source__about_person=True).values_list("source_id", flat=True))
    counts = {
        "names": current.names.count(),
        "posts": posts.count(),
        "evidence": evidence.count(),
        "responsibilities": responsibilities.count(),
        "alerts": Alert.objects.filter(post__person=current).count()
        + Alert.objects.filter(responsibility__person=current).count(),
    }
    # Explicitly, rather than trusting the cascades alone: what is erased does not depend on how the foreign keys
    # are declared elsewhere.
    Alert.objects.filter(post__person=current).delete()
    Alert.objects.filter(responsibility__person=current).delete()
    Evidence.objects.filter(responsibility__person=current).delete()
    responsibilities.delete()
    Evidence.objects.filter(post__person=current).delete()
    Evidence.objects.filter(person=current).delete()
    counts["sources"] = _erase_sources(user, described - _cited(described))
    posts.delete()
    audit_record(
        user=user,
        action=Action.ERASE,
        instance=current,
        before=_record_facts(current),
        after={"reason": reason, **counts},
    )
    current.names.all().delete()
    record_shares(record=current).delete()
    current.delete()


def _cited(sources: set[int]) -> set[int]:
    """Which of these sources something still cites: evidence, a citation of the map, anything that refers to a
    source (every relation to it is read, so that one added later is not forgotten)."""
    cited: set[int] = set()
    if not sources:
        return cited
    for relation in Source._meta.get_fields(include_hidden=True):
        if isinstance(relation, ForeignObjectRel) and (relation.one_to_many or relation.one_to_one):
            column = relation.field.attname
            referring = relation.related_model._base_manager.filter(**{f"{column}__in": sorted(sources)})
            cited.update(referring.values_list(column, flat=True).distinct())
    return cited


def _erase_sources(user: Caller, sources: set[int]) -> int:
    """Erase the sources described only as evidence about the erased person, each deletion logged by the source's
    id (`Source.audit_name`); a document's file goes once the erasure is committed."""
    erased = list(Source.objects.filter(pk__in=sorted(sources), about_person=True))
    for source in erased:
        audit_record(user=user, action=Action.DELETE, instance=source, before=source_audit_values(source), after=None)
        if source.document.name:
            transaction.on_commit(partial(source.document.storage.delete, source.document.name))
    Source.objects.filter(pk__in=[source.pk for source in erased]).delete()
    return len(erased)
