"""`egide serve`: gunicorn's threaded workers with the options a deployment sets in the environment; refused with
debug on or without a secret key; a graceful restart on SIGHUP (no request fails, new workers, the background
worker kept) and a graceful stop on SIGTERM (a request under way is answered in full, the background worker
stops too)."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from egide.core.serving import bind_address, default_workers, gunicorn_command, read_options
from egide.environment import SettingError
from tests.deployment.servers import alive, children, database_url, environment, servers

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the processes are followed through Linux's /proc")


# --- Options ---------------------------------------------------------------------------------------------------------


def test_the_defaults_suit_a_two_core_machine() -> None:
    options = read_options({})
    assert options.address == "127.0.0.1:8000"
    assert options.threads == 4
    assert (options.timeout, options.graceful_timeout, options.keepalive) == (120, 30, 5)
    assert (options.max_requests, options.access_log, options.task_worker) == (10_000, False, False)
    assert read_options({"EGIDE_SERVE_MAX_REQUESTS": "0"}).max_requests == 0
    assert default_workers(2) == 3
    assert default_workers(None) == 2
    assert default_workers(1) == 2


def test_the_environment_sets_every_option_and_the_command_line_wins() -> None:
    environ = {
        "EGIDE_SERVE_ADDRESS": "0.0.0.0:9000",
        "EGIDE_SERVE_WORKERS": "5",
        "EGIDE_SERVE_THREADS": "8",
        "EGIDE_SERVE_TIMEOUT": "30",
        "EGIDE_SERVE_GRACEFUL_TIMEOUT": "10",
        "EGIDE_SERVE_KEEPALIVE": "2",
        "EGIDE_SERVE_MAX_REQUESTS": "1000",
        "EGIDE_SERVE_ACCESS_LOG": "true",
        "EGIDE_SERVE_FORWARDED_ALLOW_IPS": "10.0.0.2",
        "EGIDE_SERVE_TASK_WORKER": "yes",
    }
    options = read_options(environ)
    command = gunicorn_command(options)
    pairs = dict(zip(command[4::2], command[5::2], strict=False))
    assert command[1:4] == ["-m", "gunicorn", "egide.wsgi:application"]
    assert pairs["--bind"] == "0.0.0.0:9000"
    assert pairs["--worker-class"] == "gthread"
    assert (pairs["--workers"], pairs["--threads"], pairs["--timeout"]) == ("5", "8", "30")
    assert (pairs["--graceful-timeout"], pairs["--keep-alive"]) == ("10", "2")
    assert command[command.index("--max-requests") + 1 : command.index("--max-requests") + 4] == [
        "1000",
        "--max-requests-jitter",
        "100",
    ]
    assert command[command.index("--access-logfile") + 1] == "-"
    assert pairs["--forwarded-allow-ips"] == "10.0.0.2"
    assert "--no-control-socket" in command
    assert options.task_worker
    assert read_options(environ, address="8123", task_worker=False).address == "127.0.0.1:8123"
    assert not read_options(environ, task_worker=False).task_worker


@pytest.mark.parametrize(
    ("raw", "address"),
    [
        ("8106", "127.0.0.1:8106"),
        ("127.0.0.1:8106", "127.0.0.1:8106"),
        ("0.0.0.0:80", "0.0.0.0:80"),
        ("[::1]:8080", "[::1]:8080"),
        ("egide.internal:8000", "egide.internal:8000"),
        ("unix:/run/egide/web.sock", "unix:/run/egide/web.sock"),
    ],
)
def test_an_address_is_read_like_runservers(raw: str, address: str) -> None:
    assert bind_address(raw) == address


@pytest.mark.parametrize("raw", ["", "http://127.0.0.1:8000", "127.0.0.1:99999", "127.0.0.1:0", "a b:80"])
def test_a_wrong_address_is_refused_naming_it(raw: str) -> None:
    with pytest.raises(SettingError, match="expected HOST:PORT"):
        bind_address(raw)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("EGIDE_SERVE_WORKERS", "many", "EGIDE_SERVE_WORKERS='many': expected a whole number"),
        ("EGIDE_SERVE_THREADS", "0", "EGIDE_SERVE_THREADS='0': must be at least 1"),
        ("EGIDE_SERVE_ACCESS_LOG", "perhaps", "EGIDE_SERVE_ACCESS_LOG='perhaps': expected true or false"),
    ],
)
def test_a_wrong_option_is_refused_naming_it(name: str, value: str, message: str) -> None:
    with pytest.raises(SettingError) as refused:
        read_options({name: value})
    assert str(refused.value) == message


# --- Refusals --------------------------------------------------------------------------------------------------------


def _serve(tmp_path: Path, *arguments: str, **variables: str) -> subprocess.CompletedProcess[str]:
    env = environment(database=f"sqlite:///{tmp_path / 'unused.sqlite3'}", data_dir=tmp_path) | variables
    for name in [name for name, value in env.items() if value == "-"]:
        del env[name]
    command = [sys.executable, "-m", "egide.cli", "serve", "--skip-checks", *arguments]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_serve_refuses_debug_on(tmp_path: Path) -> None:
    result = _serve(tmp_path, DEBUG="true")
    assert result.returncode == 1
    assert "egide serve refuses to run with DEBUG on" in result.stderr
    assert "Serving" not in result.stdout


def test_serve_refuses_to_start_without_a_secret_key_outside_local_use(tmp_path: Path) -> None:
    result = _serve(tmp_path, EGIDE_LOCAL="false", SECRET_KEY="-", ALLOWED_HOSTS="egide.example.org")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Setting refused: SECRET_KEY must be set when DEBUG is off (.env.example lists the settings)."
    )
    assert "Traceback" not in result.stderr


def test_serve_refuses_a_wrong_option_naming_it(tmp_path: Path) -> None:
    result = _serve(tmp_path, "8000", EGIDE_SERVE_WORKERS="two")
    assert result.returncode == 1
    assert "EGIDE_SERVE_WORKERS='two': expected a whole number" in result.stderr


# --- Signals ---------------------------------------------------------------------------------------------------------


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def _slow_post(port: int) -> tuple[socket.socket, bytes]:
    """A log-in form whose body is on its way: the headers and half of it sent."""
    body = b"username=someone&password=" + b"x" * 1974
    request = (
        b"POST /login/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
    )
    client = socket.create_connection(("127.0.0.1", port), timeout=60)
    client.sendall(request + body[:1000])
    return client, body[1000:]


def _read_all(client: socket.socket) -> bytes:
    answer = b""
    while chunk := client.recv(65536):
        answer += chunk
    client.close()
    return answer


@pytest.mark.django_db(transaction=True)
def test_sighup_restarts_the_workers_gracefully_and_sigterm_stops_gracefully(tmp_path: Path) -> None:
    env = environment(database=database_url(tmp_path / "served.sqlite3"), data_dir=tmp_path)
    with servers(env, tmp_path, 1, "--workers", "2", "--threads", "2", "--task-worker") as (server,):
        master = server.pid
        started = children(master)
        task_workers = {pid for pid in started if "db_worker" in _command_line(pid)}
        assert len(task_workers) == 1, [_command_line(pid) for pid in started]
        workers = started - task_workers
        assert len(workers) == 2

        # SIGHUP: requests keep being answered while new workers replace the old ones.
        answers: list[int] = []
        stop = threading.Event()

        def ask() -> None:
            while not stop.is_set():
                answers.append(server.get("/health/live").status_code)

        asking = threading.Thread(target=ask)
        asking.start()
        try:
            time.sleep(0.3)
            os.kill(master, signal.SIGHUP)
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline:
                now = children(master) - task_workers
                if len(now) == 2 and not now & workers:
                    break
                time.sleep(0.2)
            time.sleep(0.5)
        finally:
            stop.set()
            asking.join()
        renewed = children(master) - task_workers
        assert len(renewed) == 2, server.output()
        assert not renewed & workers, server.output()
        assert answers, "no request was made during the restart"
        assert set(answers) == {200}, answers
        assert "Hang up" in server.output()
        assert all(alive(pid) for pid in task_workers)  # the background worker is left as it was
        assert server.get("/health/ready").status_code == 200

        # SIGTERM with a request under way: it is answered in full, then everything stops.
        port = int(server.url.rsplit(":", 1)[1])
        client, rest = _slow_post(port)
        time.sleep(0.5)
        os.kill(master, signal.SIGTERM)
        time.sleep(1)
        client.sendall(rest)
        answer = _read_all(client)
        assert answer.startswith(b"HTTP/1.1 403"), answer[:300]  # the log-in form's CSRF refusal, sent whole
        assert answer.rstrip().endswith(b"</html>")
        assert server.process.wait(timeout=60) == 0, server.output()
        deadline = time.monotonic() + 30
        while any(alive(pid) for pid in task_workers | renewed) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(alive(pid) for pid in task_workers | renewed)
        with pytest.raises(requests.ConnectionError):
            server.get("/health/live")
