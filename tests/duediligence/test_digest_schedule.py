"""The daily digest sent by the background worker without cron: the task queued at the worker's start and at setup
when none is, for the next EGIDE_DIGEST_HOUR (UTC); each run queues the next one; two tasks of one slot (two
workers) mail each reader once and keep one chain. The owner's member is mailed; a sharing partner, another partner
and an anonymous visitor never are. On SQLite and PostgreSQL (the racing workers on PostgreSQL, in threads)."""

import datetime
import io
import threading

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.db import connection, connections
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from egide.accounts.models import Organisation, Share
from egide.core.schedules import SCHEDULES, schedules_ensure
from egide.duediligence.digest_schedule import TASK_PATH, digest_daily, digest_schedule, next_slot
from egide.duediligence.models import Alert, AlertMailing, DigestRun, DiligenceAssessment, Responsibility
from egide.duediligence.tasks import digest_daily_task
from tests.duediligence.diligence_world import World, assessment, incident, partner, sharing, world

__all__ = ["assessment", "partner", "sharing", "world"]

UTC = datetime.UTC


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 12, day, hour, minute, tzinfo=UTC)


def test_the_next_slot_is_the_next_digest_hour_in_utc() -> None:
    assert next_slot(at(1, 6, 59), 7) == at(1, 7)
    assert next_slot(at(1, 7), 7) == at(2, 7)  # the slot itself is past once reached
    assert next_slot(at(1, 15, 30), 7) == at(2, 7)
    assert next_slot(at(1, 15, 30), 23) == at(1, 23)
    paris = datetime.timezone(datetime.timedelta(hours=1))
    assert next_slot(datetime.datetime(2026, 12, 1, 7, 30, tzinfo=paris), 7) == at(1, 7)  # 06:30 UTC


def _queued() -> list[tuple[datetime.datetime, str]]:
    rows = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=TASK_PATH).order_by("run_after")
    return [(row.run_after, row.args_kwargs["kwargs"]["slot"]) for row in rows]


@pytest.mark.django_db
def test_the_task_is_queued_once_for_the_next_slot(settings: LazySettings) -> None:
    assert digest_daily_task.module_path == TASK_PATH
    assert "egide.duediligence.digest_schedule.digest_schedule" in SCHEDULES
    assert digest_schedule(now=at(1, 5)) == at(1, 7)
    assert digest_schedule(now=at(1, 5)) is None  # queued already
    schedules_ensure()  # a second worker starting
    assert _queued() == [(at(1, 7), at(1, 7).isoformat())]
    settings.EGIDE_DIGEST_HOUR = 9
    DBTaskResult.objects.all().delete()
    assert digest_schedule(now=at(1, 10)) == at(2, 9)


@pytest.mark.django_db
def test_no_task_when_the_digest_hour_is_off_or_tasks_are_not_kept(settings: LazySettings) -> None:
    settings.EGIDE_DIGEST_HOUR = None
    assert digest_schedule(now=at(1, 5)) is None
    settings.EGIDE_DIGEST_HOUR = 7
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    assert digest_schedule(now=at(1, 5)) is None
    assert not DBTaskResult.objects.exists()


@pytest.mark.django_db
def test_setup_queues_the_digest() -> None:
    call_command("setup", "--no-demo", "--no-static", stdout=io.StringIO())
    assert len(_queued()) == 1
    call_command("setup", "--no-demo", "--no-static", stdout=io.StringIO())
    assert len(_queued()) == 1


def _addressed(*users: User) -> None:
    for user in users:
        user.email = f"{user.username}@example.org"
        user.save()


@pytest.fixture
def pending(assessment: DiligenceAssessment, world: World, organisation: Organisation, partner: Organisation) -> Alert:
    """An alert for the assessment's owners; the assessment is shared with a partner, who is never alerted."""
    Share.objects.create(record=assessment, organisation=partner, country="CF")
    Responsibility.objects.create(
        incident=incident(organisation, "Night arrests", datetime.date(2025, 4, 1)), actor=world.unit
    )
    return Alert.objects.get()


# The worker closes its connection between tasks as a server process does: a test in a transaction cannot run it.
@pytest.mark.django_db(transaction=True)
def test_two_tasks_of_one_slot_mail_once_and_keep_one_chain(
    pending: Alert, member: User, sharing: User, outsider: User
) -> None:
    _addressed(member, sharing, outsider)
    slot = next_slot(datetime.datetime.now(tz=UTC) - datetime.timedelta(days=2), 7)
    # Two workers started at once, each queued the day's task.
    for _ in range(2):
        digest_daily_task.using(run_after=slot).enqueue(slot=slot.isoformat())
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--verbosity", "0")
    assert [message.to for message in mail.outbox] == [["member@example.org"]]
    assert "Night arrests" in mail.outbox[0].body
    assert list(AlertMailing.objects.values_list("user__username", flat=True)) == ["member"]
    run = DigestRun.objects.get()
    assert (run.slot, run.sent) == (slot, 1)
    assert run.finished_at is not None
    finished = DBTaskResult.objects.filter(task_path=TASK_PATH, status=TaskResultStatus.SUCCESSFUL)
    assert sorted(finished.values_list("return_value", flat=True)) == [0, 1]
    # One next task, for the next slot after now (the run was late: the slot is long past).
    queued = _queued()
    assert len(queued) == 1
    assert queued[0][0] > datetime.datetime.now(tz=UTC)
    assert queued[0][0].hour == 7
    # The slot's task run again does nothing.
    assert digest_daily(slot.isoformat()) == 0
    assert len(mail.outbox) == 1
    assert len(_queued()) == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_queues_the_digest_when_it_starts() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--verbosity", "0")
    queued = _queued()
    assert len(queued) == 1
    assert queued[0][0] > datetime.datetime.now(tz=UTC)
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--verbosity", "0")
    assert _queued() == queued


@pytest.mark.django_db
def test_a_chain_broken_after_its_slot_was_recorded_starts_again_at_the_next_start() -> None:
    """A worker stopped between recording a slot and queuing the next: a task of the recorded slot still queued
    (a duplicate) does not count as queued, so the next start queues the next slot."""
    slot = at(1, 7)
    DigestRun.objects.create(slot=slot)
    digest_daily_task.using(run_after=slot).enqueue(slot=slot.isoformat())
    scheduled = digest_schedule(now=at(1, 8))
    assert scheduled == at(2, 7)


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_on_one_slot_mail_once(pending: Alert, member: User, sharing: User, outsider: User) -> None:
    """Two workers at the same moment, each with its own connection: one records the slot and mails; the other
    finds it recorded. Threads need a database that serves several connections at once: PostgreSQL."""
    if connection.vendor != "postgresql":
        pytest.skip("racing connections need PostgreSQL (SQLite's test database is one in-memory connection)")
    _addressed(member, sharing, outsider)
    slot = at(1, 7).isoformat()
    barrier = threading.Barrier(2)
    sent: list[int] = []

    def worker() -> None:
        try:
            barrier.wait()
            sent.append(digest_daily(slot))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(sent) == [0, 1]
    assert [message.to for message in mail.outbox] == [["member@example.org"]]
    assert DigestRun.objects.count() == 1
    assert len(_queued()) == 1
