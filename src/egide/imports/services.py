"""Creating and running background import jobs; the import itself is egide.actors.importer.map_file_import."""

import dataclasses
import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egide.accounts.models import Organisation
from egide.actors.importer import ImportRejected, map_file_import
from egide.actors.tabular import TableError
from egide.core.users import AnyUser, author
from egide.imports.models import ImportJob, ImportStatus

logger = logging.getLogger(__name__)

# The progress shown while the worker reads the file, then checks and writes it.
STAGE_PROGRESS = {"reading": 10, "importing": 50}


@transaction.atomic
def import_job_create(
    *,
    user: AnyUser,
    country: str,
    owner: Organisation | None,
    confidentiality: str,
    filename: str,
    data: bytes,
) -> ImportJob:
    """Keep the file and queue its import; the job and its task are written together, or neither is."""
    from egide.imports.tasks import import_job_task

    starter = author(user)
    if starter is None:
        raise PermissionDenied(_("Log in to import a file."))
    job = ImportJob.objects.create(
        user=starter,
        country=country,
        owner=owner,
        confidentiality=confidentiality,
        filename=filename[:255],
        size=len(data),
        data=data,
        language=translation.get_language() or "en",
    )
    import_job_task.enqueue(str(job.pk))
    return job


def import_job_run(*, job_id: str) -> str:
    """Run a queued job once: import its file as its user, record the outcome, and forget the file.

    The import is atomic, as on the page: a job that fails has written nothing. A job already taken (by another
    worker, or run before) is left alone, so that running a task twice imports once.
    """
    taken = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING, started_at=timezone.now(), progress=5
    )
    if not taken:
        return "skipped"
    job = ImportJob.objects.select_related("user", "owner").get(pk=job_id)

    def stage(name: str) -> None:
        ImportJob.objects.filter(pk=job.pk).update(progress=STAGE_PROGRESS[name])

    outcome: dict[str, object] = {"status": ImportStatus.FAILED}
    # Messages are written in the language of the page that started the job.
    with translation.override(job.language):
        try:
            report = map_file_import(
                user=job.user,
                country=job.country,
                filename=job.filename,
                data=bytes(job.data),
                owner=job.owner,
                confidentiality=job.confidentiality,
                on_stage=stage,
            )
        except TableError as error:
            outcome["error"] = str(error)
        except ImportRejected as rejected:
            outcome["problems"] = [dataclasses.asdict(problem) for problem in rejected.problems]
            outcome["problem_total"] = rejected.total
        except PermissionDenied as error:
            outcome["error"] = str(error) or _("You may not import records for this organisation in this country.")
        except Exception:
            logger.exception("import job %s failed", job.pk)
            outcome["error"] = _("The import stopped on an unexpected error; nothing was imported.")
        else:
            outcome = {"status": ImportStatus.DONE, "report": dataclasses.asdict(report)}
    ImportJob.objects.filter(pk=job.pk).update(**outcome, data=b"", progress=100, finished_at=timezone.now())
    return str(outcome["status"])
