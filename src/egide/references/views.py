"""The pages of frameworks, missions and reference documents, and the latest developments with their feeds."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from egide.accounts import selectors as access
from egide.accounts.models import EDITING_ROLES, Organisation
from egide.audit.history import record_history_for
from egide.core.reference import country_name
from egide.core.users import AnyUser
from egide.core.web import FormTemplates, changed, country_or_404, form_saved
from egide.programmes.selectors import programmes_visible
from egide.references import selectors, services
from egide.references.forms import DocumentForm, FrameworkForm, MissionForm, country_choices
from egide.references.models import DocumentType, Framework, Mission, MissionKind, ReferenceDocument

PAGE_SIZE = 50
MAX_QUERY = 200


def _text(request: HttpRequest, name: str) -> str:
    return request.GET.get(name, "").strip()[:MAX_QUERY]


def _choice(request: HttpRequest, name: str, allowed: Any) -> str:
    value = _text(request, name)
    return value if value in allowed else ""


def _page(request: HttpRequest, rows: QuerySet[Any]) -> Page[Any]:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


def editing_owners(user: AnyUser) -> QuerySet[Organisation]:
    """The organisations the user edits for, in some country or everywhere; the services decide whether the
    record's country is among them."""
    reach = access.reach_of(user)
    if reach.superuser:
        return Organisation.objects.all()
    ids = sorted({grant.organisation_id for grant in reach.grants if grant.role in EDITING_ROLES})
    return Organisation.objects.filter(pk__in=ids)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _list(request: HttpRequest, template: str, rows: QuerySet[Any], context: dict[str, Any]) -> HttpResponse:
    return render(
        request,
        template,
        context
        | {
            "page": _page(request, rows),
            "query": _query_without_page(request),
            "can_create": access.may_edit_somewhere(user=request.user),
            "countries": country_choices(),
        },
    )


def framework_list(request: HttpRequest) -> HttpResponse:
    search = _text(request, "q")
    rows = selectors.frameworks_visible(user=request.user, search=search)
    return _list(request, "references/framework_list.html", rows, {"q": search, "section": "frameworks"})


def mission_list(request: HttpRequest) -> HttpResponse:
    search, kind = _text(request, "q"), _choice(request, "kind", MissionKind.values)
    country = _text(request, "country").upper()
    rows = selectors.missions_visible(user=request.user, country=country, kind=kind, search=search)
    return _list(
        request,
        "references/mission_list.html",
        rows,
        {"q": search, "kind": kind, "country": country, "kinds": MissionKind.choices, "section": "missions"},
    )


def document_list(request: HttpRequest) -> HttpResponse:
    search, kind = _text(request, "q"), _choice(request, "type", DocumentType.values)
    country = _text(request, "country").upper()
    rows = selectors.reference_documents_search(request.user, search, country=country, type=kind)
    return _list(
        request,
        "references/document_list.html",
        rows,
        {"q": search, "type": kind, "country": country, "types": DocumentType.choices, "section": "documents"},
    )


def _found[M: Model](get: Callable[..., M], model: type[M], request: HttpRequest, pk: int, missing: str) -> M:
    try:
        return get(user=request.user, pk=pk)
    except model.DoesNotExist:  # type: ignore[attr-defined]
        raise Http404(missing) from None


def _detail(request: HttpRequest, template: str, name: str, record: Any, **context: Any) -> HttpResponse:
    return render(
        request,
        template,
        {
            name: record,
            "record": record,
            "can_edit": access.can_edit(user=request.user, record=record),
            "history": record_history_for(user=request.user, instance=record),
        }
        | context,
    )


def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    framework = _found(selectors.framework_get, Framework, request, pk, _("No such framework."))
    return _detail(request, "references/framework.html", "framework", framework)


def mission_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mission = _found(selectors.mission_get, Mission, request, pk, _("No such mission."))
    return _detail(request, "references/mission.html", "mission", mission)


def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = _found(selectors.reference_document_get, ReferenceDocument, request, pk, _("No such document."))
    return _detail(request, "references/document.html", "document", document)


def document_file(request: HttpRequest, pk: int) -> FileResponse:
    """The uploaded PDF, to those who may see the document, never as a public file."""
    document = _found(selectors.reference_document_get, ReferenceDocument, request, pk, _("No such document."))
    if not document.file:
        raise Http404(_("This document has no uploaded file."))
    name = (document.file.name or "document.pdf").rsplit("/", 1)[-1]
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=name, content_type="application/pdf")


@dataclass(frozen=True)
class _Kind:
    """What differs between the forms of frameworks, missions and documents."""

    form: type[FrameworkForm] | type[MissionForm] | type[DocumentForm]
    get: Callable[..., Any]
    model: type[Model]
    detail: str
    create_url: str
    edit_url: str
    list_url: str
    missing: Promise
    new_title: Promise
    edit_title: Promise
    saved: Promise
    deleted: Promise
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]
    argument: str


FRAMEWORKS = _Kind(
    form=FrameworkForm,
    get=selectors.framework_get,
    model=Framework,
    detail="framework-detail",
    create_url="framework-create",
    edit_url="framework-edit",
    list_url="framework-list",
    missing=gettext_lazy("No such framework."),
    new_title=gettext_lazy("New framework"),
    edit_title=gettext_lazy("Edit %(name)s"),
    saved=gettext_lazy("Framework “%(name)s” saved."),
    deleted=gettext_lazy("Framework “%(name)s” deleted."),
    create=services.framework_create,
    update=services.framework_update,
    delete=services.framework_delete,
    argument="framework",
)
MISSIONS = _Kind(
    form=MissionForm,
    get=selectors.mission_get,
    model=Mission,
    detail="mission-detail",
    create_url="mission-create",
    edit_url="mission-edit",
    list_url="mission-list",
    missing=gettext_lazy("No such mission."),
    new_title=gettext_lazy("New mission"),
    edit_title=gettext_lazy("Edit %(name)s"),
    saved=gettext_lazy("Mission “%(name)s” saved."),
    deleted=gettext_lazy("Mission “%(name)s” deleted."),
    create=services.mission_create,
    update=services.mission_update,
    delete=services.mission_delete,
    argument="mission",
)
DOCUMENTS = _Kind(
    form=DocumentForm,
    get=selectors.reference_document_get,
    model=ReferenceDocument,
    detail="document-detail",
    create_url="document-create",
    edit_url="document-edit",
    list_url="document-list",
    missing=gettext_lazy("No such document."),
    new_title=gettext_lazy("New reference document"),
    edit_title=gettext_lazy("Edit %(name)s"),
    saved=gettext_lazy("Document “%(name)s” saved."),
    deleted=gettext_lazy("Document “%(name)s” deleted."),
    create=services.reference_document_create,
    update=services.reference_document_update,
    delete=services.reference_document_delete,
    argument="document",
)


FORMS = FormTemplates(dialog="references/_form.html", page="references/form_page.html")


def _form(kind: _Kind, request: HttpRequest, record: Any) -> Any:
    options: dict[str, Any] = {"owners": editing_owners(request.user), "record": record}
    if kind is MISSIONS:
        options["documents"] = selectors.reference_documents_visible(user=request.user).order_by("title_en")
    if kind is not FRAMEWORKS:
        options["programmes"] = programmes_visible(user=request.user).order_by("title_en")
    return kind.form(request.POST or None, request.FILES or None, **options)


def _save(kind: _Kind, request: HttpRequest, form: Any, record: Any) -> Model:
    extra: dict[str, Any] = {}
    if kind is DOCUMENTS:
        extra["upload"] = form.cleaned_data.get("file")
        if record is not None:
            extra["remove_file"] = bool(form.cleaned_data.get("remove_file"))
    if record is None:
        return kind.create(user=request.user, data=form.to_data(), **extra)
    return kind.update(user=request.user, data=form.to_data(), **{kind.argument: record}, **extra)


def _form_page(kind: _Kind, request: HttpRequest, record: Any) -> HttpResponse:
    form = _form(kind, request, record)
    try:
        saved = form_saved(request, form, lambda form: _save(kind, request, form, record))
    except kind.model.DoesNotExist:  # type: ignore[attr-defined]
        raise Http404(kind.missing) from None
    if saved is not None:
        message = kind.saved % {"name": str(saved)}
        return changed(request, message, redirect_to=reverse(kind.detail, kwargs={"pk": saved.pk}))
    if record is None:
        title, action, cancel = kind.new_title, reverse(kind.create_url), reverse(kind.list_url)
    else:
        title = kind.edit_title % {"name": str(record)}
        action = reverse(kind.edit_url, kwargs={"pk": record.pk})
        cancel = reverse(kind.detail, kwargs={"pk": record.pk})
    return FORMS.render(request, {"form": form, "title": title, "action": action, "cancel": cancel})


def _creator(kind: _Kind) -> Callable[[HttpRequest], HttpResponse]:
    @login_required
    @require_http_methods(["GET", "POST"])
    def create(request: HttpRequest) -> HttpResponse:
        if not access.may_edit_somewhere(user=request.user):
            raise PermissionDenied(_("Your account may read but not change records: only editors may make changes."))
        return _form_page(kind, request, None)

    return create


def _editor(kind: _Kind) -> Callable[[HttpRequest, int], HttpResponse]:
    @login_required
    @require_http_methods(["GET", "POST"])
    def edit(request: HttpRequest, pk: int) -> HttpResponse:
        record = _found(kind.get, kind.model, request, pk, str(kind.missing))
        assert isinstance(record, Framework | Mission | ReferenceDocument)
        if not access.can_edit(user=request.user, record=record):
            raise PermissionDenied(_("You may not change this record."))
        return _form_page(kind, request, record)

    return edit


def _deleter(kind: _Kind) -> Callable[[HttpRequest, int], HttpResponse]:
    @login_required
    @require_POST
    def delete(request: HttpRequest, pk: int) -> HttpResponse:
        record = _found(kind.get, kind.model, request, pk, str(kind.missing))
        name = str(record)
        try:
            kind.delete(user=request.user, **{kind.argument: record})
        except kind.model.DoesNotExist:  # type: ignore[attr-defined]
            raise Http404(kind.missing) from None
        return changed(request, kind.deleted % {"name": name}, redirect_to=reverse(kind.list_url), leave=True)

    return delete


framework_create, framework_edit, framework_delete = (
    _creator(FRAMEWORKS),
    _editor(FRAMEWORKS),
    _deleter(FRAMEWORKS),
)
mission_create, mission_edit, mission_delete = _creator(MISSIONS), _editor(MISSIONS), _deleter(MISSIONS)
document_create, document_edit, document_delete = _creator(DOCUMENTS), _editor(DOCUMENTS), _deleter(DOCUMENTS)


def latest_developments(request: HttpRequest) -> HttpResponse:
    items = selectors.developments(user=request.user)
    return render(request, "references/latest.html", {"items": items, "country": "", "section": "latest"})


def country_latest_developments(request: HttpRequest, code: str) -> HttpResponse:
    country = country_or_404(code)
    items = selectors.developments(user=request.user, country=country)
    return render(
        request,
        "references/latest.html",
        {"items": items, "country": country, "country_name": country_name(country), "tab": "latest"},
    )
