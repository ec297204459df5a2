"""Pages of programmes: the list (overall and as a country's tab), the programme's tabs, its forms. Thin: forms
collect, services write, selectors read."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.forms.utils import ErrorDict
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from egide.accounts import selectors as access
from egide.accounts.models import Organisation
from egide.accounts.sharing import share_posted, sharing_section
from egide.actors import selectors as actor_selectors
from egide.actors.selectors import actors_visible
from egide.actors.views import query_text
from egide.audit.history import record_history_for
from egide.core import iati_codes, taxonomy
from egide.core.imports.limits import FileRefused
from egide.core.reference import countries, dac_sectors
from egide.core.web import changed, country_or_404, form_saved, is_htmx, posted_version, refused
from egide.imports.background import import_in_background, is_large
from egide.imports.models import ImportKind
from egide.programmes import exporter, importer, selectors, services
from egide.programmes.forms import (
    DocumentForm,
    ProgrammeForm,
    ProgrammesImportForm,
    part_formsets,
    programme_data,
    programme_initial,
)
from egide.programmes.models import Programme
from egide.programmes.rules import ProgrammeFacts, lifecycle_warnings
from egide.programmes.sections import overview_sections

PAGE_SIZE = 25
FILTERS = ("country", "partner", "role", "area", "sector", "status", "year", "q")

DOCUMENT_SECTIONS: list[Callable[[HttpRequest, Programme], SafeString]] = []
"""The include point of the Documents tab for documents that other apps keep and link to a programme (reference
documents): each callable returns the HTML of its section for the reader, shown under the programme's own
documents. An app registers its callable here from its AppConfig.ready()."""


def _filters(request: HttpRequest, *, country: str = "") -> selectors.ProgrammeFilters:
    return programme_filters(request.GET, country=country)


def programme_filters(query: QueryDict, *, country: str = "") -> selectors.ProgrammeFilters:
    """The filters a programme list's address chooses; `country` fixed for a country's tab."""
    values = {name: query_text(query, name) for name in FILTERS}
    values["search"] = values.pop("q")
    if country:
        values["country"] = country
    else:
        values["country"] = values["country"].upper()
    return selectors.ProgrammeFilters(**values)


def programme_sort(query: QueryDict) -> str:
    sort = query.get("sort", "title")
    return sort if sort.removeprefix("-") in selectors.SORTS else "title"


def _sort_links(request: HttpRequest, current: str) -> dict[str, dict[str, str]]:
    links = {}
    for column in selectors.SORTS:
        params = request.GET.copy()
        params["sort"] = f"-{column}" if current == column else column
        params.pop("page", None)
        links[column] = {
            "query": params.urlencode(),
            "state": "ascending" if current == column else "descending" if current == f"-{column}" else "",
        }
    return links


def _table_context(request: HttpRequest, *, address: str, country: str = "") -> dict[str, Any]:
    """One page of the programmes table at `address`, with its filters, sort links and pager."""
    filters = _filters(request, country=country)
    sort = programme_sort(request.GET)
    programmes = selectors.programme_list(user=request.user, filters=filters, sort=sort)
    page = Paginator(programmes, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return {
        "page": page,
        "filters": filters,
        "sorts": _sort_links(request, sort),
        "address": address,
        "fixed_country": country,
        "query_without_page": params.urlencode(),
        "country_options": sorted(countries().values(), key=lambda term: term.label),
        "partner_options": Organisation.objects.order_by("acronym").only("pk", "acronym"),
        "role_options": iati_codes.ROLES,
        "area_options": taxonomy.AREAS_OF_ACTION,
        "sector_options": list(dac_sectors().values()),
        "status_options": iati_codes.STATUSES,
    }


def _table_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    if is_htmx(request) and request.headers.get("HX-Target") == "programmes-table":
        return render(request, "programmes/_programmes_table.html", context)
    return render(request, template, context)


def programme_list(request: HttpRequest) -> HttpResponse:
    context = _table_context(request, address=reverse("programme-list"))
    context["can_create"] = access.may_edit_somewhere(user=request.user)
    return _table_page(request, "programmes/programme_list.html", context)


def country_programmes(request: HttpRequest, code: str) -> HttpResponse:
    """The country page's Programmes tab: the programmes led in the country or reaching it."""
    country = country_or_404(code)
    context = _table_context(request, address=reverse("country-programmes", kwargs={"code": country}), country=country)
    context.update(
        country=country,
        country_name=countries()[country].label,
        tab="programmes",
        can_create=access.editable_owners(user=request.user, country=country).exists(),
        counts=actor_selectors.country_counts(user=request.user, country=country),
    )
    return _table_page(request, "programmes/country_programmes.html", context)


def _tab(request: HttpRequest, programme: Programme, tab: str, context: dict[str, Any]) -> HttpResponse:
    context.update(
        programme=programme,
        tab=tab,
        can_edit=selectors.programme_editable(user=request.user, programme=programme),
    )
    return render(request, f"programmes/programme_{tab}.html", context)


def programme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_visible(user=request.user, pk=pk)
    parts = selectors.programme_parts(user=request.user, programme=programme)
    facts = ProgrammeFacts(
        country=programme.country,
        title_en=programme.title_en,
        status=programme.status,
        lifecycle_stage=programme.lifecycle_stage,
        planned_start=programme.planned_start,
        actual_start=programme.actual_start,
        actual_end=programme.actual_end,
        requested_on=programme.requested_on,
    )
    requested_by = None
    if programme.requested_by_id is not None:
        requested_by = actors_visible(user=request.user).filter(pk=programme.requested_by_id).first()
    return _tab(
        request,
        programme,
        "overview",
        parts
        | {
            "warnings": lifecycle_warnings(facts),
            "requested_by": requested_by,
            "sector_labels": {code: term.label for code, term in dac_sectors().items()},
            "sharing": sharing_section(
                user=request.user, record=programme, share_url=reverse("programme-share", kwargs={"pk": programme.pk})
            ),
            "sections": [section(request, programme) for section in overview_sections()],
        },
    )


def programme_actors(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_visible(user=request.user, pk=pk)
    return _tab(
        request, programme, "actors", {"supports": selectors.supports_visible(user=request.user, programme=programme)}
    )


def programme_documents(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_visible(user=request.user, pk=pk)
    can_edit = selectors.programme_editable(user=request.user, programme=programme)
    form = DocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and not can_edit:
        raise PermissionDenied(_("You may not change this programme."))
    added = form_saved(
        request,
        form,
        lambda form: services.programme_document_add(
            user=request.user, programme=programme, data=form.to_data(), upload=form.cleaned_data.get("file")
        ),
    )
    if added is not None:
        return changed(
            request,
            _("Document added."),
            redirect_to=reverse("programme-documents", kwargs={"pk": programme.pk}),
            leave=True,
        )
    context = {
        "documents": selectors.documents_of(programme=programme),
        "form": form,
        "sections": [section(request, programme) for section in DOCUMENT_SECTIONS],
    }
    if request.method == "POST" and is_htmx(request):
        return render(request, "programmes/_document_form.html", context | {"programme": programme})
    return _tab(request, programme, "documents", context)


@login_required
@require_POST
def programme_document_delete(request: HttpRequest, pk: int) -> HttpResponse:
    document = selectors.document_visible(user=request.user, pk=pk)
    programme_pk = document.programme_id
    services.programme_document_delete(user=request.user, document=document)
    return changed(
        request,
        _("Document “%(title)s” removed.") % {"title": document.title},
        redirect_to=reverse("programme-documents", kwargs={"pk": programme_pk}),
        leave=True,
    )


def programme_document_file(request: HttpRequest, pk: int) -> FileResponse:
    """An uploaded document, served to those who may read its programme, never as a public file."""
    document = selectors.document_visible(user=request.user, pk=pk)
    if not document.file:
        raise Http404(_("This document has no uploaded file."))
    name = (document.file.name or "document").rsplit("/", 1)[-1]
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=name)


def programme_history(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_visible(user=request.user, pk=pk)
    return _tab(request, programme, "history", {"history": record_history_for(user=request.user, instance=programme)})


# --- Forms -----------------------------------------------------------------------------------------------------------


def _owners(request: HttpRequest, country: str, programme: Programme | None) -> QuerySet[Organisation]:
    owners = access.editable_owners(user=request.user, country=country)
    if programme is None or programme.owner_id is None:
        return owners
    return Organisation.objects.filter(Q(pk__in=owners) | Q(pk=programme.owner_id))


def _actor_choices(request: HttpRequest, programme: Programme | None, country: str) -> Any:
    """The actors a form offers: those the user sees in the programme's countries."""
    where = {country}
    if programme is not None:
        where |= set(programme.countries.values_list("country", flat=True))
    if request.method == "POST":
        where |= {str(value) for key, value in request.POST.items() if key == "country" or key.endswith("-country")}
    return actors_visible(user=request.user).filter(country__in=where).order_by("country", "name_en")


def _programme_form(request: HttpRequest, *, programme: Programme | None, country: str) -> HttpResponse:
    owners = _owners(request, country, programme)
    actors = _actor_choices(request, programme, country)
    data = request.POST if request.method == "POST" else None
    if programme is not None:
        initial = programme_initial(programme)
    else:
        initial = {"country": country, "owner": access.default_owner(user=request.user, country=country)}
    form = ProgrammeForm(data, initial=initial, owners=owners, actors=actors)
    if programme is not None and not access.can_manage(user=request.user, record=programme):
        for name in ("owner", "confidentiality"):
            form.fields[name].disabled = True
    formsets = part_formsets(data, programme=programme, actors=actors, initial_country=country)
    context: dict[str, Any] = {}
    refresh = data is not None and "refresh" in data
    if refresh:
        # The lead country changed: the form comes back with the actors of the countries now chosen, what was
        # typed kept, and nothing checked yet.
        _without_errors(form, formsets)
    elif data is not None and form.is_valid() and all(formset.is_valid() for formset in formsets.values()):
        values = programme_data(form, formsets)
        try:
            if programme is None:
                saved = services.programme_create(user=request.user, data=values)
            else:
                saved = services.programme_update(
                    user=request.user, programme=programme, data=values, expected_version=form.cleaned_data["version"]
                )
        except services.StaleProgramme as stale:
            form.show_version(stale.record.version)
            context["stale"] = True
        except PermissionDenied as denied:
            form.add_error(None, str(denied))
        except ValidationError as error:
            _form_errors(form, formsets, error)
        else:
            message = _("Programme “%(title)s” saved.") % {"title": saved.title}
            return changed(
                request, message, redirect_to=reverse("programme-detail", kwargs={"pk": saved.pk}), leave=True
            )
    if programme is None:
        title, action = _("New programme"), reverse("programme-create") + f"?country={country}"
    else:
        action = reverse("programme-edit", kwargs={"pk": programme.pk})
    # Choosing another lead country brings the form back with the actors of that country to choose from.
    form.fields["country"].widget.attrs.update(
        {
            "hx-post": action,
            "hx-trigger": "change",
            "hx-include": "closest form",
            "hx-vals": '{"refresh": "1"}',
            "hx-target": "#programme-form",
            "hx-select": "#programme-form",
            "hx-swap": "outerHTML",
        }
    )
    if programme is None:
        cancel = reverse("programme-list")
    else:
        title = _("Edit %(title)s") % {"title": programme.title}
        cancel = reverse("programme-detail", kwargs={"pk": programme.pk})
    context.update(form=form, formsets=formsets, title=title, action=action, cancel=cancel, programme=programme)
    if is_htmx(request):
        return render(request, "programmes/_programme_form.html", context)
    return render(request, "programmes/programme_form.html", context)


def _without_errors(form: ProgrammeForm, formsets: dict[str, Any]) -> None:
    """Show bound forms as typed, without checking them: Django checks a bound form when its errors are first read,
    and an empty set of errors read already stops that."""
    form._errors = ErrorDict()  # type: ignore[attr-defined]
    for formset in formsets.values():
        formset._errors = [ErrorDict() for _row in formset.forms]
        formset._non_form_errors = formset.error_class()
        for row in formset.forms:
            row._errors = ErrorDict()


def _form_errors(form: ProgrammeForm, formsets: dict[str, Any], error: ValidationError) -> None:
    """A service's refusal on the form: a part's problems above its rows, the rest by their field."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, messages_of_field in error.message_dict.items():
        if name in formsets:
            formsets[name].part_errors = messages_of_field
        elif name in form.fields:
            form.add_error(name, messages_of_field)
        else:
            form.add_error(None, messages_of_field)


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request: HttpRequest) -> HttpResponse:
    country = request.POST.get("country", "").upper() or request.GET.get("country", "").upper()
    if country not in countries():
        country = ""
    if not access.may_edit_somewhere(user=request.user):
        raise PermissionDenied(_("You have no editing role."))
    return _programme_form(request, programme=None, country=country)


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_visible(user=request.user, pk=pk)
    if not selectors.programme_editable(user=request.user, programme=programme):
        raise PermissionDenied(_("You may not change this programme."))
    return _programme_form(request, programme=programme, country=programme.country)


@login_required
@require_POST
def programme_delete(request: HttpRequest, pk: int) -> HttpResponse:
    programme = selectors.programme_visible(user=request.user, pk=pk)
    title = programme.title
    try:
        services.programme_delete(user=request.user, programme=programme, expected_version=posted_version(request))
    except services.StaleProgramme:
        return refused(
            request,
            _("“%(name)s” was changed after you opened it, so it was not deleted: look at the change, then try again.")
            % {"name": title},
            redirect_to=reverse("programme-detail", kwargs={"pk": pk}),
        )
    return changed(
        request,
        _("Programme “%(title)s” deleted.") % {"title": title},
        redirect_to=reverse("programme-list"),
        leave=True,
    )


@login_required
@require_POST
def programme_share(request: HttpRequest, pk: int) -> HttpResponse:
    """Share a programme with another organisation, named by its acronym."""
    programme = selectors.programme_visible(user=request.user, pk=pk)
    return share_posted(request, programme, page=reverse("programme-detail", kwargs={"pk": programme.pk}))


# --- Import and export ------------------------------------------------------------------------------------------


def country_programmes_export(request: HttpRequest, code: str, fmt: str) -> HttpResponse:
    """The country's programmes that the reader may see, as an XLSX workbook or a ZIP of CSV files."""
    country = country_or_404(code)
    if fmt not in exporter.CONTENT_TYPES:
        raise Http404(_("Unknown export format."))
    content = exporter.programmes_export(user=request.user, country=country, fmt=fmt)
    response = HttpResponse(content, content_type=exporter.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="egide-{country}-programmes.{exporter.EXTENSIONS[fmt]}"'
    return response


def programmes_import_template(request: HttpRequest) -> HttpResponse:
    """An empty workbook to fill with programmes, with the codes and the drop-down lists of the coded columns."""
    response = HttpResponse(exporter.programmes_template(), content_type=exporter.CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = 'attachment; filename="egide-programmes-template.xlsx"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def country_programmes_import(request: HttpRequest, code: str) -> HttpResponse:
    """Import a file of programmes into the country: every problem named by table, row and column, or all of it.
    A large file goes to the background worker and the page to the job's own page."""
    country = country_or_404(code)
    owners = access.editable_owners(user=request.user, country=country)
    if not owners.exists():
        raise PermissionDenied(_("You have no editing role for this country."))
    form = ProgrammesImportForm(request.POST or None, request.FILES or None, owners=owners)
    context: dict[str, Any] = {"country": country, "country_name": countries()[country].label, "form": form}
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.EGIDE_IMPORT_MAX_BYTES:
            form.add_error(
                "file", _("The file is larger than %(size)s MB.") % {"size": settings.EGIDE_IMPORT_MAX_BYTES // 2**20}
            )
        elif is_large(upload):
            # A large file is imported by the background worker, so that no request holds a web worker for long.
            return import_in_background(
                request,
                upload,
                kind=ImportKind.PROGRAMMES,
                country=country,
                owner=form.cleaned_data["owner"],
                dry_run=form.cleaned_data["dry_run"],
            )
        else:
            try:
                context["report"] = importer.programmes_import(
                    user=request.user,
                    country=country,
                    filename=upload.name or "upload",
                    data=upload.read(),
                    owner=form.cleaned_data["owner"],
                    dry_run=form.cleaned_data["dry_run"],
                )
                context["dry_run"] = form.cleaned_data["dry_run"]
            except importer.ImportRejected as rejected:
                context["rejected"] = rejected
            except FileRefused as refused:
                form.add_error("file", str(refused))
    return render(request, "programmes/import.html", context)
