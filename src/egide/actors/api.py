"""The map's API: the same selectors and services as the pages."""

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from ninja import Router, Status
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

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
    ErrorOut,
    MapOut,
    RelationshipIn,
    RelationshipOut,
    RelationshipPatch,
)
from egide.core.reference import countries

router = Router(tags=["security system map"])


def _country(code: str) -> str:
    code = code.upper()
    if code not in countries():
        raise HttpError(404, _("No country has the code “%(code)s”.") % {"code": code})
    return code


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


@contextmanager
def _permission_as_403() -> Iterator[None]:
    try:
        yield
    except PermissionDenied as error:
        raise HttpError(403, str(error) or _("You may not do this.")) from error


def _invalid(error: ValidationError) -> Status[dict[str, Any]]:
    if hasattr(error, "error_dict"):
        return Status(422, {"detail": error.message_dict})
    return Status(422, {"detail": {"__all__": error.messages}})


def _null_fields(changes: dict[str, Any], *, nullable: frozenset[str]) -> Status[dict[str, Any]] | None:
    """A PATCH may leave a field out, but only a nullable one may be set to null."""
    nulls = sorted(name for name, value in changes.items() if value is None and name not in nullable)
    if nulls:
        return Status(422, {"detail": {name: [_("This field cannot be null.")] for name in nulls}})
    return None


@router.get("/countries", response=list[CountryOut], summary="Countries with a map, with their counts")
def list_countries(request: HttpRequest) -> list[CountryOut]:
    return [
        CountryOut(code=item.code, name=item.name, actors=item.actors, relationships=item.relationships)
        for item in selectors.country_summaries(user=request.user)
    ]


@router.get("/countries/{code}/map", response=MapOut, url_name="country_map", summary="A country's whole map")
@decorate_view(gzip_page)
def country_map(request: HttpRequest, code: str) -> HttpResponse:
    """Sent as it comes from the selector: checking 30,000 nodes and edges against the schema would take longer
    than building them (benchmarks/RESULTS.md); the schema still documents the shape, and tests check it."""
    data = selectors.country_map(user=request.user, country=_country(code))
    return HttpResponse(json.dumps(data, ensure_ascii=False, separators=(",", ":")), content_type="application/json")


@router.get("/countries/{code}/actors", response=list[ActorOut], summary="A country's actors")
@paginate(LimitOffsetPagination)
def list_actors(request: HttpRequest, code: str, family: str = "", kind: str = "", search: str = "") -> Any:
    actors = selectors.country_actors(
        user=request.user, country=_country(code), family=family, kind=kind, search=search, sort="reference"
    ).prefetch_related("citations__source")
    return _ActorPage(actors)


class _ActorPage:
    """Paginated lazily: only the requested slice is turned into schemas."""

    def __init__(self, queryset: Any) -> None:
        self.queryset = queryset

    def __len__(self) -> int:
        return int(self.queryset.count())

    def count(self) -> int:
        return len(self)

    def __getitem__(self, item: slice) -> list[ActorOut]:
        return [ActorOut.from_actor(actor) for actor in self.queryset[item]]


@router.post("/countries/{code}/actors", response={201: ActorOut, 422: ErrorOut}, summary="Create an actor")
def create_actor(request: HttpRequest, code: str, payload: ActorIn) -> Any:
    country = _country(code)
    try:
        values = payload.dict(exclude={"parent", "owner"})
        data = ActorData(
            **values,
            parent=_reference_actor(request, payload.parent, "parent"),
            owner=_owner(request, payload.owner, country, None),
        )
        with _permission_as_403():
            actor = services.actor_create(user=request.user, country=country, data=data)
    except ValidationError as error:
        return _invalid(error)
    return Status(201, ActorOut.from_actor(selectors.actor_get(user=request.user, pk=actor.pk)))


@router.get("/actors/{pk}", response=ActorOut, summary="One actor")
def read_actor(request: HttpRequest, pk: int) -> ActorOut:
    return ActorOut.from_actor(_actor(request, pk))


def _update_actor(request: HttpRequest, actor: Actor, changes: dict[str, Any]) -> Any:
    current = {name: getattr(actor, name) for name in ActorIn.model_fields if name not in ("parent", "owner")}
    current["parent"], current["owner"] = actor.parent, actor.owner
    if changes.get("parent", 0) is None and actor.parent_id is not None and selectors.visible_parent_id(actor) is None:
        # The reader was sent null for a parent it cannot see: sending null back keeps that parent.
        del changes["parent"]
    try:
        if "parent" in changes:
            changes["parent"] = _reference_actor(request, changes["parent"], "parent")
        if "owner" in changes:
            changes["owner"] = _owner(request, changes["owner"], actor.country, actor.owner)
        data = ActorData(**(current | changes))
        with _permission_as_403():
            services.actor_update(user=request.user, actor=actor, data=data)
    except ValidationError as error:
        return _invalid(error)
    return Status(200, ActorOut.from_actor(selectors.actor_get(user=request.user, pk=actor.pk)))


@router.put("/actors/{pk}", response={200: ActorOut, 422: ErrorOut}, summary="Replace an actor")
def replace_actor(request: HttpRequest, pk: int, payload: ActorIn) -> Any:
    return _update_actor(request, _actor(request, pk), payload.dict())


@router.patch("/actors/{pk}", response={200: ActorOut, 422: ErrorOut}, summary="Change some of an actor's fields")
def patch_actor(request: HttpRequest, pk: int, payload: ActorPatch) -> Any:
    actor = _actor(request, pk)
    changes = payload.dict(exclude_unset=True)
    return _null_fields(changes, nullable=frozenset({"parent"})) or _update_actor(request, actor, changes)


@router.delete("/actors/{pk}", response={204: None}, summary="Delete an actor and its relationships")
def delete_actor(request: HttpRequest, pk: int) -> Status[None]:
    with _permission_as_403():
        services.actor_delete(user=request.user, actor=_actor(request, pk))
    return Status(204, None)


@router.get("/countries/{code}/relationships", response=list[RelationshipOut], summary="A country's relationships")
@paginate(LimitOffsetPagination)
def list_relationships(request: HttpRequest, code: str, type: str = "") -> Any:
    relationships = selectors.country_relationships(
        user=request.user, country=_country(code), type=type
    ).prefetch_related("citations__source")
    return _RelationshipPage(relationships)


class _RelationshipPage(_ActorPage):
    def __getitem__(self, item: slice) -> list[RelationshipOut]:  # type: ignore[override]
        return [RelationshipOut.from_relationship(relationship) for relationship in self.queryset[item]]


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
    response={201: RelationshipOut, 422: ErrorOut},
    summary="Create a relationship",
)
def create_relationship(request: HttpRequest, code: str, payload: RelationshipIn) -> Any:
    country = _country(code)
    try:
        data = _relationship_data(request, payload.dict())
        if data.source.country != country:
            message = _("The actor %(id)s is not in %(country)s.") % {"id": data.source.pk, "country": country}
            raise ValidationError({"source": [message]})
        with _permission_as_403():
            relationship = services.relationship_create(user=request.user, data=data)
    except ValidationError as error:
        return _invalid(error)
    return Status(201, RelationshipOut.from_relationship(_relationship(request, relationship.pk)))


@router.get("/relationships/{pk}", response=RelationshipOut, summary="One relationship")
def read_relationship(request: HttpRequest, pk: int) -> RelationshipOut:
    return RelationshipOut.from_relationship(_relationship(request, pk))


def _update_relationship(request: HttpRequest, relationship: Relationship, changes: dict[str, Any]) -> Any:
    current = {name: getattr(relationship, name) for name in RelationshipIn.model_fields}
    current["source"], current["target"] = relationship.source_id, relationship.target_id
    current["owner"] = relationship.owner
    try:
        data = _relationship_data(request, current | changes, relationship.owner)
        with _permission_as_403():
            services.relationship_update(user=request.user, relationship=relationship, data=data)
    except ValidationError as error:
        return _invalid(error)
    return Status(200, RelationshipOut.from_relationship(_relationship(request, relationship.pk)))


@router.put("/relationships/{pk}", response={200: RelationshipOut, 422: ErrorOut}, summary="Replace a relationship")
def replace_relationship(request: HttpRequest, pk: int, payload: RelationshipIn) -> Any:
    return _update_relationship(request, _relationship(request, pk), payload.dict())


@router.patch(
    "/relationships/{pk}", response={200: RelationshipOut, 422: ErrorOut}, summary="Change some of a relationship"
)
def patch_relationship(request: HttpRequest, pk: int, payload: RelationshipPatch) -> Any:
    relationship = _relationship(request, pk)
    changes = payload.dict(exclude_unset=True)
    return _null_fields(changes, nullable=frozenset({"start", "end"})) or _update_relationship(
        request, relationship, changes
    )


@router.delete("/relationships/{pk}", response={204: None}, summary="Delete a relationship")
def delete_relationship(request: HttpRequest, pk: int) -> Status[None]:
    with _permission_as_403():
        services.relationship_delete(user=request.user, relationship=_relationship(request, pk))
    return Status(204, None)
