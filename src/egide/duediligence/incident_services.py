"""Every write to incidents, the units and people alleged responsible for them, and the evidence behind both.

Each service checks the right to write, validates, then writes atomically with its audit event. An incident is
changed under a row lock and, given the version the caller started from, refused when someone saved it since
(`StaleIncident`), as the map's records are. Responsibilities and evidence are written with their incident's rights:
whoever may edit the incident may link units and people to it and cite sources for it.

The audit log keeps no personal data of a person (it cannot be changed, and outlives an erasure): a link to a
person is logged by its ids, confidence and the names of its facts that were given or changed (status, its date,
notes), never their values; evidence on such a link by its source's id and confidence, never the source's title
or the passage. A source described anew for it is recorded `about_person` (see egide.actors.services).
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from egide.accounts.models import Organisation
from egide.accounts.selectors import can_create, can_edit, can_manage
from egide.actors.data import CitationData
from egide.actors.models import Actor, Source
from egide.actors.rules import Problem, check_texts
from egide.actors.selectors import actors_visible, sources_visible
from egide.actors.services import source_get_or_create
from egide.audit.models import Action
from egide.audit.services import audit_record, snapshot
from egide.core import taxonomy
from egide.core.fuzzy_dates import DAY, FuzzyDate
from egide.core.reference import countries
from egide.core.users import Caller, author
from egide.duediligence.access import allowed_levels, readable_filter
from egide.duediligence.models import (
    Evidence,
    Incident,
    Person,
    Responsibility,
    ResponsibilityStatus,
    Violation,
)

MAX_VICTIMS = 2_147_483_647  # what the column holds
TEXT_LIMITS = {"title_en": 300, "title_fr": 300, "region": 300, "place": 300}
INCIDENT_MULTILINE = frozenset({"description_en", "description_fr"})
COORDINATE_STEP = Decimal("0.000001")  # the columns keep six decimals (about 11 cm)


@dataclass(frozen=True, slots=True, kw_only=True)
class IncidentData:
    """What an editor says of an incident. A title in one language only stands for both."""

    violation: str
    title_en: str = ""
    title_fr: str = ""
    description_en: str = ""
    description_fr: str = ""
    occurred: FuzzyDate | None = None
    region: str = ""
    place: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    victims: int | None = None
    confidence: str = "medium"
    confidentiality: str = "restricted"
    owner: Organisation | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ResponsibilityData:
    """A unit (an actor of the incident's country) or a person alleged responsible, and where that allegation
    stands."""

    actor: Actor | None = None
    person: Person | None = None
    status: str = ResponsibilityStatus.ALLEGED
    status_since: FuzzyDate | None = None
    confidence: str = "medium"
    notes: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class EvidenceData:
    """A source cited as evidence: one already recorded (`source`), or a new one described (`new`); the page or
    passage relied on, and how much the editors trust it."""

    source: Source | None = None
    new: CitationData | None = None
    locator: str = ""
    confidence: str = "medium"


class StaleIncident(Exception):
    """The incident was saved by someone else after the version the caller started from; nothing was written.
    `incident` is the incident as it is now."""

    def __init__(self, incident: Incident, expected: int) -> None:
        super().__init__(f"Incident {incident.pk} is at version {incident.version}, not {expected}")
        self.incident = incident
        self.expected = expected


def _raise(problems: list[Problem]) -> None:
    if problems:
        errors: dict[str, list[str]] = {}
        for problem in problems:
            errors.setdefault(problem.field, []).append(problem.message)
        raise ValidationError(errors)


def _require_edit(user: Caller, incident: Incident) -> None:
    if not can_edit(user=user, record=incident):
        raise PermissionDenied(_("You may not change this incident."))


def _require_owner(user: Caller, owner: Organisation | None, country: str) -> None:
    if not can_create(user=user, owner=owner, country=country):
        raise PermissionDenied(_("You may not record incidents for this organisation in this country."))


def _check_confidence(field: str, value: str) -> list[Problem]:
    if value in taxonomy.CONFIDENCE_BY_CODE:
        return []
    return [Problem(field, _("Confidence must be low, medium or high."))]


def _check_confidentiality(level: str) -> list[Problem]:
    allowed = allowed_levels()
    if level in allowed:
        return []
    names = ", ".join(str(choice.label) for choice in allowed)
    return [
        Problem(
            "confidentiality",
            _("Choose who may read the incident among: %(levels)s. Allegations are never public on this platform.")
            % {"levels": names},
        )
    ]


def _check_not_future(field: str, value: FuzzyDate | None, what: str) -> list[Problem]:
    if value is not None and value.first_day > timezone.localdate():
        return [Problem(field, _("%(what)s (%(date)s) is in the future.") % {"what": what, "date": value})]
    return []


def _coordinate(value: Decimal | None, *, field: str, limit: int) -> tuple[Decimal | None, list[Problem]]:
    if value is None:
        return None, []
    try:
        number = Decimal(value)
        valid = number.is_finite() and -limit <= number <= limit
    except (InvalidOperation, TypeError, ValueError):
        valid = False
    if not valid:
        message = _("The latitude must be between -90 and 90 degrees.")
        if field == "longitude":
            message = _("The longitude must be between -180 and 180 degrees.")
        return None, [Problem(field, message)]
    return number.quantize(COORDINATE_STEP), []


def _check_incident(country: str, data: IncidentData) -> tuple[Decimal | None, Decimal | None]:
    """Refuse what cannot be stored or makes no sense, naming each field; the coordinates as they are kept."""
    problems: list[Problem] = []
    if country not in countries():
        problems.append(Problem("country", _("No country has the code “%(code)s”.") % {"code": country}))
    if not (data.title_en.strip() or data.title_fr.strip()):
        problems.append(Problem("title_en", _("Give the incident a title, in English or in French.")))
    if data.violation not in Violation.values:
        problems.append(
            Problem("violation", _("Choose the type of violation among: %(types)s.") % {"types": _violation_names()})
        )
    texts = {
        name: getattr(data, name)
        for name in ("title_en", "title_fr", "description_en", "description_fr", "region", "place")
    }
    problems += check_texts(texts, multiline=INCIDENT_MULTILINE)
    for name, limit in TEXT_LIMITS.items():
        if len(texts[name].strip()) > limit:
            problems.append(Problem(name, _("At most %(count)s characters.") % {"count": limit}))
    problems += _check_not_future("occurred", data.occurred, _("The incident's date"))
    latitude, latitude_problems = _coordinate(data.latitude, field="latitude", limit=90)
    longitude, longitude_problems = _coordinate(data.longitude, field="longitude", limit=180)
    problems += latitude_problems + longitude_problems
    if (data.latitude is None) != (data.longitude is None):
        field = "longitude" if data.longitude is None else "latitude"
        problems.append(Problem(field, _("Give both the latitude and the longitude, or neither.")))
    if data.victims is not None and not 0 <= data.victims <= MAX_VICTIMS:
        problems.append(Problem("victims", _("The number of victims must be zero or more, where it is known.")))
    problems += _check_confidence("confidence", data.confidence)
    problems += _check_confidentiality(data.confidentiality)
    _raise(problems)
    return latitude, longitude


def _violation_names() -> str:
    return ", ".join(str(label) for label in Violation.labels)


def _apply_incident(
    incident: Incident, data: IncidentData, latitude: Decimal | None, longitude: Decimal | None
) -> None:
    title_en, title_fr = data.title_en.strip(), data.title_fr.strip()
    incident.title_en = title_en or title_fr
    incident.title_fr = title_fr
    incident.description_en = data.description_en.strip()
    incident.description_fr = data.description_fr.strip()
    incident.violation = data.violation
    incident.occurred_on = data.occurred.first_day if data.occurred else None
    incident.occurred_precision = data.occurred.precision if data.occurred else DAY
    incident.region = data.region.strip()
    incident.place = data.place.strip()
    incident.latitude, incident.longitude = latitude, longitude
    incident.victims = data.victims
    incident.confidence = data.confidence
    incident.confidentiality = data.confidentiality
    incident.owner = data.owner


@transaction.atomic
def incident_create(*, user: Caller, country: str, data: IncidentData) -> Incident:
    """Record an incident for `data.owner`, one of the organisations the user edits for in the country."""
    country = country.upper()
    _require_owner(user, data.owner, country)
    latitude, longitude = _check_incident(country, data)
    incident = Incident(country=country, created_by=author(user), updated_by=author(user))
    _apply_incident(incident, data, latitude, longitude)
    incident.save()
    audit_record(user=user, action=Action.CREATE, instance=incident, before=None, after=snapshot(incident))
    return incident


def incident_lock(*, incident: Incident) -> Incident:
    """The incident as it is now, locked until the end of the caller's transaction. Raises Incident.DoesNotExist
    when it was deleted meanwhile."""
    return Incident.objects.select_for_update(of=("self",)).select_related("owner").get(pk=incident.pk)


def _check_version(incident: Incident, expected: int | None) -> None:
    if expected is not None and incident.version != expected:
        raise StaleIncident(incident, expected)


@transaction.atomic
def incident_update(
    *, user: Caller, incident: Incident, data: IncidentData, expected_version: int | None = None
) -> Incident:
    """Change an incident, read again under a lock; with `expected_version`, refuse (StaleIncident) when someone
    saved it since. Changing its owner or who may read it is for the owner's editors, and the new owner must be an
    organisation the user edits for. Saving unchanged data changes nothing."""
    current = incident_lock(incident=incident)
    _require_edit(user, current)
    _check_version(current, expected_version)
    if data.owner != current.owner or data.confidentiality != current.confidentiality:
        if not can_manage(user=user, record=current):
            raise PermissionDenied(
                _("Only the owner organisation's editors may change the owner or who may read this incident.")
            )
        if data.owner != current.owner:
            _require_owner(user, data.owner, current.country)
    latitude, longitude = _check_incident(current.country, data)
    before = snapshot(current)
    _apply_incident(current, data, latitude, longitude)
    after = snapshot(current)
    if after != before:
        current.version += 1
        current.updated_by = author(user)
        current.save()
        audit_record(user=user, action=Action.UPDATE, instance=current, before=before, after=after)
    return current


@transaction.atomic
def incident_delete(*, user: Caller, incident: Incident, expected_version: int | None = None) -> None:
    """Delete an incident with its responsibilities and evidence, each logged."""
    current = incident_lock(incident=incident)
    _require_edit(user, current)
    _check_version(current, expected_version)
    for responsibility in current.responsibilities.all():
        audit_record(
            user=user,
            action=Action.DELETE,
            instance=_audited(responsibility, current),
            before=_responsibility_facts(responsibility),
            after=None,
        )
    audit_record(user=user, action=Action.DELETE, instance=current, before=snapshot(current), after=None)
    current.delete()


def _audited(responsibility: Responsibility, incident: Incident) -> Responsibility:
    """The responsibility with its incident's country and owner, which the audit log files its events under, so
    that the owner's administrators find them (a responsibility has neither column of its own)."""
    responsibility.country = incident.country  # type: ignore[attr-defined]
    responsibility.owner_id = incident.owner_id  # type: ignore[attr-defined]
    return responsibility


PERSONAL_LINK_FIELDS = ("status", "status_date", "status_precision", "notes")
"""What a link to a person says of them: the audit log keeps which of these were given or changed, not their
values."""


def _responsibility_facts(responsibility: Responsibility, *, changed: list[str] | None = None) -> dict[str, object]:
    """What the audit log keeps of a responsibility: all of it for a unit; for a person, its ids and confidence and
    which of its personal facts were given (`changed`: which changed)."""
    values = snapshot(responsibility)
    if responsibility.person_id is None:
        return values
    kept = {name: value for name, value in values.items() if name not in PERSONAL_LINK_FIELDS}
    if changed is None:
        changed = [name for name in PERSONAL_LINK_FIELDS if values[name] not in (None, "", DAY)]
    return kept | {"personal_data": changed}


def _check_responsibility(
    user: Caller, incident: Incident, data: ResponsibilityData, responsibility: Responsibility | None
) -> None:
    problems: list[Problem] = []
    hidden = False  # a unit or a person the user may not see: nothing more is told of it (not even a duplicate)
    if (data.actor is None) == (data.person is None):
        problems.append(Problem("actor", _("Name either a unit or a person alleged responsible, not both.")))
    if data.actor is not None:
        # Whether the user sees the unit first: a hidden unit's name or country is never told.
        if not actors_visible(user=user).filter(pk=data.actor.pk).exists():
            problems.append(Problem("actor", _("No actor has the id %(id)s.") % {"id": data.actor.pk}))
            hidden = True
        elif data.actor.country != incident.country:
            problems.append(
                Problem(
                    "actor",
                    _("The unit “%(unit)s” is in another country (%(country)s) than the incident.")
                    % {"unit": data.actor.name, "country": data.actor.country},
                )
            )
    if data.person is not None:
        condition = readable_filter(user=user, model=Person)
        people = Person.objects.filter(pk=data.person.pk)
        if not (people if condition is None else people.filter(condition)).exists():
            problems.append(Problem("person", _("No person has the id %(id)s.") % {"id": data.person.pk}))
            hidden = True
    if data.status not in ResponsibilityStatus.values:
        names = ", ".join(str(label) for label in ResponsibilityStatus.labels)
        problems.append(Problem("status", _("Choose the status among: %(statuses)s.") % {"statuses": names}))
    problems += _check_confidence("confidence", data.confidence)
    problems += check_texts({"notes": data.notes}, multiline={"notes"})
    problems += _check_not_future("status_since", data.status_since, _("The status date"))
    occurred = FuzzyDate.from_parts(incident.occurred_on, incident.occurred_precision)
    if data.status_since is not None and occurred is not None and data.status_since.last_day < occurred.first_day:
        problems.append(
            Problem(
                "status_since",
                _("The status date (%(status)s) is before the incident (%(incident)s).")
                % {"status": data.status_since, "incident": occurred},
            )
        )
    others = incident.responsibilities.all()
    if responsibility is not None:
        others = others.exclude(pk=responsibility.pk)
    if not hidden and data.actor is not None and others.filter(actor=data.actor).exists():
        problems.append(Problem("actor", _("This unit is already named for this incident.")))
    if not hidden and data.person is not None and others.filter(person=data.person).exists():
        problems.append(Problem("person", _("This person is already named for this incident.")))
    _raise(problems)


def _apply_responsibility(responsibility: Responsibility, data: ResponsibilityData) -> None:
    responsibility.actor = data.actor
    responsibility.person = data.person
    responsibility.status = data.status
    responsibility.status_date = data.status_since.first_day if data.status_since else None
    responsibility.status_precision = data.status_since.precision if data.status_since else DAY
    responsibility.confidence = data.confidence
    responsibility.notes = data.notes.strip()


@transaction.atomic
def responsibility_create(*, user: Caller, incident: Incident, data: ResponsibilityData) -> Responsibility:
    """Name a unit or a person alleged responsible for the incident."""
    current = incident_lock(incident=incident)
    _require_edit(user, current)
    _check_responsibility(user, current, data, None)
    responsibility = Responsibility(incident=current)
    _apply_responsibility(responsibility, data)
    responsibility.save()
    audit_record(
        user=user,
        action=Action.CREATE,
        instance=_audited(responsibility, current),
        before=None,
        after=_responsibility_facts(responsibility),
    )
    return responsibility


@transaction.atomic
def responsibility_update(*, user: Caller, responsibility: Responsibility, data: ResponsibilityData) -> Responsibility:
    """Change who is named, where the allegation stands, and how sure the editors are."""
    current = Responsibility.objects.select_for_update(of=("self",)).get(pk=responsibility.pk)
    incident = incident_lock(incident=current.incident)
    _require_edit(user, incident)
    _check_responsibility(user, incident, data, current)
    before = snapshot(current)
    before_logged = _responsibility_facts(current, changed=[])
    _apply_responsibility(current, data)
    after = snapshot(current)
    if after != before:
        current.save()
        changed = [name for name in PERSONAL_LINK_FIELDS if before[name] != after[name]]
        audit_record(
            user=user,
            action=Action.UPDATE,
            instance=_audited(current, incident),
            before=before_logged,
            after=_responsibility_facts(current, changed=changed),
        )
    return current


@transaction.atomic
def responsibility_delete(*, user: Caller, responsibility: Responsibility) -> None:
    incident = incident_lock(incident=responsibility.incident)
    _require_edit(user, incident)
    audit_record(
        user=user,
        action=Action.DELETE,
        instance=_audited(responsibility, incident),
        before=_responsibility_facts(responsibility),
        after=None,
    )
    responsibility.delete()


def _evidence_snapshot(evidence: Evidence, responsibility: Responsibility | None) -> dict[str, object]:
    """What the log keeps of a piece of evidence; on a link to a person, neither the source's title (it may name
    them) nor the passage relied on, only whether one was given."""
    if responsibility is not None and responsibility.person_id is not None:
        return {
            "evidence": evidence.pk,
            "source": evidence.source_id,
            "confidence": evidence.confidence,
            "personal_data": ["locator"] if evidence.locator else [],
        }
    return {
        "evidence": evidence.pk,
        "source": evidence.source_id,
        "source_title": evidence.source.title,
        "locator": evidence.locator,
        "confidence": evidence.confidence,
    }


@transaction.atomic
def evidence_add(
    *,
    user: Caller,
    data: EvidenceData,
    incident: Incident | None = None,
    responsibility: Responsibility | None = None,
) -> Evidence:
    """Cite a source as evidence for an incident or for one responsibility: a source of the incident's country
    that the user may read, or a new one described (recorded for the incident's owner)."""
    if (incident is None) == (responsibility is None):
        raise ValidationError(_("Evidence backs either an incident or one alleged responsibility."))
    backed = incident if incident is not None else responsibility.incident  # type: ignore[union-attr]
    current = incident_lock(incident=backed)
    _require_edit(user, current)
    problems = _check_confidence("confidence", data.confidence) + check_texts({"locator": data.locator})
    if len(data.locator.strip()) > 500:
        problems.append(Problem("locator", _("At most %(count)s characters.") % {"count": 500}))
    if (data.source is None) == (data.new is None):
        problems.append(Problem("source", _("Choose a recorded source or describe a new one.")))
    elif data.source is not None:
        # Whether the user may read the source first: a hidden source's country is never told.
        if not sources_visible(user=user).filter(pk=data.source.pk).exists():
            problems.append(Problem("source", _("No source has the id %(id)s.") % {"id": data.source.pk}))
        elif data.source.country != current.country:
            problems.append(Problem("source", _("The source belongs to another country than the incident.")))
    _raise(problems)
    source = data.source
    about_person = responsibility is not None and responsibility.person_id is not None
    if data.new is not None:
        source = source_get_or_create(
            user=user, country=current.country, citation=data.new, owner=current.owner, about_person=about_person
        )
    assert source is not None
    evidence = Evidence.objects.create(
        source=source,
        incident=current if responsibility is None else None,
        responsibility=responsibility,
        locator=data.locator.strip(),
        confidence=data.confidence,
        created_by=author(user),
    )
    record = current if responsibility is None else _audited(responsibility, current)
    audit_record(
        user=user, action=Action.CITE, instance=record, before=None, after=_evidence_snapshot(evidence, responsibility)
    )
    return evidence


@transaction.atomic
def evidence_remove(*, user: Caller, evidence: Evidence) -> None:
    responsibility = evidence.responsibility
    backed = evidence.incident if responsibility is None else responsibility.incident
    assert backed is not None
    current = incident_lock(incident=backed)
    _require_edit(user, current)
    record = current if responsibility is None else _audited(responsibility, current)
    audit_record(
        user=user,
        action=Action.UNCITE,
        instance=record,
        before=_evidence_snapshot(evidence, responsibility),
        after=None,
    )
    evidence.delete()
