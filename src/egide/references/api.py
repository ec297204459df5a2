"""The API of frameworks, missions and reference documents: the same selectors and services as the pages. Who may
change a record is checked before its body is read (egide.api.auth)."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Router, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from egide.accounts import selectors as access
from egide.accounts.models import Organisation
from egide.actors.schemas import Line24, Line300
from egide.api.auth import record, writers
from egide.api.common import LazyPage, Pagination
from egide.api.errors import WRITE_ERRORS, answers
from egide.programmes.selectors import programmes_visible
from egide.references import selectors, services
from egide.references.data import DocumentData, FrameworkData, MissionData
from egide.references.models import Framework, Mission, ReferenceDocument
from egide.references.schemas import DocumentIn, DocumentOut, FrameworkIn, FrameworkOut, MissionIn, MissionOut

router = Router(tags=["international references"])


def _first[R](rows: Callable[..., Any]) -> Callable[[Any, int], R | None]:
    return lambda user, pk: rows(user=user).filter(pk=pk).first()


EDIT_FRAMEWORK = writers(record(_first(selectors.frameworks_visible), missing=gettext_lazy("No such framework.")))
EDIT_MISSION = writers(record(_first(selectors.missions_visible), missing=gettext_lazy("No such mission.")))
EDIT_DOCUMENT = writers(
    record(_first(selectors.reference_documents_visible), missing=gettext_lazy("No such document."))
)


def _organisation(pk: int | None, field: str) -> Organisation | None:
    if pk is None:
        return None
    try:
        return Organisation.objects.get(pk=pk)
    except Organisation.DoesNotExist:
        raise ValidationError({field: [_("No organisation has the id %(id)s.") % {"id": pk}]}) from None


def _owner(
    request: HttpRequest, owner_id: int | None, country: str, current: Organisation | None
) -> Organisation | None:
    """The organisation named by id, else the record's present owner, else the user's only editing one."""
    if owner_id is None:
        return current or access.default_owner(user=request.user, country=country)
    return _organisation(owner_id, "owner")


def _framework_data(request: HttpRequest, body: FrameworkIn, current: Framework | None) -> FrameworkData:
    values = body.dict(exclude={"owner", "adopted", "ended"})
    return FrameworkData(
        **values,
        adopted=services.fuzzy_or_none(body.adopted or "", field="adopted"),
        ended=services.fuzzy_or_none(body.ended or "", field="ended"),
        owner=_owner(request, body.owner, body.country.upper(), current.owner if current else None),
    )


def _mission_data(request: HttpRequest, body: MissionIn, current: Mission | None) -> MissionData:
    values = body.dict(exclude={"owner", "start", "end", "lead_organisation", "documents", "programmes"})
    values["country"] = body.country.upper()
    return MissionData(
        **values,
        start=services.fuzzy_or_none(body.start or "", field="start"),
        end=services.fuzzy_or_none(body.end or "", field="end"),
        lead_organisation=_organisation(body.lead_organisation, "lead_organisation"),
        document_ids=list(body.documents),
        programme_ids=list(body.programmes),
        owner=_owner(request, body.owner, values["country"], current.owner if current else None),
    )


def _document_data(request: HttpRequest, body: DocumentIn, current: ReferenceDocument | None) -> DocumentData:
    values = body.dict(exclude={"owner", "issued", "programmes"})
    country = services.document_access_country(sorted({code.upper() for code in body.countries}))
    return DocumentData(
        **values,
        issued=services.fuzzy_or_none(body.issued or "", field="issued"),
        programme_ids=list(body.programmes),
        owner=_owner(request, body.owner, country, current.owner if current else None),
    )


def _get[R](get: Callable[..., R], request: HttpRequest, pk: int, missing: str) -> R:
    try:
        return get(user=request.user, pk=pk)
    except (Framework.DoesNotExist, Mission.DoesNotExist, ReferenceDocument.DoesNotExist):
        raise HttpError(404, missing) from None


# Frameworks


@router.get("/frameworks", response=answers({200: list[FrameworkOut]}, 422), summary="International frameworks")
@paginate(Pagination)
def list_frameworks(request: HttpRequest, search: Line300 = "") -> Any:
    return LazyPage(selectors.frameworks_visible(user=request.user, search=search), FrameworkOut.of)


@router.post("/frameworks", response=answers({201: FrameworkOut}, WRITE_ERRORS), summary="Create a framework")
def create_framework(request: HttpRequest, payload: FrameworkIn) -> Any:
    framework = services.framework_create(user=request.user, data=_framework_data(request, payload, None))
    return Status(201, FrameworkOut.of(framework))


@router.get("/frameworks/{pk}", response=answers({200: FrameworkOut}, 404, 422), summary="One framework")
def read_framework(request: HttpRequest, pk: int) -> Any:
    return FrameworkOut.of(_get(selectors.framework_get, request, pk, _("No such framework.")))


@router.put(
    "/frameworks/{pk}",
    response=answers({200: FrameworkOut}, WRITE_ERRORS),
    summary="Replace a framework",
    auth=EDIT_FRAMEWORK,
)
def replace_framework(request: HttpRequest, pk: int, payload: FrameworkIn) -> Any:
    current = _get(selectors.framework_get, request, pk, _("No such framework."))
    framework = services.framework_update(
        user=request.user, framework=current, data=_framework_data(request, payload, current)
    )
    return FrameworkOut.of(framework)


@router.delete(
    "/frameworks/{pk}",
    response=answers({204: None}, 403, 404, 422),
    summary="Delete a framework",
    auth=EDIT_FRAMEWORK,
)
def delete_framework(request: HttpRequest, pk: int) -> Any:
    services.framework_delete(
        user=request.user, framework=_get(selectors.framework_get, request, pk, _("No such framework."))
    )
    return Status(204, None)


# Missions


@router.get("/missions", response=answers({200: list[MissionOut]}, 422), summary="Missions")
@paginate(Pagination)
def list_missions(request: HttpRequest, country: Line24 = "", kind: Line24 = "", search: Line300 = "") -> Any:
    documents = selectors.reference_documents_visible(user=request.user)
    rows = selectors.missions_visible(
        user=request.user, country=country.upper(), kind=kind, search=search
    ).prefetch_related(
        _prefetch("documents", documents), _prefetch("programmes", programmes_visible(user=request.user))
    )
    return LazyPage(rows, MissionOut.of)


def _prefetch(name: str, queryset: Any) -> Prefetch:
    return Prefetch(name, queryset=queryset.order_by("pk"))


@router.post("/missions", response=answers({201: MissionOut}, WRITE_ERRORS), summary="Create a mission")
def create_mission(request: HttpRequest, payload: MissionIn) -> Any:
    mission = services.mission_create(user=request.user, data=_mission_data(request, payload, None))
    return Status(201, MissionOut.of(selectors.mission_get(user=request.user, pk=mission.pk)))


@router.get("/missions/{pk}", response=answers({200: MissionOut}, 404, 422), summary="One mission")
def read_mission(request: HttpRequest, pk: int) -> Any:
    return MissionOut.of(_get(selectors.mission_get, request, pk, _("No such mission.")))


@router.put(
    "/missions/{pk}", response=answers({200: MissionOut}, WRITE_ERRORS), summary="Replace a mission", auth=EDIT_MISSION
)
def replace_mission(request: HttpRequest, pk: int, payload: MissionIn) -> Any:
    current = _get(selectors.mission_get, request, pk, _("No such mission."))
    services.mission_update(user=request.user, mission=current, data=_mission_data(request, payload, current))
    return MissionOut.of(selectors.mission_get(user=request.user, pk=pk))


@router.delete(
    "/missions/{pk}", response=answers({204: None}, 403, 404, 422), summary="Delete a mission", auth=EDIT_MISSION
)
def delete_mission(request: HttpRequest, pk: int) -> Any:
    services.mission_delete(user=request.user, mission=_get(selectors.mission_get, request, pk, _("No such mission.")))
    return Status(204, None)


# Reference documents


@router.get(
    "/documents",
    response=answers({200: list[DocumentOut]}, 422),
    summary="Reference documents, or a full-text search of them",
)
@paginate(Pagination)
def list_documents(request: HttpRequest, search: Line300 = "", country: Line24 = "", type: Line24 = "") -> Any:
    rows = selectors.reference_documents_search(request.user, search, country=country.upper(), type=type)
    return LazyPage(rows, DocumentOut.of)


@router.post("/documents", response=answers({201: DocumentOut}, WRITE_ERRORS), summary="Create a reference document")
def create_document(request: HttpRequest, payload: DocumentIn) -> Any:
    document = services.reference_document_create(user=request.user, data=_document_data(request, payload, None))
    return Status(201, _document_out(request, document.pk))


def _document_out(request: HttpRequest, pk: int) -> DocumentOut:
    document = _get(selectors.reference_document_get, request, pk, _("No such document."))
    return DocumentOut.of(document, with_programmes=True)


@router.get("/documents/{pk}", response=answers({200: DocumentOut}, 404, 422), summary="One reference document")
def read_document(request: HttpRequest, pk: int) -> Any:
    return _document_out(request, pk)


@router.put(
    "/documents/{pk}",
    response=answers({200: DocumentOut}, WRITE_ERRORS),
    summary="Replace a reference document (its uploaded file is kept)",
    auth=EDIT_DOCUMENT,
)
def replace_document(request: HttpRequest, pk: int, payload: DocumentIn) -> Any:
    current = _get(selectors.reference_document_get, request, pk, _("No such document."))
    services.reference_document_update(
        user=request.user, document=current, data=_document_data(request, payload, current)
    )
    return _document_out(request, pk)


@router.delete(
    "/documents/{pk}",
    response=answers({204: None}, 403, 404, 422),
    summary="Delete a reference document",
    auth=EDIT_DOCUMENT,
)
def delete_document(request: HttpRequest, pk: int) -> Any:
    services.reference_document_delete(
        user=request.user, document=_get(selectors.reference_document_get, request, pk, _("No such document."))
    )
    return Status(204, None)
