"""The IATI pages: import files (run by the background worker, followed live), the history of imports, publish."""

import tempfile
import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from egide.accounts.selectors import importing_owners, reach_of
from egide.iati.exporter import ExportChoice, iati_export
from egide.iati.forms import ExportForm, ImportForm
from egide.iati.models import IatiImportRun
from egide.iati.progress import run_progress
from egide.iati.selectors import import_runs_visible
from egide.iati.services import iati_import_run_create

HISTORY = 20


def _run_or_404(request: HttpRequest, pk: uuid.UUID) -> IatiImportRun:
    try:
        return import_runs_visible(user=request.user).get(pk=pk)
    except IatiImportRun.DoesNotExist:
        raise Http404(_("No such import.")) from None


@login_required
def iati_import(request: HttpRequest) -> HttpResponse:
    """Upload IATI files to import, and the user's latest imports."""
    staff = reach_of(request.user).superuser
    owners = importing_owners(user=request.user)
    may_import = staff or owners.exists()
    if request.method == "POST" and not may_import:
        raise PermissionDenied(_("Importing needs the editor or administrator role in an organisation."))
    form = ImportForm(request.POST or None, request.FILES or None, owners=owners, staff=staff)
    if request.method == "POST" and form.is_valid():
        try:
            run = iati_import_run_create(
                user=request.user,  # type: ignore[arg-type]
                owner=form.cleaned_data["owner"],
                uploads=form.cleaned_data["activity_files"],
                sectors=form.cleaned_data["sector_filter"],
                countries=form.cleaned_data["countries"],
                dry_run=form.cleaned_data["dry_run"],
            )
        except ValidationError as error:
            form.add_error("activity_files", error)
        except PermissionDenied as error:
            form.add_error("owner", str(error))
        else:
            return redirect("iati-import-run", pk=run.pk)
    return render(
        request,
        "iati/import.html",
        {
            "form": form,
            "may_import": may_import,
            "runs": import_runs_visible(user=request.user)[:HISTORY],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def iati_import_run(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """An import's page: its status part refreshes itself until the import has ended."""
    run = _run_or_404(request, pk)
    return render(request, "iati/run.html", {"run": run, "live": run_progress(run)})


@login_required
def iati_import_run_status(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The run's status, progress within the current file included (egide.iati.progress), polled by its page."""
    run = _run_or_404(request, pk)
    return render(request, "iati/_run_status.html", {"run": run, "live": run_progress(run)})


def iati_export_page(request: HttpRequest) -> HttpResponse | FileResponse:
    """Publish programmes as an IATI 2.03 file: those the reader may see and chooses; public ones unless asked."""
    form = ExportForm(request.GET if "export" in request.GET else None)
    if form.is_bound and form.is_valid():
        choice = ExportChoice(
            organisation=form.cleaned_data["organisation"],
            country=form.cleaned_data["country"],
            status=form.cleaned_data["status"],
            include_non_public=form.cleaned_data["include_non_public"] and request.user.is_authenticated,
        )
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
        iati_export(user=request.user, choice=choice, output=handle)
        handle.seek(0)
        name = f"egide-iati-{timezone.now():%Y%m%d-%H%M}.xml"
        return FileResponse(handle, as_attachment=True, filename=name, content_type="application/xml")
    return render(request, "iati/export.html", {"form": form}, status=400 if form.is_bound else 200)
