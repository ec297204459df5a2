"""The Dockerfile and compose.yaml: pinned base images, a user without privileges, and the entry commands, which
are run here directly (no container runtime runs in CI): the image's static files collected without a database,
then the compose file's setup, web and worker commands against one database, as the containers would run them."""

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.deployment.servers import (
    START_SECONDS,
    Server,
    database_url,
    end,
    environment,
    free_port,
    wait_until_alive,
)

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
PINNED = re.compile(r"^[a-z0-9./-]+:\d+(\.\d+)+[a-z0-9.-]*@sha256:[0-9a-f]{64}$")


def _egide(command: list[str]) -> list[str]:
    """A container's command, run with this Python (`egide` is the package's command line)."""
    assert command[0] == "egide", command
    return [sys.executable, "-m", "egide.cli", *command[1:]]


def test_every_base_image_is_pinned_by_version_and_digest() -> None:
    images = re.findall(r"^ARG \w+_IMAGE=(\S+)$", DOCKERFILE, flags=re.MULTILINE)
    images += [service["image"] for name, service in COMPOSE["services"].items() if name in ("postgres", "redis")]
    assert len(images) == 4
    assert all(PINNED.match(image) for image in images), images
    assert re.findall(r"^FROM (\S+)", DOCKERFILE, flags=re.MULTILINE) == [
        "${NODE_IMAGE}",
        "${PYTHON_IMAGE}",
        "${PYTHON_IMAGE}",
    ]


def test_the_image_runs_as_a_user_without_privileges_and_serves_by_default() -> None:
    final = DOCKERFILE.rsplit("\nFROM ", 1)[1]
    assert "\nUSER egide\n" in final
    assert "useradd --system --uid 10001" in final
    assert 'CMD ["egide", "serve"]' in final
    assert "npm ci" in DOCKERFILE
    assert "requirements-runtime.lock" in DOCKERFILE


def test_compose_runs_postgresql_the_web_server_the_worker_and_redis_on_request() -> None:
    services = COMPOSE["services"]
    assert set(services) == {"postgres", "setup", "web", "worker", "redis"}
    assert services["web"]["command"] == ["egide", "serve"]
    assert services["worker"]["command"][:2] == ["egide", "db_worker"]
    assert services["redis"]["profiles"] == ["redis"]
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["setup"]["condition"] == "service_completed_successfully"


def test_the_images_static_files_are_collected_without_a_database(tmp_path: Path) -> None:
    command = re.search(r"egide setup --static-only", DOCKERFILE)
    assert command
    env = environment(database="postgres://nobody@127.0.0.1:1/none", data_dir=tmp_path / "data")
    env |= {"EGIDE_STATIC_ROOT": str(tmp_path / "static")}
    result = subprocess.run(
        _egide(["egide", "setup", "--static-only"]), env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Static files collected."
    assert (tmp_path / "static" / "staticfiles.json").exists()
    assert list((tmp_path / "static" / "egide").glob("app.*.css"))


@pytest.mark.django_db(transaction=True)
def test_the_compose_files_commands_set_up_serve_and_work(tmp_path: Path) -> None:
    services = COMPOSE["services"]
    port = free_port()
    env = environment(database=database_url(tmp_path / "served.sqlite3"), data_dir=tmp_path / "data")
    del env["EGIDE_LOCAL"]  # as in a container: a server's settings, from .env
    env |= {"ALLOWED_HOSTS": "127.0.0.1", "EGIDE_SERVE_ADDRESS": f"127.0.0.1:{port}", "EGIDE_SERVE_WORKERS": "1"}
    setup = subprocess.run(
        _egide(services["setup"]["command"]), env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert setup.returncode == 0, setup.stderr
    assert "Database ready." in setup.stdout
    assert "Static files collected." not in setup.stdout
    assert re.search(r"as “admin” with the password \S+", setup.stdout)

    logs = {name: (tmp_path / f"{name}.log").open("wb") for name in ("web", "worker")}
    processes = {
        name: subprocess.Popen(
            _egide(services[name]["command"]),
            env=env,
            stdout=logs[name],
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        for name in ("web", "worker")
    }
    try:
        web = Server(processes["web"], tmp_path / "web.log", f"http://127.0.0.1:{port}")
        wait_until_alive(web)
        deadline = time.monotonic() + START_SECONDS
        while web.get("/health/ready").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert web.get("/health/ready").json() == {"status": "ok"}, web.output()
        assert web.get("/login/").status_code == 200
        assert processes["worker"].poll() is None, (tmp_path / "worker.log").read_text()
    finally:
        for process in processes.values():
            end(process)
        for log in logs.values():
            log.close()
    assert processes["web"].returncode == 0, (tmp_path / "web.log").read_text()
