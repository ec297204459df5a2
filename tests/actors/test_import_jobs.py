"""Large files are imported by a background worker: the page redirects to the job's own page, which refreshes
itself until the job ends; only the user who started it (and platform staff) may see it."""

import re

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from egide.accounts.models import Organisation
from egide.actors.models import Actor
from egide.imports import services
from egide.imports.management.commands.runserver import worker_command, worker_wanted
from egide.imports.models import ImportJob, ImportStatus
from tests.actors import hostile_files
from tests.actors.html import table_rows, text

ACTORS = b"reference,kind,name_en,name_fr\n" + b"".join(
    b"UNIT%d,police,Police unit %d,Unite de police %d\n" % (n, n, n) for n in range(40)
)


@pytest.fixture
def small_inline_limit(settings: LazySettings) -> None:
    """Every file of more than 100 bytes goes to the background worker."""
    settings.EGIDE_IMPORT_INLINE_MAX_BYTES = 100


def upload(client: Client, name: str, content: bytes) -> str:
    """Upload a file on the import page; the address the page redirects to."""
    response = client.post(
        reverse("country-import", kwargs={"code": "CD"}), {"file": SimpleUploadedFile(name, content)}
    )
    assert response.status_code == 302
    location: str = response["Location"]
    assert re.fullmatch(r"/imports/[0-9a-f-]{36}/", location)
    return location


def test_a_large_file_is_imported_in_the_background(
    member_client: Client, member: User, small_inline_limit: None
) -> None:
    page = member_client.get(upload(member_client, "actors.csv", ACTORS))
    html = page.content.decode()
    assert "Import finished." in text(html)
    assert table_rows(html, "import-report") == [["Actors", "40", "0", "0"], ["Relationships", "0", "0", "0"]]
    assert 'hx-trigger="every 2s"' not in html
    job = ImportJob.objects.get()
    assert (job.user, job.status, job.progress, bytes(job.data)) == (member, ImportStatus.DONE, 100, b"")
    assert job.report is not None
    assert job.report["actors_created"] == 40
    assert Actor.objects.filter(country="CD").count() == 40


def test_importing_the_same_large_file_again_changes_nothing(member_client: Client, small_inline_limit: None) -> None:
    upload(member_client, "actors.csv", ACTORS)
    before = sorted(Actor.objects.values_list("reference", "updated_at"))
    html = member_client.get(upload(member_client, "actors.csv", ACTORS)).content.decode()
    assert table_rows(html, "import-report") == [["Actors", "0", "0", "40"], ["Relationships", "0", "0", "0"]]
    assert sorted(Actor.objects.values_list("reference", "updated_at")) == before


def test_a_rejected_background_import_lists_the_first_problems_and_writes_nothing(
    member_client: Client, small_inline_limit: None, settings: LazySettings
) -> None:
    settings.EGIDE_IMPORT_MAX_PROBLEMS = 10
    rows = b"".join(b"S%d,spaceship,Ship\n" % number for number in range(1500))
    html = member_client.get(upload(member_client, "ships.csv", b"reference,kind,name_en\n" + rows)).content.decode()
    assert "10 of 1,500 problems shown: nothing was imported" in text(html)
    assert len(table_rows(html, "import-problems")) == 10
    job = ImportJob.objects.get()
    assert (job.status, job.problem_total, len(job.problems), bytes(job.data)) == (ImportStatus.FAILED, 1500, 10, b"")
    assert not Actor.objects.exists()


def test_a_zip_bomb_sent_to_the_background_is_refused_with_its_reason(
    member_client: Client, small_inline_limit: None, settings: LazySettings
) -> None:
    settings.EGIDE_IMPORT_MAX_ROWS = 10_000
    bomb = hostile_files.zip_bomb(40 * 2**20)
    html = member_client.get(upload(member_client, "bomb.zip", bomb)).content.decode()
    assert "bomb.zip:actors.csv: the actors table has more than 10,000 rows" in text(html)
    assert "Nothing was imported." in text(html)
    assert ImportJob.objects.get().status == ImportStatus.FAILED


def test_the_job_page_refreshes_itself_until_the_job_ends(
    member_client: Client, small_inline_limit: None, settings: LazySettings
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    location = upload(member_client, "actors.csv", ACTORS)
    job = ImportJob.objects.get()
    status_url = reverse("import-job-status", kwargs={"pk": job.pk})
    html = member_client.get(location).content.decode()
    assert f'hx-get="{status_url}" hx-trigger="every 2s" hx-swap="outerHTML"' in html
    assert "Waiting for the background worker" in text(html)
    assert "<script" not in html.split("<main", 1)[-1]
    assert bytes(job.data) == ACTORS
    assert services.import_job_run(job_id=str(job.pk)) == "done"
    fragment = member_client.get(status_url).content.decode()
    assert fragment.lstrip().startswith('<div id="import-job" data-status="done">')
    assert "hx-trigger" not in fragment
    assert "Import finished." in text(fragment)


def test_a_job_runs_once_even_when_its_task_runs_twice(
    member: User, organisation: Organisation, settings: LazySettings
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    job = services.import_job_create(
        user=member, country="CD", owner=organisation, confidentiality="public", filename="a.csv", data=ACTORS
    )
    assert services.import_job_run(job_id=str(job.pk)) == "done"
    assert services.import_job_run(job_id=str(job.pk)) == "skipped"
    assert Actor.objects.filter(country="CD", confidentiality="public").count() == 40


@pytest.mark.parametrize(("who", "status"), [("member", 200), ("owner", 404), ("outsider", 404), ("staff", 200)])
def test_only_the_user_who_started_a_job_and_staff_see_it(
    member_client: Client, small_inline_limit: None, who: str, status: int, request: pytest.FixtureRequest
) -> None:
    from tests.security.helpers import verified_client

    location = upload(member_client, "actors.csv", ACTORS)
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


def test_anonymous_visitors_are_sent_to_log_in(member_client: Client, small_inline_limit: None) -> None:
    location = upload(member_client, "actors.csv", ACTORS)
    response = Client().get(location)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_small_file_is_still_imported_in_the_request(member_client: Client, db: None) -> None:
    response = member_client.post(
        reverse("country-import", kwargs={"code": "CD"}), {"file": SimpleUploadedFile("a.csv", ACTORS[:200])}
    )
    assert response.status_code == 200
    assert not ImportJob.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("command", ["db_worker", "worker"])
def test_the_database_worker_runs_a_queued_import(
    member: User, organisation: Organisation, settings: LazySettings, command: str
) -> None:
    """`egide worker` is `egide db_worker` under the name service files use."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    job = services.import_job_create(
        user=member, country="CD", owner=organisation, confidentiality="partners", filename="a.csv", data=ACTORS
    )
    job.refresh_from_db()
    assert job.status == ImportStatus.QUEUED
    call_command(command, "--batch", "--no-startup-delay", "--no-reload", "--verbosity", "0")
    job.refresh_from_db()
    assert (job.status, bytes(job.data)) == (ImportStatus.DONE, b"")
    assert Actor.objects.filter(country="CD").count() == 40


def test_runserver_starts_the_worker_once_beside_the_server(
    settings: LazySettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("RUN_MAIN", raising=False)
    assert worker_wanted(option=True)
    assert not worker_wanted(option=False)
    assert worker_command()[-6:] == ["db_worker", "--no-reload", "--interval", "1", "--verbosity", "0"]
    monkeypatch.setenv("RUN_MAIN", "true")
    assert not worker_wanted(option=True)
    monkeypatch.delenv("RUN_MAIN")
    settings.EGIDE_RUNSERVER_WORKER = False
    assert not worker_wanted(option=True)
