"""What an import page does with a large upload: it keeps the file as an import job for the background worker and
sends the browser to the job's page, which shows the progress and then the same report as the page would have."""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from egide.accounts.models import Organisation
from egide.imports.models import ImportKind
from egide.imports.services import import_job_create


def is_large(upload: UploadedFile) -> bool:
    """Whether the file is too large to import in the request (EGIDE_IMPORT_INLINE_MAX_BYTES)."""
    return (upload.size or 0) > settings.EGIDE_IMPORT_INLINE_MAX_BYTES


def import_in_background(
    request: HttpRequest,
    upload: UploadedFile,
    *,
    kind: ImportKind,
    country: str,
    owner: Organisation | None = None,
    confidentiality: str = "",
    dry_run: bool = False,
) -> HttpResponse:
    """Queue the upload's import, run as the requesting user by the import of `kind`; the job's page."""
    job = import_job_create(
        user=request.user,
        country=country,
        owner=owner,
        confidentiality=confidentiality,
        filename=upload.name or "upload",
        data=upload.read(),
        kind=kind,
        dry_run=dry_run,
    )
    return HttpResponseRedirect(reverse("import-job", kwargs={"pk": job.pk}))
