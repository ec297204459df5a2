"""The background task that writes a large export (in `egide db_worker`, or at once with the immediate backend)."""

from typing import Any

from django.tasks import task

from egide.exports.services import export_job_lost, export_job_run
from egide.imports.reaper import Loss, on_lost


@task()
def export_job_task(export_id: int) -> str:
    """Write one export's file; the export's own record holds its outcome."""
    return export_job_run(export_id=export_id)


@on_lost(export_job_task)
def _export_job_lost(args: list[Any], kwargs: dict[str, Any], loss: Loss) -> None:
    export_id = kwargs.get("export_id") or (args[0] if args else None)
    if export_id:
        export_job_lost(export_id=int(export_id))
