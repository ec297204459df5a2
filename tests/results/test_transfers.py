"""Exporting and importing a country's results frameworks: the round trip changes nothing, every problem is named by
table, row and column, nothing is half-written, and imported values keep a reviewed status only from a reviewer."""

import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from egide.audit.models import AuditEvent
from egide.core.imports.limits import FileRefused
from egide.core.imports.problems import ImportRejected
from egide.core.imports.tables import write_csv, write_zip
from egide.programmes.models import Programme
from egide.results import exporter, importer, services
from egide.results.models import Indicator, Period, Result, Update, UpdateStatus
from egide.results.tabular import COLUMNS
from tests.results.conftest import submit

pytestmark = pytest.mark.django_db


def tables_file(**tables: list[dict[str, str]]) -> bytes:
    files = {}
    for name, rows in tables.items():
        columns = COLUMNS[name]
        files[f"{name}.csv"] = write_csv(columns, [[row.get(column, "") for column in columns] for row in rows])
    return write_zip(files)


KEY = {"programme": "FR-TEST-1", "result": "1", "indicator": "1"}
PERIOD = KEY | {"period_start": "2021-01-01", "period_end": "2021-12-31"}


def framework_file(status: str = "approved") -> bytes:
    return tables_file(
        results=[{"programme": "FR-TEST-1", "result": "1", "type": "2", "title_en": "Courts work"}],
        indicators=[KEY | {"title_en": "Cases heard", "measure": "unit", "baseline_value": "100"}],
        periods=[PERIOD | {"target_value": "300", "target_disaggregations": "sex / female = 150; sex / male = 150"}],
        values=[
            PERIOD
            | {"value_date": "2021-03-01", "value": "120", "status": status, "disaggregations": "sex / female = 50"}
        ],
    )


def test_a_reviewer_imports_a_framework_with_approved_values_and_again_changes_nothing(
    programme: Programme, owner: User
) -> None:
    report = importer.results_import(user=owner, country="CF", data=framework_file(), filename="results.zip")
    assert (report.results_created, report.indicators_created, report.periods_created, report.values_created) == (
        1,
        1,
        1,
        1,
    )
    update = Update.objects.get()
    assert update.status == UpdateStatus.APPROVED
    assert update.reviewed_by == owner
    assert update.disaggregations.get().value == 50
    assert Period.objects.get().target_disaggregations.count() == 2
    again = importer.results_import(user=owner, country="CF", data=framework_file(), filename="results.zip")
    assert not again.changed
    assert (again.results_unchanged, again.indicators_unchanged, again.periods_unchanged, again.values_unchanged) == (
        1,
        1,
        1,
        1,
    )


def test_an_unchanged_import_is_recorded_unless_told_not_to(programme: Programme, owner: User) -> None:
    """A user's import is recorded even when it changes nothing; the demo loader asks for no trace of such a one."""
    imports = AuditEvent.objects.filter(action="import")
    importer.results_import(
        user=owner, country="CF", data=framework_file(), filename="results.zip", record_unchanged=False
    )
    assert imports.count() == 1
    importer.results_import(user=owner, country="CF", data=framework_file(), filename="results.zip")
    assert imports.count() == 2
    quiet = importer.results_import(
        user=owner, country="CF", data=framework_file(), filename="results.zip", record_unchanged=False
    )
    assert not quiet.changed
    assert imports.count() == 2


def test_an_editors_imported_values_wait_for_review(programme: Programme, member: User) -> None:
    importer.results_import(user=member, country="CF", data=framework_file(), filename="results.zip")
    update = Update.objects.get()
    assert update.status == UpdateStatus.SUBMITTED
    assert update.reviewed_by is None
    assert update.submitted_by == member


def test_the_export_imports_back_unchanged(period: Period, member: User, reviewer: User, owner: User) -> None:
    approved = services.update_approve(user=reviewer, update=submit(member, period, "60"))
    submit(member, period, "7", day=3)  # not approved: not exported
    content = exporter.results_export(user=member, country="CF", fmt="zip")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        values = archive.read("values.csv").decode("utf-8-sig").splitlines()
    assert len(values) == 2
    assert ",60," in values[1]
    assert ",approved," in values[1]
    report = importer.results_import(user=owner, country="CF", data=content, filename="results.zip")
    assert not report.changed
    assert report.values_unchanged == 1
    assert Update.objects.count() == 2
    assert Update.objects.get(pk=approved.pk).value == 60
    workbook = exporter.results_export(user=member, country="CF", fmt="xlsx")
    assert not importer.results_import(user=owner, country="CF", data=workbook, filename="results.xlsx").changed


def test_the_export_holds_only_what_the_reader_sees(period: Period, outsider: User) -> None:
    rows = exporter.export_rows(user=outsider, country="CF")
    assert rows["results"] == []
    assert rows["periods"] == []


def test_every_problem_is_named_and_nothing_is_written(programme: Programme, owner: User) -> None:
    content = tables_file(
        results=[
            {"programme": "FR-TEST-1", "result": "1", "type": "8", "title_en": "Courts"},
            {"programme": "FR-NOWHERE", "result": "1", "title_en": "Ghost"},
            {"programme": "FR-TEST-1", "result": "2", "title_en": "Fine"},
        ],
        indicators=[KEY | {"result": "2", "title_en": "Cases", "measure": "counts", "baseline_value": "many"}],
        periods=[PERIOD | {"result": "2", "period_end": "2021-13-01"}],
        values=[PERIOD | {"result": "2", "value_date": "2021-02-01", "status": "returned"}],
    )
    with pytest.raises(ImportRejected) as caught:
        importer.results_import(user=owner, country="CF", data=content, filename="results.zip")
    where = {(problem.table, problem.row, problem.column) for problem in caught.value.problems}
    assert ("results", 2, "type") in where
    assert ("results", 3, "programme") in where
    assert ("indicators", 2, "measure") in where
    assert ("indicators", 2, "baseline_value") in where
    assert ("periods", 2, "period_end") in where
    assert ("values", 2, "indicator") in where
    assert ("values", 2, "return_reason") in where
    assert not Result.objects.exists()


def test_a_refusal_of_a_service_undoes_the_whole_import(programme: Programme, owner: User) -> None:
    content = tables_file(
        results=[{"programme": "FR-TEST-1", "result": "1", "title_en": "Courts"}],
        indicators=[KEY | {"title_en": "Share of judges", "measure": "percentage"}],
        periods=[PERIOD | {"target_value": "140"}],  # a percentage above 100, refused by the service
    )
    with pytest.raises(ImportRejected) as caught:
        importer.results_import(user=owner, country="CF", data=content, filename="results.zip")
    (problem,) = caught.value.problems
    assert (problem.table, problem.row, problem.column) == ("periods", 2, "target_value")
    assert not Result.objects.exists()
    assert not Indicator.objects.exists()


def test_programmes_of_others_are_refused_or_skipped(programme: Programme, outsider: User, owner: User) -> None:
    with pytest.raises(ImportRejected) as caught:
        importer.results_import(user=outsider, country="CF", data=framework_file(), filename="results.zip")
    assert {problem.column for problem in caught.value.problems} == {"programme"}
    report = importer.results_import(
        user=owner, country="ML", data=framework_file(), filename="results.zip", skip_missing=True
    )
    assert report.skipped_unchanged == ["FR-TEST-1"]
    assert not Result.objects.exists()


def test_an_unreadable_file_is_refused(programme: Programme, owner: User) -> None:
    with pytest.raises(FileRefused):
        importer.results_import(user=owner, country="CF", data=b"\x00\x01", filename="results.pdf")


def test_the_import_and_export_pages(programme: Programme, owner: User, outsider: User, period: Period) -> None:
    client = Client()
    client.force_login(owner)
    url = reverse("country-results-import", kwargs={"code": "CF"})
    assert client.get(url).status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(url, {"file": SimpleUploadedFile("results.zip", framework_file())})
    assert response.status_code == 200
    assert "Values: 1 added, 0 already there." in response.content.decode()
    bad = client.post(
        url,
        {
            "file": SimpleUploadedFile(
                "results.zip", tables_file(results=[{"programme": "X", "result": "1", "title_en": "a"}])
            )
        },
    )
    assert "1 problem: nothing was imported." in bad.content.decode()
    export = client.get(reverse("country-results-export", kwargs={"code": "CF", "fmt": "xlsx"}))
    assert export.status_code == 200
    assert export.content.startswith(b"PK")
    assert client.get(reverse("country-results-export", kwargs={"code": "CF", "fmt": "pdf"})).status_code == 404
    viewer = Client()
    viewer.force_login(User.objects.create_user("reader"))
    assert viewer.get(url).status_code == 403
    assert datetime.date(2021, 3, 1) in set(Update.objects.values_list("value_date", flat=True))
    assert Decimal(120) in set(Update.objects.values_list("value", flat=True))
