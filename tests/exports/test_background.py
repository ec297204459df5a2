"""A list longer than EGIDE_EXPORT_INLINE_MAX_ROWS is written by the background worker: the page shows its progress,
then a link to the file, which only its requester may download, until it expires. Every export is audited."""

import datetime
import re
import uuid

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from egide.audit.models import Action, AuditEvent
from egide.exports import services
from egide.exports.models import Export, ExportStatus
from egide.programmes.models import Programme
from tests.exports.conftest import add_transactions, body, client_of, exported, read_csv, read_xlsx
from tests.security.helpers import verified_client

ROWS = 130


@pytest.fixture
def low_threshold(settings: LazySettings) -> None:
    """Every list of more than 50 rows goes to the background worker, which reads 7 rows at a time."""
    settings.EGIDE_EXPORT_INLINE_MAX_ROWS = 50
    settings.EGIDE_EXPORT_CHUNK_ROWS = 7


@pytest.fixture
def programme(programmes: dict[str, Programme]) -> Programme:
    add_transactions(programmes["partners"], ROWS)
    return programmes["partners"]


def address(programme: Programme, fmt: str) -> str:
    return reverse("export-programme-list", kwargs={"pk": programme.pk, "name": "transactions", "fmt": fmt})


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_large_export_runs_in_the_background_without_truncation(
    low_threshold: None, programme: Programme, member: User, fmt: str
) -> None:
    client = client_of(member)
    response = client.get(address(programme, fmt))
    assert response.status_code == 302
    job_page = response["Location"]
    assert re.fullmatch(r"/exports/[0-9a-f-]{36}/", job_page)
    export = Export.objects.get()
    assert (export.user, export.status, export.rows, export.written) == (member, ExportStatus.DONE, ROWS, ROWS)
    assert default_storage.exists(export.file)
    html = client.get(job_page).content.decode()
    download = reverse("export-download", kwargs={"key": export.key})
    assert f'href="{download}"' in html
    assert "The file is ready: 130 rows." in html
    content = body(client.get(download))
    rows = read_csv(content) if fmt == "csv" else read_xlsx(content)
    assert len(rows) == ROWS
    assert sorted(row["Description"] for row in rows) == sorted(f"Disbursement {number}" for number in range(ROWS))


def test_the_job_page_shows_progress_while_the_worker_has_not_run(
    low_threshold: None, programme: Programme, member: User, settings: LazySettings
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    client = client_of(member)
    job_page = client.get(address(programme, "xlsx"))["Location"]
    export = Export.objects.get()
    status_url = reverse("export-job-status", kwargs={"key": export.key})
    html = client.get(job_page).content.decode()
    assert f'hx-get="{status_url}" hx-trigger="every 2s"' in html
    assert "Waiting for the background worker" in html
    assert client.get(reverse("export-download", kwargs={"key": export.key})).status_code == 404
    assert services.export_job_run(export_id=export.pk) == ExportStatus.DONE
    assert services.export_job_run(export_id=export.pk) == "skipped"
    assert "The file is ready" in client.get(status_url).content.decode()


@pytest.mark.parametrize("who", ["owner", "outsider", "staff"])
def test_only_the_requester_downloads(
    low_threshold: None, programme: Programme, member: User, request: pytest.FixtureRequest, who: str
) -> None:
    client_of(member).get(address(programme, "csv"))
    export = Export.objects.get()
    other = verified_client(request.getfixturevalue(who)) if who == "staff" else client_of(request.getfixturevalue(who))
    for name in ("export-download", "export-job", "export-job-status"):
        assert other.get(reverse(name, kwargs={"key": export.key})).status_code == 404
    assert client_of(member).get(reverse("export-download", kwargs={"key": export.key})).status_code == 200


def test_an_anonymous_visitor_is_asked_to_log_in_for_a_large_export(
    low_threshold: None, programmes: dict[str, Programme]
) -> None:
    add_transactions(programmes["public"], 60)
    response = client_of(None).get(address(programmes["public"], "csv"))
    assert response.status_code == 403
    assert not Export.objects.exists()
    assert client_of(None).get(reverse("export-download", kwargs={"key": uuid.uuid4()})).status_code == 302


def test_the_background_export_reads_with_the_requesters_rights_when_it_runs(
    low_threshold: None, programme: Programme, member: User, settings: LazySettings
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    client_of(member).get(address(programme, "csv"))
    export = Export.objects.get()
    Programme.objects.filter(pk=programme.pk).update(confidentiality="organisation", owner=None)
    assert services.export_job_run(export_id=export.pk) == ExportStatus.FAILED
    export.refresh_from_db()
    assert "no longer yours" in export.error
    assert not export.file


def test_expired_files_are_deleted(low_threshold: None, programme: Programme, member: User) -> None:
    client_of(member).get(address(programme, "xlsx"))
    export = Export.objects.get()
    name = export.file
    assert default_storage.exists(name)
    Export.objects.filter(pk=export.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    call_command("exports_clean", stdout=open("/dev/null", "w"))  # noqa: SIM115
    export.refresh_from_db()
    assert (export.status, export.file) == (ExportStatus.EXPIRED, "")
    assert not default_storage.exists(name)
    assert client_of(member).get(reverse("export-download", kwargs={"key": export.key})).status_code == 404
    assert "has expired" in client_of(member).get(reverse("export-job", kwargs={"key": export.key})).content.decode()


def test_every_export_is_audited_with_its_list_filters_and_rows(programmes: dict[str, Programme], member: User) -> None:
    exported(
        client_of(member).get(
            reverse("export-list", kwargs={"name": "programmes", "fmt": "csv"}), {"country": "CF", "page": "3"}
        ),
        "csv",
    )
    export = Export.objects.get()
    assert (export.list_name, export.query, export.rows, export.status) == ("programmes", "country=CF", 3, "streamed")
    event = AuditEvent.objects.get(action=Action.EXPORT, object_id=export.pk)
    assert event.user == member
    assert (event.after["list_name"], event.after["query"], event.after["rows"]) == ("programmes", "country=CF", 3)


def test_the_job_page_in_french(low_threshold: None, programme: Programme, member: User) -> None:
    client = client_of(member)
    job_page = client.get(address(programme, "xlsx"), HTTP_ACCEPT_LANGUAGE="fr")["Location"]
    html = client.get(job_page, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Export de la liste « Transactions »" in html
    assert "Le fichier est prêt : 130 lignes." in html
    assert "Télécharger le fichier XLSX" in html
    content = body(client.get(reverse("export-download", kwargs={"key": Export.objects.get().key})))
    assert read_xlsx(content)[0]["Type"] == "Décaissement"
