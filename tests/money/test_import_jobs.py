"""A large file of budgets and transactions is imported by the background worker, as a map's file is: the import page
redirects to the job's page, which shows the same report (or, for a check, what it would write) or the problems;
only the user who started it, and platform staff, see it. The command line imports directly."""

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
from egide.money.models import Budget, Transaction
from egide.programmes.models import Programme
from tests.actors.html import table_rows, text
from tests.money.conftest import logged_in
from tests.money.test_transfer import BUDGETS, TRANSACTIONS, _zip

MONEY = _zip(budgets=BUDGETS, transactions=TRANSACTIONS)
BROKEN = _zip(budgets="programme,period_start,period_end,value,currency\nNO-SUCH,2008-01-01,2008-12-31,1,EUR\n")


@pytest.fixture(autouse=True)
def background(settings: LazySettings) -> None:
    """Every file of more than 100 bytes goes to the background worker, which runs at once in the test."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.EGIDE_IMPORT_INLINE_MAX_BYTES = 100


def upload(client: Client, content: bytes, **fields: str) -> str:
    response = client.post(
        reverse("money-import", args=["CF"]), {"file": SimpleUploadedFile("money.zip", content), **fields}
    )
    assert response.status_code == 302
    location: str = response["Location"]
    assert re.fullmatch(r"/imports/[0-9a-f-]{36}/", location)
    return location


def test_a_large_file_is_imported_in_the_background(programme: Programme, member: User) -> None:
    client = logged_in(member)
    html = text(client.get(upload(client, MONEY, apply="on")).content.decode())
    assert "Import finished." in html
    assert "Budgets: 2 new, 0 changed, 0 unchanged." in html
    assert "Transactions: 2 new, 0 changed, 0 unchanged." in html
    job = ImportJob.objects.get()
    assert (job.user, job.kind, job.status, bytes(job.data)) == (member, ImportKind.MONEY, ImportStatus.DONE, b"")
    assert (Budget.objects.count(), Transaction.objects.count()) == (2, 2)
    again = text(client.get(upload(client, MONEY, apply="on")).content.decode())
    assert "Budgets: 0 new, 0 changed, 2 unchanged." in again
    assert Budget.objects.count() == 2


def test_a_large_check_writes_nothing(programme: Programme, member: User) -> None:
    client = logged_in(member)
    html = text(client.get(upload(client, MONEY)).content.decode())
    assert "Check finished." in html
    assert "Checked: nothing was written." in html
    assert "Budgets: 2 new, 0 changed, 0 unchanged." in html
    assert ImportJob.objects.get().dry_run
    assert not Budget.objects.exists()


def test_a_rejected_background_import_lists_its_problems(programme: Programme, member: User) -> None:
    client = logged_in(member)
    html = client.get(upload(client, BROKEN, apply="on")).content.decode()
    assert "Nothing was imported." in text(html)
    assert [row[:3] for row in table_rows(html, "import-problems")] == [["budgets", "2", "programme"]]
    assert ImportJob.objects.get().status == ImportStatus.FAILED
    assert not Budget.objects.exists()


def test_an_outsiders_large_file_writes_nothing_into_anothers_programme(programme: Programme, outsider: User) -> None:
    client = logged_in(outsider)
    html = text(client.get(upload(client, MONEY, apply="on")).content.decode())
    assert "Nothing was imported." in html
    assert not Budget.objects.exists()


@pytest.mark.parametrize(("who", "status"), [("member", 200), ("owner", 404), ("outsider", 404)])
def test_only_the_user_who_started_a_job_sees_it(
    programme: Programme, member: User, who: str, status: int, request: pytest.FixtureRequest
) -> None:
    location = upload(logged_in(member), MONEY, apply="on")
    client = logged_in(request.getfixturevalue(who))
    job = ImportJob.objects.get()
    assert client.get(location).status_code == status
    assert client.get(reverse("import-job-status", kwargs={"pk": job.pk})).status_code == status


def test_the_command_line_imports_directly(programme: Programme, tmp_path: Path) -> None:
    path = tmp_path / "money.zip"
    path.write_bytes(MONEY)
    output = io.StringIO()
    call_command("money", "import", str(path), "--country", "CF", "--check", stdout=output)
    assert "CF: checked, nothing written: budgets 2 new, 0 changed, 0 unchanged" in output.getvalue()
    assert not Budget.objects.exists()
    output = io.StringIO()
    call_command("money", "import", str(path), "--country", "cf", stdout=output)
    assert "transactions 2 new, 0 changed, 0 unchanged" in output.getvalue()
    assert (Budget.objects.count(), Transaction.objects.count(), ImportJob.objects.count()) == (2, 2, 0)
    broken = tmp_path / "broken.zip"
    broken.write_bytes(BROKEN)
    errors = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("money", "import", str(broken), "--country", "CF", stderr=errors)
    assert "broken.zip: budgets, row 2, programme" in errors.getvalue()
    with pytest.raises(CommandError, match="not a country code"):
        call_command("money", "import", str(path), "--country", "QQ")
