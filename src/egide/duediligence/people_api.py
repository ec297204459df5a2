"""The people's API: the same selectors, services and read rule as the pages. Anonymous callers read nobody; a
person's record read through `GET /people/{pk}` is audited like a visit to the person's page, and so is each
person a list or a search returns, and a person whose posts are read (egide.duediligence.reads)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from egide.accounts.models import Organisation
from egide.accounts.selectors import default_owner
from egide.actors.schemas import Line24, Line48, Line300, Text
from egide.actors.services import fuzzy_or_none
from egide.api.auth import record, writers
from egide.api.common import Pagination, RecordId
from egide.api.errors import WRITE_ERRORS, answers
from egide.audit.models import Action
from egide.audit.services import audit_record
from egide.core.fuzzy_dates import FuzzyDate
from egide.duediligence import people_selectors as selectors
from egide.duediligence import people_services as services
from egide.duediligence.models import Person, Post
from egide.duediligence.reads import VIA_POSTS, ConsultedPage, records_consulted

router = Router(tags=["people"])

EDIT_PERSON = writers(
    record(
        lambda user, pk: selectors.people_readable(user=user).filter(pk=pk).first(),
        missing=gettext_lazy("No such person."),
    )
)


class PersonNameOut(Schema):
    name: str
    kind: str
    script: str


class PersonPostOut(Schema):
    id: int
    actor: int | None = Field(description="The unit; null when you may not see it")
    actor_name: str = Field(description="The unit's name; empty when you may not see it")
    role: str
    title: str
    start: str
    end: str
    ongoing: bool
    confidence: str

    @staticmethod
    def of(post: Post, actor_visible: bool = True) -> "PersonPostOut":
        return PersonPostOut(
            id=post.pk,
            actor=post.actor_id if actor_visible else None,
            actor_name=post.actor.name if actor_visible else "",
            role=post.role,
            title=post.title,
            start=post.start,
            end=post.end,
            ongoing=post.ongoing,
            confidence=post.confidence,
        )


class PersonOut(Schema):
    id: int
    name: str
    names: list[PersonNameOut]
    country: str
    nationality: str
    born: str
    notes: str
    confidence: str
    confidentiality: str
    owner: int | None
    version: int

    @staticmethod
    def of(person: Person) -> "PersonOut":
        return PersonOut(
            id=person.pk,
            name=person.display_name,
            names=[PersonNameOut(name=name.name, kind=name.kind, script=name.script) for name in person.names.all()],
            country=person.country,
            nationality=person.nationality,
            born=person.born,
            notes=person.notes,
            confidence=person.confidence,
            confidentiality=person.confidentiality,
            owner=person.owner_id,
            version=person.version,
        )


class PersonNameIn(Schema):
    name: Line300
    kind: Line24 = "primary"
    script: Line48 = ""


class PersonIn(Schema):
    country: Line24
    names: list[PersonNameIn]
    nationality: Line24 = ""
    born: Line24 = ""
    notes: Text = ""
    confidence: Line24 = "medium"
    confidentiality: Line24 = "restricted"
    owner: int | None = None


class PersonPatch(Schema):
    country: Line24 | None = None
    nationality: Line24 | None = None
    born: Line24 | None = None
    notes: Text | None = None
    confidence: Line24 | None = None
    confidentiality: Line24 | None = None
    owner: int | None = None
    version: int | None = None


def _owner(
    request: HttpRequest, owner_id: int | None, country: str, current: Organisation | None
) -> Organisation | None:
    if owner_id is None:
        return current or default_owner(user=request.user, country=country)
    try:
        return Organisation.objects.get(pk=owner_id)
    except Organisation.DoesNotExist:
        raise ValidationError({"owner": [_("No organisation has the id %(id)s.") % {"id": owner_id}]}) from None


def _found(request: HttpRequest, pk: int) -> Person:
    try:
        return selectors.person_get(user=request.user, pk=pk)
    except Person.DoesNotExist:
        raise HttpError(404, _("No such person.")) from None


@router.get("/people", response=answers({200: list[PersonOut]}, 422), summary="People, or a search by name")
@paginate(Pagination)
def list_people(
    request: HttpRequest, search: Line300 = "", country: Line24 = "", role: Line24 = "", actor: RecordId | None = None
) -> Any:
    """The people you may read (none without credentials); with `search`, the closest names first, tolerating
    spelling variants, accents and other scripts (at most 100). Each person returned is recorded as consulted."""
    found = selectors.people_list(user=request.user, country=country.upper(), text=search, role=role, actor=actor)
    return ConsultedPage(request.user, found.people, PersonOut.of)


@router.get(
    "/people/{pk}", response=answers({200: PersonOut}, 404, 422), summary="A person's record (the read is audited)"
)
def get_person(request: HttpRequest, pk: int) -> PersonOut:
    person = _found(request, pk)
    audit_record(user=request.user, action=Action.READ, instance=person, before=None, after=None)
    return PersonOut.of(person)


@router.get(
    "/people/{pk}/posts",
    response=answers({200: list[PersonPostOut]}, 404, 422),
    summary="A person's posts (the read is audited)",
)
def person_posts(request: HttpRequest, pk: int) -> list[PersonPostOut]:
    person = _found(request, pk)
    records_consulted(user=request.user, records=[person], via=VIA_POSTS)
    return [
        PersonPostOut.of(entry.post, entry.actor_visible)
        for entry in selectors.person_posts(user=request.user, person=person)
    ]


@router.post("/people", response=answers({201: PersonOut}, WRITE_ERRORS), summary="Record a person")
def create_person(request: HttpRequest, payload: PersonIn) -> Any:
    country = payload.country.upper()
    data = services.PersonData(
        country=country,
        owner=_owner(request, payload.owner, country, None),
        confidentiality=payload.confidentiality,
        confidence=payload.confidence,
        nationality=payload.nationality.upper(),
        birth=fuzzy_or_none(payload.born, field="born"),
        notes=payload.notes,
    )
    names = [services.NameData(name=name.name, kind=name.kind, script=name.script) for name in payload.names]
    person = services.person_create(user=request.user, data=data, names=names)
    return Status(201, PersonOut.of(selectors.person_get(user=request.user, pk=person.pk)))


@router.patch(
    "/people/{pk}",
    response=answers({200: PersonOut}, WRITE_ERRORS, 409),
    summary="Change a person's facts",
    auth=EDIT_PERSON,
)
def update_person(request: HttpRequest, pk: int, payload: PersonPatch) -> PersonOut:
    person = _found(request, pk)
    changes = payload.dict(exclude_unset=True)
    nulls = sorted(name for name, value in changes.items() if value is None and name != "owner")
    if nulls:
        raise ValidationError({name: [_("This field cannot be null.")] for name in nulls})
    country = str(changes.get("country", person.country)).upper()
    owner = _owner(request, changes["owner"], country, person.owner) if changes.get("owner") else person.owner
    born = fuzzy_or_none(changes["born"], field="born") if "born" in changes else None
    data = services.PersonData(
        country=country,
        owner=owner,
        confidentiality=changes.get("confidentiality", person.confidentiality),
        confidence=changes.get("confidence", person.confidence),
        nationality=str(changes.get("nationality", person.nationality)).upper(),
        birth=born if "born" in changes else _birth(person),
        notes=changes.get("notes", person.notes),
    )
    try:
        services.person_update(user=request.user, person=person, data=data, expected_version=changes.get("version"))
    except services.StalePerson as stale:
        message = _(
            "This record has changed since version %(version)s (it is now at version %(current)s): "
            "read it again and repeat your change."
        )
        raise HttpError(409, message % {"version": stale.expected, "current": stale.person.version}) from None
    return PersonOut.of(selectors.person_get(user=request.user, pk=person.pk))


def _birth(person: Person) -> FuzzyDate | None:
    return FuzzyDate.from_parts(person.birth_date, person.birth_precision)
