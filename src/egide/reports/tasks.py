"""The background task that builds a brief (in `egide db_worker`, or at once with the immediate backend)."""

from typing import Any

from django.tasks import task

from egide.imports.reaper import Loss, on_lost
from egide.reports.services import brief_lost, brief_run


@task()
def brief_task(brief_id: int) -> str:
    """Build one brief; its record holds the outcome, the task's value only repeats its status."""
    return brief_run(brief_id=brief_id)


@on_lost(brief_task)
def _brief_lost(args: list[Any], kwargs: dict[str, Any], loss: Loss) -> None:
    brief_id = kwargs.get("brief_id") or (args[0] if args else None)
    if brief_id:
        brief_lost(brief_id=int(brief_id), minutes=loss.minutes)
