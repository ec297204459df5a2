"""The platform under load, served as in production, on SQLite and PostgreSQL: steps of concurrent users, then a soak.

For each database: a data folder of its own (and a throwaway PostgreSQL database), `egide setup` (migrations, the
static files, the demo), a generated country of 5,000 actors and 25,000 relationships (benchmarks/generate.py,
imported as the platform and made public, so that anonymous readers get the whole large map), and the sessions of
several demo users; then the production server (`egide serve`: gunicorn with threaded workers) on the loopback
interface, and locust (headless, bounded in users and time) with the mix of `load_users.py`: country pages, the map
API, governance pages, actor pages, searches, the findings API and exports, half the users anonymous and half signed
in.

- **Steps**: 1, 10, 50 and 100 concurrent users (`--steps`), each for `--step-seconds`, every user thinking 2 to 8
  s between an answer and its next request (`--think`, benchmarks/think.py), as people reading pages do: requests
  per second, p50/p95/p99, errors, and the CPU time of the server's processes per request (the machine is shared:
  CPU time says what a request costs whatever else runs).
- **Saturation**: 1 and 10 users (`--saturation-steps`) for `--saturation-seconds` each, sending their next request
  as soon as the last is answered (no think time): what the server can serve, and how much more ten users get
  served than one (with think time, ten users ask ten times as often as one whatever the server does, so that ratio
  is measured here).
- **Soak**: `--soak-users` (50) for `--soak-seconds` (600), the resident memory of every server process (and of
  the background worker) sampled every `--sample-seconds`: its slope over the soak after its first quarter, and
  whether it is flat.

Only 127.0.0.1 is ever served or loaded. Run `python benchmarks/load.py --help` for the options; `make load`.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCHMARKS_DIR = Path(__file__).resolve().parent
START_MARKER = "<!-- loadfuzz:start -->"
END_MARKER = "<!-- loadfuzz:end -->"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/egide_load_bench"
HOST = "127.0.0.1"
STEPS = (1, 10, 50, 100)
MAX_USERS = 200  # bounded: a load test of this machine, not of the network
DEMO_USERS = ("ef-viewer", "ef-editor", "strss-editor", "csrp-editor", "meae-editor")
SEARCH_TERMS = ("police", "justice", "min", "gend", "a")
ACTOR_SAMPLE = 300

sys.path.insert(0, str(BENCHMARKS_DIR))
from common import (  # noqa: E402
    PROJECT_DIR,
    child_environment,
    command_line,
    cores,
    database_title,
    databases_asked,
    machine_line,
    now_utc,
    recreate_postgres,
    write_results,
)
from think import think_range, think_text  # noqa: E402

# ------------------------------------------------------------------------------------------------- the figures


@dataclass
class Step:
    users: int
    seconds: float
    think: str = "0"  # benchmarks/think.py
    requests: int = 0
    failures: int = 0
    rps: float = 0.0
    p50: float = 0.0
    p95: float = 0.0
    p99: float = 0.0
    server_cpu: float = 0.0  # seconds of CPU of the server's processes during the step
    locust_cpu: float = 0.0
    load: float = 0.0  # the 1-minute load average at the end
    by_name: dict[str, dict[str, float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


@dataclass
class Memory:
    """One process's resident memory during the soak: (seconds since the start, MiB) samples."""

    label: str
    samples: list[tuple[float, float]] = field(default_factory=list)

    def settled(self) -> list[tuple[float, float]]:
        """The samples after the soak's first quarter (workers fill their caches and pools at first)."""
        if not self.samples:
            return []
        end = self.samples[-1][0]
        return [sample for sample in self.samples if sample[0] >= end / 4]

    def slope(self) -> float:
        """MiB per minute, least squares over the settled samples."""
        points = self.settled()
        if len(points) < 3:
            return 0.0
        slope, _intercept = statistics.linear_regression([t / 60 for t, _ in points], [m for _, m in points])
        return slope

    def flat(self) -> bool:
        """Flat: what the slope adds over the settled part is under 5 MiB or 3% of the memory."""
        points = self.settled()
        if len(points) < 3:
            return True
        minutes = (points[-1][0] - points[0][0]) / 60
        growth = self.slope() * minutes
        return growth < max(5.0, 0.03 * statistics.fmean(m for _, m in points))


@dataclass
class Soak:
    users: int
    seconds: float
    step: Step | None = None
    memory: list[Memory] = field(default_factory=list)


@dataclass
class DatabaseLoad:
    database: str
    version: str = ""
    server: str = ""
    worker: str = ""
    steps: list[Step] = field(default_factory=list)
    saturation: list[Step] = field(default_factory=list)
    soak: Soak | None = None
    skipped: str = ""
    failed: str = ""


# -------------------------------------------------------------------------------------------- the processes


def _egide() -> list[str]:
    return [sys.executable, "-m", "egide.cli"]


def _has_command(name: str, env: dict[str, str]) -> bool:
    """Whether `egide NAME` exists (its help exits 0)."""
    found = subprocess.run([*_egide(), name, "--help"], env=env, capture_output=True, check=False)
    return found.returncode == 0


def _server_command(port: int, *, workers: int, threads: int) -> list[str]:
    """The production server's command line, listening on 127.0.0.1:port."""
    return [*_egide(), "serve", "--workers", str(workers), "--threads", str(threads), f"{HOST}:{port}"]


def _worker_command(env: dict[str, str]) -> list[str]:
    """The background worker: `egide worker` where it exists, else the tasks framework's own db_worker."""
    if _has_command("worker", env):
        return [*_egide(), "worker"]
    return [*_egide(), "db_worker", "--no-reload", "--interval", "1", "--verbosity", "0"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], timeout: float = 240) -> None:
    """Until url answers 200 (the workers start slowly on a busy machine); RuntimeError with the last answer."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before serving")
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                if response.status == 200:
                    return
                last = f"status {response.status}"
        except urllib.error.HTTPError as error:
            last = f"status {error.code}"
        except OSError as error:
            last = str(error)
        time.sleep(1)
    raise RuntimeError(f"the server did not answer {url} within {timeout:.0f} s ({last})")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process (its workers stop with it; a graceful shutdown), SIGKILL after 20 s."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _children(pid: int) -> list[int]:
    """The process's descendants, as /proc tells them."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _cpu_seconds(pid: int) -> float:
    """user + system CPU time of the process (its own, not its children's)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _tree_cpu(pid: int) -> dict[int, float]:
    return {process: _cpu_seconds(process) for process in [pid, *_children(pid)]}


def _cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two readings of a tree (a process that appeared counts from zero)."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


# ----------------------------------------------------------------------------------------- the preparation


def prepare(args: argparse.Namespace) -> int:
    """In a child process with the database's settings, after `egide setup`: the generated country imported and
    made public, the demo users' sessions, and the plan that load_users.py reads."""
    import django

    django.setup()
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User

    from common import analyse, database_version
    from egide.accounts.models import Confidentiality
    from egide.actors.documents import read_map_file
    from egide.actors.importer import country_map_import
    from egide.actors.models import Actor, Relationship
    from generate import generate_map

    generated = generate_map(actors=args.actors, relationships=args.actors * 5, seed=args.seed, country=args.country)
    report = country_map_import(
        user=None, country=args.country, tables=read_map_file(generated.to_zip(), filename="map.zip")
    )
    assert report.actors_created == args.actors, report
    for model in (Actor, Relationship):
        model.objects.filter(country=args.country).update(confidentiality=Confidentiality.PUBLIC)
    analyse()
    store = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = []
    for user in User.objects.filter(username__in=DEMO_USERS).order_by("username"):
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append({"user": user.username, "cookie": settings.SESSION_COOKIE_NAME, "value": session.session_key})
    countries = sorted({"CF", "CD", args.country})
    actors = {
        code: list(
            Actor.objects.filter(country=code, confidentiality=Confidentiality.PUBLIC)
            .order_by("?")
            .values_list("pk", flat=True)[:ACTOR_SAMPLE]
        )
        for code in countries
    }
    plan = {
        "countries": countries,
        "actors": actors,
        "sessions": sessions,
        "search_terms": list(SEARCH_TERMS),
        "version": database_version(),
    }
    Path(args.prepare).write_text(json.dumps(plan), encoding="utf-8")
    return 0


# ------------------------------------------------------------------------------------------------- locust


def _locust(
    *, url: str, users: int, seconds: float, plan: Path, folder: Path, name: str, think: str
) -> tuple[Step, float]:
    """One locust run, headless: users spawned at once, statistics reset once they are all running; the step's
    figures from locust's CSV, and locust's own CPU seconds."""
    prefix = folder / name
    env = os.environ | {"EGIDE_LOAD_PLAN": str(plan), "EGIDE_LOAD_THINK_SECONDS": str(think)}
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(BENCHMARKS_DIR / "load_users.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{int(seconds)}s",
        "--host",
        url,
        "--csv",
        str(prefix),
        "--reset-stats",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--stop-timeout",  # the requests under way at the end are answered, not cut
        "30",
        "--exit-code-on-error",
        "0",
    ]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with (folder / f"{name}.log").open("wb") as log:  # locust's summary and warnings, kept beside its CSV
        subprocess.run(command, env=env, check=True, cwd=PROJECT_DIR, stdout=log, stderr=subprocess.STDOUT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    step = Step(users=users, seconds=seconds, think=think)
    with (folder / f"{name}_stats.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            figures = {
                "requests": float(row["Request Count"]),
                "failures": float(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
                "p99": float(row["99%"] or 0),
            }
            if row["Name"] == "Aggregated":
                step.requests, step.failures = int(figures["requests"]), int(figures["failures"])
                step.rps, step.p50, step.p95, step.p99 = (figures[key] for key in ("rps", "p50", "p95", "p99"))
            else:
                step.by_name[row["Name"]] = figures
    failures = folder / f"{name}_failures.csv"
    if failures.exists():
        with failures.open(encoding="utf-8") as handle:
            step.errors = [f"{row['Occurrences']}× {row['Name']}: {row['Error']}" for row in csv.DictReader(handle)]
    return step, cpu


def _check_mix(url: str, plan: dict[str, Any]) -> None:
    """Every kind of request of the mix answers 200 before anything is measured, and a demo user's session signs
    in (its name is on the page)."""
    code = plan["countries"][-1]
    paths = [
        f"/countries/{code}/",
        f"/countries/{code}/actors/",
        f"/api/v1/countries/{code}/map",
        f"/countries/{code}/governance/",
        f"/actors/{plan['actors'][code][0]}/",
        f"/countries/{code}/actors/table/?q=police",
        "/references/documents/?q=police",
        f"/api/v1/countries/{code}/findings",
        f"/countries/{code}/export.csv",
    ]
    session = plan["sessions"][0]
    for cookie in ("", f"{session['cookie']}={session['value']}"):
        for path in paths:
            request = urllib.request.Request(url + path, headers={"Cookie": cookie} if cookie else {})
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    body = response.read()
            except urllib.error.HTTPError as error:
                raise RuntimeError(f"{path} answered {error.code} ({'signed in' if cookie else 'anonymous'})") from None
            if cookie and path == paths[0] and session["user"].encode() not in body:
                raise RuntimeError(f"the session of {session['user']} did not sign in")


def _sample_memory(server: int, worker: int, soak: Soak, every: float, stop: threading.Event) -> None:
    started = time.monotonic()
    memory: dict[int, Memory] = {}
    while not stop.wait(every if memory else 0):
        elapsed = time.monotonic() - started
        children = _children(server)
        labelled = [(server, "server (master)")]
        labelled += [(pid, f"server worker {index + 1}") for index, pid in enumerate(sorted(children))]
        labelled.append((worker, "task worker"))
        for pid, label in labelled:
            rss = _rss_mib(pid)
            if rss is not None:
                memory.setdefault(pid, Memory(label=f"{label} (pid {pid})")).samples.append((elapsed, rss))
    soak.memory = list(memory.values())


# ---------------------------------------------------------------------------------------------- a database


def run_database(database: str, args: argparse.Namespace, work: Path) -> DatabaseLoad:
    result = DatabaseLoad(database=database)
    data_dir = work / database
    (data_dir / "static").mkdir(parents=True)
    database_url = f"sqlite:///{data_dir / 'egide.sqlite3'}"
    if database == "postgresql":
        try:
            recreate_postgres(args.postgres_url)
        except Exception as error:  # any failure to reach the server: skip it, say why
            result.skipped = f"no PostgreSQL server answered: {error}"
            return result
        database_url = args.postgres_url
    env = os.environ | child_environment(database_url, data_dir)
    env["LOG_LEVEL"] = "WARNING"
    # The workers are never replaced during the run: the soak measures whether their own memory stays flat.
    env["EGIDE_SERVE_MAX_REQUESTS"] = "0"
    # An idle connection kept longer than a user thinks. With the default 5 s, the server closes a connection just
    # as a user who thought 5 s sends its next request on it, and locust's client, unlike a browser, does not send
    # it again on a new connection: "connection reset" errors that say nothing of the server's capacity.
    env["EGIDE_SERVE_KEEPALIVE"] = str(int(think_range(args.think)[1]) + 5)
    # The processes run in the data folder: the source folders on the path made absolute.
    env["PYTHONPATH"] = os.pathsep.join(
        str(Path(entry).resolve()) for entry in env.get("PYTHONPATH", "").split(os.pathsep) if entry
    )
    server = worker = None
    try:
        print(f"[{database}] egide setup (migrations, static files, the demo)", flush=True)
        subprocess.run([*_egide(), "setup", "--address", f"{HOST}:8000"], env=env, check=True, capture_output=True)
        print(f"[{database}] the generated country {args.country}: {args.actors:,} actors", flush=True)
        plan_path = data_dir / "plan.json"
        subprocess.run([sys.executable, __file__, "--prepare", str(plan_path), *_sizes(args)], env=env, check=True)
        plan = json.loads(plan_path.read_text(encoding="utf-8"))
        result.version = plan["version"]
        port = _free_port()
        url = f"http://{HOST}:{port}"
        command = _server_command(port, workers=args.workers, threads=args.threads)
        result.server = " ".join(command[2:] if command[:2] == [sys.executable, "-m"] else command)
        worker_command = _worker_command(env)
        result.worker = " ".join(worker_command[2:])
        server = subprocess.Popen(command, env=env, cwd=data_dir)
        worker = subprocess.Popen(worker_command, env=env, cwd=data_dir)
        _wait_until_serving(url + "/", server)
        _check_mix(url, plan)
        print(f"[{database}] serving at {url}: {result.server}", flush=True)
        folder = data_dir / "locust"
        folder.mkdir()
        _locust(url=url, users=2, seconds=args.warmup_seconds, plan=plan_path, folder=folder, name="warmup", think="0")

        def measured(users: int, seconds: float, name: str, think: str) -> Step:
            before = _tree_cpu(server.pid)
            step, locust_cpu = _locust(
                url=url, users=users, seconds=seconds, plan=plan_path, folder=folder, name=name, think=think
            )
            step.server_cpu, step.locust_cpu = _cpu_used(before, _tree_cpu(server.pid)), locust_cpu
            step.load = os.getloadavg()[0]
            return step

        for users in args.step_list:
            result.steps.append(measured(users, args.step_seconds, f"step{users}", args.think))
            _print_step(database, result.steps[-1])
        for users in args.saturation_list:
            result.saturation.append(measured(users, args.saturation_seconds, f"saturation{users}", "0"))
            _print_step(database, result.saturation[-1], "saturation")
        if args.soak_seconds > 0:
            soak = Soak(users=args.soak_users, seconds=args.soak_seconds)
            stop = threading.Event()
            sampler = threading.Thread(
                target=_sample_memory, args=(server.pid, worker.pid, soak, args.sample_seconds, stop)
            )
            sampler.start()
            before = _tree_cpu(server.pid)
            try:
                soak.step, locust_cpu = _locust(
                    url=url,
                    users=args.soak_users,
                    seconds=args.soak_seconds,
                    plan=plan_path,
                    folder=folder,
                    name="soak",
                    think=args.think,
                )
            finally:
                stop.set()
                sampler.join()
            soak.step.server_cpu, soak.step.locust_cpu = _cpu_used(before, _tree_cpu(server.pid)), locust_cpu
            soak.step.load = os.getloadavg()[0]
            result.soak = soak
            _print_step(database, soak.step, "soak")
            for memory in soak.memory:
                print(f"    {memory.label}: {memory.slope():+.2f} MiB/min, {'flat' if memory.flat() else 'GROWS'}")
    except (subprocess.CalledProcessError, RuntimeError) as error:
        detail = getattr(error, "stderr", b"") or b""
        result.failed = f"{error} {detail.decode(errors='replace')[-2000:]}".strip()
        print(f"[{database}] FAILED: {result.failed}", flush=True)
    finally:
        for process in (server, worker):
            if process is not None:
                _stop(process)
        if database == "postgresql" and not args.keep:
            with contextlib.suppress(Exception):
                recreate_postgres(args.postgres_url, drop_only=True)
    return result


def _sizes(args: argparse.Namespace) -> list[str]:
    return ["--actors", str(args.actors), "--seed", str(args.seed), "--country", args.country]


def _print_step(database: str, step: Step, what: str = "") -> None:
    print(
        f"[{database}] {what or 'step'} {step.users:>3} users: {step.rps:7.1f} req/s, p50 {step.p50:.0f} ms, "
        f"p95 {step.p95:.0f} ms, p99 {step.p99:.0f} ms, {step.failures} errors of {step.requests}, "
        f"server CPU {_cpu_per_request(step)}/request, load {step.load:.1f}",
        flush=True,
    )


# --------------------------------------------------------------------------------------------- the section


def _cpu_per_request(step: Step) -> str:
    return f"{1000 * step.server_cpu / step.requests:.1f} ms" if step.requests else "–"


def _ratio(result: DatabaseLoad, users: int, base: int = 1) -> str:
    """Throughput at `users` ÷ at `base`, from the saturation steps (without think time) when there are some."""
    by_users = {step.users: step for step in result.saturation or result.steps}
    if users not in by_users or base not in by_users or not by_users[base].rps:
        return "–"
    return f"×{by_users[users].rps / by_users[base].rps:.2f}"


def render_section(results: list[DatabaseLoad], *, args: argparse.Namespace, argv: Sequence[str]) -> str:
    lines = [
        START_MARKER,
        "## Under load: the production server, 1 to 100 concurrent users, and a soak",
        "",
        f"Measured on {now_utc()} with `{command_line(__file__, argv)}` (from the project folder; `make load` runs "
        "the full steps and the 10-minute soak).",
        "",
        f"**Data**: `egide setup`'s demo (CF, CD and their users) and the generated country {args.country} "
        f"(`benchmarks/generate.py`, seed {args.seed}: {args.actors:,} actors, {args.actors * 5:,} relationships, "
        "made public). **Mix** (`benchmarks/load_users.py`, by weight): country page 4, actors tab 2, map API 3, "
        "governance page 2, actor page 4, actor search 2, document search 1, findings API 1, export (CSV or JSON) "
        f"1, on the three countries at random; half the users anonymous, half signed in as one of "
        f"{', '.join(DEMO_USERS)}. "
        + (
            f"In the steps, each user thinks {think_text(args.think)} (drawn evenly) between an answer and its next "
            "request, as a person reading the pages does"
            if think_range(args.think)[1]
            else "In the steps, each user sends its next request as soon as the last is answered"
        )
        + "; in the saturation steps, always at once. Any answer but 200 is an error.",
        "",
        f"**Method**: locust (headless, on the same machine, 127.0.0.1 only), every step {args.step_seconds:.0f} s "
        f"after a {args.warmup_seconds:.0f} s warm-up, its statistics reset once all its users run; percentiles as "
        "locust rounds them. **Server CPU/request**: the CPU time of the server's processes during the step "
        "divided by its requests (the database server's own CPU not included), a figure that depends little on "
        "what else runs; locust's own CPU is beside it. "
        f"{cores()} cores, shared with locust and the database.",
        "",
        "**Not final**: measured while other work used the same two cores (the load average is in each row); "
        "throughput and latencies are lower than on a quiet machine, the CPU time per request much less so.",
        "",
        machine_line(sorted({result.version for result in results if result.version.startswith("PostgreSQL")})),
        "",
    ]
    for result in results:
        lines.append(f"### {database_title(result.database)}")
        lines.append("")
        if result.skipped or result.failed:
            lines += [f"Not measured: {result.skipped or result.failed}", ""]
            continue
        lines += [
            f"Server: `{result.server}`; background worker: `{result.worker}`.",
            "",
            "| Users | Requests | Requests/s | p50 | p95 | p99 | Errors | Server CPU/request | Locust CPU | Load |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for step in result.steps:
            lines.append(_step_row(step))
        lines.append("")
        if result.saturation:
            lines += [
                "Saturation (no think time: each user asks again as soon as it is answered):",
                "",
                "| Users | Requests | Requests/s | p50 | p95 | p99 | Errors | Server CPU/request | Locust CPU | Load |",
                "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
                *[_step_row(step) for step in result.saturation],
                "",
            ]
        lines += [
            f"Throughput at 10 users ÷ at 1 user{', without think time' if result.saturation else ''}: "
            f"**{_ratio(result, 10)}**.",
            "",
        ]
        heaviest = next((step for step in result.steps if step.users == 50), result.steps[-1] if result.steps else None)
        if heaviest and heaviest.by_name:
            lines += [
                f"By kind of request at {heaviest.users} users:",
                "",
                "| Request | Count | p50 | p95 | p99 | Errors |",
                "|---|---:|---:|---:|---:|---:|",
            ]
            for name, figures in sorted(heaviest.by_name.items()):
                lines.append(
                    f"| {name} | {figures['requests']:.0f} | {figures['p50']:.0f} ms | {figures['p95']:.0f} ms | "
                    f"{figures['p99']:.0f} ms | {figures['failures']:.0f} |"
                )
            lines.append("")
        errors = [error for step in [*result.steps, *result.saturation] for error in step.errors]
        if result.soak and result.soak.step:
            errors += result.soak.step.errors
        if errors:
            lines += ["Errors:", "", *[f"- {error}" for error in errors[:12]], ""]
        if result.soak and result.soak.step:
            soak, soak_step = result.soak, result.soak.step
            lines += [
                f"**Soak**: {soak.users} users for {soak.seconds / 60:.1f} min:",
                "",
                "| Users | Requests | Requests/s | p50 | p95 | p99 | Errors | Server CPU/request | Locust CPU | Load |",
                "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
                _step_row(soak_step),
                "",
                f"Resident memory, sampled every {args.sample_seconds:.0f} s (slope by least squares after the "
                "first quarter; flat: it adds under 5 MiB or 3% over that part):",
                "",
                "| Process | Samples | First | Last | Peak | Slope | Flat |",
                "|---|---:|---:|---:|---:|---:|---|",
            ]
            for memory in soak.memory:
                values = [mib for _, mib in memory.samples]
                lines.append(
                    f"| {memory.label} | {len(values)} | {values[0]:.0f} MiB | {values[-1]:.0f} MiB | "
                    f"{max(values):.0f} MiB | {memory.slope():+.2f} MiB/min | {'yes' if memory.flat() else '**no**'} |"
                )
            lines.append("")
    lines.append(END_MARKER)
    return "\n".join(lines) + "\n"


def _step_row(step: Step) -> str:
    return (
        f"| {step.users} | {step.requests:,} | {step.rps:.1f} | {step.p50:.0f} ms | {step.p95:.0f} ms | "
        f"{step.p99:.0f} ms | {step.failures} | {_cpu_per_request(step)} | {step.locust_cpu:.0f} s | {step.load:.1f} |"
    )


# ------------------------------------------------------------------------------------------------ options


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--databases", default="sqlite,postgresql", help="among sqlite and postgresql")
    parser.add_argument(
        "--steps", default=",".join(map(str, STEPS)), help="concurrent users of each step (default %(default)s)"
    )
    parser.add_argument("--step-seconds", type=float, default=120, help="each step's length (default %(default)s)")
    parser.add_argument("--warmup-seconds", type=float, default=15, help="the warm-up (default %(default)s)")
    parser.add_argument("--soak-users", type=int, default=50, help="users of the soak (default %(default)s)")
    parser.add_argument("--soak-seconds", type=float, default=600, help="the soak's length, 0 for none (default 600)")
    parser.add_argument("--sample-seconds", type=float, default=5, help="memory sampled every (default %(default)s)")
    parser.add_argument(
        "--think",
        default="2-8",
        help="a user's think time in the steps and the soak: LOW-HIGH seconds, a mean, or 0 (default %(default)s)",
    )
    parser.add_argument(
        "--saturation-steps", default="1,10", help="users of the steps without think time (default %(default)s)"
    )
    parser.add_argument(
        "--saturation-seconds", type=float, default=60, help="each saturation step's length (default %(default)s)"
    )
    parser.add_argument(
        "--workers", type=int, default=2 * int(cores()) + 1, help="server processes (default 2 × cores + 1)"
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per server process (default %(default)s)")
    parser.add_argument("--actors", type=int, default=5000, help="actors of the generated country (default 5000)")
    parser.add_argument("--seed", type=int, default=20_251_129, help="the generator's seed")
    parser.add_argument("--country", default="AQ", help="the generated country's code (default %(default)s)")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("EGIDE_LOAD_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="a throwaway database, dropped and created again (its name must contain 'bench')",
    )
    parser.add_argument("--output", type=Path, help="the results file (default benchmarks/RESULTS.md)")
    parser.add_argument("--no-write", action="store_true", help="print the figures only")
    parser.add_argument("--keep", action="store_true", help="keep the data folders and the database")
    parser.add_argument("--save", type=Path, help="also keep the figures as JSON in this file")
    parser.add_argument("--from-saved", type=Path, help="write the section from figures kept with --save, no run")
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.country = args.country.upper()
    args.step_list = [int(users) for users in args.steps.split(",") if users.strip()]
    args.saturation_list = [int(users) for users in args.saturation_steps.split(",") if users.strip()]
    try:
        think_range(args.think)
    except ValueError as error:
        parser.error(str(error))
    if any(not 1 <= users <= MAX_USERS for users in [*args.step_list, *args.saturation_list, args.soak_users]):
        parser.error(f"users must be between 1 and {MAX_USERS}")
    if (
        not 5
        <= min(args.step_seconds, args.saturation_seconds)
        <= max(args.step_seconds, args.saturation_seconds)
        <= 3600
    ):
        parser.error("a step lasts 5 s to an hour")
    if args.soak_seconds > 4 * 3600:
        parser.error("a step lasts 5 s to an hour, the soak at most four hours")
    return args


def _run(args: argparse.Namespace, written: Callable[[list[DatabaseLoad]], None]) -> list[DatabaseLoad]:
    work = Path(tempfile.mkdtemp(prefix="egide-load-"))
    results: list[DatabaseLoad] = []
    try:
        for database in databases_asked(args.databases):
            results.append(run_database(database, args, work))
            written(results)
        return results
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"kept {work}")


def _step(saved: dict[str, Any]) -> Step:
    return Step(**saved)


def _loaded(saved: dict[str, Any]) -> DatabaseLoad:
    """A database's figures as --save kept them."""
    soak = saved.pop("soak")
    result = DatabaseLoad(**saved)
    result.steps = [_step(step) for step in saved["steps"]]
    result.saturation = [_step(step) for step in saved.get("saturation", [])]
    if soak:
        result.soak = Soak(
            users=soak["users"],
            seconds=soak["seconds"],
            step=_step(soak["step"]) if soak["step"] else None,
            memory=[
                Memory(label=memory["label"], samples=[(t, mib) for t, mib in memory["samples"]])
                for memory in soak["memory"]
            ],
        )
    return result


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse(argv)
    if args.prepare:
        return prepare(args)
    if not args.from_saved and subprocess.run([sys.executable, "-c", "import locust"], check=False).returncode:
        raise SystemExit("locust is not installed (pip install -r requirements.lock)")

    def written(results: list[DatabaseLoad]) -> None:
        """The figures so far, kept and written (after each database: a long run stopped keeps what it measured)."""
        if args.save:
            args.save.write_text(json.dumps([asdict(result) for result in results]), encoding="utf-8")
        section = render_section(results, args=args, argv=argv)
        print("\n" + section, flush=True)
        if not args.no_write:
            write_results(section, args.output or BENCHMARKS_DIR / "RESULTS.md", start=START_MARKER, end=END_MARKER)

    if args.from_saved:
        results = [_loaded(saved) for saved in json.loads(args.from_saved.read_text(encoding="utf-8"))]
        written(results)
    else:
        results = _run(args, written)
    return 1 if any(result.failed for result in results) else 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
