"""A file imported clean is remembered (its content's digest, with the filters and codelists, and each activity's
digest): imported again unchanged, nothing is read nor written, and the report is the one reading it would give;
anything that would make reading it give another answer makes the import read it."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from egide.accounts.selectors import PLATFORM
from egide.audit.models import Action, AuditEvent
from egide.audit.services import snapshot
from egide.iati.importer import FileReport, Filters, iati_file_import
from egide.iati.models import ImportedFile
from egide.programmes.models import Programme
from tests.iati.test_importer import activity, write

WRITES = ("INSERT", "UPDATE", "DELETE")


def _writes(queries: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in queries.captured_queries if query["sql"].lstrip().upper().startswith(WRITES)]


def _counts(report: FileReport) -> tuple[int, ...]:
    return (report.read, report.created, report.updated, report.unchanged, report.skipped_by_filter, report.warnings)


def test_an_unchanged_file_is_neither_read_nor_written_again(tmp_path: Path, db: None) -> None:
    path = write(tmp_path, activity("XM-DAC-7-1"), activity("XM-DAC-7-2"))
    assert iati_file_import(user=PLATFORM, path=path).created == 2
    assert ImportedFile.objects.get().name == "file.xml"
    with CaptureQueriesContext(connection) as queries:
        again = iati_file_import(user=PLATFORM, path=path)
    assert _counts(again) == (2, 0, 0, 2, 0, 0)
    assert again.errors == []
    assert _writes(queries) == []
    assert len(queries) == 2  # the digests imported before, and the file's record
    # Reading it gives the same report (the digests not given: every activity read and found unchanged).
    assert _counts(iati_file_import(user=PLATFORM, path=path, known={})) == _counts(again)


def test_the_file_is_read_again_once_an_activity_of_it_changed_or_was_deleted(tmp_path: Path, db: None) -> None:
    first = write(tmp_path, activity("XM-DAC-7-1"), activity("XM-DAC-7-2"), name="first.xml")
    iati_file_import(user=PLATFORM, path=first)
    iati_file_import(user=PLATFORM, path=write(tmp_path, activity("XM-DAC-7-1", title="Other"), name="other.xml"))
    again = iati_file_import(user=PLATFORM, path=first)
    assert _counts(again) == (2, 0, 1, 1, 0, 0)
    assert Programme.objects.get(iati_identifier="XM-DAC-7-1").title_en == "Police reform"
    Programme.objects.filter(iati_identifier="XM-DAC-7-2").delete()
    assert _counts(iati_file_import(user=PLATFORM, path=first)) == (2, 1, 0, 1, 0, 0)
    assert _counts(iati_file_import(user=PLATFORM, path=first)) == (2, 0, 0, 2, 0, 0)


def test_activities_left_out_by_the_filters_count_as_they_would_when_read(tmp_path: Path, db: None) -> None:
    other_sector = activity("XM-DAC-7-2", sector='<sector vocabulary="1" code="11110"/>')
    path = write(tmp_path, activity("XM-DAC-7-1"), other_sector)
    assert _counts(iati_file_import(user=PLATFORM, path=path)) == (2, 1, 0, 0, 1, 0)
    assert _counts(iati_file_import(user=PLATFORM, path=path)) == (2, 0, 0, 1, 1, 0)
    # Other filters: the file is read, and the activity left out before is written.
    everything = Filters(sectors=None)
    assert _counts(iati_file_import(user=PLATFORM, path=path, filters=everything)) == (2, 1, 0, 1, 0, 0)
    assert _counts(iati_file_import(user=PLATFORM, path=path, filters=everything)) == (2, 0, 0, 2, 0, 0)
    # Back to the SSR sectors: the activity left out by them is now imported and unchanged, and counted so.
    assert _counts(iati_file_import(user=PLATFORM, path=path)) == (2, 0, 0, 2, 0, 0)


def test_an_activity_left_out_then_imported_from_another_file_is_counted_unchanged(tmp_path: Path, db: None) -> None:
    other_sector = activity("XM-DAC-7-2", sector='<sector vocabulary="1" code="11110"/>')
    path = write(tmp_path, activity("XM-DAC-7-1"), other_sector)
    iati_file_import(user=PLATFORM, path=path)
    elsewhere = write(tmp_path, other_sector, name="elsewhere.xml")
    assert iati_file_import(user=PLATFORM, path=elsewhere, filters=Filters(sectors=None)).created == 1
    assert _counts(iati_file_import(user=PLATFORM, path=path)) == (2, 0, 0, 2, 0, 0)


def test_a_file_with_errors_a_dry_run_or_a_refused_file_is_not_remembered(tmp_path: Path, db: None) -> None:
    twice = write(tmp_path, activity("XM-DAC-7-1"), activity("XM-DAC-7-1", title="Again"), name="twice.xml")
    first = iati_file_import(user=PLATFORM, path=twice)
    again = iati_file_import(user=PLATFORM, path=twice)
    assert any("appears twice" in error for error in again.errors)
    assert (first.errors, _counts(again)) == (again.errors, (2, 0, 0, 1, 0, 0))
    dry = write(tmp_path, activity("XM-DAC-7-3"), name="dry.xml")
    assert iati_file_import(user=PLATFORM, path=dry, dry_run=True).created == 1
    assert iati_file_import(user=PLATFORM, path=dry).created == 1
    broken = write(tmp_path, activity("XM-DAC-7-4"), name="broken.xml", tail="<iati-activity>")
    assert iati_file_import(user=PLATFORM, path=broken).refused
    assert iati_file_import(user=PLATFORM, path=broken).refused
    assert sorted(ImportedFile.objects.values_list("name", flat=True)) == ["dry.xml"]


def test_a_new_version_of_a_file_replaces_what_was_remembered_of_it(tmp_path: Path, db: None) -> None:
    iati_file_import(user=PLATFORM, path=write(tmp_path, activity("XM-DAC-7-1")))
    path = write(tmp_path, activity("XM-DAC-7-1"), activity("XM-DAC-7-2"))
    assert _counts(iati_file_import(user=PLATFORM, path=path)) == (2, 1, 0, 1, 0, 0)
    recorded = ImportedFile.objects.get()
    assert recorded.activities["kept"] == [
        ["XM-DAC-7-1", Programme.objects.get(iati_identifier="XM-DAC-7-1").iati.checksum],
        ["XM-DAC-7-2", Programme.objects.get(iati_identifier="XM-DAC-7-2").iati.checksum],
    ]
    assert _counts(iati_file_import(user=PLATFORM, path=path)) == (2, 0, 0, 2, 0, 0)


def test_the_audit_entry_of_a_new_programme_holds_its_snapshot(tmp_path: Path, db: None) -> None:
    iati_file_import(user=PLATFORM, path=write(tmp_path, activity()))
    programme = Programme.objects.get()
    event = AuditEvent.objects.get(action=Action.IMPORT, object_id=programme.pk)
    assert event.before is None
    assert event.after == snapshot(programme) | {"iati_file": "file.xml", "iati_reporting_organisation": "XM-DAC-7"}
    assert (event.object_repr, event.country) == ("Police reform", "CF")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_command_remembers_the_files_it_imported_with_one_or_two_jobs(tmp_path: Path, db: None, jobs: str) -> None:
    folder = tmp_path / "registry"
    folder.mkdir()
    other_sector = activity("XM-DAC-7-9", sector='<sector vocabulary="1" code="11110"/>')
    write(folder, activity("XM-DAC-7-1"), other_sector, name="1.xml")
    write(folder, activity("XM-DAC-7-2"), name="2.xml")

    def run() -> str:
        out = io.StringIO()
        call_command("iati", "import", str(folder), "--jobs", jobs, stdout=out, stderr=io.StringIO())
        return out.getvalue()

    assert "3 activities read, 2 created, 0 updated, 0 unchanged, 1 skipped by the filters" in run()
    assert sorted(ImportedFile.objects.values_list("name", flat=True)) == ["1.xml", "2.xml"]
    assert ImportedFile.objects.get(name="1.xml").activities["skipped"][0][0] == "XM-DAC-7-9"
    with CaptureQueriesContext(connection) as queries:
        assert "3 activities read, 0 created, 0 updated, 2 unchanged, 1 skipped by the filters" in run()
    assert _writes(queries) == []
