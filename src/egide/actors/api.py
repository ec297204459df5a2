"""The map's API: the same selectors and services as the pages."""

import json
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.gzip import gzip_page
from ninja import Header, Router, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.pagination import paginate

from egide.accounts import selectors as access
from egide.accounts.models import Organisation
from egide.actors import selectors, services
from egide.actors.data import ActorData, RelationshipData
from egide.actors.models import Actor, Relationship
from egide.actors.schemas import (
    ActorIn,
    ActorOut,
    ActorPatch,
    CountryOut,
    Line24,
    Line48,
    Line300,
    MapOut,
    RelationshipIn,
    RelationshipOut,
    RelationshipPatch,
)
from egide.api.auth import in_country, record, writers
from egide.api.common import LazyPage, Pagination, country_or_404
from egide.api.errors import WRITE_ERRORS, answers
from egide.core.as_of import read_day

router = Router(tags=["security system map"])

# Checked before the body is read (egide.api.auth).
EDIT_IN_COUNTRY = writers(in_country(gettext_lazy("You have no editing role for this country.")))
EDIT_ACTOR = writers(
    record(
        lambda user, pk: selectors.actors_visible(user=user).filter(pk=pk).first(),
        missing=gettext_lazy("No such actor."),
    )
)
EDIT_RELATIONSHIP = writers(
    record(
        lambda user, pk: selectors.relationships_visible(user=user).filter(pk=pk).first(),
        missing=gettext_lazy("No such relationship."),
    )
)


def _actor(request: HttpRequest, pk: int) -> Actor:
    try:
        return selectors.actor_get(user=request.user, pk=pk)
    except Actor.DoesNotExist:
        raise HttpError(404, _("No such actor.")) from None


def _relationship(request: HttpRequest, pk: int) -> Relationship:
    try:
        return selectors.relationship_get(user=request.user, pk=pk)
    except Relationship.DoesNotExist:
        raise HttpError(404, _("No such relationship.")) from None


def _locked_actor(actor: Actor) -> Actor:
    try:
        return services.actor_lock(actor=actor)
    except Actor.DoesNotExist:
        raise HttpError(404, _("No such actor.")) from None


def _locked_relationship(relationship: Relationship) -> Relationship:
    try:
        return services.relationship_lock(relationship=relationship)
    except Relationship.DoesNotExist:
        raise HttpError(404, _("No such relationship.")) from None


def _reference_actor(request: HttpRequest, pk: int | None, field: str) -> Actor | None:
    if pk is None:
        return None
    try:
        return selectors.actors_visible(user=request.user).get(pk=pk)
    except Actor.DoesNotExist:
        raise ValidationError({field: [_("No actor has the id %(id)s.") % {"id": pk}]}) from None


def _owner(
    request: HttpRequest, owner_id: int | None, country: str, current: Organisation | None
) -> Organisation | None:
    """The organisation named by id, or else the record's present owner, or else the user's only editing one."""
    if owner_id is None:
        return current or access.default_owner(user=request.user, country=country)
    try:
        return Organisation.objects.get(pk=owner_id)
    except Organisation.DoesNotExist:
        raise ValidationError({"owner": [_("No organisation has the id %(id)s.") % {"id": owner_id}]}) from None


def _refuse_null_fields(changes: dict[str, Any], *, nullable: frozenset[str]) -> None:
    """A PATCH may leave a field out, but only a nullable one may be set to null."""
    nulls = sorted(name for name, value in changes.items() if value is None and name not in nullable)
    if nulls:
        raise ValidationError({name: [_("This field cannot be null.")] for name in nulls})


# Optimistic concurrency. GET of one record sends its ETag, made of its type, id and version; PUT, PATCH and
# DELETE with If-Match are refused with 412 when no tag matches the record as it is when the change is made (read
# under a lock, so that two changes sent with the same tag cannot both pass). Without If-Match a change still goes
# through, applied to the record as it is then (a PATCH never writes back fields it did not name from an older
# copy), and a `version` in a PUT or PATCH body, when given, is checked the same way (409).
IF_MATCH = Header(
    None,
    alias="If-Match",
    description="The ETag read with GET (or several, comma-separated, or *): the change is refused with 412 "
    "when the record has changed since.",
)
ETAG_HEADER = {
    "ETag": {"description": "The record's version tag, to send back in If-Match", "schema": {"type": "string"}}
}
VERSIONED_READ: dict[str, Any] = {"responses": {"200": {"headers": ETAG_HEADER}}}


def etag(record: Actor | Relationship) -> str:
    return f'"{type(record).__name__.lower()}-{record.pk}-{record.version}"'


def if_match_allows(header: str | None, record: Actor | Relationship) -> bool:
    """RFC 9110's If-Match: absent, or *, or one of its tags equal to the record's by strong comparison (a weak
    tag, W/"…", never matches)."""
    if header is None:
        return True
    tags = [tag.strip() for tag in header.split(",")]
    return "*" in tags or etag(record) in tags


def _require_fresh(record: Actor | Relationship, if_match: str | None, version: int | None) -> None:
    """412 when If-Match names no tag of the record as it is, 409 when the body's `version` is not its version."""
    if not if_match_allows(if_match, record):
        message = _(
            "This record has changed since the version you sent in If-Match (it is now %(etag)s): "
            "read it again and repeat your change."
        )
        raise HttpError(412, message % {"etag": etag(record)})
    if version is not None and version != record.version:
        message = _(
            "This record has changed since version %(version)s (it is now at version %(current)s): "
            "read it again and repeat your change."
        )
        raise HttpError(409, message % {"version": version, "current": record.version})


@router.get("/countries", response=answers({200: list[CountryOut]}), summary="Countries with a map, with their counts")
def list_countries(request: HttpRequest) -> list[CountryOut]:
    return [
        CountryOut(code=item.code, name=item.name, actors=item.actors, relationships=item.relationships)
        for item in selectors.country_summaries(user=request.user)
    ]


@router.get(
    "/countries/{code}/map",
    response=answers({200: MapOut}, 404, 422),
    url_name="country_map",
    summary="A country's whole map",
)
@decorate_view(gzip_page)
def country_map(request: HttpRequest, code: str, as_of: Line24 = "") -> HttpResponse:
    """The map that you may see; with `as_of` (YYYY-MM-DD), as it stood on that day: only the relationships that
    held then, an imprecise date counting for its whole year or month, as in the governance analysis.

    Sent as it comes from the selector: checking 30,000 nodes and edges against the schema would take longer
    than building them (benchmarks/RESULTS.md); the schema still documents the shape, and tests check it."""
    country = country_or_404(code)
    day = read_day(as_of, field="as_of")
    data = selectors.country_map(user=request.user, country=country, as_of=day)
    return HttpResponse(json.dumps(data, ensure_ascii=False, separators=(",", ":")), content_type="application/json")


@router.get("/countries/{code}/actors", response=answers({200: list[ActorOut]}, 404, 422), summary="A country's actors")
@paginate(Pagination)
def list_actors(request: HttpRequest, code: str, family: Line48 = "", kind: Line48 = "", search: Line300 = "") -> Any:
    actors = selectors.country_actors(
        user=request.user, country=country_or_404(code), family=family, kind=kind, search=search, sort="reference"
    ).prefetch_related("citations__source")
    return LazyPage(actors, ActorOut.from_actor)


@router.post(
    "/countries/{code}/actors",
    response=answers({201: ActorOut}, WRITE_ERRORS),
    summary="Create an actor",
    auth=EDIT_IN_COUNTRY,
)
def create_actor(request: HttpRequest, code: str, payload: ActorIn) -> Any:
    country = country_or_404(code)
    values = payload.dict(exclude={"parent", "owner", "version"})
    data = ActorData(
        **values,
        parent=_reference_actor(request, payload.parent, "parent"),
        owner=_owner(request, payload.owner, country, None),
    )
    actor = services.actor_create(user=request.user, country=country, data=data)
    return Status(201, ActorOut.from_actor(selectors.actor_get(user=request.user, pk=actor.pk)))


@router.get(
    "/actors/{pk}", response=answers({200: ActorOut}, 404, 422), summary="One actor", openapi_extra=VERSIONED_READ
)
def read_actor(request: HttpRequest, pk: int, response: HttpResponse) -> ActorOut:
    actor = _actor(request, pk)
    response["ETag"] = etag(actor)
    return ActorOut.from_actor(actor)


def _update_actor(
    request: HttpRequest, response: HttpResponse, actor: Actor, changes: dict[str, Any], if_match: str | None
) -> Any:
    version = changes.pop("version", None)
    if changes.get("parent", 0) is None and actor.parent_id is not None and selectors.visible_parent_id(actor) is None:
        # The reader was sent null for a parent it cannot see: sending null back keeps that parent.
        del changes["parent"]
    with transaction.atomic():
        # Read again under a lock: the fields the change leaves out are today's, not those of an older copy.
        actor = _locked_actor(actor)
        _require_fresh(actor, if_match, version)
        current = {
            name: getattr(actor, name) for name in ActorIn.model_fields if name not in ("parent", "owner", "version")
        }
        current["parent"], current["owner"] = actor.parent, actor.owner
        if "parent" in changes:
            changes["parent"] = _reference_actor(request, changes["parent"], "parent")
        if "owner" in changes:
            changes["owner"] = _owner(request, changes["owner"], actor.country, actor.owner)
        data = ActorData(**(current | changes))
        services.actor_update(user=request.user, actor=actor, data=data, expected_version=actor.version)
    response["ETag"] = etag(actor)
    return Status(200, ActorOut.from_actor(selectors.actor_get(user=request.user, pk=actor.pk)))


VERSIONED_WRITE_ERRORS = (*WRITE_ERRORS, 409, 412)


@router.put(
    "/actors/{pk}",
    response=answers({200: ActorOut}, VERSIONED_WRITE_ERRORS),
    summary="Replace an actor",
    openapi_extra=VERSIONED_READ,
    auth=EDIT_ACTOR,
)
def replace_actor(
    request: HttpRequest, response: HttpResponse, pk: int, payload: ActorIn, if_match: str | None = IF_MATCH
) -> Any:
    return _update_actor(request, response, _actor(request, pk), payload.dict(), if_match)


@router.patch(
    "/actors/{pk}",
    response=answers({200: ActorOut}, VERSIONED_WRITE_ERRORS),
    summary="Change some of an actor's fields",
    openapi_extra=VERSIONED_READ,
    auth=EDIT_ACTOR,
)
def patch_actor(
    request: HttpRequest, response: HttpResponse, pk: int, payload: ActorPatch, if_match: str | None = IF_MATCH
) -> Any:
    actor = _actor(request, pk)
    changes = payload.dict(exclude_unset=True)
    _refuse_null_fields(changes, nullable=frozenset({"parent", "version"}))
    return _update_actor(request, response, actor, changes, if_match)


@router.delete(
    "/actors/{pk}",
    response=answers({204: None}, 403, 404, 412, 422),
    summary="Delete an actor and its relationships",
    auth=EDIT_ACTOR,
)
def delete_actor(request: HttpRequest, pk: int, if_match: str | None = IF_MATCH) -> Any:
    actor = _actor(request, pk)
    with transaction.atomic():
        actor = _locked_actor(actor)
        _require_fresh(actor, if_match, None)
        services.actor_delete(user=request.user, actor=actor, expected_version=actor.version)
    return Status(204, None)


@router.get(
    "/countries/{code}/relationships",
    response=answers({200: list[RelationshipOut]}, 404, 422),
    summary="A country's relationships",
)
@paginate(Pagination)
def list_relationships(request: HttpRequest, code: str, type: Line24 = "") -> Any:
    relationships = selectors.country_relationships(
        user=request.user, country=country_or_404(code), type=type
    ).prefetch_related("citations__source")
    return LazyPage(relationships, RelationshipOut.from_relationship)


def _relationship_data(
    request: HttpRequest, values: dict[str, Any], current_owner: Organisation | None = None
) -> RelationshipData:
    source = _reference_actor(request, values.pop("source"), "source")
    target = _reference_actor(request, values.pop("target"), "target")
    assert source is not None
    assert target is not None
    start = services.fuzzy_or_none(values.pop("start") or "", field="start")
    end = services.fuzzy_or_none(values.pop("end") or "", field="end")
    owner = values.pop("owner", None)
    if not isinstance(owner, Organisation):
        owner = _owner(request, owner, source.country, current_owner)
    return RelationshipData(source=source, target=target, start=start, end=end, owner=owner, **values)


@router.post(
    "/countries/{code}/relationships",
    response=answers({201: RelationshipOut}, WRITE_ERRORS),
    summary="Create a relationship",
    auth=EDIT_IN_COUNTRY,
)
def create_relationship(request: HttpRequest, code: str, payload: RelationshipIn) -> Any:
    country = country_or_404(code)
    data = _relationship_data(request, payload.dict(exclude={"version"}))
    if data.source.country != country:
        message = _("The actor %(id)s is not in %(country)s.") % {"id": data.source.pk, "country": country}
        raise ValidationError({"source": [message]})
    relationship = services.relationship_create(user=request.user, data=data)
    return Status(201, RelationshipOut.from_relationship(_relationship(request, relationship.pk)))


@router.get(
    "/relationships/{pk}",
    response=answers({200: RelationshipOut}, 404, 422),
    summary="One relationship",
    openapi_extra=VERSIONED_READ,
)
def read_relationship(request: HttpRequest, pk: int, response: HttpResponse) -> RelationshipOut:
    relationship = _relationship(request, pk)
    response["ETag"] = etag(relationship)
    return RelationshipOut.from_relationship(relationship)


def _update_relationship(
    request: HttpRequest,
    response: HttpResponse,
    relationship: Relationship,
    changes: dict[str, Any],
    if_match: str | None,
) -> Any:
    version = changes.pop("version", None)
    with transaction.atomic():
        relationship = _locked_relationship(relationship)
        _require_fresh(relationship, if_match, version)
        current = {name: getattr(relationship, name) for name in RelationshipIn.model_fields if name != "version"}
        current["source"], current["target"] = relationship.source_id, relationship.target_id
        current["owner"] = relationship.owner
        data = _relationship_data(request, current | changes, relationship.owner)
        services.relationship_update(
            user=request.user, relationship=relationship, data=data, expected_version=relationship.version
        )
    response["ETag"] = etag(relationship)
    return Status(200, RelationshipOut.from_relationship(_relationship(request, relationship.pk)))


@router.put(
    "/relationships/{pk}",
    response=answers({200: RelationshipOut}, VERSIONED_WRITE_ERRORS),
    summary="Replace a relationship",
    openapi_extra=VERSIONED_READ,
    auth=EDIT_RELATIONSHIP,
)
def replace_relationship(
    request: HttpRequest, response: HttpResponse, pk: int, payload: RelationshipIn, if_match: str | None = IF_MATCH
) -> Any:
    return _update_relationship(request, response, _relationship(request, pk), payload.dict(), if_match)


@router.patch(
    "/relationships/{pk}",
    response=answers({200: RelationshipOut}, VERSIONED_WRITE_ERRORS),
    summary="Change some of a relationship",
    openapi_extra=VERSIONED_READ,
    auth=EDIT_RELATIONSHIP,
)
def patch_relationship(
    request: HttpRequest,
    response: HttpResponse,
    pk: int,
    payload: RelationshipPatch,
    if_match: str | None = IF_MATCH,
) -> Any:
    relationship = _relationship(request, pk)
    changes = payload.dict(exclude_unset=True)
    _refuse_null_fields(changes, nullable=frozenset({"start", "end", "version"}))
    return _update_relationship(request, response, relationship, changes, if_match)


@router.delete(
    "/relationships/{pk}",
    response=answers({204: None}, 403, 404, 412, 422),
    summary="Delete a relationship",
    auth=EDIT_RELATIONSHIP,
)
def delete_relationship(request: HttpRequest, pk: int, if_match: str | None = IF_MATCH) -> Any:
    relationship = _relationship(request, pk)
    with transaction.atomic():
        relationship = _locked_relationship(relationship)
        _require_fresh(relationship, if_match, None)
        services.relationship_delete(
            user=request.user, relationship=relationship, expected_version=relationship.version
        )
    return Status(204, None)
