"""The IATI pages: upload files to import (queued for the worker, then followed), the history, publishing."""

import io
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from egide.accounts.models import Organisation
from egide.iati.models import IatiImportRun, RunStatus
from egide.iati.parser import read_activities
from egide.iati.services import iati_import_run_create, iati_import_run_execute
from egide.programmes.models import Programme
from tests.iati.test_importer import activity

FILE = (
    '<?xml version="1.0" encoding="utf-8"?>\n<iati-activities version="2.03">\n'
    + activity("XM-DAC-7-1")
    + "\n"
    + activity("XM-DAC-7-2", sector='<sector code="11110"/>')
    + "\n</iati-activities>\n"
).encode()


def upload(name: str = "donor.xml", data: bytes = FILE) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/xml")


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_member_uploads_files_and_follows_the_import(member: User, organisation: Organisation) -> None:
    client = client_of(member)
    page = client.get(reverse("iati-import"))
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.select_one("#iati-import-form input[type=file][multiple]") is not None
    response = client.post(
        reverse("iati-import"),
        {"activity_files": [upload()], "owner": organisation.pk, "sectors": "ssr", "countries": ""},
    )
    run = IatiImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("iati-import-run", args=[run.pk])
    assert (run.status, run.filenames, run.owner) == (RunStatus.QUEUED, ["donor.xml"], organisation)
    waiting = BeautifulSoup(client.get(response["Location"]).content, "html.parser")
    assert waiting.select_one("#iati-run")["hx-trigger"] == "every 2s"
    assert iati_import_run_execute(run_id=str(run.pk)) == "done"
    status = BeautifulSoup(client.get(reverse("iati-import-run-status", args=[run.pk])).content, "html.parser")
    assert status.select_one("#iati-run").get("hx-get") is None  # finished: it stops asking
    cells = [cell.get_text(strip=True) for cell in status.select("#iati-run-report tbody td")]
    assert cells[:5] == ["2", "1", "0", "0", "1"]  # read, created, updated, unchanged, left out
    programme = Programme.objects.get()
    assert (programme.iati_identifier, programme.owner) == ("XM-DAC-7-1", organisation)
    history = BeautifulSoup(client.get(reverse("iati-import")).content, "html.parser")
    assert "donor.xml" in history.select_one("#iati-import-history").get_text()
    run.refresh_from_db()
    assert run.stored == []  # the files are not kept once imported
    assert iati_import_run_execute(run_id=str(run.pk)) == "skipped"  # a run is run once


def test_who_may_import_for_an_organisation(
    organisation: Organisation, owner: User, member: User, viewer: User, outsider: User
) -> None:
    for user in (viewer, outsider):
        with pytest.raises(PermissionDenied):
            iati_import_run_create(user=user, owner=organisation, uploads=[upload()])
    refused = client_of(viewer).post(reverse("iati-import"), {"activity_files": [upload()], "sectors": "ssr"})
    assert refused.status_code == 403
    page = BeautifulSoup(client_of(viewer).get(reverse("iati-import")).content, "html.parser")
    assert page.select_one("#iati-import-refused") is not None  # the viewer is told, and has no form
    assert page.select_one("#iati-import-form") is None
    assert not IatiImportRun.objects.exists()
    for user in (owner, member):
        assert iati_import_run_create(user=user, owner=organisation, uploads=[upload()]).owner == organisation


def test_a_file_that_is_not_xml_is_refused_with_its_name(member: User, organisation: Organisation) -> None:
    with pytest.raises(ValidationError, match=r"budget\.xlsx: not an XML file"):
        iati_import_run_create(user=member, owner=organisation, uploads=[upload("budget.xlsx", b"PK\x03\x04...")])
    response = client_of(member).post(
        reverse("iati-import"),
        {"activity_files": [upload("budget.xlsx", b"PK\x03\x04")], "owner": organisation.pk, "sectors": "ssr"},
    )
    assert response.status_code == 400
    assert "budget.xlsx: not an XML file" in response.content.decode()
    assert not IatiImportRun.objects.exists()


def test_a_malformed_file_is_reported_on_the_run_page(member: User, organisation: Organisation) -> None:
    run = iati_import_run_create(
        user=member, owner=organisation, uploads=[upload("broken.xml", FILE[:-30]), upload()], dry_run=True
    )
    assert iati_import_run_execute(run_id=str(run.pk)) == "done"
    page = client_of(member).get(reverse("iati-import-run", args=[run.pk])).content.decode()
    assert "Refused, nothing of this file was written: broken.xml, line" in page
    assert "Dry run finished" in page
    assert not Programme.objects.exists()


def test_custom_sectors_and_countries_are_checked(member: User, organisation: Organisation) -> None:
    response = client_of(member).post(
        reverse("iati-import"),
        {
            "activity_files": [upload()],
            "owner": organisation.pk,
            "sectors": "custom",
            "sector_codes": "police",
            "countries": "CF, ZZ",
        },
    )
    text = response.content.decode()
    assert response.status_code == 400
    assert "Give DAC codes of five digits" in text
    assert "Not country codes: ZZ." in text


def test_others_imports_are_not_shown(member: User, outsider: User, organisation: Organisation) -> None:
    run = iati_import_run_create(user=member, owner=organisation, uploads=[upload()])
    assert client_of(outsider).get(reverse("iati-import-run", args=[run.pk])).status_code == 404
    assert client_of(outsider).get(reverse("iati-import-run-status", args=[run.pk])).status_code == 404
    assert Client().get(reverse("iati-import")).status_code == 302  # to the log-in page


def test_the_export_page_downloads_the_public_programmes(tmp_path: Path, member: User) -> None:
    from egide.accounts.selectors import PLATFORM
    from egide.iati.importer import iati_file_import

    path = tmp_path / "in.xml"
    path.write_bytes(FILE)
    iati_file_import(user=PLATFORM, path=path)
    form = Client().get(reverse("iati-export"))
    assert form.status_code == 200
    assert BeautifulSoup(form.content, "html.parser").select_one("#iati-export-form select[name=country]")
    response = Client().get(reverse("iati-export"), {"export": "1", "country": "CF"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert "attachment" in response["Content-Disposition"]
    (published,) = read_activities(io.BytesIO(b"".join(response.streaming_content)))
    assert published.identifier == "XM-DAC-7-1"
    bad = Client().get(reverse("iati-export"), {"export": "1", "country": "ZZ"})
    assert bad.status_code == 400
