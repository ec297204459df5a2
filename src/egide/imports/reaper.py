"""The reaper: a background task whose worker died (killed, out of memory, its machine gone) would otherwise stay
"running" for ever. Each worker runs the reaper when it starts and every EGIDE_WORKER_REAP_SECONDS: a running task
whose worker is gone, or that has run longer than EGIDE_TASK_TIME_LIMIT_MINUTES, is marked failed with the reason
(or queued again, once, when its task is declared safe to run again), and what the task was doing is told of it
(an import job then shows the reason on its page)."""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from egide.imports import workers
from egide.imports.models import WorkerBeat

logger = logging.getLogger(__name__)

# Recorded as the failed task's exception, with the reason as its traceback.
LOST_PATH = "egide.imports.reaper.TaskLost"


@dataclass(frozen=True)
class Loss:
    """Why a task was taken from its worker: its worker stopped (named), or it ran too long (in minutes)."""

    worker: str = ""
    minutes: int = 0

    def english(self) -> str:
        if self.minutes:
            return f"the task ran longer than the limit of {self.minutes} minutes"
        return f"its worker ({self.worker}) stopped while it ran the task"


# Tasks safe to run again from the start after their worker died, and what to do when a task is given up on.
RETRY_SAFE: set[str] = set()
ON_LOST: dict[str, Callable[[list[Any], dict[str, Any], Loss], None]] = {}


def retry_safe(task: Task) -> Task:
    """Declare a task safe to run again after its worker died: the reaper queues it once more, once."""
    RETRY_SAFE.add(task.module_path)
    return task


def on_lost(task: Task) -> Callable[[Callable[[list[Any], dict[str, Any], Loss], None]], Any]:
    """Register what to do when a run of `task` is given up on (called with its arguments and the reason)."""

    def register(handler: Callable[[list[Any], dict[str, Any], Loss], None]) -> Any:
        ON_LOST[task.module_path] = handler
        return handler

    return register


def _loss(task: DBTaskResult, now: datetime.datetime, beats: dict[str, datetime.datetime]) -> Loss | None:
    """Why the running task is lost, or None while its worker is alive and within the time limit."""
    limit = settings.EGIDE_TASK_TIME_LIMIT_MINUTES
    if task.started_at is not None and now - task.started_at > datetime.timedelta(minutes=limit):
        return Loss(minutes=limit)
    owner = workers.parse(task.worker_ids[-1]) if task.worker_ids else None
    if owner is None:
        return None
    if owner.host == workers.this_host():
        return None if workers.alive_here(owner) else Loss(worker=owner.describe())
    heard = beats.get(owner.id) or task.started_at
    if heard is None or now - heard > datetime.timedelta(seconds=settings.EGIDE_WORKER_LOST_SECONDS):
        return Loss(worker=owner.describe())
    return None


def _declarations_of(task_path: str) -> None:
    """Import the task's module, whose declarations (safe to retry, what to do when lost) come with it."""
    try:
        import_string(task_path)
    except ImportError:
        logger.warning("task %s cannot be imported", task_path)


@dataclass(frozen=True)
class Reaped:
    task_id: str
    task_path: str
    loss: Loss
    retried: bool


def tasks_reap(*, now: datetime.datetime | None = None) -> list[Reaped]:
    """Fail (or queue again, once, if safe) every running task that is lost; what was done."""
    now = now or timezone.now()
    beats = dict(WorkerBeat.objects.values_list("worker_id", "beat_at"))
    reaped = []
    for candidate in DBTaskResult.objects.running().only("id", "started_at", "worker_ids"):
        loss = _loss(candidate, now, beats)
        if loss is not None:
            done = _give_up(str(candidate.pk), loss, now)
            if done is not None:
                reaped.append(done)
    # Workers not heard of for a day are forgotten.
    WorkerBeat.objects.filter(beat_at__lt=now - datetime.timedelta(days=1)).delete()
    return reaped


@transaction.atomic
def _give_up(task_id: str, loss: Loss, now: datetime.datetime) -> Reaped | None:
    task = DBTaskResult.objects.select_for_update().filter(pk=task_id, status=TaskResultStatus.RUNNING).first()
    if task is None:
        # Finished, or taken by another reaper, in the meantime.
        return None
    _declarations_of(task.task_path)
    retried = task.task_path in RETRY_SAFE and len(task.worker_ids) < 2
    if retried:
        task.status = TaskResultStatus.READY
        task.started_at = None
        task.save(update_fields=["status", "started_at"])
        logger.warning("task %s (%s) queued again: %s", task.pk, task.task_path, loss.english())
    else:
        task.status = TaskResultStatus.FAILED
        task.finished_at = now
        task.return_value = None
        task.exception_class_path = LOST_PATH
        task.traceback = f"Given up by the reaper: {loss.english()}."
        task.save(update_fields=["status", "finished_at", "return_value", "exception_class_path", "traceback"])
        logger.error("task %s (%s) failed: %s", task.pk, task.task_path, loss.english())
        handler = ON_LOST.get(task.task_path)
        if handler is not None:
            handler(task.args_kwargs.get("args", []), task.args_kwargs.get("kwargs", {}), loss)
    return Reaped(task_id=str(task.pk), task_path=task.task_path, loss=loss, retried=retried)
