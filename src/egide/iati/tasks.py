"""The background task that runs an IATI import (in `egide db_worker`, or at once with the immediate backend)."""

from django.tasks import task

from egide.iati.services import iati_import_run_execute


@task()
def iati_import_task(run_id: str) -> str:
    """Run one import; its record holds the outcome, the task's value only repeats its status."""
    return iati_import_run_execute(run_id=run_id)
