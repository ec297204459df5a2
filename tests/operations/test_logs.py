"""Structured logs: every request has an id, returned to the client and written in every line of the request, one
access line per request without query strings or secrets, and the id carried into the tasks the request queues."""

import json
import logging
import re

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from egide.accounts.models import Organisation
from egide.imports import services
from egide.imports.models import ImportJob, ImportStatus
from egide.operations import request_id
from egide.operations.logs import JsonFormatter, TextFormatter, logging_config
from tests.operations.logged import json_lines

ACTORS = b"reference,kind,name_en,name_fr\n" + b"".join(
    b"UNIT%d,police,Police unit %d,Unite de police %d\n" % (n, n, n) for n in range(40)
)
GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def access_log(settings: LazySettings) -> None:
    settings.EGIDE_ACCESS_LOG = True


def record(message: str = "hello", **extra: object) -> logging.LogRecord:
    made = logging.LogRecord("egide.test", logging.WARNING, __file__, 1, message, None, None)
    made.__dict__.update(extra)
    return made


def test_a_json_line_holds_the_message_the_request_id_and_the_extra_fields() -> None:
    with request_id.bound("req-1"):
        line = json.loads(JsonFormatter().format(record("a %s", status=200)))
    assert line["message"] == "a %s"
    assert (line["level"], line["logger"], line["request_id"], line["status"]) == (
        "WARNING",
        "egide.test",
        "req-1",
        200,
    )
    assert line["time"].endswith("+00:00")


def test_a_json_line_holds_the_traceback_of_an_exception() -> None:
    try:
        raise ValueError("broken")
    except ValueError:
        import sys

        made = logging.LogRecord("egide.test", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    line = json.loads(JsonFormatter().format(made))
    assert "ValueError: broken" in line["exception"]


def test_text_lines_stay_plain_and_add_the_request_id_when_there_is_one() -> None:
    formatter = TextFormatter("%(levelname)s %(name)s %(message)s")
    assert formatter.format(record()) == "WARNING egide.test hello"
    assert formatter.format(record(request_id="abc")) == "WARNING egide.test hello request_id=abc"


def test_the_log_format_setting_chooses_the_formatter() -> None:
    assert logging_config(log_format="json", level="INFO", debug=False)["handlers"]["console"]["formatter"] == "json"
    assert logging_config(log_format="text", level="INFO", debug=False)["handlers"]["console"]["formatter"] == "text"


@pytest.mark.django_db
def test_a_request_gets_a_new_id_unless_a_well_formed_one_is_given(client: Client) -> None:
    assert GENERATED.fullmatch(client.get(reverse("login"))["X-Request-ID"])
    given = client.get(reverse("login"), headers={"X-Request-ID": "proxy-42.a:b"})
    assert given["X-Request-ID"] == "proxy-42.a:b"
    for bad in ("x" * 65, "two words", 'quote"', "é"):
        assert GENERATED.fullmatch(client.get(reverse("login"), headers={"X-Request-ID": bad})["X-Request-ID"])


@pytest.mark.django_db
def test_the_header_is_ignored_when_no_proxy_is_trusted_with_it(client: Client, settings: LazySettings) -> None:
    settings.EGIDE_REQUEST_ID_HEADER = ""
    answer = Client().get(reverse("login"), headers={"X-Request-ID": "proxy-42"})
    assert GENERATED.fullmatch(answer["X-Request-ID"])


@pytest.mark.django_db
def test_every_line_of_a_request_carries_its_id(access_log: None) -> None:
    with json_lines() as lines:
        Client().get("/no-such-page/", headers={"X-Request-ID": "req-404"})
    assert {line["logger"] for line in lines} >= {"django.request", "egide.access"}
    assert {line["request_id"] for line in lines} == {"req-404"}


@pytest.mark.django_db
def test_the_access_line_names_the_request_without_query_or_secret(access_log: None, member: User) -> None:
    client = Client()
    client.force_login(member)
    with json_lines() as lines:
        client.get(reverse("login") + "?next=/secret-search/&token=abc", headers={"X-Request-ID": "req-1"})
        Client().get(reverse("password-reset-confirm", args=["MQ", "set-abcdef0123456789"]))
        Client().get(reverse("invitation-accept", args=["invitation-secret-value"]))
    access = [line for line in lines if line["logger"] == "egide.access"]
    assert len(access) == 3
    first = access[0]
    assert (first["method"], first["path"], first["request_id"], first["user_id"]) == (
        "GET",
        "/login/",
        "req-1",
        member.pk,
    )
    assert first["status"] in (200, 302)
    assert first["duration_ms"] >= 0
    assert first["view"] == "login"
    assert access[1]["path"] == "/password-reset/…/…/"
    assert access[1]["user_id"] is None
    assert access[2]["path"] == "/invitation/…/"
    written = json.dumps(lines)
    for secret in ("secret-search", "token=abc", "set-abcdef0123456789", "invitation-secret-value", "MQ/"):
        assert secret not in written


@pytest.mark.django_db
def test_no_access_line_unless_asked(settings: LazySettings) -> None:
    settings.EGIDE_ACCESS_LOG = False
    with json_lines() as lines:
        Client().get(reverse("login"))
    assert not [line for line in lines if line["logger"] == "egide.access"]


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_by_a_request_logs_with_the_request_id(
    member_client: Client, organisation: Organisation, settings: LazySettings
) -> None:
    settings.EGIDE_IMPORT_INLINE_MAX_BYTES = 100
    settings.TASKS = {"default": {"BACKEND": "egide.operations.task_backend.DatabaseBackend", "QUEUES": ["default"]}}
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = member_client.post(
        reverse("country-import", kwargs={"code": "CD"}),
        {"file": SimpleUploadedFile("a.csv", ACTORS)},
        headers={"X-Request-ID": "import-7"},
    )
    assert response.status_code == 302
    assert DBTaskResult.objects.get().args_kwargs["request_id"] == "import-7"
    with json_lines() as lines:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--verbosity", "0")
    assert ImportJob.objects.get().status == ImportStatus.DONE
    tasks = [line for line in lines if line["logger"] == "egide.tasks"]
    assert [line["message"] for line in tasks] == [
        "Task egide.imports.tasks.import_job_task started",
        "Task egide.imports.tasks.import_job_task finished",
    ]
    assert {line["request_id"] for line in lines} == {"import-7"}
    assert tasks[1]["duration_ms"] > 0


@pytest.mark.django_db(transaction=True)
def test_a_task_queued_outside_a_request_gets_an_id_of_its_own(
    member: User, organisation: Organisation, settings: LazySettings
) -> None:
    settings.TASKS = {"default": {"BACKEND": "egide.operations.task_backend.DatabaseBackend", "QUEUES": ["default"]}}
    services.import_job_create(
        user=member, country="CD", owner=organisation, confidentiality="partners", filename="a.csv", data=ACTORS
    )
    assert "request_id" not in DBTaskResult.objects.get().args_kwargs
    with json_lines() as lines:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--verbosity", "0")
    identifiers = {line["request_id"] for line in lines if line["logger"] == "egide.tasks"}
    assert len(identifiers) == 1
    assert GENERATED.fullmatch(identifiers.pop())
