"""The incidents' API: the same selectors and services as the pages, under the same read rule (nothing for
anonymous readers), every read of one incident audited (one in a list too: egide.duediligence.reads); and who
commanded each unit of a country on a day."""

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from egide.accounts import selectors as access
from egide.accounts.models import Organisation
from egide.actors.data import CitationData
from egide.actors.models import Actor, Source
from egide.actors.schemas import Line24, Line300, Line500, Text
from egide.actors.selectors import actors_visible, sources_visible
from egide.actors.services import fuzzy_or_none
from egide.api.auth import in_country, record, writers
from egide.api.common import Pagination, RecordId, Year, country_or_404
from egide.api.errors import WRITE_ERRORS, answers
from egide.audit.models import Action
from egide.audit.services import audit_record
from egide.core.as_of import read_day
from egide.duediligence import incident_selectors as selectors
from egide.duediligence import incident_services as services
from egide.duediligence.commanders import commanders_on
from egide.duediligence.models import Evidence, Incident, Person, Responsibility
from egide.duediligence.people_selectors import people_readable
from egide.duediligence.reads import ConsultedPage

router = Router(tags=["incidents"])

EDIT_IN_COUNTRY = writers(in_country(gettext_lazy("You have no editing role for this country.")))
EDIT_INCIDENT = writers(
    record(
        lambda user, pk: selectors.incidents_readable(user=user).filter(pk=pk).first(),
        missing=gettext_lazy("No such incident."),
    )
)


def _incident_of_responsibility(user: Any, pk: int) -> Incident | None:
    # The responsibility's own id first: a number past the column's range finds nothing rather than failing.
    incident_id = Responsibility.objects.filter(pk=pk).values_list("incident_id", flat=True).first()
    return None if incident_id is None else selectors.incidents_readable(user=user).filter(pk=incident_id).first()


EDIT_RESPONSIBILITY = writers(
    record(_incident_of_responsibility, missing=gettext_lazy("No such alleged responsibility."))
)


class IncidentEvidenceOut(Schema):
    id: int
    source: int
    source_title: str
    locator: str
    confidence: str

    @classmethod
    def of(cls, evidence: Evidence) -> "IncidentEvidenceOut":
        return cls(
            id=evidence.pk,
            source=evidence.source_id,
            source_title=evidence.source.title,
            locator=evidence.locator,
            confidence=evidence.confidence,
        )


class ResponsibilityOut(Schema):
    id: int
    incident: int
    unit: int | None = Field(description="The actor alleged responsible; null when it is a person, or hidden from you")
    person: int | None = Field(description="The person alleged responsible; null when it is a unit, or hidden from you")
    name: str = Field(description="The unit's or the person's name; empty when you may not see it")
    status: str = Field(
        description=(
            "Empty, as are the other fields and the evidence, for a unit you may not see or a person whose record "
            "you may not read"
        )
    )
    status_since: str
    confidence: str
    notes: str
    evidence: list[IncidentEvidenceOut]


class IncidentOut(Schema):
    id: int
    country: str
    title_en: str
    title_fr: str
    description_en: str
    description_fr: str
    violation: str
    violation_label: str
    occurred: str = Field(description="YYYY, YYYY-MM or YYYY-MM-DD; empty when unknown")
    region: str
    place: str
    latitude: Decimal | None
    longitude: Decimal | None
    victims: int | None
    confidence: str
    confidentiality: str
    owner: int | None
    version: int


class IncidentDetailOut(IncidentOut):
    responsibilities: list[ResponsibilityOut]
    evidence: list[IncidentEvidenceOut]


def _incident_values(incident: Incident) -> dict[str, Any]:
    return {
        "id": incident.pk,
        "country": incident.country,
        "title_en": incident.title_en,
        "title_fr": incident.title_fr,
        "description_en": incident.description_en,
        "description_fr": incident.description_fr,
        "violation": incident.violation,
        "violation_label": str(incident.get_violation_display()),
        "occurred": incident.occurred,
        "region": incident.region,
        "place": incident.place,
        "latitude": incident.latitude,
        "longitude": incident.longitude,
        "victims": incident.victims,
        "confidence": incident.confidence,
        "confidentiality": incident.confidentiality,
        "owner": incident.owner_id,
        "version": incident.version,
    }


def _responsibility_out(responsibility: Responsibility, shown: bool) -> ResponsibilityOut:
    if not shown:
        # What is said of a unit the reader may not see, or a person they may not read, is theirs no more than the
        # name: only the link shows (docs/due-diligence-incidents.md, "A reader of an incident").
        return ResponsibilityOut(
            id=responsibility.pk,
            incident=responsibility.incident_id,
            unit=None,
            person=None,
            name="",
            status="",
            status_since="",
            confidence="",
            notes="",
            evidence=[],
        )
    name = responsibility.actor.name if responsibility.actor is not None else responsibility.person.display_name  # type: ignore[union-attr]
    return ResponsibilityOut(
        id=responsibility.pk,
        incident=responsibility.incident_id,
        unit=responsibility.actor_id,
        person=responsibility.person_id,
        name=name,
        status=responsibility.status,
        status_since=responsibility.status_since,
        confidence=responsibility.confidence,
        notes=responsibility.notes,
        evidence=[IncidentEvidenceOut.of(item) for item in responsibility.evidence.all()],
    )


def _detail(request: HttpRequest, pk: int) -> tuple[IncidentDetailOut, Incident]:
    try:
        incident = selectors.incident_get(user=request.user, pk=pk)
    except Incident.DoesNotExist:
        raise HttpError(404, _("No such incident.")) from None
    responsibilities = list(incident.responsibilities.all())
    named = selectors.named_for(user=request.user, responsibilities=responsibilities)
    answer = IncidentDetailOut(
        **_incident_values(incident),
        responsibilities=[_responsibility_out(item, named.shows(item)) for item in responsibilities],
        evidence=[IncidentEvidenceOut.of(item) for item in incident.evidence.all()],
    )
    return answer, incident


class IncidentIn(Schema):
    title_en: Line300 = ""
    title_fr: Line300 = ""
    description_en: Text = ""
    description_fr: Text = ""
    violation: Line24
    occurred: Line24 = Field("", description="YYYY, YYYY-MM or YYYY-MM-DD; empty when unknown")
    region: Line300 = ""
    place: Line300 = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    victims: int | None = None
    confidence: Line24 = "medium"
    confidentiality: Line24 = "restricted"
    owner: int | None = Field(None, description="The owner organisation's id; by default your only editing one")


class IncidentPatch(Schema):
    title_en: Line300 | None = None
    title_fr: Line300 | None = None
    description_en: Text | None = None
    description_fr: Text | None = None
    violation: Line24 | None = None
    occurred: Line24 | None = None
    region: Line300 | None = None
    place: Line300 | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    victims: int | None = None
    confidence: Line24 | None = None
    confidentiality: Line24 | None = None
    owner: int | None = None
    version: int | None = Field(None, description="The version you read: the change is refused with 409 if it moved")


def _owner(request: HttpRequest, owner_id: int | None, country: str) -> Organisation | None:
    if owner_id is None:
        return access.default_owner(user=request.user, country=country)
    owner = Organisation.objects.filter(pk=owner_id).first()
    if owner is None:
        raise ValidationError({"owner": [_("No organisation has the id %(id)s.") % {"id": owner_id}]})
    return owner


def _incident_data(values: dict[str, Any], owner: Organisation | None) -> services.IncidentData:
    occurred = fuzzy_or_none(values.pop("occurred") or "", field="occurred")
    values.pop("owner", None)
    return services.IncidentData(**values, occurred=occurred, owner=owner)


@router.get(
    "/countries/{code}/incidents",
    response=answers({200: list[IncidentOut]}, 404, 422),
    summary="A country's incidents that you may read",
)
@paginate(Pagination)
def list_incidents(
    request: HttpRequest,
    code: str,
    violation: Line24 = "",
    year_from: Year | None = None,
    year_to: Year | None = None,
    unit: RecordId | None = None,
    status: Line24 = "",
    confidence: Line24 = "",
) -> Any:
    filters = selectors.IncidentFilters(
        violation=violation, year_from=year_from, year_to=year_to, unit=unit, status=status, confidence=confidence
    )
    found = selectors.country_incidents(user=request.user, country=country_or_404(code), filters=filters)
    return ConsultedPage(request.user, found, lambda incident: IncidentOut(**_incident_values(incident)))


@router.post(
    "/countries/{code}/incidents",
    response=answers({201: IncidentDetailOut}, WRITE_ERRORS),
    summary="Record an incident",
    auth=EDIT_IN_COUNTRY,
)
def create_incident(request: HttpRequest, code: str, payload: IncidentIn) -> Any:
    country = country_or_404(code)
    values = payload.dict()
    data = _incident_data(values, _owner(request, payload.owner, country))
    incident = services.incident_create(user=request.user, country=country, data=data)
    return Status(201, _detail(request, incident.pk)[0])


@router.get(
    "/incidents/{pk}",
    response=answers({200: IncidentDetailOut}, 404, 422),
    summary="One incident, with its alleged responsibilities and evidence (the read is audited)",
)
def get_incident(request: HttpRequest, pk: int) -> Any:
    answer, incident = _detail(request, pk)
    audit_record(user=request.user, action=Action.READ, instance=incident, before=None, after=None)
    return answer


@router.patch(
    "/incidents/{pk}",
    response=answers({200: IncidentDetailOut}, WRITE_ERRORS, 409),
    summary="Change some of an incident's fields",
    auth=EDIT_INCIDENT,
)
def update_incident(request: HttpRequest, pk: int, payload: IncidentPatch) -> Any:
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version", None)
    nulls = sorted(
        name for name, value in changes.items() if value is None and name not in ("latitude", "longitude", "victims")
    )
    if nulls:
        raise ValidationError({name: [_("This field cannot be null.")] for name in nulls})
    with transaction.atomic():
        try:
            current = services.incident_lock(incident=Incident(pk=pk))
        except Incident.DoesNotExist:
            raise HttpError(404, _("No such incident.")) from None
        values = {name: getattr(current, name) for name in IncidentIn.model_fields if name not in ("occurred", "owner")}
        values["occurred"] = current.occurred
        values |= changes
        owner = current.owner if "owner" not in changes else _owner(request, changes["owner"], current.country)
        try:
            services.incident_update(
                user=request.user, incident=current, data=_incident_data(values, owner), expected_version=version
            )
        except services.StaleIncident as stale:
            message = _(
                "This incident has changed since version %(version)s (it is now at version %(current)s): "
                "read it again and repeat your change."
            )
            raise HttpError(409, message % {"version": version, "current": stale.incident.version}) from None
    return Status(200, _detail(request, pk)[0])


@router.delete(
    "/incidents/{pk}",
    response=answers({204: None}, 403, 404, 422),
    summary="Delete an incident with its alleged responsibilities and evidence",
    auth=EDIT_INCIDENT,
)
def delete_incident(request: HttpRequest, pk: int) -> Any:
    incident = selectors.incidents_readable(user=request.user).filter(pk=pk).first()
    if incident is None:
        raise HttpError(404, _("No such incident."))
    services.incident_delete(user=request.user, incident=incident)
    return Status(204, None)


class ResponsibilityIn(Schema):
    unit: int | None = Field(None, description="An actor of the incident's country; or give a person")
    person: int | None = None
    status: Line24 = "alleged"
    status_since: Line24 = Field("", description="YYYY, YYYY-MM or YYYY-MM-DD; empty when unknown")
    confidence: Line24 = "medium"
    notes: Text = ""
    source: int | None = Field(None, description="A source to cite as evidence for it, if any")
    locator: Line500 = ""


class ResponsibilityPatch(Schema):
    status: Line24 | None = None
    status_since: Line24 | None = None
    confidence: Line24 | None = None
    notes: Text | None = None


def _named(request: HttpRequest, unit: int | None, person: int | None) -> tuple[Actor | None, Person | None]:
    """The unit and the person a new allegation names, among those the caller may see and read: an id that exists
    but is hidden from the caller is refused exactly as one that does not exist (same status, same message), so that
    probing ids tells nothing."""
    actor = None
    if unit is not None:
        actor = actors_visible(user=request.user).filter(pk=unit).first()
        if actor is None:
            raise ValidationError({"unit": [_("No actor has the id %(id)s.") % {"id": unit}]})
    found = None
    if person is not None:
        found = people_readable(user=request.user).filter(pk=person).first()
        if found is None:
            raise ValidationError({"person": [_("No person has the id %(id)s.") % {"id": person}]})
    return actor, found


def _source(request: HttpRequest, source_id: int | None, country: str) -> Source | None:
    """A recorded source the caller may read, of the incident's country: one that does not exist and one hidden
    from the caller are refused alike (a hidden source's country is not told either)."""
    if source_id is None:
        return None
    source = sources_visible(user=request.user).filter(pk=source_id).first()
    if source is None:
        raise ValidationError({"source": [_("No source has the id %(id)s.") % {"id": source_id}]})
    if source.country != country:
        raise ValidationError({"source": [_("The source belongs to another country than the incident.")]})
    return source


@router.post(
    "/incidents/{pk}/responsibilities",
    response=answers({201: ResponsibilityOut}, WRITE_ERRORS),
    summary="Name a unit or a person alleged responsible for an incident",
    auth=EDIT_INCIDENT,
)
def create_responsibility(request: HttpRequest, pk: int, payload: ResponsibilityIn) -> Any:
    incident = selectors.incidents_readable(user=request.user).filter(pk=pk).first()
    if incident is None:
        raise HttpError(404, _("No such incident."))
    actor, person = _named(request, payload.unit, payload.person)
    source = _source(request, payload.source, incident.country)
    data = services.ResponsibilityData(
        actor=actor,
        person=person,
        status=payload.status,
        status_since=fuzzy_or_none(payload.status_since, field="status_since"),
        confidence=payload.confidence,
        notes=payload.notes,
    )
    with transaction.atomic():
        responsibility = services.responsibility_create(user=request.user, incident=incident, data=data)
        if source is not None:
            services.evidence_add(
                user=request.user,
                responsibility=responsibility,
                data=services.EvidenceData(source=source, locator=payload.locator),
            )
    found = selectors.responsibility_get(user=request.user, pk=responsibility.pk)
    return Status(201, _responsibility_out(found, True))


@router.patch(
    "/responsibilities/{pk}",
    response=answers({200: ResponsibilityOut}, WRITE_ERRORS),
    summary="Change where an allegation stands",
    auth=EDIT_RESPONSIBILITY,
)
def update_responsibility(request: HttpRequest, pk: int, payload: ResponsibilityPatch) -> Any:
    try:
        current = selectors.responsibility_get(user=request.user, pk=pk)
    except Responsibility.DoesNotExist:
        raise HttpError(404, _("No such alleged responsibility.")) from None
    if selectors.named_hidden(user=request.user, responsibility=current):
        raise HttpError(403, selectors.hidden_message(current))
    changes = payload.dict(exclude_unset=True)
    nulls = sorted(name for name, value in changes.items() if value is None)
    if nulls:
        raise ValidationError({name: [_("This field cannot be null.")] for name in nulls})
    status_since = current.status_since
    if "status_since" in changes:
        status_since = changes["status_since"]
    data = services.ResponsibilityData(
        actor=current.actor,
        person=current.person,
        status=changes.get("status", current.status),
        status_since=fuzzy_or_none(status_since, field="status_since"),
        confidence=changes.get("confidence", current.confidence),
        notes=changes.get("notes", current.notes),
    )
    services.responsibility_update(user=request.user, responsibility=current, data=data)
    found = selectors.responsibility_get(user=request.user, pk=pk)
    named = selectors.named_for(user=request.user, responsibilities=[found])
    return Status(200, _responsibility_out(found, named.shows(found)))


@router.delete(
    "/responsibilities/{pk}",
    response=answers({204: None}, 403, 404, 422),
    summary="Remove an alleged responsibility",
    auth=EDIT_RESPONSIBILITY,
)
def delete_responsibility(request: HttpRequest, pk: int) -> Any:
    try:
        current = selectors.responsibility_get(user=request.user, pk=pk)
    except Responsibility.DoesNotExist:
        raise HttpError(404, _("No such alleged responsibility.")) from None
    services.responsibility_delete(user=request.user, responsibility=current)
    return Status(204, None)


class CommanderOut(Schema):
    unit: int
    person: int
    name: str
    role: str
    role_label: str
    start: str
    end: str


@router.get(
    "/countries/{code}/commanders",
    response=answers({200: list[CommanderOut]}, 404, 422),
    summary="Who commanded each unit of a country on a day (only people you may read)",
)
def list_commanders(request: HttpRequest, code: str, as_of: Line24 = "") -> list[CommanderOut]:
    country = country_or_404(code)
    day: datetime.date = read_day(as_of, field="as_of") or timezone.localdate()
    return [
        CommanderOut(
            unit=commander.actor_id,
            person=commander.person_id,
            name=commander.name,
            role=commander.role,
            role_label=commander.role_label,
            start=commander.start,
            end=commander.end,
        )
        for commanders in commanders_on(user=request.user, country=country, day=day).values()
        for commander in commanders
    ]


class IncidentEvidenceIn(Schema):
    source: int | None = Field(None, description="A source of the incident's country that you may read")
    source_title: Line500 = Field("", description="Or a new source: its title (recorded for the incident's owner)")
    source_url: Line500 = ""
    responsibility: int | None = Field(None, description="The alleged responsibility it backs; none: the incident")
    locator: Line500 = ""
    confidence: Line24 = "medium"


@router.post(
    "/incidents/{pk}/evidence",
    response=answers({201: IncidentEvidenceOut}, WRITE_ERRORS),
    summary="Cite evidence for an incident or one of its alleged responsibilities",
    auth=EDIT_INCIDENT,
)
def create_evidence(request: HttpRequest, pk: int, payload: IncidentEvidenceIn) -> Any:
    incident = selectors.incidents_readable(user=request.user).filter(pk=pk).first()
    if incident is None:
        raise HttpError(404, _("No such incident."))
    responsibility = None
    if payload.responsibility is not None:
        responsibility = incident.responsibilities.filter(pk=payload.responsibility).first()
        if responsibility is None:
            message = _("This incident has no alleged responsibility %(id)s.") % {"id": payload.responsibility}
            raise ValidationError({"responsibility": [message]})
        if selectors.named_hidden(user=request.user, responsibility=responsibility):
            raise HttpError(403, selectors.hidden_message(responsibility))
    source = _source(request, payload.source, incident.country)
    new = CitationData(title=payload.source_title, url=payload.source_url) if payload.source_title.strip() else None
    data = services.EvidenceData(source=source, new=new, locator=payload.locator, confidence=payload.confidence)
    evidence = services.evidence_add(
        user=request.user,
        data=data,
        incident=incident if responsibility is None else None,
        responsibility=responsibility,
    )
    return Status(201, IncidentEvidenceOut.of(evidence))


@router.delete(
    "/evidence/{pk}",
    response=answers({204: None}, 403, 404, 422),
    summary="Remove a piece of evidence of an incident",
)
def delete_evidence(request: HttpRequest, pk: int) -> Any:
    try:
        evidence = selectors.evidence_get(user=request.user, pk=pk)
    except Evidence.DoesNotExist:
        raise HttpError(404, _("No such evidence.")) from None
    services.evidence_remove(user=request.user, evidence=evidence)
    return Status(204, None)
