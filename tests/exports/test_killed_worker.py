"""Killing the worker while it writes a background export leaves the database as it was (an export writes nothing
but its own record), keeps no file, and does not leave the export "running": the next worker's reaper fails it with
the reason its page shows. A real worker process, killed with SIGKILL between two batches of rows."""

import signal
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.http import QueryDict

from egide.exports.lists import LISTS
from egide.exports.models import ExportFormat, ExportStatus
from egide.exports.services import Request, export_job_create
from egide.programmes.models import Programme
from tests.exports.conftest import add_transactions
from tests.processes import SharedDatabase, egide, environment, running, wait_for

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 40_000
# Written while an export runs, whatever becomes of it: the export, its task, the workers' heartbeats.
JOB_TABLES = {"exports_export", "django_tasks_database_dbtaskresult", "imports_workerbeat"}
WORKER = ["db_worker", "--no-reload", "--interval", "0.1", "--no-startup-delay", "--verbosity", "1"]


def test_a_worker_killed_while_it_writes_an_export_keeps_no_file_and_fails_it(
    settings: LazySettings, programmes: dict[str, Programme], member: User, tmp_path: Path
) -> None:
    settings.TASKS = {"default": {"BACKEND": "egide.operations.task_backend.DatabaseBackend", "QUEUES": ["default"]}}
    programme = programmes["partners"]
    add_transactions(programme, ROWS)
    request = Request(
        list_export=LISTS["transactions"], scope=str(programme.pk), query=QueryDict(""), fmt=ExportFormat.XLSX
    )
    export = export_job_create(user=member, request=request, rows=ROWS)
    shared = SharedDatabase(tmp_path)
    data = tmp_path / "data"
    env = environment(shared.publish(), data)
    before = {name: state for name, state in shared.tables().items() if name not in JOB_TABLES}

    def export_row() -> tuple[str, int, str]:
        return shared.query("SELECT status, written, error FROM exports_export WHERE id = ?", (export.pk,))[0]

    def kept_files() -> list[Path]:
        return [path for path in data.rglob("*") if path.is_file() and "exports" in path.parts]

    log = tmp_path / "worker.log"
    with running(egide(*WORKER), env, log) as worker:
        # Killed once a first batch of rows is written, before the file is kept.
        wait_for(lambda: export_row()[1] >= 5_000, 120, "the export's first rows", log)
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    status, written, _error = export_row()
    assert (status, 0 < written < ROWS) == (ExportStatus.RUNNING, True)
    assert kept_files() == []
    assert {name: state for name, state in shared.tables().items() if name not in JOB_TABLES} == before

    # The next worker's reaper, when it starts, fails the export with the reason.
    log = tmp_path / "next-worker.log"
    with running(egide(*WORKER), env, log) as following:
        wait_for(lambda: export_row()[0] == ExportStatus.FAILED, 60, "the reaper", log)
        following.send_signal(signal.SIGTERM)
        assert following.wait(timeout=20) == 0
    assert export_row()[2] == "The background worker stopped while it wrote this export. Export the list again."
    assert kept_files() == []
