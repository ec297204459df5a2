"""Measure the findings' output: the findings API and `egide governance check` on generated maps.

For each size (1,000, 5,000 and 10,000 actors by default, five relationships each) and each database, in a child
process of its own (see common.py):

1. imports the generated map as the platform, gives every record an owner organisation and makes one actor and
   relationship in five visible to that organisation only (the rest public);
2. breaks the work of `GET /api/v1/countries/{code}/findings` down in-process, the cycle collector paused as the
   request pauses it: reading the graph (`selectors.country_graph`), the rules alone (`engine.run`), the findings
   with their decisions (`selectors.country_findings`), building the answer (`documents.findings_document`) and
   writing it (`json_output.dumps`);
3. times the whole request through Django's test client for platform staff (the whole map) and for a viewer of
   another organisation (the visibility filter applies: the findings are computed on the part they may see), in
   a separate process, once with this checkout's code and, with `--compare-src`, once with another's (main's);
4. at the largest size, times `egide governance check` as a command (process start included), table and JSON,
   with this checkout's code and the other's.

The figures go between `<!-- findings-output:start -->` and `<!-- findings-output:end -->` in RESULTS.md, with
cProfile's top lines when `--profile` is given.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCHMARKS_DIR = Path(__file__).resolve().parent
START_MARKER = "<!-- findings-output:start -->"
END_MARKER = "<!-- findings-output:end -->"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/egide_findings_output_bench"
SIZES = (1_000, 5_000, 10_000)
QUICK_SIZES = (300, 1_000)
COUNTRIES = ("AQ", "BV", "HM", "TF", "UM")  # uninhabited: no real map uses them
PER_ACTOR = 5
HIDDEN_EVERY = 5  # one record in five visible to its owner organisation only
CLI_AIM = 1.5  # seconds, process start included

sys.path.insert(0, str(BENCHMARKS_DIR))
from common import (  # noqa: E402
    PROJECT_DIR,
    DatabaseRun,
    Timing,
    add_child_options,
    add_database_options,
    analyse,
    benchmark_user,
    command_line,
    database_title,
    databases_asked,
    each_database,
    egide_command,
    load_sentence,
    machine_line,
    migrated_child,
    ms,
    now_utc,
    profile_table,
    repeat,
    run_child,
    setup_django,
    size_text,
    write_section,
)
from generate import DEFAULT_SEED, generate_map  # noqa: E402


@dataclass(slots=True)
class SizeResult:
    actors: int
    relationships: int
    country: str
    findings: int = 0
    viewer_findings: int = 0
    steps: list[Timing] = field(default_factory=list)
    requests: list[Timing] = field(default_factory=list)
    before: list[Timing] = field(default_factory=list)

    def step(self, label: str, timings: list[Timing] | None = None) -> Timing | None:
        return next((item for item in (timings or self.steps) if item.name == label), None)


@dataclass(slots=True)
class DatabaseResult(DatabaseRun):
    sizes: list[SizeResult] = field(default_factory=list)
    command: list[Timing] = field(default_factory=list)
    command_before: list[Timing] = field(default_factory=list)
    profiles: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def from_json(data: dict[str, Any]) -> DatabaseResult:
        def timings(items: list[dict[str, Any]]) -> list[Timing]:
            return [Timing(**item) for item in items]

        sizes = [
            SizeResult(
                **{key: value for key, value in item.items() if key not in ("steps", "requests", "before")},
                steps=timings(item["steps"]),
                requests=timings(item["requests"]),
                before=timings(item["before"]),
            )
            for item in data.pop("sizes")
        ]
        command, before = timings(data.pop("command")), timings(data.pop("command_before"))
        data["load"] = tuple(data["load"])
        return DatabaseResult(**data, sizes=sizes, command=command, command_before=before)


# ------------------------------------------------------------------------------------------- the child process


def child(args: argparse.Namespace) -> int:
    result = DatabaseResult(database=args.child)
    return migrated_child(args, f"egide-findings-{args.child}-", result, _measure)


def _prepare(maps: list[dict[str, Any]]) -> None:
    """Import each map as the platform; an owner for every record, one in five visible to it alone; the users."""
    from django.db import connection
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from egide.accounts.models import Organisation, OrganisationType, Role
    from egide.actors.documents import read_map_file
    from egide.actors.importer import country_map_import
    from egide.actors.models import Actor, Relationship

    owner, other = (
        Organisation.objects.create(
            name_en=name, name_fr=name, acronym=name[:4].upper(), type=OrganisationType.SECRETARIAT
        )
        for name in ("Owner", "Partner")
    )
    for item in maps:
        print(f"[{connection.vendor}] import {item['actors']} actors into {item['country']}", flush=True)
        data = Path(item["path"]).read_bytes()
        report = country_map_import(user=None, country=item["country"], tables=read_map_file(data, filename="map.zip"))
        assert report.actors_created == item["actors"], report
        for model in (Actor, Relationship):
            records = model.objects.filter(country=item["country"])
            records.update(owner=owner, confidentiality="public")
            hidden = [pk for pk in records.values_list("pk", flat=True) if pk % HIDDEN_EVERY == 0]
            model.objects.filter(pk__in=hidden).update(confidentiality="organisation")
    analyse()
    staff = benchmark_user("staff", staff=True)
    TOTPDevice.objects.create(user=staff, name="Benchmark", confirmed=True)  # the timer's session confirms it
    benchmark_user("viewer", [(other.pk, Role.VIEWER, [])])


def _breakdown(size: SizeResult, args: argparse.Namespace) -> None:
    """The request's steps, in-process, with this checkout's code, the collector paused as the request pauses it."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from egide.core.collection import paused_collection
    from egide.core.json_output import dumps
    from egide.governance import engine, selectors
    from egide.governance.documents import findings_document

    country, day = size.country, timezone.localdate()
    staff = User.objects.get(username="bench-staff")
    viewer = User.objects.get(username="bench-viewer")
    runs, warmup = args.runs, args.warmup

    def rules() -> float:
        fresh = selectors.country_graph(country=country)  # the rules' memo of reaches lives with the graph
        overrides = selectors.rule_overrides(country=country)
        started = time.perf_counter()
        engine.run(fresh, as_of=day, overrides=overrides)
        return time.perf_counter() - started

    def findings(user: Any) -> Callable[[], object]:
        return lambda: selectors.country_findings(user=user, country=country, as_of=day)

    with paused_collection():
        result = selectors.country_findings(user=staff, country=country, as_of=day)
        document = findings_document(result, country=country, as_of=day)
        size.findings = len(result.findings)
        size.viewer_findings = len(selectors.country_findings(user=viewer, country=country, as_of=day).findings)
        for _ in range(warmup):
            rules()
        size.steps.append(Timing("rules alone: engine.run()", "", [rules() for _ in range(runs)]))
        steps: list[tuple[str, Callable[[], object]]] = [
            ("graph read: selectors.country_graph()", lambda: selectors.country_graph(country=country)),
            ("findings, platform staff: selectors.country_findings() (graph, rules, decisions)", findings(staff)),
            ("findings, viewer: selectors.country_findings() (on the part visible)", findings(viewer)),
            (
                "answer built: documents.findings_document()",
                lambda: findings_document(result, country=country, as_of=day),
            ),
            ("answer written: json_output.dumps()", lambda: dumps(document)),
        ]
        for label, call in steps:
            size.steps.append(Timing(label, "", repeat(call, runs, warmup)))


TIMER = r"""
import json, sys, time, django
django.setup()
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice
spec = json.loads(sys.argv[1])
answers = []
for username, label in (("bench-staff", "platform staff"), ("bench-viewer", "viewer (visibility filter)")):
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    url = spec["url"]
    for _ in range(spec["warmup"]):
        assert client.get(url).status_code == 200
    seconds = []
    for _ in range(spec["runs"]):
        started = time.perf_counter()
        response = client.get(url)
        seconds.append(time.perf_counter() - started)
        assert response.status_code == 200, response.content[:300]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    answers.append(
        {"name": label, "path": url, "runs": seconds, "queries": len(queries), "size": len(response.content)}
    )
    if spec.get("profile") and username == "bench-staff":
        import cProfile, pstats, io
        profiler = cProfile.Profile()
        profiler.runcall(client.get, url)
        profiler.dump_stats(spec["profile"])
print("RESULT " + json.dumps(answers))
"""


_BYTECODE: dict[Path, str] = {}


def _source_environment(source: Path) -> dict[str, str]:
    """The environment of a process running `source`'s code, with its bytecode cached (a folder of the run's own per
    source, written by the first run, which is not timed), as an installed Égide's is: with
    PYTHONDONTWRITEBYTECODE, every start would compile Égide's modules again."""
    if source not in _BYTECODE:
        _BYTECODE[source] = tempfile.mkdtemp(prefix="egide-findings-bytecode-")
    environment = {
        **os.environ,
        "PYTHONPATH": str(source),
        "DJANGO_SETTINGS_MODULE": "egide.settings",
        "PYTHONPYCACHEPREFIX": _BYTECODE[source],
    }
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    return environment


def _timed_requests(source: Path, size: SizeResult, args: argparse.Namespace, profile: Path | None) -> list[Timing]:
    """The whole request for staff and the viewer, in a process running the code of `source`."""
    spec = {"url": f"/api/v1/countries/{size.country.lower()}/findings", "runs": args.runs, "warmup": args.warmup}
    if profile is not None:
        spec["profile"] = str(profile)
    done = subprocess.run(
        [sys.executable, "-c", TIMER, json.dumps(spec)],
        env=_source_environment(source),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the request timer failed with {source}:\n{done.stderr[-3000:]}")
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    return [Timing(**item) for item in json.loads(line.removeprefix("RESULT "))]


COMMAND_VARIANTS: tuple[tuple[str, list[str], bool], ...] = (
    ("table, cold", [], True),
    ("table", [], False),
    ("JSON", ["--format", "json"], False),
)
"""The command's variants timed: cold (the shared cache emptied before each run: the graph read and the rules run,
the entry written), then warm (the entry read from the shared cache), as a table and as JSON."""


def _run_command(command: list[str], source: Path, *, cold: bool) -> tuple[float, float]:
    """One run of the command: its wall time and its CPU time (user + system)."""
    if cold:
        from django.core.cache import cache

        cache.clear()  # the child's own settings: the same cache as the command's
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        command, env=_source_environment(source), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.decode()[-2000:]}")
    return elapsed, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def _timed_commands(sources: Sequence[Path], country: str, args: argparse.Namespace) -> list[list[Timing]]:
    """`egide governance check` as a user runs it, process start included, with each source's code: cold, then
    warm as a table and as JSON. The sources take turns run after run, so that a change in the machine's load
    falls on all of them alike."""
    found: list[list[Timing]] = [[] for _ in sources]
    for label, extra, cold in COMMAND_VARIANTS:
        command = [*egide_command(), "governance", "check", country, *extra]
        seconds: list[list[float]] = [[] for _ in sources]
        cpu: list[list[float]] = [[] for _ in sources]
        for run in range(args.command_runs + 1):
            for index, source in enumerate(sources):
                elapsed, used = _run_command(command, source, cold=cold)
                if run:  # the first run warms the operating system's caches
                    seconds[index].append(elapsed)
                    cpu[index].append(used)
        name = f"`egide governance check {country}` ({label})"
        for index in range(len(sources)):
            found[index].append(Timing(name, " ".join(command), seconds[index], cpu=statistics.median(cpu[index])))
    return found


def _profiled_command(source: Path, country: str, profile: Path) -> None:
    """cProfile of one cold run of the command (table)."""
    from django.core.cache import cache

    cache.clear()
    subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "egide.cli", "governance", "check", country],
        env=_source_environment(source),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        check=False,
    )


def _profile_text(path: Path) -> str:
    calls, table = profile_table(str(path), "cumulative", 22)
    text = "\n".join(calls + table)
    for prefix in (str(PROJECT_DIR) + "/", str(Path(sys.prefix)) + "/lib/python3.12/site-packages/"):
        text = text.replace(prefix, "")
    return text.rstrip()


def _measure(args: argparse.Namespace, result: DatabaseResult) -> None:
    result.version = setup_django()
    maps = json.loads(Path(args.file).read_text(encoding="utf-8"))
    _prepare(maps)
    here = PROJECT_DIR / "src"
    other = Path(args.compare_src).resolve() if args.compare_src else None
    profiles = Path(tempfile.mkdtemp(prefix="egide-findings-profiles-"))
    try:
        for item in maps:
            size = SizeResult(actors=item["actors"], relationships=item["relationships"], country=item["country"])
            print(f"[{args.child}] {size.actors} actors: the request's steps", flush=True)
            _breakdown(size, args)
            profile = args.profile and item is maps[-1]
            print(f"[{args.child}] {size.actors} actors: whole requests", flush=True)
            size.requests = _timed_requests(here, size, args, profiles / "request.prof" if profile else None)
            if other is not None:
                size.before = _timed_requests(other, size, args, profiles / "request-before.prof" if profile else None)
            result.sizes.append(size)
        largest = maps[-1]["country"]
        print(f"[{args.child}] the command at {maps[-1]['actors']} actors", flush=True)
        timed = _timed_commands([here] if other is None else [here, other], largest, args)
        result.command = timed[0]
        if other is not None:
            result.command_before = timed[1]
        if args.profile:
            _profiled_command(here, largest, profiles / "command.prof")
            if other is not None:
                _profiled_command(other, largest, profiles / "command-before.prof")
        for path in sorted(profiles.glob("*.prof")):
            result.profiles[path.stem] = _profile_text(path)
    finally:
        shutil.rmtree(profiles, ignore_errors=True)


# ------------------------------------------------------------------------------------------ the parent process


def _growth(sizes: list[SizeResult], pick: Callable[[SizeResult], Timing | None]) -> str:
    """Each size's time over the one before, beside how much the data grew."""
    parts = []
    for smaller, larger in itertools.pairwise(sizes):
        first, second = pick(smaller), pick(larger)
        if first is None or second is None:
            continue
        parts.append(
            f"×{second.median / first.median:.1f} for ×{larger.relationships / smaller.relationships:.0f} data"
        )
    return "; ".join(parts)


def render(results: list[DatabaseResult], argv: Sequence[str], args: argparse.Namespace) -> str:
    lines = [
        START_MARKER,
        "## The findings' output: the findings API and `egide governance check`",
        "",
        f"Measured on {now_utc()} with `{command_line(__file__, argv)}`.",
        "",
        "**Data**: maps generated by `benchmarks/generate.py` (seed "
        f"{args.seed}), {PER_ACTOR} relationships per actor, imported as the platform; every record owned by one "
        f"organisation, one actor and one relationship in {HIDDEN_EVERY} visible to it alone, the rest public.",
        "",
        "**Method**: one child process per database (`DEBUG=false`). The request's steps are timed in-process "
        "with this checkout's code, the cycle collector paused as the request pauses it (median of "
        f"{args.runs} runs after {args.warmup} warm-up). The whole request (`GET /api/v1/countries/{{code}}/findings`"
        ", Django's test client, no network) is timed in a separate process for platform staff (the whole map) and "
        "for a viewer of another organisation (the visibility filter: their findings are computed on the part they "
        "may see); with `--compare-src`, the same requests and the same command are timed again in a process "
        "running the other checkout's code on the same database (**before**). The command is timed as a user runs "
        f"it, process start included, median of {args.command_runs} runs after one more (CPU: user + system): "
        "**cold** with the shared cache emptied before each run (the graph read, the rules run and the entry "
        "written), then warm (the entry read from the shared cache); with `--compare-src`, this checkout and the "
        "other take turns run after run.",
        "",
        machine_line([result.version for result in results if result.version.startswith("PostgreSQL")]),
        "",
        f"**Aims**: building and writing the answer at most half the rules' own time; time growing with the data; "
        f"`egide governance check` at the largest size under {CLI_AIM:.1f} s wall, process start included.",
        "",
    ]
    for result in results:
        title = database_title(result.database)
        lines.append(f"### {title} ({result.version or 'not measured'})")
        lines.append("")
        if result.skipped or result.failed:
            lines += [f"Not measured: {result.skipped or result.failed}.", ""]
            continue
        lines += [load_sentence(result.load) + ".", ""]
        sizes = result.sizes
        header = "| step | " + " | ".join(f"{size.actors:,} actors" for size in sizes) + " | growth |"
        lines += [header, "| --- |" + " ---: |" * len(sizes) + " --- |"]
        for label in [step.name for step in sizes[0].steps]:
            cells = []
            for size in sizes:
                step = size.step(label)
                cells.append(ms(step.median) if step else "")
            grow = _growth(sizes, functools.partial(lambda size, name: size.step(name), name=label))
            lines.append(f"| {label} | " + " | ".join(cells) + f" | {grow} |")
        for label in [request.name for request in sizes[0].requests]:
            for before in (False, True):
                if before and not sizes[0].before:
                    continue
                group = "before" if before else "after"

                def pick(size: SizeResult, name: str = label, old: bool = before) -> Timing | None:
                    return size.step(name, size.before if old else size.requests)

                cells = []
                for size in sizes:
                    found = pick(size)
                    cells.append(f"{ms(found.median)} ({found.queries} queries)" if found else "")
                lines.append(
                    f"| whole request, {label}, **{group}** | " + " | ".join(cells) + f" | {_growth(sizes, pick)} |"
                )
        lines.append(
            "| findings (staff / viewer) | "
            + " | ".join(f"{size.findings:,} / {size.viewer_findings:,}" for size in sizes)
            + " | |"
        )
        lines.append(
            "| answer's size (staff) | "
            + " | ".join(size_text(next((t.size for t in size.requests if t.size), 0)) for size in sizes)
            + " | |"
        )
        lines.append("")
        share = []
        for size in sizes:
            rules = size.step("rules alone: engine.run()")
            built = size.step("answer built: documents.findings_document()")
            written = size.step("answer written: json_output.dumps()")
            if rules and built and written:
                share.append(f"{size.actors:,} actors {(built.median + written.median) / rules.median:.2f}")
        lines += ["Building and writing the answer, over the rules' own time: " + "; ".join(share) + ".", ""]
        if result.command:
            lines += [
                "| command at " + f"{sizes[-1].actors:,} actors | median wall | fastest | CPU (median) | aim |",
                "| --- | ---: | ---: | ---: | --- |",
            ]
            for group, timings in (("after", result.command), ("before", result.command_before)):
                for timing in timings:
                    verdict = "met" if timing.median < CLI_AIM else "**missed**"
                    lines.append(
                        f"| {timing.name}, **{group}** | {ms(timing.median)} | {ms(timing.fastest)} | "
                        f"{ms(timing.cpu or 0)} | < {CLI_AIM:.1f} s: {verdict if group == 'after' else '—'} |"
                    )
            lines.append("")
        for name, text in result.profiles.items():
            what = {
                "command": "`egide governance check` (table, cold), after",
                "command-before": "`egide governance check` (table, cold), before",
                "request": "the findings request, platform staff, after",
                "request-before": "the findings request, platform staff, before",
            }.get(name, name)
            lines += [
                f"<details><summary>cProfile, {title}, {what}, at {sizes[-1].actors:,} actors (top lines by "
                "cumulative time)</summary>",
                "",
                "```",
                text,
                "```",
                "",
                "</details>",
                "",
            ]
    lines.append(END_MARKER)
    return "\n".join(lines) + "\n"


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", help="actors per map, comma-separated (default 1000,5000,10000)")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per step and request (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs before them (default 1)")
    parser.add_argument("--command-runs", type=int, default=5, help="timed runs of the command (default 5)")
    parser.add_argument(
        "--compare-src", help="the src folder of another checkout (e.g. main's) to time before/after on the same data"
    )
    parser.add_argument("--profile", action="store_true", help="also keep cProfile's top lines at the largest size")
    add_database_options(
        parser,
        quick={"actors": QUICK_SIZES[-1], "relationships": QUICK_SIZES[-1] * PER_ACTOR, "runs": 2},
        seed=DEFAULT_SEED,
        country=COUNTRIES[0],
        postgres=("EGIDE_FINDINGS_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
    )
    add_child_options(parser)
    args = parser.parse_args(argv)
    sizes = args.sizes or ",".join(str(size) for size in (QUICK_SIZES if args.quick else SIZES))
    args.size_list = [int(size) for size in sizes.split(",")]
    if len(args.size_list) > len(COUNTRIES):
        parser.error(f"at most {len(COUNTRIES)} sizes")
    if args.quick:
        args.runs, args.warmup, args.command_runs = 2, 1, 2
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse(argv)
    if args.child:
        return child(args)
    databases = databases_asked(args.databases)
    work = Path(tempfile.mkdtemp(prefix="egide-findings-"))
    try:
        maps = []
        for size, country in zip(args.size_list, COUNTRIES, strict=False):
            generated = generate_map(actors=size, relationships=size * PER_ACTOR, seed=args.seed, country=country)
            path = work / f"{country}.zip"
            path.write_bytes(generated.to_zip())
            maps.append(
                {
                    "actors": len(generated.actors),
                    "relationships": len(generated.relationships),
                    "country": country,
                    "path": str(path),
                }
            )
        spec = work / "maps.json"
        spec.write_text(json.dumps(maps), encoding="utf-8")
        options = ["--file", str(spec), "--runs", str(args.runs), "--warmup", str(args.warmup)]
        options += ["--command-runs", str(args.command_runs), "--seed", str(args.seed)]
        if args.compare_src:
            options += ["--compare-src", str(Path(args.compare_src).resolve())]
        if args.profile:
            options.append("--profile")
        results = each_database(
            databases,
            functools.partial(
                run_child,
                __file__,
                args=args,
                options=options,
                empty=DatabaseResult,
                from_json=DatabaseResult.from_json,
            ),
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for result in results:
        print(json.dumps(asdict(result), indent=1)[:4000])
    write_section(args, lambda: render(results, argv, args), start=START_MARKER, end=END_MARKER)
    return 1 if any(result.failed for result in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
