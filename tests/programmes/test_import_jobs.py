"""A large file of programmes is imported by the background worker, as a map's file is: the import page redirects to
the job's own page, which refreshes itself until the job ends, then shows the same report or the same problems;
only the user who started it (and platform staff) may see it. The command line imports directly."""

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

from egide.accounts.models import Organisation
from egide.imports import services
from egide.imports.models import ImportJob, ImportKind, ImportStatus
from egide.programmes.models import Programme
from tests.actors.html import table_rows, text
from tests.conftest import SmallMap
from tests.programmes.test_transfers import zip_of

PROGRAMMES = zip_of(
    programmes="iati_identifier,title_en,status\n"
    + "".join(f"FR-BIG-{number},Programme {number},2\n" for number in range(30)),
    supported_actors="programme,actor,support_en\nFR-BIG-0,POL,Equipment\n",
)
BROKEN = zip_of(programmes="iati_identifier,title_en,status\nFR-BAD-1,Broken,9\nFR-BAD-2,,2\n")


@pytest.fixture(autouse=True)
def immediate_tasks(settings: LazySettings) -> None:
    """Background imports run at once, in the test's own transaction, so that their outcome can be checked."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def small_inline_limit(settings: LazySettings) -> None:
    """Every file of more than 100 bytes goes to the background worker."""
    settings.EGIDE_IMPORT_INLINE_MAX_BYTES = 100


def upload(client: Client, organisation: Organisation, content: bytes, **fields: str) -> str:
    """Upload a file on the programmes import page; the address the page redirects to."""
    response = client.post(
        reverse("country-programmes-import", kwargs={"code": "CF"}),
        {"file": SimpleUploadedFile("programmes.zip", content), "owner": organisation.pk, **fields},
    )
    assert response.status_code == 302
    location: str = response["Location"]
    assert re.fullmatch(r"/imports/[0-9a-f-]{36}/", location)
    return location


def test_a_large_file_is_imported_in_the_background(
    member_client: Client, member: User, organisation: Organisation, small_map: SmallMap, small_inline_limit: None
) -> None:
    page = member_client.get(upload(member_client, organisation, PROGRAMMES))
    html = page.content.decode()
    assert "Import finished." in text(html)
    assert "30 programmes created" in text(html)
    assert 'hx-trigger="every 2s"' not in html
    assert reverse("country-programmes-import", kwargs={"code": "CF"}) in html
    job = ImportJob.objects.get()
    assert (job.user, job.kind, job.status, job.progress, bytes(job.data)) == (
        member,
        ImportKind.PROGRAMMES,
        ImportStatus.DONE,
        100,
        b"",
    )
    assert job.report is not None
    assert job.report["programmes_created"] == 30
    assert Programme.objects.filter(country="CF", owner=organisation).count() == 30
    assert list(Programme.objects.get(iati_identifier="FR-BIG-0").supported_actors.all()) == [small_map.police]


def test_importing_the_same_large_file_again_changes_nothing(
    member_client: Client, organisation: Organisation, small_map: SmallMap, small_inline_limit: None
) -> None:
    upload(member_client, organisation, PROGRAMMES)
    before = sorted(Programme.objects.values_list("iati_identifier", "updated_at"))
    html = member_client.get(upload(member_client, organisation, PROGRAMMES)).content.decode()
    assert "30 programmes unchanged" in text(html)
    assert sorted(Programme.objects.values_list("iati_identifier", "updated_at")) == before


def test_a_large_dry_run_checks_and_writes_nothing(
    member_client: Client, organisation: Organisation, small_map: SmallMap, small_inline_limit: None
) -> None:
    html = member_client.get(upload(member_client, organisation, PROGRAMMES, dry_run="on")).content.decode()
    assert "Check finished." in text(html)
    assert "The file is correct; nothing was written." in text(html)
    assert "30 programmes created" in text(html)
    assert ImportJob.objects.get().dry_run
    assert not Programme.objects.exists()


def test_a_rejected_background_import_lists_its_problems_and_writes_nothing(
    member_client: Client, organisation: Organisation, small_inline_limit: None
) -> None:
    html = member_client.get(upload(member_client, organisation, BROKEN)).content.decode()
    assert "Nothing was imported." in text(html)
    problems = table_rows(html, "import-problems")
    assert ["programmes", "2", "status"] in [row[:3] for row in problems]
    assert ["programmes", "3", "title_en"] in [row[:3] for row in problems]
    job = ImportJob.objects.get()
    assert (job.status, job.problem_total, bytes(job.data)) == (ImportStatus.FAILED, len(problems), b"")
    assert not Programme.objects.exists()


def test_an_unreadable_large_file_is_refused_with_its_reason(
    member_client: Client, organisation: Organisation, small_inline_limit: None
) -> None:
    html = member_client.get(upload(member_client, organisation, b"not a zip file " * 20)).content.decode()
    assert "Nothing was imported." in text(html)
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.FAILED
    assert job.error
    assert job.error in text(html)


def test_the_job_page_refreshes_itself_until_the_job_ends(
    member_client: Client,
    organisation: Organisation,
    small_map: SmallMap,
    small_inline_limit: None,
    settings: LazySettings,
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    location = upload(member_client, organisation, PROGRAMMES)
    job = ImportJob.objects.get()
    status_url = reverse("import-job-status", kwargs={"pk": job.pk})
    html = member_client.get(location).content.decode()
    assert f'hx-get="{status_url}" hx-trigger="every 2s" hx-swap="outerHTML"' in html
    assert "Waiting for the background worker" in text(html)
    assert (job.status, bytes(job.data)) == (ImportStatus.QUEUED, PROGRAMMES)
    assert services.import_job_run(job_id=str(job.pk)) == "done"
    assert services.import_job_run(job_id=str(job.pk)) == "skipped"
    fragment = member_client.get(status_url).content.decode()
    assert fragment.lstrip().startswith('<div id="import-job" data-status="done">')
    assert "hx-trigger" not in fragment
    assert "30 programmes created" in text(fragment)
    assert Programme.objects.count() == 30


@pytest.mark.parametrize(("who", "status"), [("member", 200), ("owner", 404), ("outsider", 404), ("staff", 200)])
def test_only_the_user_who_started_a_job_and_staff_see_it(
    member_client: Client,
    organisation: Organisation,
    small_inline_limit: None,
    who: str,
    status: int,
    request: pytest.FixtureRequest,
) -> None:
    from tests.security.helpers import verified_client

    location = upload(member_client, organisation, PROGRAMMES)
    user = request.getfixturevalue(who)
    if who == "member":
        client = member_client
    elif who == "staff":
        client = verified_client(user)
    else:
        client = Client()
        client.force_login(user)
    job = ImportJob.objects.get()
    assert client.get(location).status_code == status
    assert client.get(reverse("import-job-status", kwargs={"pk": job.pk})).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(
    member_client: Client, organisation: Organisation, small_inline_limit: None
) -> None:
    location = upload(member_client, organisation, PROGRAMMES)
    response = Client().get(location)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_small_file_is_still_imported_in_the_request(
    member_client: Client, organisation: Organisation, small_map: SmallMap
) -> None:
    response = member_client.post(
        reverse("country-programmes-import", kwargs={"code": "CF"}),
        {"file": SimpleUploadedFile("programmes.zip", PROGRAMMES), "owner": organisation.pk},
    )
    assert response.status_code == 200
    assert "30 programmes created" in text(response.content.decode())
    assert not ImportJob.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_runs_a_queued_programmes_import(
    member: User, organisation: Organisation, small_map: SmallMap, settings: LazySettings
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    job = services.import_job_create(
        user=member,
        country="CF",
        owner=organisation,
        confidentiality="",
        filename="programmes.zip",
        data=PROGRAMMES,
        kind=ImportKind.PROGRAMMES,
    )
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--verbosity", "0")
    job.refresh_from_db()
    assert (job.status, bytes(job.data)) == (ImportStatus.DONE, b"")
    assert Programme.objects.filter(country="CF").count() == 30


def test_the_command_line_imports_directly_whatever_the_size(
    organisation: Organisation, small_map: SmallMap, tmp_path: Path, settings: LazySettings
) -> None:
    settings.EGIDE_IMPORT_INLINE_MAX_BYTES = 100
    path = tmp_path / "programmes.zip"
    path.write_bytes(PROGRAMMES)
    output = io.StringIO()
    call_command("programmes", "import", str(path), "--country", "cf", "--owner", "meae", "--dry-run", stdout=output)
    assert "CF: checked, nothing written: programmes 30 created" in output.getvalue()
    assert not Programme.objects.exists()
    call_command("programmes", "import", str(path), "--country", "CF", "--owner", "MEAE", stdout=output)
    assert Programme.objects.filter(owner=organisation).count() == 30
    assert not ImportJob.objects.exists()
    output = io.StringIO()
    call_command("programmes", "import", str(path), "--country", "CF", "--owner", "MEAE", stdout=output)
    assert "programmes 0 created, 0 changed, 30 unchanged" in output.getvalue()


def test_the_command_line_names_each_problem_and_writes_nothing(organisation: Organisation, tmp_path: Path) -> None:
    path = tmp_path / "broken.zip"
    path.write_bytes(BROKEN)
    errors = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("programmes", "import", str(path), "--country", "CF", "--owner", "MEAE", stderr=errors)
    assert "broken.zip: programmes, row 2, status" in errors.getvalue()
    assert not Programme.objects.exists()
    with pytest.raises(CommandError, match="no organisation"):
        call_command("programmes", "import", str(path), "--country", "CF", "--owner", "NONE")
    with pytest.raises(CommandError, match="not a country code"):
        call_command("programmes", "import", str(path), "--country", "QQ")
    with pytest.raises(CommandError, match=r"missing\.zip"):
        call_command("programmes", "import", str(tmp_path / "missing.zip"), "--country", "CF")
