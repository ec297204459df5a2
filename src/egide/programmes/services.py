"""Every write to programmes. A programme and what it holds (countries, participations, sectors, areas, supported
actors, locations, documents) change in one call, one transaction, one audited version."""

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from egide.accounts import services as account_services
from egide.accounts.models import Confidentiality, Organisation, Share
from egide.accounts.selectors import can_create, can_edit, can_manage
from egide.actors.forms import DOCUMENT_EXTENSIONS
from egide.actors.rules import Problem
from egide.actors.selectors import actors_visible
from egide.audit.models import Action
from egide.audit.services import audit_record, snapshot
from egide.core.users import Caller, author
from egide.programmes import fields
from egide.programmes.codes import DOCUMENT_CATEGORY_BY_CODE, DOCUMENT_LANGUAGE_BY_CODE
from egide.programmes.data import DocumentData, ProgrammeData
from egide.programmes.models import (
    Location,
    Participation,
    Programme,
    ProgrammeArea,
    ProgrammeCountry,
    ProgrammeDocument,
    ProgrammeSector,
    SupportedActor,
)
from egide.programmes.rules import ProgrammeFacts, check_programme, check_texts
from egide.programmes.rules import Share as RuleShare

PROGRAMME_FIELDS = tuple(field.name for field in fields.PROGRAMME.fields)


class StaleProgramme(Exception):
    """The programme was saved by someone else after the version the caller started from; nothing was written."""

    def __init__(self, programme: Programme, expected: int) -> None:
        super().__init__(f"Programme {programme.pk} is at version {programme.version}, not {expected}")
        self.record = programme
        self.expected = expected


def _raise(problems: list[Problem]) -> None:
    if problems:
        errors: dict[str, list[str]] = {}
        for problem in problems:
            errors.setdefault(problem.field, []).append(problem.message)
        raise ValidationError(errors)


def facts_of(data: ProgrammeData) -> ProgrammeFacts:
    """The plain facts the rules read from a programme's data."""
    return ProgrammeFacts(
        country=data.country,
        title_en=data.title_en,
        title_fr=data.title_fr,
        iati_identifier=data.iati_identifier.strip(),
        status=data.status,
        lifecycle_stage=data.lifecycle_stage,
        planned_start=data.planned_start,
        actual_start=data.actual_start,
        planned_end=data.planned_end,
        actual_end=data.actual_end,
        requested_on=data.requested_on,
        default_currency=data.default_currency,
        years_committed=data.years_committed,
        texts={name: getattr(data, name) for name in PROGRAMME_FIELDS if fields.PROGRAMME[name].is_text},
        countries=tuple(RuleShare(share.country, share.percentage) for share in data.countries),
        sectors=tuple(RuleShare(share.code, share.percentage) for share in data.sectors),
        sector_vocabularies=tuple(share.vocabulary for share in data.sectors),
        areas=tuple(data.areas),
        roles=tuple(participation.role for participation in data.participations),
        organisation_types=tuple(participation.organisation_type for participation in data.participations),
        participants_named=tuple(
            participation.organisation is not None or bool(participation.name.strip())
            for participation in data.participations
        ),
        location_coordinates=tuple((location.latitude, location.longitude) for location in data.locations),
        location_countries=tuple(location.country for location in data.locations),
    )


def programme_countries(data: ProgrammeData) -> set[str]:
    """The lead country and the recipient countries: where the actors it supports may be."""
    return {data.country, *(share.country for share in data.countries)}


def _check(user: Caller, data: ProgrammeData, programme: Programme | None) -> None:
    problems = check_programme(facts_of(data))
    if data.confidentiality not in Confidentiality.values:
        problems.append(
            Problem("confidentiality", _("Confidentiality must be public, partners, organisation or restricted."))
        )
    for part in (*data.participations, *data.supports, *data.locations):
        texts = {name: value for name, value in vars_of(part).items() if isinstance(value, str)}
        problems += [Problem(_part_field(part), problem.message) for problem in check_texts(texts, multiline=())]
    identifier = data.iati_identifier.strip()
    if identifier:
        taken = Programme.objects.filter(iati_identifier=identifier)
        if programme is not None:
            taken = taken.exclude(pk=programme.pk)
        if taken.exists():
            problems.append(
                Problem(
                    "iati_identifier",
                    _("“%(identifier)s” is already the identifier of another programme.") % {"identifier": identifier},
                )
            )
    where = programme_countries(data)
    actors = [support.actor for support in data.supports]
    if data.requested_by is not None:
        actors.append(data.requested_by)
    seen = set(actors_visible(user=user).filter(pk__in=[actor.pk for actor in actors]).values_list("pk", flat=True))
    unchanged = set()
    if programme is not None and programme.pk is not None:
        # An actor the editor cannot see, already supported, may stay: removing it is not theirs to decide.
        unchanged = set(programme.supports.values_list("actor_id", flat=True))
        if programme.requested_by_id is not None:
            unchanged.add(programme.requested_by_id)
    for support in data.supports:
        problems += _check_actor(support.actor, seen | unchanged, where, field="supports")
    if data.requested_by is not None:
        problems += _check_actor(data.requested_by, seen | unchanged, where, field="requested_by")
    supported = [support.actor.pk for support in data.supports]
    if len(set(supported)) != len(supported):
        problems.append(Problem("supports", _("An actor is supported twice: give it one line.")))
    _raise(problems)


def _check_actor(actor: Any, allowed: set[int], where: set[str], *, field: str) -> list[Problem]:
    if actor.pk not in allowed:
        return [Problem(field, _("No such actor."))]
    if actor.country not in where:
        return [
            Problem(
                field,
                _("“%(actor)s” is not an actor of the programme's countries.") % {"actor": actor.name},
            )
        ]
    return []


def vars_of(part: Any) -> dict[str, Any]:
    return {name: getattr(part, name) for name in part.__slots__}


def _part_field(part: Any) -> str:
    return {"ParticipationData": "participations", "SupportData": "supports", "LocationData": "locations"}[
        type(part).__name__
    ]


ROLE_KEYS = {
    "1": "funding_partners",
    "2": "accountable_partners",
    "3": "extending_partners",
    "4": "implementing_partners",
}
"""The audit log keeps the participating organisations by role, under keys it names in the reader's language."""


def programme_snapshot(programme: Programme) -> dict[str, Any]:
    """The programme's fields with what it holds, as the audit log keeps them: codes and names, never text in the
    writer's language, so that the history reads in each reader's."""
    values = snapshot(programme)
    values["recipient_countries"] = [_share(row.country, row.percentage) for row in programme.countries.all()]
    for key in ROLE_KEYS.values():
        values[key] = []
    for participation in programme.participations.select_related("organisation"):
        name = participation.organisation.acronym if participation.organisation else participation.name
        values[ROLE_KEYS[participation.role]].append(name)
    values["sector_shares"] = [_share(row.code, row.percentage) for row in programme.sectors.all()]
    values["action_areas"] = [row.area for row in programme.areas.all()]
    # Supported actors by number only: their names may be hidden from some readers of the programme's history.
    values["supported_actor_count"] = programme.supports.count()
    values["places"] = [row.name for row in programme.locations.all()]
    values["document_titles"] = [row.title_en for row in ProgrammeDocument.objects.filter(programme=programme)]
    return values


def _share(code: str, percentage: Decimal | None) -> str:
    return code if percentage is None else f"{code} ({_number(percentage)} %)"


def _apply(programme: Programme, data: ProgrammeData) -> None:
    for name in PROGRAMME_FIELDS:
        value = getattr(data, name)
        setattr(programme, name, value.strip() if isinstance(value, str) and name != "confidentiality" else value)
    programme.title_en = programme.title_en or programme.title_fr
    programme.country = data.country
    programme.owner = data.owner


def _replace[M: Model](
    existing: QuerySet[M], wanted: list[M], key: Callable[[M], tuple[Any, ...]], *, model: type[M]
) -> None:
    """Replace a part's rows with the wanted ones, unless they are the same: saving unchanged data writes nothing."""
    current = list(existing)
    if sorted(map(key, current), key=repr) == sorted(map(key, wanted), key=repr):
        return
    existing.delete()
    model._default_manager.bulk_create(wanted)


def _write_parts(programme: Programme, data: ProgrammeData, *, keep_hidden: set[int]) -> None:
    """Replace the programme's parts with the data's (a hidden supported actor stays)."""
    _replace(
        ProgrammeCountry.objects.filter(programme=programme),
        [
            ProgrammeCountry(programme=programme, country=share.country, percentage=share.percentage)
            for share in data.countries
        ],
        lambda row: (row.country, _number(row.percentage)),
        model=ProgrammeCountry,
    )
    _replace(
        Participation.objects.filter(programme=programme),
        [
            Participation(
                programme=programme,
                role=row.role,
                organisation=row.organisation,
                name=row.name.strip(),
                iati_reference=row.iati_reference.strip(),
                organisation_type=row.organisation_type or (row.organisation.iati_type if row.organisation else ""),
            )
            for row in data.participations
        ],
        lambda row: (row.role, row.organisation_id, row.name, row.iati_reference, row.organisation_type),
        model=Participation,
    )
    _replace(
        ProgrammeSector.objects.filter(programme=programme),
        [
            ProgrammeSector(
                programme=programme, vocabulary=row.vocabulary, code=row.code.strip(), percentage=row.percentage
            )
            for row in data.sectors
        ],
        lambda row: (row.vocabulary, row.code, _number(row.percentage)),
        model=ProgrammeSector,
    )
    _replace(
        ProgrammeArea.objects.filter(programme=programme),
        [ProgrammeArea(programme=programme, area=area) for area in data.areas],
        lambda row: (row.area,),
        model=ProgrammeArea,
    )
    _replace(
        SupportedActor.objects.filter(programme=programme).exclude(actor_id__in=keep_hidden),
        [
            SupportedActor(
                programme=programme,
                actor=row.actor,
                support_en=row.support_en.strip(),
                support_fr=row.support_fr.strip(),
            )
            for row in data.supports
            if row.actor.pk not in keep_hidden
        ],
        lambda row: (row.actor_id, row.support_en, row.support_fr),
        model=SupportedActor,
    )
    _replace(
        Location.objects.filter(programme=programme),
        [
            Location(
                programme=programme,
                name=row.name.strip(),
                country=row.country,
                region=row.region.strip(),
                latitude=row.latitude,
                longitude=row.longitude,
            )
            for row in data.locations
        ],
        lambda row: (row.name, row.country, row.region, _number(row.latitude), _number(row.longitude)),
        model=Location,
    )


def _number(value: Any) -> str:
    """A stored or given decimal, compared by value (100 and 100.00 are the same share)."""
    return "" if value is None else format(Decimal(value).normalize(), "f")


def _require_create(user: Caller, owner: Organisation | None, country: str) -> None:
    if not can_create(user=user, owner=owner, country=country):
        raise PermissionDenied(_("You may not create records for this organisation in this country."))


def _require_edit(user: Caller, programme: Programme) -> None:
    if not can_edit(user=user, record=programme):
        raise PermissionDenied(_("You may not change this programme."))


def programme_lock(*, programme: Programme) -> Programme:
    """The programme as it is now, locked until the end of the caller's transaction."""
    return Programme.objects.select_for_update(of=("self",)).get(pk=programme.pk)


def _check_version(programme: Programme, expected: int | None) -> None:
    if expected is not None and programme.version != expected:
        raise StaleProgramme(programme, expected)


@transaction.atomic
def programme_create(*, user: Caller, data: ProgrammeData) -> Programme:
    """Create a programme with all its parts; nothing is written when anything is refused."""
    _require_create(user, data.owner, data.country)
    _check(user, data, None)
    programme = Programme(created_by=author(user), updated_by=author(user))
    _apply(programme, data)
    programme.save()
    _write_parts(programme, data, keep_hidden=set())
    audit_record(user=user, action=Action.CREATE, instance=programme, before=None, after=programme_snapshot(programme))
    return programme


def _hidden_supports(user: Caller, programme: Programme) -> set[int]:
    """The actors the programme supports that the user may not see: kept whatever the user sends."""
    supported = set(programme.supports.values_list("actor_id", flat=True))
    seen = set(actors_visible(user=user).filter(pk__in=supported).values_list("pk", flat=True))
    return supported - seen


@transaction.atomic
def programme_update(
    *, user: Caller, programme: Programme, data: ProgrammeData, expected_version: int | None = None
) -> Programme:
    """Change a programme and replace its parts, read again under a lock. With `expected_version`, refuse
    (StaleProgramme) when someone saved it since. Saving unchanged data changes nothing, not even the version."""
    current = programme_lock(programme=programme)
    _require_edit(user, current)
    _check_version(current, expected_version)
    changes_access = (data.owner.pk if data.owner else None) != current.owner_id or (
        data.confidentiality != current.confidentiality
    )
    if changes_access and not can_manage(user=user, record=current):
        raise PermissionDenied(
            _("Only the owner organisation's editors may change the owner or who may read this programme.")
        )
    if data.owner is not None and data.owner.pk != current.owner_id:
        _require_create(user, data.owner, data.country)
    if data.country != current.country:
        _require_create(user, data.owner, data.country)
    _check(user, data, current)
    before = programme_snapshot(current)
    _apply(current, data)
    _write_parts(current, data, keep_hidden=_hidden_supports(user, current))
    after = programme_snapshot(current)
    if after != before:
        current.version += 1
        current.updated_by = author(user)
        current.save()
        audit_record(user=user, action=Action.UPDATE, instance=current, before=before, after=after)
    for field in Programme._meta.concrete_fields:
        setattr(programme, field.attname, getattr(current, field.attname))
    return programme


@transaction.atomic
def programme_delete(*, user: Caller, programme: Programme, expected_version: int | None = None) -> None:
    """Delete a programme with everything it holds."""
    current = programme_lock(programme=programme)
    _require_edit(user, current)
    _check_version(current, expected_version)
    audit_record(user=user, action=Action.DELETE, instance=current, before=programme_snapshot(current), after=None)
    current.delete()


def programme_share(*, user: Caller, programme: Programme, organisation: Organisation, can_edit_too: bool) -> Share:
    """Share a programme with another organisation, as the map's records are shared (audited there)."""
    return account_services.record_share(
        user=user, record=programme, organisation=organisation, can_edit_too=can_edit_too
    )


# --- Documents --------------------------------------------------------------------------------------------------------


def upload_problems(upload: UploadedFile) -> list[str]:
    """What is wrong with an uploaded document: its type (by its name's extension) or its size."""
    extension = (upload.name or "").rsplit(".", 1)[-1].lower()
    problems = []
    if extension not in DOCUMENT_EXTENSIONS:
        problems.append(
            _("Upload a document of one of these types: %(types)s.") % {"types": ", ".join(sorted(DOCUMENT_EXTENSIONS))}
        )
    if (upload.size or 0) > settings.EGIDE_DOCUMENT_MAX_BYTES:
        problems.append(
            _("The document is larger than %(size)s MB.") % {"size": settings.EGIDE_DOCUMENT_MAX_BYTES // 2**20}
        )
    return problems


def _document_problems(data: DocumentData, upload: UploadedFile | None, existing_file: bool) -> list[Problem]:
    problems = check_texts({"title_en": data.title_en, "title_fr": data.title_fr, "url": data.url}, multiline=())
    if not data.title_en.strip() and not data.title_fr.strip():
        problems.append(Problem("title_en", _("Give the document a title in English or French.")))
    if data.category not in DOCUMENT_CATEGORY_BY_CODE:
        problems.append(
            Problem("category", _("“%(code)s” is not an IATI document category.") % {"code": data.category})
        )
    if data.language and data.language not in DOCUMENT_LANGUAGE_BY_CODE:
        problems.append(Problem("language", _("“%(code)s” is not a language of the list.") % {"code": data.language}))
    url = data.url.strip()
    if url and not url.lower().startswith(("https://", "http://")):
        problems.append(Problem("url", _("A link starts with https:// or http://.")))
    if upload is not None:
        problems += [Problem("file", message) for message in upload_problems(upload)]
    if not url and upload is None and not existing_file:
        problems.append(Problem("url", _("Give a link or upload the file.")))
    return problems


def _document_touch(user: Caller, programme: Programme, change: Any) -> Any:
    """A change of the programme's documents is a change of the programme: one version up, audited."""
    current = programme_lock(programme=programme)
    _require_edit(user, current)
    before = programme_snapshot(current)
    result = change(current)
    after = programme_snapshot(current)
    if after != before:
        current.version += 1
        current.updated_by = author(user)
        current.save(update_fields=["version", "updated_by", "updated_at"])
        audit_record(user=user, action=Action.UPDATE, instance=current, before=before, after=after)
    programme.version = current.version
    return result


@transaction.atomic
def programme_document_add(
    *, user: Caller, programme: Programme, data: DocumentData, upload: UploadedFile | None = None
) -> ProgrammeDocument:
    """Add a document (a link, an uploaded file checked beforehand by `document_upload_check`, or both)."""
    _raise(_document_problems(data, upload, existing_file=False))

    def add(current: Programme) -> ProgrammeDocument:
        document = ProgrammeDocument(
            programme=current,
            title_en=(data.title_en or data.title_fr).strip(),
            title_fr=data.title_fr.strip(),
            url=data.url.strip(),
            category=data.category,
            language=data.language,
            document_date=data.document_date,
            created_by=author(user),
            updated_by=author(user),
        )
        if upload is not None:
            document.file = upload
        document.save()
        return document

    document: ProgrammeDocument = _document_touch(user, programme, add)
    return document


@transaction.atomic
def programme_document_delete(*, user: Caller, document: ProgrammeDocument) -> None:
    def remove(current: Programme) -> None:
        document.delete()

    _document_touch(user, document.programme, remove)
