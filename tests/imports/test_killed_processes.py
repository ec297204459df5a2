"""Killing the worker or the web server in the middle of an import leaves the database as it was before the import
(the import writes in one transaction), and the killed worker's task does not stay "running": the next worker's
reaper fails it, and its import job, with the reason. Real processes, killed with SIGKILL while they write."""

import signal
import threading
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from egide.accounts.models import Organisation
from egide.actors.versions import map_version
from egide.backup.manifest import TableState
from egide.imports.models import ImportStatus
from egide.imports.services import import_job_create
from tests.processes import SharedDatabase, egide, environment, free_port, running, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

ACTORS = 2500
# Written while a job runs, whatever becomes of the import: the job, its task, the workers' heartbeats.
JOB_TABLES = {"imports_importjob", "django_tasks_database_dbtaskresult", "imports_workerbeat"}
WORKER = ["db_worker", "--no-reload", "--interval", "0.1", "--no-startup-delay", "--verbosity", "1"]


def large_file() -> bytes:
    rows = b"".join(b"UNIT%d,police,Police unit %d,Unite %d\n" % (n, n, n) for n in range(ACTORS))
    return b"reference,kind,name_en,name_fr\n" + rows


def map_read_once() -> None:
    """The map's version token, made on the first read of a country (egide.actors.versions), exists before: the
    import's new token, written in its transaction, must then be rolled back with it."""
    map_version(country="CD")


def untouched(shared: SharedDatabase, left_out: set[str]) -> dict[str, TableState]:
    return {name: state for name, state in shared.tables().items() if name not in left_out}


def test_a_worker_killed_in_the_middle_of_an_import_leaves_the_database_as_it_was_and_its_task_fails(
    member: User, organisation: Organisation, tmp_path: Path
) -> None:
    job = import_job_create(
        user=member, country="CD", owner=organisation, confidentiality="public", filename="a.csv", data=large_file()
    )
    map_read_once()
    shared = SharedDatabase(tmp_path)
    env = environment(shared.publish(), tmp_path / "data")
    before = untouched(shared, JOB_TABLES)

    def job_row() -> tuple[str, int, str]:
        return shared.query("SELECT status, progress, error FROM imports_importjob WHERE id = ?", (job.pk.hex,))[0]

    def task_row() -> tuple[str, str]:
        # The import's task (a worker that starts also queues the daily digest's, egide.core.schedules).
        return shared.query(
            "SELECT status, traceback FROM django_tasks_database_dbtaskresult WHERE task_path LIKE ?",
            ("egide.imports.%",),
        )[0]

    log = tmp_path / "worker.log"
    with running(egide(*WORKER), env, log) as worker:
        # Killed once the import has begun to write its rows, before it commits them.
        wait_for(lambda: job_row()[1] == 50 and shared.writing("actors_actor"), 60, "the import's writes", log)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    assert job_row()[0] == ImportStatus.RUNNING
    assert task_row()[0] == "RUNNING"
    assert shared.query("SELECT count(*) FROM actors_actor") == [(0,)]
    assert untouched(shared, JOB_TABLES) == before

    # The next worker's reaper, when it starts, fails the task and its job with the reason.
    log = tmp_path / "next-worker.log"
    with running(egide(*WORKER), env, log) as following:
        wait_for(lambda: task_row()[0] == "FAILED", 60, "the reaper", log)
        following.send_signal(signal.SIGTERM)
        assert following.wait(timeout=20) == 0
    status, _progress, error = job_row()
    assert status == ImportStatus.FAILED
    assert error.startswith(f"The background worker stopped while it ran this import (process {worker.pid} on ")
    assert "stopped while it ran the task" in task_row()[1]
    assert untouched(shared, JOB_TABLES) == before
    # The worker that stopped cleanly signed off; the killed one's last word stays until it is a day old.
    assert shared.query("SELECT pid FROM imports_workerbeat") == [(worker.pid,)]


def test_a_server_killed_in_the_middle_of_an_import_leaves_the_database_as_it_was(member: User, tmp_path: Path) -> None:
    client = Client()
    client.force_login(member)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    map_read_once()
    shared = SharedDatabase(tmp_path)
    port = free_port()
    # The whole file is imported in the request (no background job).
    env = environment(shared.publish(), tmp_path / "data", EGIDE_IMPORT_INLINE_MAX_KB="100000")
    before = untouched(shared, set())
    log = tmp_path / "server.log"
    command = egide("runserver", "--no-worker", "--noreload", f"127.0.0.1:{port}")
    base = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            return requests.get(f"{base}/", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    with running(command, env, log) as server:
        wait_for(answers, 60, "the server", log)
        csrf = "a" * 32
        outcome: list[object] = []

        def post() -> None:
            try:
                outcome.append(
                    requests.post(
                        base + reverse("country-import", kwargs={"code": "CD"}),
                        files={"file": ("actors.csv", large_file())},
                        cookies={settings.SESSION_COOKIE_NAME: session, settings.CSRF_COOKIE_NAME: csrf},
                        headers={"X-CSRFToken": csrf},
                        timeout=60,
                    )
                )
            except requests.RequestException as error:
                outcome.append(error)

        upload = threading.Thread(target=post)
        upload.start()
        try:
            wait_for(lambda: shared.writing("actors_actor"), 60, "the import's writes", log)
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=10)
        finally:
            upload.join(timeout=60)
    assert len(outcome) == 1
    assert isinstance(outcome[0], requests.ConnectionError), outcome
    assert shared.query("SELECT count(*) FROM actors_actor") == [(0,)]
    assert untouched(shared, set()) == before
