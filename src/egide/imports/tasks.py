"""The background task that runs an import job (in `egide db_worker`, or at once with the immediate backend)."""

from typing import Any

from django.tasks import task

from egide.imports.reaper import Loss, on_lost
from egide.imports.services import import_job_lost, import_job_run


# Not declared safe to run again after its worker died: a file that stopped a worker (out of memory) would stop the
# next one too. The import being atomic, the job fails having written nothing, and says why.
@task()
def import_job_task(job_id: str) -> str:
    """Run one job; the job's own record holds its outcome, the task's return value only repeats its status."""
    return import_job_run(job_id=job_id)


@on_lost(import_job_task)
def _import_job_lost(args: list[Any], kwargs: dict[str, Any], loss: Loss) -> None:
    job_id = kwargs.get("job_id") or (args[0] if args else None)
    if job_id:
        import_job_lost(job_id=str(job_id), worker=loss.worker, minutes=loss.minutes)
