"""A large file of results frameworks is imported by the background worker, as a map's file is: the import page
redirects to the job's page, which shows the same report or the problems; only the user who started it, and
platform staff, see it. The command line imports directly."""

import io
import re
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from egide.imports.models import ImportJob, ImportKind, ImportStatus
from egide.programmes.models import Programme
from egide.results.models import Indicator, Result, Update
from tests.actors.html import table_rows, text
from tests.results.test_transfers import framework_file, tables_file

pytestmark = pytest.mark.django_db

BROKEN = tables_file(results=[{"programme": "NO-SUCH", "result": "1", "title_en": "Courts work"}])


@pytest.fixture(autouse=True)
def background(settings: LazySettings) -> None:
    """Every file of more than 100 bytes goes to the background worker, which runs at once in the test."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.EGIDE_IMPORT_INLINE_MAX_BYTES = 100


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client: Client, content: bytes) -> str:
    response = client.post(
        reverse("country-results-import", kwargs={"code": "CF"}), {"file": SimpleUploadedFile("results.zip", content)}
    )
    assert response.status_code == 302
    location: str = response["Location"]
    assert re.fullmatch(r"/imports/[0-9a-f-]{36}/", location)
    return location


def test_a_large_file_is_imported_in_the_background(programme: Programme, owner: User) -> None:
    client = logged_in(owner)
    html = text(client.get(upload(client, framework_file())).content.decode())
    assert "Import finished." in html
    assert "Results: 1 created, 0 changed, 0 unchanged." in html
    assert "Values: 1 added, 0 already there." in html
    job = ImportJob.objects.get()
    assert (job.user, job.kind, job.status, bytes(job.data)) == (owner, ImportKind.RESULTS, ImportStatus.DONE, b"")
    assert (Result.objects.count(), Indicator.objects.count(), Update.objects.count()) == (1, 1, 1)
    again = text(client.get(upload(client, framework_file())).content.decode())
    assert "Values: 0 added, 1 already there." in again
    assert Update.objects.count() == 1


def test_a_rejected_background_import_lists_its_problems(programme: Programme, owner: User) -> None:
    client = logged_in(owner)
    html = client.get(upload(client, BROKEN)).content.decode()
    assert "Nothing was imported." in text(html)
    assert [row[:3] for row in table_rows(html, "import-problems")] == [["results", "2", "programme"]]
    assert ImportJob.objects.get().status == ImportStatus.FAILED
    assert not Result.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("owner", 200), ("member", 404), ("outsider", 404)])
def test_only_the_user_who_started_a_job_sees_it(
    programme: Programme, owner: User, who: str, status: int, request: pytest.FixtureRequest
) -> None:
    location = upload(logged_in(owner), framework_file())
    client = logged_in(request.getfixturevalue(who))
    job = ImportJob.objects.get()
    assert client.get(location).status_code == status
    assert client.get(reverse("import-job-status", kwargs={"pk": job.pk})).status_code == status


def test_the_command_line_imports_directly(programme: Programme, tmp_path: Path) -> None:
    path = tmp_path / "results.zip"
    path.write_bytes(framework_file())
    output = io.StringIO()
    call_command("results", "import", str(path), "--country", "cf", stdout=output)
    assert "CF: results 1 created, 0 changed, 0 unchanged" in output.getvalue()
    assert "values 1 added, 0 already there" in output.getvalue()
    assert (Result.objects.count(), ImportJob.objects.count()) == (1, 0)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(BROKEN)
    errors = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("results", "import", str(broken), "--country", "CF", stderr=errors)
    assert "broken.zip: results, row 2, programme" in errors.getvalue()
    with pytest.raises(CommandError, match="not a country code"):
        call_command("results", "import", str(path), "--country", "QQ")
