"""The export of a list (CSV or XLSX, with the filters on screen), and a background export's page and file.
Thin: the list's selectors choose the rows, the services record the export."""

import datetime
import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from egide.exports import files, selectors, services
from egide.exports.lists import LISTS, Scope
from egide.exports.models import Export, ExportFormat


def _filename(name: str, scope: str, extension: str, day: datetime.date) -> str:
    return "-".join(part for part in ("egide", name, scope, day.isoformat()) if part) + f".{extension}"


def _request(request: HttpRequest, name: str, fmt: str, scope: Scope, value: str) -> services.Request:
    list_export = LISTS.get(name)
    if list_export is None or scope not in list_export.scopes:
        raise Http404(_("No such list."))
    if fmt not in ExportFormat.values:
        raise Http404(_("Unknown export format."))
    query = services.export_query(request.GET)
    if list_export.pin is not None:
        list_export.pin(request, query)
    return services.Request(list_export=list_export, scope=value, query=query, fmt=ExportFormat(fmt))


def _export(request: HttpRequest, name: str, fmt: str, scope: Scope, value: str = "") -> HttpResponseBase:
    asked = _request(request, name, fmt, scope, value)
    columns, rows = services.export_rows(user=request.user, request=asked)
    if services.is_large(rows):
        if not request.user.is_authenticated:
            raise PermissionDenied(
                _("This list holds more rows than can be exported at once: log in to export it in the background.")
            )
        export = services.export_job_create(user=request.user, request=asked, rows=rows.total)
        return HttpResponseRedirect(reverse("export-job", kwargs={"key": export.key}))
    services.export_streamed(user=request.user, request=asked, rows=rows.total)
    filename = _filename(name, asked.scope, asked.fmt, datetime.date.today())
    if asked.fmt == ExportFormat.CSV:
        response = StreamingHttpResponse(files.csv_stream(columns, rows), content_type=files.CONTENT_TYPES[asked.fmt])
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    content, _count = files.write_file(asked.fmt, columns, rows, title=str(asked.list_export.title))
    return FileResponse(content, as_attachment=True, filename=filename, content_type=files.CONTENT_TYPES[asked.fmt])


def platform_export(request: HttpRequest, name: str, fmt: str) -> HttpResponseBase:
    return _export(request, name, fmt, Scope.PLATFORM)


def country_export(request: HttpRequest, code: str, name: str, fmt: str) -> HttpResponseBase:
    return _export(request, name, fmt, Scope.COUNTRY, code.upper())


def programme_export(request: HttpRequest, pk: int, name: str, fmt: str) -> HttpResponseBase:
    return _export(request, name, fmt, Scope.PROGRAMME, str(pk))


def _context(export: Export) -> dict[str, object]:
    list_export = LISTS.get(export.list_name)
    return {
        "export": export,
        "title": list_export.title if list_export is not None else export.list_name,
        "page": list_export.page(export.scope) if list_export is not None else "",
        "query": export.query,
    }


@login_required
def export_job(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    """A background export's page: it refreshes its status part until the file is ready, then links to it."""
    return render(request, "exports/job.html", _context(selectors.export_of(user=request.user, key=key)))


@login_required
def export_job_status(request: HttpRequest, key: uuid.UUID) -> HttpResponse:
    return render(request, "exports/_job_status.html", _context(selectors.export_of(user=request.user, key=key)))


@login_required
def export_download(request: HttpRequest, key: uuid.UUID) -> FileResponse:
    """The file of a finished background export, to its requester only."""
    export = selectors.export_file_of(user=request.user, key=key)
    return FileResponse(
        default_storage.open(export.file, "rb"),
        as_attachment=True,
        filename=_filename(export.list_name, export.scope, export.format, export.created_at.date()),
        content_type=files.CONTENT_TYPES[ExportFormat(export.format)],
    )
