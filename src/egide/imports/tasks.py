"""The background task that runs an import job (in `egide db_worker`, or at once with the immediate backend)."""

from django.tasks import task

from egide.imports.services import import_job_run


@task()
def import_job_task(job_id: str) -> str:
    """Run one job; the job's own record holds its outcome, the task's return value only repeats its status."""
    return import_job_run(job_id=job_id)
