"""`/health/live` and `/health/ready` for a load balancer: open to anyone, whatever the host name, answering only
"ok" or "not ok"; readiness fails for a database, a cache or a storage that does not answer and for a task queue
that a worker no longer empties, each failure with its reason in the log."""

import datetime
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from egide.duediligence.tasks import digest_task

SOURCE = Path(__file__).resolve().parents[2] / "src"
OK = {"status": "ok"}
NOT_OK = {"status": "not ok"}


@pytest.fixture
def database_tasks(settings: LazySettings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _queue(count: int) -> None:
    for _ in range(count):
        digest_task.enqueue()


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/health/live", "/health/ready", "/health/live/", "/health/ready/"])
def test_a_healthy_process_is_alive_and_ready_for_anyone_by_any_host_name(client: Client, path: str) -> None:
    response = client.get(path, HTTP_HOST="10.1.2.3:8000")  # a probe names the process by its address
    assert response.status_code == 200
    assert response.json() == OK
    assert response["Cache-Control"] == "no-store"
    assert client.head(path).status_code == 200


@pytest.mark.django_db
def test_liveness_reads_nothing_from_the_database(
    client: Client, django_assert_num_queries: pytest.FixtureDef[object]
) -> None:
    with django_assert_num_queries(0):  # type: ignore[operator]
        assert client.get("/health/live").json() == OK


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get_and_head_are_answered(client: Client, method: str) -> None:
    response = getattr(client, method)("/health/ready")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


@pytest.mark.django_db
def test_a_cache_that_does_not_answer_makes_the_process_not_ready(
    client: Client, settings: LazySettings, caplog: pytest.LogCaptureFixture
) -> None:
    settings.CACHES = {  # nothing listens on port 1
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    with caplog.at_level(logging.WARNING, logger="egide.health"):
        response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.json() == NOT_OK
    assert [record.getMessage().split(": ")[1] for record in caplog.records] == ["cache"]  # once, nothing else
    assert "ConnectionError" in caplog.text
    assert client.get("/health/live").status_code == 200


@pytest.mark.django_db
def test_a_cache_that_keeps_nothing_by_design_is_not_a_failure(client: Client, settings: LazySettings) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    assert client.get("/health/ready").status_code == 200


@pytest.mark.django_db
def test_a_storage_that_cannot_be_written_makes_the_process_not_ready(
    client: Client, settings: LazySettings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the uploads' folder should be")
    settings.MEDIA_ROOT = blocked / "media"
    with caplog.at_level(logging.WARNING, logger="egide.health"):
        response = client.get("/health/ready")
    assert (response.status_code, response.json()) == (503, NOT_OK)
    assert "Not ready: storage: " in caplog.text
    assert str(blocked) not in response.content.decode()


@pytest.mark.django_db
def test_the_readiness_probe_leaves_no_file_behind(client: Client, settings: LazySettings) -> None:
    assert client.get("/health/ready").status_code == 200
    assert not any(path.is_file() for path in Path(settings.MEDIA_ROOT).rglob("*"))


@pytest.mark.django_db
def test_too_many_tasks_waiting_for_a_worker_make_the_process_not_ready(
    client: Client, settings: LazySettings, database_tasks: None, caplog: pytest.LogCaptureFixture
) -> None:
    settings.EGIDE_HEALTH_MAX_QUEUED_TASKS = 3
    _queue(3)
    assert client.get("/health/ready").status_code == 200
    _queue(1)
    with caplog.at_level(logging.WARNING, logger="egide.health"):
        response = client.get("/health/ready")
    assert (response.status_code, response.json()) == (503, NOT_OK)
    assert "Not ready: task queue: more than 3 tasks wait for a worker" in caplog.text
    settings.EGIDE_HEALTH_MAX_QUEUED_TASKS = 0  # left out
    assert client.get("/health/ready").status_code == 200


@pytest.mark.django_db
def test_a_task_waiting_too_long_makes_the_process_not_ready(
    client: Client, settings: LazySettings, database_tasks: None, caplog: pytest.LogCaptureFixture
) -> None:
    settings.EGIDE_HEALTH_MAX_TASK_WAIT_MINUTES = 30
    _queue(1)
    assert client.get("/health/ready").status_code == 200
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=31))
    with caplog.at_level(logging.WARNING, logger="egide.health"):
        assert client.get("/health/ready").status_code == 503
    assert "more than 30 minutes" in caplog.text
    DBTaskResult.objects.update(status="RUNNING")  # a worker took it: nothing waits
    assert client.get("/health/ready").status_code == 200


def test_a_database_that_does_not_answer_makes_the_process_not_ready_but_still_alive(tmp_path: Path) -> None:
    script = (
        "import django; django.setup()\n"
        "from django.test import Client\n"
        "client = Client()\n"
        "for path in ('/health/live', '/health/ready'):\n"
        "    response = client.get(path)\n"
        "    print(path, response.status_code, response.content.decode())\n"
    )
    env = {key: value for key, value in os.environ.items() if key not in ("DATABASE_URL", "CACHE_URL")}
    env |= {
        "PYTHONPATH": os.pathsep.join([str(SOURCE), env.get("PYTHONPATH", "")]),
        "DJANGO_SETTINGS_MODULE": "egide.settings",
        "EGIDE_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "postgres://egide@127.0.0.1:1/egide",  # nothing listens on port 1
        "CACHE_URL": "locmem://",
        "DEBUG": "false",
        "EGIDE_LOCAL": "true",
        "LOG_LEVEL": "WARNING",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        '/health/live 200 {"status": "ok"}',
        '/health/ready 503 {"status": "not ok"}',
    ]
    assert "Not ready: database: OperationalError" in result.stderr
    assert "task queue" not in result.stderr
