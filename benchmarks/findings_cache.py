"""Measure the governance findings cache: the governance page cold and warm, and the findings API warm, on maps of
5,000 and 20,000 actors (5 relationships each), on SQLite and PostgreSQL, as a viewer (the visibility filter
applies) and as platform staff.

For each size and database, a child process (clean settings, its own temporary data folder, so the cache is the
default one: files in DATA_DIR/cache) migrates, imports the generated map (benchmarks/generate.py) as the platform,
then times, for each user:

- **cold**: the page after the map's version was replaced (`map_changed`): the graph read, the 16 rules, the answer
  written to the cache; what every request cost before the cache;
- **from the shared cache**: the page with this process's memory emptied first, as in another web process: the
  answer loaded from the cache (the load alone is timed too, with the entry's size);
- **warm**: the page again, and the findings API (`GET /api/v1/countries/{code}/findings`);

with the SQL queries of one more request of each. One cold and one warm page request are profiled (cProfile). The
aim: the warm page in under 300 ms at 20,000 actors. The figures go to benchmarks/RESULTS.md between
`<!-- findings-cache:start -->` and `<!-- findings-cache:end -->`.

    python benchmarks/findings_cache.py                       # 5,000 then 20,000 actors
    python benchmarks/findings_cache.py --sizes 5000 --quick  # a smoke run, nothing written
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCHMARKS_DIR = Path(__file__).resolve().parent
START_MARKER = "<!-- findings-cache:start -->"
END_MARKER = "<!-- findings-cache:end -->"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/egide_findings_cache_bench"
DEFAULT_SIZES = (5_000, 20_000)
PER_ACTOR = 5
WARM_AIM = 0.3  # seconds, the warm page at AIM_SIZE actors
AIM_SIZE = 20_000
PROFILE_LINES = 14

sys.path.insert(0, str(BENCHMARKS_DIR))
from common import (  # noqa: E402
    DATABASES,
    DatabaseRun,
    Timing,
    add_child_options,
    analyse,
    benchmark_secretariat,
    benchmark_user,
    command_line,
    database_title,
    databases_asked,
    each_database,
    load_sentence,
    machine_line,
    migrated_child,
    ms,
    now_utc,
    profile_table,
    refuse_failed,
    run_child,
    setup_django,
    signed_in,
    size_text,
    timed,
    write_section,
)
from generate import DEFAULT_COUNTRY, DEFAULT_SEED, generate_map  # noqa: E402

USERS = {"viewer": "viewer (visibility filter)", "staff": "platform staff"}


@dataclass(slots=True)
class UserTiming(Timing):
    """A request's timings for one of USERS (its size: the response's, or the cache entry's)."""

    user: str = ""


@dataclass(slots=True)
class SizeResult(DatabaseRun):
    actors: int = 0
    relationships: int = 0
    findings: int = 0
    import_seconds: float = 0.0
    timings: list[UserTiming] = field(default_factory=list)
    profiles: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def from_json(data: dict[str, Any]) -> SizeResult:
        timings = data.pop("timings")
        data["load"] = tuple(data["load"])
        return SizeResult(**data, timings=[UserTiming(**timing) for timing in timings])

    def timing(self, user: str, name: str) -> UserTiming | None:
        return next((item for item in self.timings if item.user == user and item.name == name), None)


# ------------------------------------------------------------------------------------------ the child process


def child(args: argparse.Namespace) -> int:
    result = SizeResult(database=args.child, actors=args.actors, relationships=args.actors * PER_ACTOR)
    # 20,000 actors have 100,000 relationships, above the import's default cap on a table's rows.
    os.environ["EGIDE_IMPORT_MAX_ROWS"] = str(max(50_000, args.actors * PER_ACTOR))
    return migrated_child(args, f"egide-findings-bench-{args.child}-", result, _measure)


def _top_lines(profiler: cProfile.Profile) -> str:
    """The top lines by cumulative time of Égide's own functions (the middleware's wrappers left out), then the
    top lines by own time of any function."""
    parts = []
    for order, restriction in (("cumulative", r"egide/(?!.*middleware)"), ("tottime", "")):
        _calls, table = profile_table(profiler, order, *([restriction] if restriction else []), PROFILE_LINES)
        parts.append(f"by {order} time" + (" (Égide's functions)" if restriction else "") + ":\n" + "\n".join(table))
    return "\n".join(part.rstrip() for part in parts).replace(str(BENCHMARKS_DIR.parent) + "/", "")


def _measure(args: argparse.Namespace, result: SizeResult) -> None:
    result.version = setup_django()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from egide.accounts.models import Role
    from egide.actors.documents import read_map_file
    from egide.actors.importer import country_map_import
    from egide.actors.versions import map_changed
    from egide.governance import cache as findings_cache
    from egide.governance.selectors import country_findings

    country = args.country
    data = Path(args.file).read_bytes()
    print(f"[{args.child} {args.actors}] import", flush=True)
    result.import_seconds, report = timed(
        lambda: country_map_import(user=None, country=country, tables=read_map_file(data, filename="map.zip"))
    )
    assert report.actors_created == args.actors, report
    analyse()

    organisation = benchmark_secretariat()
    clients = {
        "viewer": signed_in(benchmark_user("viewer", [(organisation.pk, Role.VIEWER, [])])),
        "staff": signed_in(benchmark_user("staff", staff=True)),
    }

    page = reverse("country-governance", kwargs={"code": country.lower()})
    api = f"/api/v1/countries/{country.lower()}/findings"
    result.findings = len(country_findings(user=None, country=country).findings)
    assert result.findings, "the generated map has no findings"

    loads: list[float] = []
    loaded: list[Any] = []
    shared_get = findings_cache._shared_get

    def timed_get(key: str) -> Any:
        started = time.perf_counter()
        found = shared_get(key)
        loads.append(time.perf_counter() - started)
        loaded[:] = [found]
        return found

    findings_cache._shared_get = timed_get

    def get(client: Client, url: str) -> int:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return len(response.content)

    def cold() -> None:
        map_changed(country=country)

    def other_process() -> None:
        findings_cache.memory.clear()

    def measured(user: str, name: str, client: Client, url: str, runs: int, before: Callable[[], None] | None) -> None:
        times = []
        size = 0
        for _run in range(args.warmup + runs):
            if before is not None:
                before()
            seconds, size = timed(lambda: get(client, url))
            times.append(seconds)
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as queries:
            get(client, url)
        result.timings.append(UserTiming(name, url, times[args.warmup :], size, queries=len(queries), user=user))
        print(f"[{args.child} {args.actors}] {user} {name}: {ms(statistics.median(times[args.warmup :]))}", flush=True)

    for reader, client in clients.items():
        measured(reader, "page, cold", client, page, args.cold_runs, cold)
        loads.clear()
        measured(reader, "page, from the shared cache", client, page, args.cold_runs, other_process)
        size = len(findings_cache.dumps(loaded[0])) if loaded and loaded[0] is not None else 0
        result.timings.append(UserTiming("cache load alone", "", list(loads), size, user=reader))
        measured(reader, "page, warm", client, page, args.runs, None)
        measured(reader, "findings API, warm", client, api, args.api_runs, None)

    if args.profile_requests:
        for name, before in (("cold", cold), ("warm", None)):
            if before is not None:
                before()
            else:
                get(clients["viewer"], page)
            profiler = cProfile.Profile()
            profiler.runcall(get, clients["viewer"], page)
            result.profiles[name] = _top_lines(profiler)


# ---------------------------------------------------------------------------------------- the parent process


def render_section(results: list[SizeResult], argv: Sequence[str]) -> str:
    postgres_versions = sorted({result.version for result in results if result.database == "postgresql"} - {""})
    lines = [
        START_MARKER,
        "## Governance findings cache",
        "",
        f"Measured on {now_utc()} with `{command_line(__file__, argv)}` (from the project folder).",
        "",
        machine_line(postgres_versions),
        "",
        "**What is measured**: the governance page (`GET /countries/{code}/governance/`, today) and the findings API "
        "(`GET /api/v1/countries/{code}/findings`), through django.test.Client, on a map generated by "
        "`benchmarks/generate.py` and imported as the platform, with the default cache (files in the data folder). "
        "*Cold*: after the map's version was replaced, so the graph is read, the 16 rules run and the answer is "
        "written to the cache: what every request cost before the cache. *From the shared cache*: this process's "
        "memory emptied first, as in another web process; *cache load alone* is the read and unpickling of the "
        "entry (its pickled size in the last column). *Warm*: the answer in the process's memory. The viewer is a "
        "member of an organisation (the visibility filter applies); staff see the whole map. Queries are counted "
        "on one more request of each kind.",
        "",
    ]
    verdicts = []
    for result in results:
        if result.skipped or result.failed:
            continue
        warm = result.timing("viewer", "page, warm")
        if result.actors == AIM_SIZE and warm is not None:
            met = "met" if warm.median < WARM_AIM else "**not met**"
            verdicts.append(f"{database_title(result.database)}: {ms(warm.median)} (p95 {ms(warm.p95)}), {met}")
    if verdicts:
        lines += [f"**Aim**: the warm page in under {ms(WARM_AIM)} at {AIM_SIZE:,} actors. " + "; ".join(verdicts), ""]
    for result in results:
        title = (
            f"### {database_title(result.database)}, {result.actors:,} actors, {result.relationships:,} relationships"
        )
        lines += [title, ""]
        if result.skipped or result.failed:
            lines += [f"Not measured: {result.skipped or result.failed}", ""]
            continue
        lines += [
            f"{load_sentence(result.load)}. {result.version}; import {ms(result.import_seconds)}; "
            f"{result.findings:,} findings on the whole map.",
            "",
            "| user | request | median | p95 | runs | queries | size |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for timing in result.timings:
            lines.append(
                f"| {USERS[timing.user]} | {timing.name} | {ms(timing.median)} | {ms(timing.p95)} | "
                f"{len(timing.runs)} | {timing.queries or ''} | {size_text(timing.size) if timing.size else ''} |"
            )
        lines.append("")
        for name, text in result.profiles.items():
            lines += [
                f"cProfile, one {name} page request as the viewer:",
                "",
                "```",
                text,
                "```",
                "",
            ]
    lines.append(END_MARKER)
    return "\n".join(lines) + "\n"


def _run_child(database: str, *, args: argparse.Namespace, options: list[str], actors: int) -> SizeResult:
    empty = functools.partial(SizeResult, actors=actors, relationships=actors * PER_ACTOR)
    return run_child(__file__, database, args, options, empty=empty, from_json=SizeResult.from_json)


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(str(size) for size in DEFAULT_SIZES), help="actors per map")
    parser.add_argument("--actors", type=int, default=0, help=argparse.SUPPRESS)  # the child's one size
    parser.add_argument("--runs", type=int, default=10, help="timed warm runs per request (default %(default)s)")
    parser.add_argument("--cold-runs", type=int, default=3, help="timed cold runs (default %(default)s)")
    parser.add_argument("--api-runs", type=int, default=3, help="timed runs of the findings API (default %(default)s)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs before them (default %(default)s)")
    parser.add_argument("--databases", default=",".join(DATABASES))
    parser.add_argument("--quick", action="store_true", help="500 actors, 2 runs; writes nothing unless --output")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--country", default=DEFAULT_COUNTRY)
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL, help="a throwaway database ('bench' in it)")
    parser.add_argument("--output", type=Path, help="the results file (default benchmarks/RESULTS.md)")
    parser.add_argument("--profile-requests", action="store_true", default=True, help=argparse.SUPPRESS)
    add_child_options(parser)
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.runs, args.cold_runs, args.api_runs, args.warmup = "500", 2, 2, 2, 1
    args.country = args.country.upper()
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse(argv)
    if args.child:
        return child(args)
    databases = databases_asked(args.databases)
    results: list[SizeResult] = []
    for actors in (int(size) for size in args.sizes.split(",")):
        print(f"generating {actors} actors and {actors * PER_ACTOR} relationships", flush=True)
        generated = generate_map(actors=actors, relationships=actors * PER_ACTOR, seed=args.seed, country=args.country)
        work = Path(tempfile.mkdtemp(prefix="egide-findings-bench-"))
        try:
            zip_path = work / "map.zip"
            zip_path.write_bytes(generated.to_zip())
            options = ["--file", str(zip_path), "--actors", str(actors), "--country", args.country]
            options += ["--runs", str(args.runs), "--cold-runs", str(args.cold_runs), "--warmup", str(args.warmup)]
            options += ["--api-runs", str(args.api_runs)]
            results += each_database(
                databases, functools.partial(_run_child, args=args, options=options, actors=actors)
            )
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print(json.dumps([asdict(result) | {"profiles": list(result.profiles)} for result in results], indent=1))
    if refuse_failed(results):
        return 1
    write_section(args, lambda: render_section(results, argv), start=START_MARKER, end=END_MARKER)
    return 0


if __name__ == "__main__":
    sys.exit(main())
