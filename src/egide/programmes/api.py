"""The programmes' API: the same selectors and services as the pages. A programme is read, created, replaced
(with everything it holds, checked against the version sent) and deleted as a whole."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from egide.accounts import selectors as access
from egide.accounts.models import Organisation
from egide.actors.models import Actor
from egide.actors.selectors import actors_visible
from egide.api.auth import record, writers
from egide.api.common import LazyPage, Pagination
from egide.api.errors import WRITE_ERRORS, answers
from egide.core.reference import countries
from egide.core.users import AnyUser
from egide.programmes import fields, selectors, services
from egide.programmes.data import (
    CountryShare,
    LocationData,
    ParticipationData,
    ProgrammeData,
    SectorShare,
    SupportData,
)
from egide.programmes.models import Programme
from egide.programmes.schemas import ProgrammeIn, ProgrammeOut, ProgrammeSummary, programme_values

router = Router(tags=["programmes"])


def _find(user: AnyUser, pk: int) -> Programme | None:
    return selectors.programmes_visible(user=user).filter(pk=pk).first()


# Checked before the body is read (egide.api.auth).
EDIT_PROGRAMME = writers(record(_find, missing=gettext_lazy("No such programme.")))


def _programme(request: HttpRequest, pk: int) -> Programme:
    found = _find(request.user, pk)
    if found is None:
        raise HttpError(404, _("No such programme."))
    return found


def _out(request: HttpRequest, programme: Programme) -> dict[str, Any]:
    supported = set(programme.supports.values_list("actor_id", flat=True))
    if programme.requested_by_id is not None:
        supported.add(programme.requested_by_id)
    seen = set(actors_visible(user=request.user).filter(pk__in=supported).values_list("pk", flat=True))
    return programme_values(programme, with_parts=True, visible_actor_ids=seen)


def _actor(request: HttpRequest, pk: int | None, field: str) -> Actor | None:
    if pk is None:
        return None
    found = actors_visible(user=request.user).filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [_("No actor has the id %(id)s.") % {"id": pk}]})
    return found


def _organisation(pk: int | None, field: str) -> Organisation | None:
    if pk is None:
        return None
    found = Organisation.objects.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [_("No organisation has the id %(id)s.") % {"id": pk}]})
    return found


def _data(request: HttpRequest, payload: Any, current: Programme | None) -> ProgrammeData:
    body = payload.dict()
    country = str(body["country"]).upper()
    if country not in countries():
        raise ValidationError({"country": [_("“%(code)s” is not a known country code.") % {"code": country}]})
    if body["owner"] is not None:
        owner = _organisation(body["owner"], "owner")
    elif current is not None:
        owner = current.owner
    else:
        owner = access.default_owner(user=request.user, country=country)
    own = {spec.name: body[spec.name] for spec in fields.PROGRAMME.fields if spec.kind is not fields.Kind.ACTOR}
    for spec in fields.PROGRAMME.fields:
        if spec.kind is fields.Kind.CODE and not own[spec.name]:
            own[spec.name] = spec.default
    return ProgrammeData(
        country=country,
        owner=owner,
        requested_by=_actor(request, body["requested_by"], "requested_by"),
        countries=[CountryShare(str(row["country"]).upper(), row["percentage"]) for row in body["countries"]],
        participations=[
            ParticipationData(
                role=row["role"],
                organisation=_organisation(row["organisation"], "participations"),
                name=row["name"],
                iati_reference=row["iati_reference"],
                organisation_type=row["organisation_type"],
            )
            for row in body["participations"]
        ],
        sectors=[SectorShare(row["code"], row["percentage"]) for row in body["sectors"]],
        areas=list(body["areas"]),
        supports=[
            SupportData(_actor(request, row["actor"], "supports"), row["support_en"], row["support_fr"])  # type: ignore[arg-type]
            for row in body["supports"]
        ],
        locations=[
            LocationData(row["name"], row["country"], row["region"], row["latitude"], row["longitude"])
            for row in body["locations"]
        ],
        **own,
    )


@router.get(
    "/programmes",
    response=answers({200: list[ProgrammeSummary]}, 422),  # type: ignore[valid-type]
    summary="Programmes, filtered and sorted",
)
@paginate(Pagination)
def list_programmes(
    request: HttpRequest,
    country: str = "",
    partner: str = "",
    role: str = "",
    area: str = "",
    sector: str = "",
    status: str = "",
    year: str = "",
    search: str = "",
    sort: str = "title",
) -> Any:
    """The programmes you may see. Filter by `country` (led in it or reaching it), `partner` (an organisation's
    id), `role` (IATI role code, with `partner` or alone), `area`, `sector` (a DAC code or its first digits),
    `status` (IATI code), `year` (active during that year) and `search` (titles and identifier); sort by title,
    identifier, country, status, start or end (a leading minus reverses)."""
    filters = selectors.ProgrammeFilters(
        country=country.upper()[:2],
        partner=partner[:12],
        role=role[:2],
        area=area[:48],
        sector=sector[:5],
        status=status[:2],
        year=year[:4],
        search=search[:300],
    )
    if sort.removeprefix("-") not in selectors.SORTS:
        sort = "title"
    found = selectors.programme_list(user=request.user, filters=filters, sort=sort)
    return LazyPage(found, lambda programme: programme_values(programme, with_parts=False))


@router.get(
    "/programmes/{pk}",
    response=answers({200: ProgrammeOut}, 404, 422),
    summary="One programme, with what it holds",
)
def read_programme(request: HttpRequest, pk: int) -> Any:
    return _out(request, _programme(request, pk))


@router.post(
    "/programmes",
    response=answers({201: ProgrammeOut}, WRITE_ERRORS),
    summary="Create a programme",
    auth=writers(),
)
def create_programme(request: HttpRequest, payload: ProgrammeIn) -> Any:  # type: ignore[valid-type]
    programme = services.programme_create(user=request.user, data=_data(request, payload, None))
    return Status(201, _out(request, programme))


@router.put(
    "/programmes/{pk}",
    response=answers({200: ProgrammeOut}, WRITE_ERRORS, 409),
    summary="Replace a programme and everything it holds",
    auth=EDIT_PROGRAMME,
)
def replace_programme(request: HttpRequest, pk: int, payload: ProgrammeIn) -> Any:  # type: ignore[valid-type]
    """Everything the programme holds is replaced by the body's lists; with `version`, the change is refused
    with 409 when someone saved the programme since."""
    programme = _programme(request, pk)
    version = payload.dict().get("version")  # type: ignore[attr-defined]
    try:
        services.programme_update(
            user=request.user,
            programme=programme,
            data=_data(request, payload, programme),
            expected_version=version,
        )
    except services.StaleProgramme as stale:
        message = _(
            "This record has changed since version %(version)s (it is now at version %(current)s): "
            "read it again and repeat your change."
        )
        raise HttpError(409, message % {"version": version, "current": stale.record.version}) from None
    return _out(request, _programme(request, pk))


@router.delete(
    "/programmes/{pk}",
    response=answers({204: None}, 403, 404, 409, 422),
    summary="Delete a programme and everything it holds",
    auth=EDIT_PROGRAMME,
)
def delete_programme(request: HttpRequest, pk: int, version: int | None = None) -> Any:
    """With `version`, refused with 409 when someone saved the programme since."""
    programme = _programme(request, pk)
    try:
        services.programme_delete(user=request.user, programme=programme, expected_version=version)
    except services.StaleProgramme as stale:
        message = _(
            "This record has changed since version %(version)s (it is now at version %(current)s): "
            "read it again and repeat your change."
        )
        raise HttpError(409, message % {"version": version, "current": stale.record.version}) from None
    return Status(204, None)
