"""Creating and running background import jobs; the imports themselves are the pages' own services, by the kind of
file: egide.actors.importer.map_file_import (a map), egide.programmes.importer.programmes_import (programmes),
egide.money.transfer.money_file_import (budgets and transactions), egide.results.importer.results_import (results
frameworks)."""

import dataclasses
import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from egide.accounts.models import Organisation
from egide.accounts.selectors import can_create
from egide.actors.fields import TABLES
from egide.actors.importer import ImportRejected, map_file_import
from egide.actors.tabular import ColumnMapping as Mapping
from egide.actors.tabular import TableError, UnknownColumns
from egide.audit.models import Action
from egide.audit.services import audit_record, snapshot
from egide.core.imports.problems import ImportReport
from egide.core.users import AnyUser, author
from egide.imports.models import ColumnMapping, ImportJob, ImportKind, ImportStatus
from egide.imports.selectors import column_mapping_of
from egide.money.transfer import money_file_import
from egide.programmes.importer import programmes_import
from egide.results.importer import results_import

logger = logging.getLogger(__name__)

# The progress shown while the worker reads the file, then checks and writes it.
STAGE_PROGRESS = {"reading": 10, "importing": 50}


def _kept_file(
    user: AnyUser,
    country: str,
    owner: Organisation | None,
    confidentiality: str,
    filename: str,
    data: bytes,
    status: str,
    kind: str = ImportKind.MAP,
    dry_run: bool = False,
) -> ImportJob:
    """A file kept in the database for its import, started by a logged-in user, in the language they read."""
    starter = author(user)
    if starter is None:
        raise PermissionDenied(_("Log in to import a file."))
    return ImportJob.objects.create(
        user=starter,
        kind=kind,
        dry_run=dry_run,
        country=country,
        owner=owner,
        confidentiality=confidentiality,
        filename=filename[:255],
        size=len(data),
        data=data,
        status=status,
        language=translation.get_language() or "en",
    )


@transaction.atomic
def import_job_create(
    *,
    user: AnyUser,
    country: str,
    owner: Organisation | None,
    confidentiality: str,
    filename: str,
    data: bytes,
    kind: ImportKind = ImportKind.MAP,
    dry_run: bool = False,
) -> ImportJob:
    """Keep the file and queue its import; the job and its task are written together, or neither is. Only a map's
    file takes `confidentiality` (the other kinds leave it empty); a programmes or money file may be a dry run."""
    from egide.imports.tasks import import_job_task

    job = _kept_file(user, country, owner, confidentiality, filename, data, ImportStatus.QUEUED, kind, dry_run)
    import_job_task.enqueue(str(job.pk))
    return job


@transaction.atomic
def import_job_hold(
    *,
    user: AnyUser,
    country: str,
    owner: Organisation | None,
    confidentiality: str,
    filename: str,
    data: bytes,
) -> ImportJob:
    """Keep a file whose headers name columns that are not the map's until the user maps them; a file the same
    user left waiting before is dropped, so that at most one waits per user."""
    job = _kept_file(user, country, owner, confidentiality, filename, data, ImportStatus.MAPPING)
    ImportJob.objects.filter(user=job.user, status=ImportStatus.MAPPING).exclude(pk=job.pk).delete()
    return job


def import_job_release(*, job: ImportJob) -> None:
    """Forget a file kept for its mapping, once it has been imported or refused."""
    ImportJob.objects.filter(pk=job.pk, status=ImportStatus.MAPPING).delete()


@transaction.atomic
def column_mapping_remember(*, user: AnyUser, organisation: Organisation, country: str, mapping: Mapping) -> int:
    """Remember what each header stands for, for the organisation's next files; audited, one event per header whose
    meaning is new or changed. Returns how many were. Only those who may import for the organisation in the
    country may teach it."""
    if not can_create(user=user, owner=organisation, country=country):
        raise PermissionDenied(_("You may not import records for this organisation in this country."))
    changed = 0
    for table, headers in mapping.items():
        for header, column in headers.items():
            if table not in TABLES or (column and column not in {field.name for field in TABLES[table]}):
                raise ValueError(f"{table}.{column} is not a column of the map's tables")
            current = ColumnMapping.objects.filter(organisation=organisation, table=table, header=header).first()
            if current is not None and current.column == column:
                continue
            before = snapshot(current) if current is not None else None
            remembered, _created = ColumnMapping.objects.update_or_create(
                organisation=organisation,
                table=table,
                header=header[:200],
                defaults={"column": column, "updated_by": author(user)},
            )
            audit_record(
                user=user,
                action=Action.CREATE if before is None else Action.UPDATE,
                instance=remembered,
                before=before,
                after=snapshot(remembered),
            )
            changed += 1
    return changed


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
            report = _imported(job, stage)
        except UnknownColumns as unknown:
            # The file waits, kept, for its user to map its columns on the import page.
            outcome = {"status": ImportStatus.MAPPING, "error": str(unknown)}
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
    if outcome["status"] == ImportStatus.MAPPING:
        ImportJob.objects.filter(pk=job.pk).update(**outcome, progress=0)
    else:
        ImportJob.objects.filter(pk=job.pk).update(**outcome, data=b"", progress=100, finished_at=timezone.now())
    return str(outcome["status"])


def _imported(job: ImportJob, stage: Callable[[str], None]) -> ImportReport:
    """The job's file imported as its user, by the import of its kind (the same service as the page's)."""
    data = bytes(job.data)
    if job.kind != ImportKind.MAP:
        stage("importing")
    if job.kind == ImportKind.PROGRAMMES:
        return programmes_import(
            user=job.user, country=job.country, filename=job.filename, data=data, owner=job.owner, dry_run=job.dry_run
        )
    if job.kind == ImportKind.MONEY:
        return money_file_import(
            user=job.user, country=job.country, filename=job.filename, data=data, apply=not job.dry_run
        )
    if job.kind == ImportKind.RESULTS:
        return results_import(user=job.user, country=job.country, filename=job.filename, data=data)
    return map_file_import(
        user=job.user,
        country=job.country,
        filename=job.filename,
        data=data,
        owner=job.owner,
        confidentiality=job.confidentiality,
        on_stage=stage,
        mapping=column_mapping_of(organisation=job.owner),
    )


@transaction.atomic
def import_job_requeue(*, job: ImportJob) -> None:
    """Queue again a large file whose columns have just been mapped (the mapping is remembered, or given)."""
    from egide.imports.tasks import import_job_task

    if ImportJob.objects.filter(pk=job.pk, status=ImportStatus.MAPPING).update(
        status=ImportStatus.QUEUED, error="", progress=0
    ):
        import_job_task.enqueue(str(job.pk))


def import_job_lost(*, job_id: str, worker: str = "", minutes: int = 0) -> bool:
    """End a job whose task was given up on (its worker stopped while it ran, or it ran too long): failed, with the
    reason in the language of the page that started it, its file forgotten. The import being atomic, nothing of it
    was written. Whether a job still waiting or running was so ended."""
    job = ImportJob.objects.filter(pk=job_id).only("language").first()
    if job is None:
        return False
    with translation.override(job.language):
        if minutes:
            reason = _(
                "The import ran longer than the limit of %(minutes)d minutes and was stopped; nothing was imported."
            ) % {"minutes": minutes}
        else:
            reason = _(
                "The background worker stopped while it ran this import (%(worker)s); nothing was imported. "
                "Upload the file again."
            ) % {"worker": worker}
    ended = ImportJob.objects.filter(pk=job_id, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]).update(
        status=ImportStatus.FAILED, error=reason, data=b"", progress=100, finished_at=timezone.now()
    )
    return bool(ended)
