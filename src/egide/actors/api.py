"""The map's API: the same selectors and services as the pages."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Header, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from egide.accounts import selectors as access
from egide.accounts.models import Organisation
from egide.actors import selectors, services
from egide.actors.data import ActorData, RelationshipData
from egide.actors.map_answer import map_response
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
from egide.actors.versions import map_version
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
VERSIONED_WRITE_ERRORS = (*WRITE_ERRORS, 409, 412)


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


MAP_GZIP_LEVEL = 6
"""gzip's usual level: the fastest that keeps the map of 5,000 actors and 25,000 relationships (5.8 MB) under
500 kB (468 kB; level 5 gives 508 kB, level 1 652 kB; benchmarks/RESULTS.md, map-api)."""


@router.get(
    "/countries/{code}/map",
    response=answers({200: MapOut}, 404, 422),
    url_name="country_map",
    summary="A country's whole map",
)
def country_map(request: HttpRequest, code: str, as_of: Line24 = "") -> HttpResponse | StreamingHttpResponse:
    """The map that you may see; with `as_of` (YYYY-MM-DD), as it stood on that day: only the relationships that
    held then, an imprecise date counting for its whole year or month, as in the governance analysis.

    Written with orjson as the selector reads it, a batch of rows at a time, and streamed when it is large, so
    that a map of 50,000 actors never exists whole in memory; not checked against the schema, which would take
    longer than building it (benchmarks/RESULTS.md): the schema documents the shape, and tests check it."""
    # The docstring above is the API document's description (egide/api/texts.py translates it). The answer is
    # kept compressed for the next reader who sees the same map (egide.actors.map_answer).
    country = country_or_404(code)
    day = read_day(as_of, field="as_of")
    version = map_version(country=country)  # before the records: an answer kept under it is never older
    parts = selectors.country_map_parts(user=request.user, country=country, as_of=day)
    return map_response(
        request, parts, country=country, version=version, day=day.isoformat() if day else "", level=MAP_GZIP_LEVEL
    )


def _country_list[M: (Actor, Relationship), T](
    request: HttpRequest,
    code: str,
    rows: Callable[..., QuerySet[M]],
    out: Callable[[M], T],
    **filters: str,
) -> LazyPage[M, T]:
    """A list endpoint's page of a country's records that the reader may see, chosen by the selector `rows` with
    `filters`, each answered with its sources through `out`."""
    found = rows(user=request.user, country=country_or_404(code), **filters).prefetch_related("citations__source")
    return LazyPage(found, out)


@router.get("/countries/{code}/actors", response=answers({200: list[ActorOut]}, 404, 422), summary="A country's actors")
@paginate(Pagination)
def list_actors(request: HttpRequest, code: str, family: Line48 = "", kind: Line48 = "", search: Line300 = "") -> Any:
    return _country_list(
        request,
        code,
        selectors.country_actors,
        ActorOut.from_actor,
        family=family,
        kind=kind,
        search=search,
        sort="reference",
    )


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


def _actor_data(request: HttpRequest, record: Actor, current: Actor, changes: dict[str, Any]) -> ActorData:
    """The actor's data after a change: its present values (read under the lock) with the body's changes."""
    if (
        changes.get("parent", 0) is None
        and record.parent_id is not None
        and selectors.visible_parent_id(record) is None
    ):
        # The reader was sent null for a parent it cannot see: sending null back keeps that parent.
        del changes["parent"]
    values = {name: getattr(current, name) for name in ActorData.names()}
    if "parent" in changes:
        changes["parent"] = _reference_actor(request, changes["parent"], "parent")
    if "owner" in changes:
        changes["owner"] = _owner(request, changes["owner"], current.country, current.owner)
    return ActorData(**(values | changes))


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


def _changed_relationship_data(
    request: HttpRequest, record: Relationship, current: Relationship, changes: dict[str, Any]
) -> RelationshipData:
    values = {name: getattr(current, name) for name in RelationshipIn.model_fields if name != "version"}
    values["source"], values["target"], values["owner"] = current.source_id, current.target_id, current.owner
    return _relationship_data(request, values | changes, current.owner)


@dataclass(frozen=True, slots=True)
class RecordOperations[R: (Actor, Relationship)]:
    """What the API does alike for each kind of record at `/{name}s/{pk}`: read it with its ETag, replace it
    (PUT), change some of its fields (PATCH) and delete it, each change under a lock and If-Match.

    The record's selector and services are found by the house's names: `<name>_get` in the selectors,
    `<name>_lock`, `<name>_update` and `<name>_delete` in the services, each taking the record as `<name>=`."""

    model: type[R]
    schemas: tuple[type[Schema], type[Schema], type[Schema]]
    """The answer, the body that replaces the record and the body that changes some of its fields."""
    out: Callable[[R], Schema]
    data: Callable[[HttpRequest, R, R, dict[str, Any]], Any]
    """The data to save from the record as read, the record locked, and the body's changes."""
    nullable: frozenset[str]
    """The fields a PATCH may set to null."""
    missing: str | Promise
    summaries: tuple[str, str, str, str]
    """Of the reading, the replacing, the changing and the deleting."""
    auth: Any

    @property
    def name(self) -> str:
        return self.model._meta.model_name or ""

    def _service(self, verb: str, user: Any, record: R, **options: Any) -> Any:
        return getattr(services, f"{self.name}_{verb}")(user=user, **{self.name: record}, **options)

    def found(self, request: HttpRequest, pk: int) -> R:
        try:
            record: R = getattr(selectors, f"{self.name}_get")(user=request.user, pk=pk)
            return record
        except self.model.DoesNotExist:
            raise HttpError(404, str(self.missing)) from None

    def locked(self, record: R) -> R:
        try:
            locked: R = getattr(services, f"{self.name}_lock")(**{self.name: record})
            return locked
        except self.model.DoesNotExist:
            raise HttpError(404, str(self.missing)) from None

    def change(
        self, request: HttpRequest, response: HttpResponse, record: R, changes: dict[str, Any], if_match: str | None
    ) -> Any:
        version = changes.pop("version", None)
        with transaction.atomic():
            # Read again under a lock: the fields the change leaves out are today's, not those of an older copy.
            current = self.locked(record)
            _require_fresh(current, if_match, version)
            data = self.data(request, record, current, changes)
            self._service("update", request.user, current, data=data, expected_version=current.version)
        response["ETag"] = etag(current)
        return Status(200, self.out(self.found(request, current.pk)))

    def register(self) -> None:
        """Add the four operations to the router, named as functions of this module would be."""
        path = f"/{self.name}s/{{pk}}"
        read_summary, replace_summary, patch_summary, delete_summary = self.summaries
        answer, body, patch_body = self.schemas

        def read(request: HttpRequest, pk: int, response: HttpResponse) -> Any:
            record = self.found(request, pk)
            response["ETag"] = etag(record)
            return self.out(record)

        def replace(
            request: HttpRequest, response: HttpResponse, pk: int, payload: Any, if_match: str | None = IF_MATCH
        ) -> Any:
            return self.change(request, response, self.found(request, pk), payload.dict(), if_match)

        def patch(
            request: HttpRequest, response: HttpResponse, pk: int, payload: Any, if_match: str | None = IF_MATCH
        ) -> Any:
            record = self.found(request, pk)
            changes = payload.dict(exclude_unset=True)
            _refuse_null_fields(changes, nullable=self.nullable)
            return self.change(request, response, record, changes, if_match)

        def delete(request: HttpRequest, pk: int, if_match: str | None = IF_MATCH) -> Any:
            record = self.found(request, pk)
            with transaction.atomic():
                current = self.locked(record)
                _require_fresh(current, if_match, None)
                self._service("delete", request.user, current, expected_version=current.version)
            return Status(204, None)

        replace.__annotations__["payload"] = body
        patch.__annotations__["payload"] = patch_body
        changed = answers({200: answer}, VERSIONED_WRITE_ERRORS)
        for verb, view, options in (
            ("get", read, {"response": answers({200: answer}, 404, 422), "summary": read_summary}),
            ("put", replace, {"response": changed, "summary": replace_summary, "auth": self.auth}),
            ("patch", patch, {"response": changed, "summary": patch_summary, "auth": self.auth}),
            ("delete", delete, {"response": answers({204: None}, 403, 404, 412, 422), "summary": delete_summary}),
        ):
            view.__name__ = f"{view.__name__}_{self.name}"
            view.__module__ = __name__
            if verb != "delete":
                options["openapi_extra"] = VERSIONED_READ
            else:
                options["auth"] = self.auth
            getattr(router, verb)(path, **options)(view)


ACTORS = RecordOperations(
    model=Actor,
    schemas=(ActorOut, ActorIn, ActorPatch),
    out=ActorOut.from_actor,
    data=_actor_data,
    nullable=frozenset({"parent", "version"}),
    missing=gettext_lazy("No such actor."),
    summaries=(
        "One actor",
        "Replace an actor",
        "Change some of an actor's fields",
        "Delete an actor and its relationships",
    ),
    auth=EDIT_ACTOR,
)
ACTORS.register()


@router.get(
    "/countries/{code}/relationships",
    response=answers({200: list[RelationshipOut]}, 404, 422),
    summary="A country's relationships",
)
@paginate(Pagination)
def list_relationships(request: HttpRequest, code: str, type: Line24 = "") -> Any:
    return _country_list(request, code, selectors.country_relationships, RelationshipOut.from_relationship, type=type)


RELATIONSHIPS = RecordOperations(
    model=Relationship,
    schemas=(RelationshipOut, RelationshipIn, RelationshipPatch),
    out=RelationshipOut.from_relationship,
    data=_changed_relationship_data,
    nullable=frozenset({"start", "end", "version"}),
    missing=gettext_lazy("No such relationship."),
    summaries=("One relationship", "Replace a relationship", "Change some of a relationship", "Delete a relationship"),
    auth=EDIT_RELATIONSHIP,
)


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
    return Status(201, RelationshipOut.from_relationship(RELATIONSHIPS.found(request, relationship.pk)))


RELATIONSHIPS.register()
