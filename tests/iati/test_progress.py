"""An import's progress within a file: by bytes read and activities, throttled, on the run's page (polled) and in
the command line's bar."""

import io
import threading
import time
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import User
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from egide.accounts.models import Organisation
from egide.iati import progress
from egide.iati.models import IatiImportRun, RunStatus
from egide.iati.progress import FileProgress, run_progress, run_progress_write, streamed
from egide.iati.services import iati_import_run_create, iati_import_run_execute

UK = "CD.xml"  # 205 activities, 1 MB


def test_a_file_s_progress_by_bytes_and_activities(iati_fixtures: Path) -> None:
    path = iati_fixtures / UK
    ticks: list[FileProgress] = []
    read = list(streamed(path, tick=ticks.append, every=0))
    assert len(read) == 205
    size = path.stat().st_size
    assert ticks[-1] == FileProgress(size, size, 205)
    assert [tick.activities for tick in ticks] == [*range(1, 206), 205]  # after each activity, then at the end
    positions = [tick.read_bytes for tick in ticks]
    assert positions == sorted(positions)
    assert 0 < positions[0] < size // 4  # read as it goes, not all at once
    assert len({tick.fraction for tick in ticks}) > 5


def test_the_progress_is_reported_at_most_every_interval(iati_fixtures: Path) -> None:
    ticks: list[FileProgress] = []
    assert len(list(streamed(iati_fixtures / UK, tick=ticks.append, every=3600))) == 205
    assert [tick.activities for tick in ticks] == [205]  # only the end


def test_the_run_page_shows_the_progress_within_the_file(
    member: User, organisation: Organisation, outsider: User
) -> None:
    run = IatiImportRun.objects.create(
        user=member, owner=organisation, filenames=["a.xml", "b.xml"], status=RunStatus.RUNNING, files_done=1
    )
    client = Client()
    client.force_login(member)
    url = reverse("iati-import-run-status", args=[run.pk])

    def shown() -> tuple[str, str]:
        soup = BeautifulSoup(client.get(url).content, "html.parser")
        return soup.select_one("#iati-run-progress")["value"], soup.select_one("#iati-run-state").get_text()

    assert shown()[0] == "50"  # the first file done, nothing known of the second
    run_progress_write(run_id=run.pk, files_done=1, activities=1234, progress=FileProgress(300, 1000, 34))
    value, text = shown()
    assert value == "65"  # one file and 30 % of the other
    assert "1 of 2 files done, 1234 activities read" in text
    page = BeautifulSoup(client.get(reverse("iati-import-run", args=[run.pk])).content, "html.parser")
    assert page.select_one("#iati-run-progress")["value"] == "65"
    assert page.select_one("#iati-run")["hx-trigger"] == "every 2s"
    # What an earlier file left in the cache is older than the row: the row wins.
    IatiImportRun.objects.filter(pk=run.pk).update(files_done=2)
    run.refresh_from_db()
    assert run_progress(run).percent == 100
    outsider_client = Client()
    outsider_client.force_login(outsider)
    assert outsider_client.get(url).status_code == 404


def test_the_worker_reports_the_progress_within_a_large_file(
    iati_fixtures: Path, member: User, organisation: Organisation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "PROGRESS_EVERY", 0)
    data = (iati_fixtures / UK).read_bytes()
    run = iati_import_run_create(
        user=member,
        owner=organisation,
        uploads=[SimpleUploadedFile("uk.xml", data, content_type="application/xml")],
        sectors="all",
    )
    key = f"iati-run-progress:{run.pk}"
    seen: list[dict] = []
    stop = threading.Event()

    def watch() -> None:  # what the page would read, while the worker runs
        while not stop.is_set():
            value = cache.get(key)
            if value is not None and (not seen or seen[-1] != value):
                seen.append(value)
            time.sleep(0.001)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        assert iati_import_run_execute(run_id=str(run.pk)) == "done"
    finally:
        stop.set()
        watcher.join()
    fractions = [value["fraction"] for value in seen]
    assert len([fraction for fraction in fractions if 0 < fraction < 1]) >= 2
    assert fractions == sorted(fractions)
    assert all(value["files_done"] == 0 for value in seen)
    assert cache.get(key) is None  # cleared at the end: the row says the rest
    run.refresh_from_db()
    assert (run.files_done, run.activities_read, run.status) == (1, 205, RunStatus.DONE)


def test_the_command_line_bar_advances_within_a_file(
    iati_fixtures: Path, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(progress, "LOG_EVERY", 0)
    errors = io.StringIO()
    call_command("iati", "import", str(iati_fixtures / UK), stdout=io.StringIO(), stderr=errors)
    lines = errors.getvalue().splitlines()
    within = [line for line in lines if line.endswith("%") and "CD.xml" in line]
    assert len(within) > 100
    assert within[0].startswith("[")
    assert "0/1 files, 1 activities read — CD.xml" in within[0]
    assert "205 activities read" in lines[-1]
