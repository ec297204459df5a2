"""The daily digest sent by the background worker, without cron.

A task (`tasks.digest_daily_task`) is queued for the next time slot, the day's EGIDE_DIGEST_HOUR (UTC); when it
runs, it records its slot (`DigestRun`, unique), queues the task of the next slot, then sends the digest
(`digest.digest_send`). The first task to record a slot is the only one to go on: another task for the same slot
(two workers starting at once each queued one, or a task was queued twice) finds the slot recorded and does nothing,
not even queue a next one, so that the chain of tasks stays one. The readers are mailed once: the slot is recorded
by one task only, and the digest itself records each mailing (AlertMailing).

`digest_schedule` queues the task unless a task for a slot not yet recorded is queued already; the worker calls it
when it starts (egide.core.schedules) and so does `egide setup`, so that a chain broken by a stopped worker starts
again. A worker stopped at the slot's hour runs the task when it starts again, late, and the next one is queued for
the next slot to come (days missed are not sent twice: one digest sends every alert not yet sent).
"""

import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django.utils import timezone

from egide.duediligence.digest import digest_send
from egide.duediligence.models import DigestRun

TASK_PATH = "egide.duediligence.tasks.digest_daily_task"


def next_slot(now: datetime.datetime, hour: int) -> datetime.datetime:
    """The first time after `now` that is `hour` o'clock UTC."""
    now = now.astimezone(datetime.UTC)
    slot = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    return slot if slot > now else slot + datetime.timedelta(days=1)


def _queued() -> bool:
    """Whether a digest task for a slot not yet recorded waits in the queue."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    slots = set()
    for values in DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=TASK_PATH).values_list(
        "args_kwargs", flat=True
    ):
        kwargs = values.get("kwargs", {}) if isinstance(values, dict) else {}
        try:
            slots.add(datetime.datetime.fromisoformat(str(kwargs.get("slot", ""))))
        except ValueError:
            continue
    if not slots:
        return False
    recorded = set(DigestRun.objects.filter(slot__in=sorted(slots)).values_list("slot", flat=True))
    return bool(slots - recorded)


def _backend_keeps_tasks() -> bool:
    """Only a backend that keeps tasks for later (the database's) can hold the next day's digest."""
    from django_tasks_db.backend import DatabaseBackend

    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
    return isinstance(backend, DatabaseBackend) and backend.supports_defer


def digest_schedule(*, now: datetime.datetime | None = None) -> datetime.datetime | None:
    """Queue the digest's task for the next slot after `now` unless one is queued; the slot queued, or None (one
    was queued already, the digest hour is off, or the tasks are not kept in the database)."""
    hour = settings.EGIDE_DIGEST_HOUR
    if hour is None or not _backend_keeps_tasks() or _queued():
        return None
    from egide.duediligence.tasks import digest_daily_task

    slot = next_slot(now or timezone.now(), hour)
    digest_daily_task.using(run_after=slot).enqueue(slot=slot.isoformat())
    return slot


def slot_record(slot: datetime.datetime) -> bool:
    """Record the slot's digest; False when another task recorded it first."""
    try:
        with transaction.atomic():
            DigestRun.objects.create(slot=slot)
    except IntegrityError:
        return False
    return True


def digest_daily(slot_text: str) -> int:
    """The work of the daily task for its slot: the number of e-mails sent (0 when the slot was another task's)."""
    slot = datetime.datetime.fromisoformat(slot_text)
    if not slot_record(slot):
        return 0
    # The next one first: a failure of the mail server must not break the chain.
    digest_schedule(now=max(timezone.now(), slot))
    report = digest_send()
    DigestRun.objects.filter(slot=slot).update(finished_at=timezone.now(), sent=report.sent)
    return report.sent
