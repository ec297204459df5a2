import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from egide.actors.views import problem_counts
from egide.core.reference import countries
from egide.imports.models import ImportJob, ImportKind
from egide.imports.selectors import import_jobs_visible


def _job_or_404(request: HttpRequest, pk: uuid.UUID) -> ImportJob:
    try:
        return import_jobs_visible(user=request.user).get(pk=pk)
    except ImportJob.DoesNotExist:
        raise Http404(_("No such import.")) from None


# Each kind of import: the page that uploads its files, and the part of the job's page that shows its outcome.
IMPORT_PAGES = {
    ImportKind.MAP: "country-import",
    ImportKind.PROGRAMMES: "country-programmes-import",
    ImportKind.MONEY: "money-import",
    ImportKind.RESULTS: "country-results-import",
}
OUTCOMES = {
    ImportKind.MAP: "actors/_import_outcome.html",
    ImportKind.PROGRAMMES: "programmes/_import_job_outcome.html",
    ImportKind.MONEY: "money/_import_job_outcome.html",
    ImportKind.RESULTS: "results/_import_job_outcome.html",
}


def _context(job: ImportJob) -> dict[str, Any]:
    country = countries().get(job.country)
    kind = ImportKind(job.kind)
    return {
        "job": job,
        "import_page": reverse(IMPORT_PAGES[kind], kwargs={"code": job.country}),
        "outcome": OUTCOMES[kind],
        "dry_run": job.dry_run,
        "applied": not job.dry_run,
        "country": job.country,
        "country_name": country.label if country else job.country,
        "report": job.report,
        "problems": job.problems,
        "problem_total": job.problem_total,
        "problem_counts": problem_counts(len(job.problems), job.problem_total),
    }


@login_required
def import_job_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """A background import's page: it refreshes its status part until the job has ended."""
    return render(request, "imports/job.html", _context(_job_or_404(request, pk)))


@login_required
def import_job_status(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The status part of a job's page, which the page asks for again every few seconds while the job runs."""
    return render(request, "imports/_job_status.html", _context(_job_or_404(request, pk)))
