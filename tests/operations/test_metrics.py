"""Metrics in Prometheus's format: off by default, readable only from the allowed networks or with the bearer
token; request latency by view name, responses by status class, tasks and import rows."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import LazySettings
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from prometheus_client import REGISTRY

from egide.accounts.models import Organisation
from egide.imports import services
from egide.operations import access

OUTSIDE = "203.0.113.9"


@pytest.fixture
def metrics_on(settings: LazySettings) -> None:
    settings.EGIDE_METRICS = True
    settings.EGIDE_METRICS_NETWORKS = ["127.0.0.0/8", "::1/128"]
    settings.EGIDE_METRICS_TOKEN = "a-long-enough-scraping-token-0123456789"


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.mark.django_db
def test_metrics_are_off_by_default(client: Client) -> None:
    assert client.get("/metrics").status_code == 404


@pytest.mark.django_db
def test_loopback_reads_the_metrics_and_others_are_refused(metrics_on: None) -> None:
    Client().get(reverse("login"))
    answer = Client().get("/metrics")
    assert answer.status_code == 200
    assert answer["Content-Type"].startswith("text/plain")
    text = answer.content.decode()
    assert 'egide_request_duration_seconds_bucket{le="0.005",method="GET",view="login"}' in text
    assert 'egide_responses_total{status_class="2xx"}' in text
    assert Client(REMOTE_ADDR=OUTSIDE).get("/metrics").status_code == 403
    assert Client(REMOTE_ADDR=OUTSIDE).post("/metrics").status_code in (403, 405)


@pytest.mark.django_db
def test_the_bearer_token_opens_the_metrics_from_anywhere(metrics_on: None, settings: LazySettings) -> None:
    outside = Client(REMOTE_ADDR=OUTSIDE)
    token = settings.EGIDE_METRICS_TOKEN
    assert outside.get("/metrics", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert outside.get("/metrics", headers={"Authorization": f"Bearer {token}x"}).status_code == 403
    assert outside.get("/metrics", headers={"Authorization": token}).status_code == 403
    settings.EGIDE_METRICS_TOKEN = ""
    assert outside.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 403


@pytest.mark.django_db
def test_an_allowed_network_behind_a_proxy_is_read_from_the_proxy_header(
    metrics_on: None, settings: LazySettings
) -> None:
    settings.EGIDE_CLIENT_IP_HEADER = "X-Real-IP"
    settings.EGIDE_METRICS_NETWORKS = ["10.0.0.0/8"]
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    assert proxy.get("/metrics", headers={"X-Real-IP": "10.1.2.3"}).status_code == 200
    # The proxy itself is loopback, but the client it forwards is outside: refused.
    assert proxy.get("/metrics", headers={"X-Real-IP": OUTSIDE}).status_code == 403


def test_the_access_rules() -> None:
    allowed = access.networks(["127.0.0.1", "10.0.0.0/8", "::1/128"])
    assert access.address_allowed("10.200.0.1", allowed)
    assert access.address_allowed("::1", allowed)
    assert not access.address_allowed("11.0.0.1", allowed)
    assert not access.address_allowed(None, allowed)
    assert not access.address_allowed("not an address", allowed)
    assert access.token_allowed("bearer secret", "secret")
    assert not access.token_allowed("Basic secret", "secret")
    assert not access.token_allowed("Bearer secret", "")


@pytest.mark.django_db
def test_responses_by_status_class_and_unknown_views_under_one_name(metrics_on: None) -> None:
    before = {status: sample("egide_responses_total", status_class=status) for status in ("2xx", "4xx")}
    unmatched = sample("egide_request_duration_seconds_count", view="unmatched", method="GET")
    assert Client().get("/no-such-page/").status_code == 404
    assert Client().get("/other-missing/").status_code == 404
    assert Client().get(reverse("login")).status_code == 200
    invented = Client().generic("BREW", reverse("login")).status_code
    assert sample("egide_responses_total", status_class="4xx") == before["4xx"] + 2 + (invented >= 400)
    assert sample("egide_responses_total", status_class="2xx") == before["2xx"] + 1 + (invented < 300)
    assert sample("egide_request_duration_seconds_count", view="unmatched", method="GET") == unmatched + 2
    assert sample("egide_request_duration_seconds_count", view="login", method="other") >= 1


@pytest.mark.django_db
def test_tasks_and_import_rows_are_counted(
    metrics_on: None, member: User, organisation: Organisation, settings: LazySettings
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    task = "egide.imports.tasks.import_job_task"
    runs = sample("egide_task_duration_seconds_count", task=task)
    rows = sample("egide_import_rows_total", importer="map")
    data = b"reference,kind,name_en,name_fr\n" + b"".join(
        b"U%d,police,Unit %d,Unite %d\n" % (n, n, n) for n in range(7)
    )
    services.import_job_create(
        user=member, country="CD", owner=organisation, confidentiality="partners", filename="a.csv", data=data
    )
    assert sample("egide_task_duration_seconds_count", task=task) == runs + 1
    assert sample("egide_import_rows_total", importer="map") == rows + 7
    assert sample("egide_task_failures_total", task=task) == 0


@pytest.mark.django_db
def test_nothing_is_measured_when_metrics_are_off(member: User, organisation: Organisation) -> None:
    before = sample("egide_request_duration_seconds_count", view="login", method="GET")
    Client().get(reverse("login"))
    assert sample("egide_request_duration_seconds_count", view="login", method="GET") == before


PROCESS = """
import sys
from egide.operations import metrics
metrics.request_observed(view="home", method="GET", status=200, seconds=0.01)
metrics.import_rows_observed(importer="map", rows=int(sys.argv[1]))
if len(sys.argv) > 2:
    sys.stdout.write(metrics.exposition()[0].decode())
"""


def test_several_processes_add_up_in_multiprocess_mode(tmp_path: Path) -> None:
    folder = tmp_path / "prometheus"
    folder.mkdir()
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder)}
    environment["PYTHONPATH"] = os.pathsep.join(sys.path)
    for rows in ("3", "4"):
        subprocess.run([sys.executable, "-c", PROCESS, rows], env=environment, check=True)
    text = subprocess.run(
        [sys.executable, "-c", PROCESS, "5", "show"], env=environment, check=True, capture_output=True, text=True
    ).stdout
    assert 'egide_import_rows_total{importer="map"} 12.0' in text
    assert 'egide_request_duration_seconds_count{method="GET",view="home"} 3.0' in text
