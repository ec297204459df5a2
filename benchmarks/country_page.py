"""Measure the country page for a viewer beside platform staff, with a second country's data in the database.

For each database (SQLite and PostgreSQL), a child process (so that settings are clean) gets its own temporary
data folder and database, runs `egide migrate`, then:

1. imports two generated maps (benchmarks/generate.py) as the platform: the measured country and another one of
   the same size, and spreads both over 10 organisations as benchmarks/access.py does (40% public, 30% partners,
   20% organisation, 10% restricted; half of the restricted records shared);
2. signs in platform staff (a superuser whose session confirmed a two-factor code) and a viewer (role viewer in
   one of the organisations, every country: a partner, so that the visibility filter applies);
3. times each tab of the country page (`GET /countries/{code}/`, `actors/`, `relationships/`, `sources/`) and the
   actors table sorted by relationships, staff and viewer in turn within every run: median, p95, the number of
   SQL queries and the viewer's ratio to staff;
4. writes the plan of the sources tab's sources query for the viewer (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN
   QUERY PLAN on SQLite) and cProfile's top lines for the viewer's sources and map tabs.

`--label` names the subsection of RESULTS.md written (e.g. "before" on the code before a change, "after").
"""

from __future__ import annotations

import argparse
import cProfile
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCHMARKS_DIR = Path(__file__).resolve().parent
START_MARKER = "<!-- country-page:start -->"
END_MARKER = "<!-- country-page:end -->"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/egide_country_page_bench"
OTHER_COUNTRY = "CF"
ORGANISATIONS = 10
AIM = 1.3  # the viewer's median at most this many times the staff's
QUICK = {"actors": 500, "relationships": 2_500, "runs": 3, "warmup": 1}
PROFILE_LINES = 12

sys.path.insert(0, str(BENCHMARKS_DIR))
from common import (  # noqa: E402
    PROJECT_DIR,
    RESULTS,
    DatabaseRun,
    _apply,
    _spread_ids,
    add_child_options,
    add_database_options,
    add_map_options,
    benchmark_organisations,
    benchmark_user,
    command_line,
    complete_options,
    database_title,
    databases_asked,
    each_database,
    load_sentence,
    machine_line,
    migrated_child,
    ms,
    nearest_rank_p95,
    now_utc,
    profile_table,
    refuse_failed,
    run_child,
    setup_django,
    share_rows_for,
    signed_in,
    write_labelled,
)
from generate import DEFAULT_ACTORS, DEFAULT_COUNTRY, DEFAULT_RELATIONSHIPS, DEFAULT_SEED, generate_map  # noqa: E402

STAFF, VIEWER = "staff", "viewer"


@dataclass(slots=True)
class Row:
    name: str
    path: str
    staff: list[float]
    viewer: list[float]
    staff_queries: int
    viewer_queries: int

    @property
    def ratio(self) -> float:
        return statistics.median(self.viewer) / statistics.median(self.staff)


@dataclass(slots=True)
class Result(DatabaseRun):
    data: dict[str, Any] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    explain: str = ""
    profiles: dict[str, str] = field(default_factory=dict)

    @staticmethod
    def from_json(data: dict[str, Any]) -> Result:
        return Result(
            **{name: value for name, value in data.items() if name not in ("rows", "load")},
            load=tuple(data["load"]),
            rows=[Row(**row) for row in data["rows"]],
        )


# ------------------------------------------------------------------------------------------ the child process


def child(args: argparse.Namespace) -> int:
    result = Result(database=args.child)
    return migrated_child(args, f"egide-country-page-{args.child}-", result, _measure)


def _import(country: str, path: str) -> None:
    from egide.actors.documents import read_map_file
    from egide.actors.importer import country_map_import

    report = country_map_import(
        user=None, country=country, tables=read_map_file(Path(path).read_bytes(), filename="map.zip")
    )
    assert report.actors_created > 0, report


def _spread_country(country: str, organisation_ids: list[int], seed: int) -> int:
    """Owners, levels and shares for the country's records (as benchmarks/access.py spreads them)."""
    import random

    from egide.accounts.models import Share
    from egide.actors.models import Actor, Relationship

    rng = random.Random(seed)
    shares = []
    for model in (Actor, Relationship):
        ids = list(model.objects.filter(country=country).order_by("pk").values_list("pk", flat=True))
        records = _spread_ids(ids, len(organisation_ids), rng)
        _apply(model, records, organisation_ids)
        shares += share_rows_for(model, records, organisation_ids, country, lambda: False)
    Share.objects.bulk_create(shares, batch_size=500)
    return len(shares)


def _measure(args: argparse.Namespace, result: Result) -> None:
    result.version = setup_django()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from egide.accounts.models import Role
    from egide.actors.models import Actor, Citation, Relationship, Source

    country, other = args.country, args.other_country
    for code, path in ((country, args.file), (other, args.other_file)):
        print(f"[{args.child}] import {code}", flush=True)
        _import(code, path)
    organisations = benchmark_organisations(ORGANISATIONS)
    organisation_ids = [organisation.pk for organisation in organisations]
    shares = sum(_spread_country(code, organisation_ids, args.seed + n) for n, code in enumerate((country, other)))
    if connection.vendor == "postgresql":
        # What autovacuum does within a minute or so of a real import: statistics for the planner, and the
        # visibility map that lets it read an index alone.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    result.data = {
        code: {
            "actors": Actor.objects.filter(country=code).count(),
            "relationships": Relationship.objects.filter(country=code).count(),
            "sources": Source.objects.filter(country=code).count(),
        }
        for code in (country, other)
    } | {"citations": Citation.objects.count(), "shares": shares}

    clients = {
        STAFF: signed_in(benchmark_user(STAFF, staff=True)),
        VIEWER: signed_in(benchmark_user(VIEWER, [(organisation_ids[0], Role.VIEWER, [])])),
    }

    code = country.lower()
    htmx = {"HX-Request": "true"}
    requests: list[tuple[str, str, dict[str, str]]] = [
        ("map tab", f"/countries/{code}/", {}),
        ("actors tab", f"/countries/{code}/actors/", {}),
        ("relationships tab", f"/countries/{code}/relationships/", {}),
        ("sources tab", f"/countries/{code}/sources/", {}),
        ("actors table by relationships", f"/countries/{code}/actors/table/?sort=-relationships", htmx),
    ]
    order = (STAFF, VIEWER)
    for name, path, headers in requests:
        print(f"[{args.child}] {name}: GET {path}", flush=True)

        def once(key: str, path: str = path, headers: dict[str, str] = headers) -> None:
            response = clients[key].get(path, headers=headers)
            assert response.status_code == 200, (key, path, response.status_code)

        for key in order:
            for _ in range(max(1, args.warmup)):
                once(key)
        runs: dict[str, list[float]] = {key: [] for key in order}
        for number in range(args.runs):
            for key in order if number % 2 == 0 else order[::-1]:
                started = time.perf_counter()
                once(key)
                runs[key].append(time.perf_counter() - started)
        counts = {}
        for key in order:
            with CaptureQueriesContext(connection) as captured:
                once(key)
            counts[key] = len(captured)
        result.rows.append(Row(name, path, runs[STAFF], runs[VIEWER], counts[STAFF], counts[VIEWER]))
        if name in ("map tab", "sources tab"):
            result.profiles[name] = _profile(lambda: once(VIEWER))

    # The viewer's visible sources are kept per map version (actors.selectors.country_sources): emptied, the cache
    # makes the request look for them again, with the query whose plan is shown.
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        clients[VIEWER].get(f"/countries/{code}/sources/")
    sources_sql = [query["sql"] for query in captured.captured_queries if '"actors_citation"' in query["sql"]]
    assert sources_sql, "no sources query captured"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"EXPLAIN (ANALYZE, COSTS, BUFFERS OFF) {sources_sql[-1]}")
            result.explain = "\n".join(line for (line,) in cursor.fetchall())
        else:
            cursor.execute(f"EXPLAIN QUERY PLAN {sources_sql[-1]}")
            result.explain = "\n".join(f"{row[0]} {row[1]} {row[3]}" for row in cursor.fetchall())


PROFILED = r"src/egide/(?!.*middleware)|execute_sql|backends/utils.py.*\(_execute\)|template/base.py.*\(render\)"
"""The lines of the profile kept: Égide's own functions (not its middleware, which holds the whole request), the
SQL queries and the template's rendering."""


def _profile(call: Callable[[], Any]) -> str:
    """cProfile's top lines by cumulative time, among PROFILED, and the top lines by own time."""
    profiler = cProfile.Profile()
    profiler.runcall(call)
    texts = []
    for order, restriction in (("cumulative", PROFILED), ("tottime", "")):
        calls, table = profile_table(profiler, order, *([restriction] if restriction else []), PROFILE_LINES)
        texts.append("\n".join([f"by {order}:", *calls[:1], *(line for line in table if line.strip())]))
    return "\n\n".join(texts).replace(str(Path(sys.prefix)), "<venv>").replace(str(PROJECT_DIR) + "/", "")


# ---------------------------------------------------------------------------------------- the parent process


def render(results: list[Result], args: argparse.Namespace, argv: Sequence[str]) -> str:
    lines = [f"### {args.label}", ""]
    lines.append(f"**Date**: {now_utc()}. **Command**: `{command_line(__file__, argv)}`")
    lines.append("")
    lines.append(machine_line(result.version for result in results if result.version))
    lines.append("")
    for result in results:
        title = database_title(result.database)
        if result.skipped or result.failed:
            lines += [f"#### {title}", "", f"Not measured: {result.skipped or result.failed}", ""]
            continue
        lines += [f"#### {title} ({result.version})", ""]
        lines.append(f"{load_sentence(result.load)}. Data: `{json.dumps(result.data)}`.")
        lines.append("")
        lines.append("| request | staff median | staff p95 | viewer median | viewer p95 | viewer ÷ staff | queries |")
        lines.append("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
        for row in result.rows:
            p95 = nearest_rank_p95
            verdict = "" if row.ratio <= AIM else " (over 1.3×)"
            lines.append(
                f"| {row.name} | {ms(statistics.median(row.staff))} | {ms(p95(row.staff))} | "
                f"{ms(statistics.median(row.viewer))} | {ms(p95(row.viewer))} | **{row.ratio:.2f}×**{verdict} | "
                f"staff {row.staff_queries}, viewer {row.viewer_queries} |"
            )
        lines += [
            "",
            "The viewer's sources query (sources tab), when the sources it may see are looked for (once per map "
            "version):",
            "",
            "```",
            result.explain,
            "```",
            "",
        ]
        for name, text in result.profiles.items():
            lines += [f"cProfile, the viewer's {name} (top {PROFILE_LINES} lines):", "", "```", text]
            lines += ["```", ""]
    return "\n".join(lines)


def write(section: str, args: argparse.Namespace) -> None:
    """Write the label's subsection inside the script's section of the results file, keeping other labels."""
    output = args.output or (None if args.quick else RESULTS)
    if output is None:
        print(section)
        return
    label = (f"<!-- country-page:{args.label}:start -->", f"<!-- country-page:{args.label}:end -->")
    intro = (
        "\n## The country page: a viewer beside platform staff (`benchmarks/country_page.py`)\n\n"
        "Every tab of the country page for platform staff and for a viewer (a partner organisation's "
        "member, to whom the visibility filter applies), with a second country of the same size in the "
        "database. Aim: the viewer within 1.3× of staff.\n"
    )
    inner = f"{label[0]}\n{section.rstrip()}\n{label[1]}"
    write_labelled(inner, output, label=label, start=START_MARKER, end=END_MARKER, intro=intro)
    print(f"\nwritten to {output}")


def _run_child(database: str, args: argparse.Namespace, files: tuple[Path, Path]) -> Result:
    options = ["--file", str(files[0]), "--other-file", str(files[1]), "--country", args.country]
    options += ["--other-country", args.other_country, "--runs", str(args.runs), "--warmup", str(args.warmup)]
    options += ["--seed", str(args.seed)]
    return run_child(__file__, database, args, options, empty=Result, from_json=Result.from_json)


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    full = add_map_options(
        parser,
        actors=DEFAULT_ACTORS,
        relationships=DEFAULT_RELATIONSHIPS,
        runs=10,
        runs_per="request and user",
        per="per country",
    )
    parser.add_argument("--other-country", default=OTHER_COUNTRY, help="the second country (default %(default)s)")
    parser.add_argument("--other-file", help=argparse.SUPPRESS)
    parser.add_argument("--label", default="after", help="the subsection of the results (default %(default)s)")
    add_database_options(
        parser,
        quick=QUICK,
        seed=DEFAULT_SEED,
        country=DEFAULT_COUNTRY,
        postgres=("EGIDE_COUNTRY_PAGE_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
    )
    add_child_options(parser)
    args = parser.parse_args(argv)
    complete_options(parser, args, QUICK if args.quick else full)
    args.other_country = args.other_country.upper()
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse(argv)
    if args.child:
        return child(args)
    work = Path(tempfile.mkdtemp(prefix="egide-country-page-"))
    try:
        files = (work / "measured.zip", work / "other.zip")
        for path, code, seed in ((files[0], args.country, args.seed), (files[1], args.other_country, args.seed + 1)):
            print(f"generating {args.actors} actors and {args.relationships} relationships for {code}", flush=True)
            generated = generate_map(actors=args.actors, relationships=args.relationships, seed=seed, country=code)
            path.write_bytes(generated.to_zip())
        results = each_database(databases_asked(args.databases), lambda database: _run_child(database, args, files))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    section = render(results, args, argv)
    if any(result.failed for result in results):
        print(section)
    if refuse_failed(results):
        return 1
    write(section, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
