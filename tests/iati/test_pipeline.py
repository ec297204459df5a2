"""One file read by a child process while this one writes (`jobs=2`): the same database and report as the file read
in this process, all or nothing, the same error for malformed XML, and no process left behind."""

import dataclasses
import io
import os
import signal
import threading
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models, transaction

from egide.accounts.models import Organisation
from egide.accounts.selectors import PLATFORM
from egide.audit.models import AuditEvent
from egide.iati.importer import FileReport, Filters, iati_file_import, known_digests
from egide.iati.models import ImportedActivity, ImportedFile
from egide.iati.parser import MalformedFile
from egide.iati.pipeline import pipelined, process_context
from egide.iati.services import iati_import_run_create, iati_import_run_execute
from egide.money.models import Budget, Transaction
from egide.programmes.models import (
    Location,
    Participation,
    Programme,
    ProgrammeCountry,
    ProgrammeDocument,
    ProgrammeSector,
)
from tests.iati.test_importer import activity, write
from tests.iati.test_pages import FILE

PARTS: tuple[type[models.Model], ...] = (
    ProgrammeCountry,
    Participation,
    ProgrammeSector,
    Location,
    ProgrammeDocument,
    Budget,
    Transaction,
    ImportedActivity,
)
MOMENTS = {"created_at", "updated_at", "imported_at"}


def _children() -> set[int]:
    """This process's children, zombies included (a zombie is listed until it is waited for)."""
    pid = os.getpid()
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    return {int(child) for child in text.split()}


def _rows(model: type[models.Model]) -> list[tuple[Any, ...]]:
    """Every row of the model, without ids or moments, its programme named by IATI identifier."""
    names = [
        "programme__iati_identifier" if field.attname == "programme_id" else field.attname
        for field in model._meta.concrete_fields
        if not field.primary_key and field.attname not in MOMENTS and field.attname != "programme_id"
    ]
    if any(field.attname == "programme_id" for field in model._meta.concrete_fields):
        names.append("programme__iati_identifier")
    return sorted(model.objects.values_list(*names), key=repr)


def _content() -> dict[str, Any]:
    programmes = [
        field.attname
        for field in Programme._meta.concrete_fields
        if not field.primary_key and field.attname not in MOMENTS
    ]
    content: dict[str, Any] = {"programmes": sorted(Programme.objects.values_list(*programmes), key=repr)}
    for model in PARTS:
        content[model.__name__] = _rows(model)
    content["files"] = sorted(ImportedFile.objects.values_list("name", "digest", "activities"), key=repr)
    content["audit"] = sorted(AuditEvent.objects.values_list("action", "object_repr"), key=repr)
    return content


def _run(paths: list[Path], jobs: int) -> tuple[list[FileReport], dict[str, Any]]:
    """Each file imported twice (the second time unchanged), then the database's content; all rolled back."""
    reports = []
    with transaction.atomic():
        known = known_digests()
        for _ in range(2):
            for path in paths:
                report = iati_file_import(
                    user=PLATFORM, path=path, filters=Filters(sectors=None), known=known, jobs=jobs
                )
                reports.append(report)
        content = _content()
        transaction.set_rollback(True)
    return reports, content


def _edge_file(tmp_path: Path) -> Path:
    """More than a batch of the pipe and of the writer, an activity twice and one without identifier."""
    many = [activity(f"XM-DAC-7-{number}", title=f"Programme {number}") for number in range(1_100)]
    return write(tmp_path, *many[:600], activity("XM-DAC-7-3", title="Again"), activity(""), *many[600:])


def test_one_or_two_jobs_give_the_same_database_and_reports(tmp_path: Path, iati_fixtures: Path, db: None) -> None:
    paths = [_edge_file(tmp_path), *sorted(iati_fixtures.glob("*.xml"))]
    alone, content_alone = _run(paths, jobs=1)
    before = _children()
    piped, content_piped = _run(paths, jobs=2)
    assert [dataclasses.asdict(report) for report in piped] == [dataclasses.asdict(report) for report in alone]
    assert content_piped == content_alone
    assert len(content_alone["programmes"]) > 1_100
    assert sum(report.warnings for report in alone) > 0
    assert any(report.refused for report in alone)
    assert _children() == before


def test_malformed_xml_read_by_the_child_leaves_nothing_and_says_where(tmp_path: Path, db: None) -> None:
    many = [activity(f"XM-DAC-7-{number}") for number in range(1_200)]  # batches written before the fault
    path = write(tmp_path, *many, tail="<iati-activity><broken></iati-activities>")
    before = _children()
    alone = iati_file_import(user=PLATFORM, path=path)
    piped = iati_file_import(user=PLATFORM, path=path, jobs=2)
    assert piped.refused.startswith("file.xml, line ")
    assert dataclasses.asdict(piped) == dataclasses.asdict(alone)
    assert (Programme.objects.count(), Transaction.objects.count(), ImportedActivity.objects.count()) == (0, 0, 0)
    assert not ImportedFile.objects.exists()
    with pytest.raises(MalformedFile) as raised:
        list(pipelined(path))
    assert str(raised.value) == alone.refused
    assert _children() == before


def test_the_command_reads_a_single_file_in_a_child_with_two_jobs(tmp_path: Path, db: None) -> None:
    path = write(tmp_path, activity("XM-DAC-7-1"), activity("XM-DAC-7-2"), activity("XM-DAC-7-1", title="Again"))
    outputs = []
    for jobs in ("2", "2", "1"):
        out, err = io.StringIO(), io.StringIO()
        call_command("iati", "import", str(path), "--jobs", jobs, stdout=out, stderr=err)
        outputs.append(out.getvalue())
        assert "XM-DAC-7-1 appears twice in the file" in err.getvalue()
    assert "3 activities read, 2 created, 0 updated, 0 unchanged" in outputs[0]
    assert "3 activities read, 0 created, 0 updated, 2 unchanged" in outputs[1]
    assert outputs[2] == outputs[1]
    broken = write(tmp_path, *[activity(f"XM-DAC-7-{n}") for n in range(600)], name="broken.xml", tail="<x>")
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("iati", "import", str(broken), "--jobs", "2", stdout=io.StringIO(), stderr=err)
    assert "refused, nothing written: broken.xml, line " in err.getvalue()
    assert Programme.objects.count() == 2


def test_the_child_is_stopped_when_the_writer_fails_or_stops_early(tmp_path: Path, db: None) -> None:
    path = write(tmp_path, *[activity(f"XM-DAC-7-{number}") for number in range(3_000)])
    before = _children()
    reading = pipelined(path, known={})
    next(reading)
    assert len(_children() - before) == 1
    reading.close()
    assert _children() == before

    def fail(report: FileReport) -> None:
        if report.created:
            raise RuntimeError("the writer failed")

    with pytest.raises(RuntimeError, match="the writer failed") as raised:
        iati_file_import(user=PLATFORM, path=path, jobs=2, progress=fail)
    assert raised.traceback  # the import's frames kept alive: the child was stopped all the same
    assert _children() == before
    assert not Programme.objects.exists()


@pytest.mark.parametrize("threaded", [False, True], ids=["fork", "forkserver"])
def test_the_background_import_reads_each_file_in_a_child_with_two_jobs(
    member: User, organisation: Organisation, settings: Any, threaded: bool
) -> None:
    """With EGIDE_IATI_JOBS = 2 the worker's runs give the same reports; in a process running other threads the
    child is started by a fork server (fork is unsafe there)."""
    files = [("broken.xml", FILE[:-30]), ("donor.xml", FILE)]

    def run(jobs: int, *, dry_run: bool) -> list[dict[str, Any]]:
        settings.EGIDE_IATI_JOBS = jobs
        uploads = [SimpleUploadedFile(name, data, content_type="application/xml") for name, data in files]
        created = iati_import_run_create(user=member, owner=organisation, uploads=uploads, dry_run=dry_run)
        assert iati_import_run_execute(run_id=str(created.pk)) == "done"
        created.refresh_from_db()
        return created.report

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    if threaded:
        other.start()
    try:
        assert process_context().get_start_method() == ("forkserver" if threaded else "fork")
        before = _children()
        alone = run(1, dry_run=True)
        piped = run(2, dry_run=True)
        assert piped == alone
        assert alone[0]["refused"].startswith("broken.xml, line ")
        assert not Programme.objects.exists()
        assert run(2, dry_run=False) == alone
        assert Programme.objects.get().iati_identifier == "XM-DAC-7-1"
        assert _children() == before or threaded  # the fork server stays, a child of this process
    finally:
        stop.set()
        if threaded:
            other.join()


def test_a_reader_that_dies_stops_the_import_with_a_clear_error(tmp_path: Path, db: None) -> None:
    path = write(tmp_path, *[activity(f"XM-DAC-7-{number}") for number in range(3_000)])
    before = _children()
    reading = pipelined(path, known={})
    next(reading)
    (child,) = _children() - before
    os.kill(child, signal.SIGKILL)
    with pytest.raises(RuntimeError, match=r"the process reading file\.xml stopped \(exit code -9\)"):
        list(reading)
    assert _children() == before
