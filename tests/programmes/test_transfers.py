"""Export of a country's programmes and the same import: plan then apply, problems by table/row/column, atomic,
idempotent, audited."""

import io
import zipfile

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from egide.accounts.models import Organisation
from egide.audit.models import AuditEvent
from egide.programmes import exporter, importer
from egide.programmes.models import Programme
from tests.conftest import SmallMap
from tests.programmes.conftest import ProgrammeFactory


def csv_files(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


def test_export_has_one_row_per_programme_and_its_parts(programme: Programme, member: User) -> None:
    files = csv_files(exporter.programmes_export(user=member, country="CF", fmt="csv"))
    assert set(files) == {
        "programmes.csv",
        "countries.csv",
        "participations.csv",
        "sectors.csv",
        "areas.csv",
        "supported_actors.csv",
    }
    assert files["programmes.csv"].count("FR-TEST-1") == 1
    assert "FR-TEST-1,15210,60" in files["sectors.csv"]
    assert "FR-TEST-1,POL,Training,Formation" in files["supported_actors.csv"]
    assert "FR-TEST-1,1,MEAE" in files["participations.csv"]
    assert AuditEvent.objects.filter(action="export").exists()


def test_export_leaves_out_what_the_reader_may_not_see(programme: Programme, anonymous_client: Client) -> None:
    response = anonymous_client.get(reverse("country-programmes-export", kwargs={"code": "CF", "fmt": "csv"}))
    files = csv_files(response.content)
    assert "FR-TEST-1" in files["programmes.csv"]
    # The police is read by partners only: a visitor's file does not name it.
    assert "POL" not in files["supported_actors.csv"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_reimport_of_an_export_changes_nothing(
    programme: Programme, member: User, organisation: Organisation, fmt: str
) -> None:
    content = exporter.programmes_export(user=member, country="CF", fmt=fmt)
    filename = "programmes.zip" if fmt == "csv" else "programmes.xlsx"
    report = importer.programmes_import(user=member, country="CF", filename=filename, data=content, owner=organisation)
    assert (report.programmes_created, report.programmes_changed, report.programmes_unchanged) == (0, 0, 1)
    programme.refresh_from_db()
    assert programme.version == 1


def test_import_into_an_empty_country_then_again(
    programme: Programme, member: User, organisation: Organisation, small_map: SmallMap
) -> None:
    content = exporter.programmes_export(user=member, country="CF", fmt="xlsx")
    programme.delete()
    report = importer.programmes_import(user=member, country="CF", filename="p.xlsx", data=content, owner=organisation)
    assert report.programmes_created == 1
    created = Programme.objects.get(iati_identifier="FR-TEST-1")
    assert list(created.supported_actors.all()) == [small_map.police]
    assert sorted(created.sectors.values_list("percentage", flat=True)) == [40, 60]
    again = importer.programmes_import(user=member, country="CF", filename="p.xlsx", data=content, owner=organisation)
    assert again.programmes_unchanged == 1
    assert not again.changed or again.programmes_created == 0


def test_an_unchanged_import_is_recorded_unless_told_not_to(
    programme: Programme, member: User, organisation: Organisation
) -> None:
    """A user's import is recorded even when it changes nothing; the demo loader asks for no trace of such a one."""
    content = exporter.programmes_export(user=member, country="CF", fmt="xlsx")
    imports = AuditEvent.objects.filter(action="import")
    importer.programmes_import(user=member, country="CF", filename="p.xlsx", data=content, owner=organisation)
    assert imports.count() == 1
    quiet = importer.programmes_import(
        user=member, country="CF", filename="p.xlsx", data=content, owner=organisation, record_unchanged=False
    )
    assert quiet.programmes_unchanged == 1
    assert imports.count() == 1
    programme.delete()
    importer.programmes_import(
        user=member, country="CF", filename="p.xlsx", data=content, owner=organisation, record_unchanged=False
    )
    assert imports.count() == 2


def zip_of(**tables: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in tables.items():
            archive.writestr(f"{name}.csv", text)
    return buffer.getvalue()


def test_every_problem_is_named_and_nothing_is_written(member: User, organisation: Organisation) -> None:
    data = zip_of(
        programmes="iati_identifier,title_en,status,planned_start,planned_end\n"
        "FR-A,First,9,2020-01-01,2019-01-01\n"
        "FR-B,Second,2,not a date,\n"
        "FR-C,Third,2,2020-01-01,2021-01-01\n",
        sectors="programme,code,percentage\nFR-C,15210,50\nFR-Z,15130,\n",
        countries="programme,country,percentage\nFR-C,QQ,\n",
    )
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.programmes_import(user=member, country="CF", filename="p.zip", data=data, owner=organisation)
    where = {(problem.table, problem.row, problem.column) for problem in rejected.value.problems}
    assert ("programmes", 2, "status") in where
    assert ("programmes", 3, "planned_start") in where
    assert ("sectors", 3, "programme") in where
    assert ("countries", 2, "country") in where
    assert not Programme.objects.exists()


def test_service_refusals_are_reported_at_the_programme_row(member: User, organisation: Organisation) -> None:
    data = zip_of(
        programmes="iati_identifier,title_en,planned_start,planned_end\nFR-A,First,2020-01-01,2019-01-01\n"
        "FR-B,Second,,\n",
        sectors="programme,code,percentage\nFR-B,15210,50\n",
    )
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.programmes_import(user=member, country="CF", filename="p.zip", data=data, owner=organisation)
    where = {(problem.table, problem.row, problem.column) for problem in rejected.value.problems}
    assert where == {("programmes", 2, "planned_end"), ("programmes", 3, "sectors")}
    assert not Programme.objects.exists()
    assert AuditEvent.objects.filter(action="import").count() == 1


def test_import_may_not_take_another_organisations_programme(
    make_programme: ProgrammeFactory, outsider: User, other_organisation: Organisation
) -> None:
    make_programme(iati_identifier="FR-OWNED")
    data = zip_of(programmes="iati_identifier,title_en\nFR-OWNED,Taken over\n")
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.programmes_import(user=outsider, country="CF", filename="p.zip", data=data, owner=other_organisation)
    assert rejected.value.problems[0].column == "iati_identifier"
    assert Programme.objects.get().title_en == "Support for the rule of law"


def test_import_page(member: User, outsider: User, organisation: Organisation, small_map: SmallMap) -> None:
    client = Client()
    client.force_login(member)
    address = reverse("country-programmes-import", kwargs={"code": "CF"})
    assert client.get(address).status_code == 200
    data = zip_of(
        programmes="iati_identifier,title_en,status\nFR-NEW,New programme,1\n",
        supported_actors="programme,actor,support_en\nFR-NEW,POL,Equipment\n",
    )
    page = client.post(
        address, {"file": SimpleUploadedFile("p.zip", data), "owner": organisation.pk, "dry_run": "on"}
    ).content.decode()
    assert "nothing was written" in page
    assert not Programme.objects.exists()
    page = client.post(address, {"file": SimpleUploadedFile("p.zip", data), "owner": organisation.pk}).content.decode()
    assert "1 programme created" in page
    assert list(Programme.objects.get().supported_actors.all()) == [small_map.police]
    bad = client.post(address, {"file": SimpleUploadedFile("p.zip", b"not a zip"), "owner": organisation.pk})
    assert bad.status_code == 200
    outside = Client()
    outside.force_login(outsider)
    # The outsider edits elsewhere, not for the member's organisation: the owner is not theirs to choose.
    response = outside.post(address, {"file": SimpleUploadedFile("p.zip", data), "owner": organisation.pk})
    assert "Select a valid choice" in response.content.decode()


def test_import_page_needs_an_editing_role(nobody: User) -> None:
    client = Client()
    client.force_login(nobody)
    assert client.get(reverse("country-programmes-import", kwargs={"code": "CF"})).status_code == 403


def test_the_template_imports_as_nothing_and_offers_the_codes(member: User, organisation: Organisation) -> None:
    response = Client().get(reverse("programmes-import-template"))
    assert response.status_code == 200
    report = importer.programmes_import(
        user=member, country="CF", filename="template.xlsx", data=response.content, owner=organisation
    )
    assert (report.programmes_created, report.programmes_changed, report.programmes_unchanged) == (0, 0, 0)
    with zipfile.ZipFile(io.BytesIO(response.content)) as workbook:
        names = workbook.namelist()
        sheets = workbook.read("xl/workbook.xml").decode()
    assert 'name="codes"' in sheets
    assert 'name="supported_actors"' in sheets
    assert any(name.startswith("xl/worksheets/") for name in names)
