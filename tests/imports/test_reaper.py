"""The reaper fails a running task whose worker is gone (its process ended, or was replaced by another under the same
number; on another machine, not heard of for too long) or that ran past the time limit, and leaves the others; an
import job so given up shows the reason on its page, in its user's language; a task declared safe to retry is queued
again once."""

import datetime
import os
import subprocess

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.tasks import task
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from egide.accounts.models import Organisation
from egide.imports import reaper, workers
from egide.imports.models import ImportJob, ImportStatus, WorkerBeat
from egide.imports.reaper import tasks_reap
from egide.imports.services import import_job_create, import_job_run
from tests.actors.html import text

ACTORS = b"reference,kind,name_en\n" + b"".join(b"U%d,police,Unit %d\n" % (n, n) for n in range(5))


@task()
def sample_task(value: int) -> int:
    """A task declared safe to run again (in one test)."""
    return value


def dead_pid() -> int:
    """The number of a process of this machine that has ended."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def running_job(
    user: User, owner: Organisation, worker_id: str, language: str = "en"
) -> tuple[ImportJob, DBTaskResult]:
    """A queued import whose task a worker has claimed, and whose job it has started."""
    job = import_job_create(
        user=user, country="CD", owner=owner, confidentiality="public", filename="actors.csv", data=ACTORS
    )
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, progress=50, language=language)
    result = DBTaskResult.objects.get()
    result.claim(worker_id)
    return job, result


def dead_worker() -> str:
    return workers.WorkerIdentity(host=workers.this_host(), pid=dead_pid(), start=12345, nonce="abc123").id


def test_a_task_whose_worker_process_ended_fails_with_the_reason_shown_on_the_jobs_page(
    member: User, organisation: Organisation, member_client: Client
) -> None:
    worker_id = dead_worker()
    job, result = running_job(member, organisation, worker_id)
    reaped = tasks_reap()
    assert [(item.task_id, item.retried) for item in reaped] == [(str(result.pk), False)]
    result.refresh_from_db()
    pid = workers.parse(worker_id).pid  # type: ignore[union-attr]
    assert result.status == "FAILED"
    assert result.exception_class_path == reaper.LOST_PATH
    assert f"its worker (process {pid} on {workers.this_host()}) stopped while it ran the task" in result.traceback
    job.refresh_from_db()
    assert (job.status, job.progress, bytes(job.data)) == (ImportStatus.FAILED, 100, b"")
    assert job.finished_at is not None
    page = text(member_client.get(reverse("import-job", kwargs={"pk": job.pk})).content.decode())
    assert "Nothing was imported." in page
    assert (
        f"The background worker stopped while it ran this import (process {pid} on {workers.this_host()}); "
        "nothing was imported. Upload the file again." in page
    )
    # Reaping again changes nothing; the job's own run, if it ever came, would not start it again.
    assert tasks_reap() == []
    assert import_job_run(job_id=str(job.pk)) == "skipped"


def test_the_reason_is_written_in_the_language_of_the_page_that_started_the_import(
    member: User, organisation: Organisation
) -> None:
    job, _result = running_job(member, organisation, dead_worker(), language="fr")
    tasks_reap()
    job.refresh_from_db()
    assert job.error.startswith("Le processus d’arrière-plan s’est arrêté pendant cette importation (process ")


def test_a_task_of_a_live_worker_is_left_running(member: User, organisation: Organisation) -> None:
    job, result = running_job(member, organisation, workers.this_worker().id)
    assert tasks_reap() == []
    result.refresh_from_db()
    job.refresh_from_db()
    assert (result.status, job.status) == ("RUNNING", ImportStatus.RUNNING)


def test_a_process_that_took_the_number_of_a_dead_worker_is_not_taken_for_it(
    member: User, organisation: Organisation
) -> None:
    """This very process, with another start time: the worker that had its number is gone."""
    impostor = workers.WorkerIdentity(host=workers.this_host(), pid=os.getpid(), start=1, nonce="abc123")
    _job, result = running_job(member, organisation, impostor.id)
    assert [item.task_id for item in tasks_reap()] == [str(result.pk)]


def test_a_worker_on_another_machine_is_judged_by_when_it_was_last_heard_of(
    member: User, organisation: Organisation, settings: LazySettings
) -> None:
    settings.EGIDE_WORKER_LOST_SECONDS = 120
    elsewhere = workers.WorkerIdentity(host="other-machine", pid=4242, start=99, nonce="abc123")
    WorkerBeat.objects.create(worker_id=elsewhere.id, host="other-machine", pid=4242, beat_at=timezone.now())
    job, _result = running_job(member, organisation, elsewhere.id)
    assert tasks_reap() == []
    WorkerBeat.objects.update(beat_at=timezone.now() - datetime.timedelta(seconds=121))
    assert [item.loss.worker for item in tasks_reap()] == ["process 4242 on other-machine"]
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED


def test_a_task_running_past_the_time_limit_fails_even_with_its_worker_alive(
    member: User, organisation: Organisation, settings: LazySettings
) -> None:
    settings.EGIDE_TASK_TIME_LIMIT_MINUTES = 30
    job, _result = running_job(member, organisation, workers.this_worker().id)
    DBTaskResult.objects.update(started_at=timezone.now() - datetime.timedelta(minutes=29))
    assert tasks_reap() == []
    DBTaskResult.objects.update(started_at=timezone.now() - datetime.timedelta(minutes=31))
    assert [item.loss.minutes for item in tasks_reap()] == [30]
    job.refresh_from_db()
    assert job.error == "The import ran longer than the limit of 30 minutes and was stopped; nothing was imported."


def test_a_worker_named_otherwise_is_judged_by_the_time_limit_only(member: User, organisation: Organisation) -> None:
    _job, _result = running_job(member, organisation, "a-name-given-by-hand")
    assert tasks_reap() == []


def test_a_task_declared_safe_to_retry_is_queued_again_once(db: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reaper, "RETRY_SAFE", set())
    reaper.retry_safe(sample_task)
    result = DBTaskResult.objects.get(pk=sample_task.enqueue(7).id)
    result.claim(dead_worker())
    assert [item.retried for item in tasks_reap()] == [True]
    result.refresh_from_db()
    assert (result.status, result.started_at) == ("READY", None)
    result.claim(dead_worker())
    assert [item.retried for item in tasks_reap()] == [False]
    result.refresh_from_db()
    assert result.status == "FAILED"
