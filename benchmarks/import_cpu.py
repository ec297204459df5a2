"""Where the first import of a map into PostgreSQL spends its time: the client's CPU, the server's, and the SQL.

Wall-clock time says little on a machine shared with other work; CPU time says what the import costs. For each
version of the code (this tree, and with --before-src another one, such as main's), a child process of its own
migrates a throwaway database with that code, then imports the generated map (benchmarks/generate.py) through the
import service (`map_file_import`, as the import page and the worker call it) into an empty country, --runs times
after one untimed run, the tables emptied between runs. Versions alternate, --rounds times, so that both meet the
same load. Each run measures:

- the client's CPU time (`time.process_time`): reading, checking and building the rows;
- the server's CPU time: the CPU time of the connection's backend process (/proc/PID/stat; PostgreSQL on the same
  machine only, else left out);
- the foreign keys' checks, which PostgreSQL defers to the commit (Django declares them so): run by
  `SET CONSTRAINTS ALL IMMEDIATE` just before the commit, so that their time shows apart;
- each statement's time (a connection execute wrapper), and the COPY statements' (egide.core.inserts), which the
  wrapper does not see.

The figures go between `<!-- import-cpu:LABEL:start -->` and `<!-- import-cpu:LABEL:end -->` inside the script's
section of RESULTS.md.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCHMARKS_DIR = Path(__file__).resolve().parent
START_MARKER = "<!-- import-cpu:start -->"
END_MARKER = "<!-- import-cpu:end -->"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/egide_import_cpu_bench"
TABLES = ("actors_citation", "actors_source", "actors_relationship", "actors_actor", "audit_auditevent")

sys.path.insert(0, str(BENCHMARKS_DIR))
from common import (  # noqa: E402
    PROJECT_DIR,
    RESULTS,
    DatabaseRun,
    benchmark_editor,
    command_line,
    in_child,
    load_average,
    machine_line,
    migrate,
    now_utc,
    run_child,
    setup_django,
    write_labelled,
)
from generate import DEFAULT_COUNTRY, DEFAULT_SEED, generate_map  # noqa: E402


@dataclass(slots=True)
class Run:
    wall: float
    client: float
    server: float | None
    """The backend's CPU seconds, None when the server's process cannot be read."""
    checks: float
    """Wall seconds of the deferred foreign-key checks."""
    checks_server: float | None
    statements: dict[str, tuple[int, float]]
    """Seconds by statement (its text shortened), with their count; COPY statements by table."""


@dataclass(slots=True)
class ChildResult(DatabaseRun):
    runs: list[Run] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChildResult:
        runs = [Run(**run) for run in data.pop("runs")]
        return cls(**data, runs=runs)


def _shortened(sql: str) -> str:
    """A statement's text, its lists of placeholders folded, so that batches of any size read as one."""
    sql = re.sub(r"\s+", " ", sql)
    sql = re.sub(r"%s(, %s)+", "…", sql)
    return sql[:110]


def child(args: argparse.Namespace) -> int:
    result = ChildResult(database="postgresql")

    def work() -> None:
        migrate()
        result.version = setup_django()
        from django.core.cache import cache
        from django.db import connection, transaction

        import egide.core.inserts as inserts
        from egide.actors.importer import map_file_import

        user, organisation = benchmark_editor()
        data = Path(args.file).read_bytes()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = Path(f"/proc/{cursor.fetchone()[0]}/stat")

        def server_cpu() -> float | None:
            try:
                fields = backend.read_text(encoding="ascii").rsplit(")", 1)[1].split()
            except OSError:
                return None
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

        def spent(before: float | None) -> float | None:
            after = server_cpu()
            return None if before is None or after is None else after - before

        statements: dict[str, list[float]] = collections.defaultdict(lambda: [0, 0.0])

        def timed_statement(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                entry = statements[_shortened(sql)]
                entry[0] += 1
                entry[1] += time.perf_counter() - start

        copy = inserts._copy

        def timed_copy(model: Any, *arguments: Any, **keywords: Any) -> Any:
            start = time.perf_counter()
            try:
                return copy(model, *arguments, **keywords)
            finally:
                entry = statements[f"COPY {model._meta.db_table} (with the client's making of its rows)"]
                entry[0] += 1
                entry[1] += time.perf_counter() - start

        inserts._copy = timed_copy

        def once() -> Run:
            cache.clear()  # the map's version and the file's memo: each run is a first import
            statements.clear()
            wall, client, server = time.perf_counter(), time.process_time(), server_cpu()
            with connection.execute_wrapper(timed_statement), transaction.atomic():
                report = map_file_import(
                    user=user, country=args.country, filename="map.zip", data=data, owner=organisation
                )
                checks, checks_server = time.perf_counter(), server_cpu()
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                checks, checks_server = time.perf_counter() - checks, spent(checks_server)
            run = Run(
                wall=time.perf_counter() - wall,
                client=time.process_time() - client,
                server=spent(server),
                checks=checks,
                checks_server=checks_server,
                statements={sql: (int(count), seconds) for sql, (count, seconds) in statements.items()},
            )
            assert report.actors_created == args.actors, report
            with connection.cursor() as cursor:
                cursor.execute(f"TRUNCATE {', '.join(TABLES)}, imports_maptransfer CASCADE")
            return run

        once()  # untimed: the first import of a process also loads what the next ones reuse
        for number in range(args.runs):
            print(f"[postgresql] run {number + 1} of {args.runs}", flush=True)
            result.runs.append(once())

    return in_child(args, "egide-import-cpu-", result, work)


# ---------------------------------------------------------------------------------------- the parent process


def _median(values: list[float]) -> float:
    return statistics.median(values)


def _figures(runs: list[Run]) -> dict[str, str]:
    def both(values: list[float]) -> str:
        return f"{min(values):.2f} ({_median(values):.2f})"

    servers = [run.server for run in runs if run.server is not None]
    checks = [run.checks_server for run in runs if run.checks_server is not None]
    totals = [run.client + run.server for run in runs if run.server is not None]
    return {
        "wall": both([run.wall for run in runs]),
        "client": both([run.client for run in runs]),
        "server": both(servers) if len(servers) == len(runs) else "",
        "total": both(totals) if len(totals) == len(runs) else "",
        "checks": both([run.checks for run in runs]),
        "checks_server": both(checks) if len(checks) == len(runs) else "",
    }


def _render(args: argparse.Namespace, argv: list[str], results: dict[str, list[ChildResult]], rows: int) -> str:
    lines = [f"<!-- import-cpu:{args.label}:start -->", f"### {args.label}", ""]
    lines.append(f"Measured {now_utc()} with `{command_line(__file__, argv)}`.")
    lines.append(machine_line([]))
    lines.append("")
    lines.append(
        f"The map: {args.actors:,} actors, {args.relationships:,} relationships: **{rows:,} rows**, imported from "
        f"its ZIP of CSVs into an empty country; {args.rounds} round(s) of a child process per version, "
        f"{args.runs} timed run(s) each after an untimed one. Seconds: the least (the median) over all runs."
    )
    lines.append("")
    lines.append(
        "| version | runs | wall | CPU: client | CPU: server | CPU: both | foreign-key checks at the commit: wall "
        "| their server CPU | load (1 min) |"
    )
    lines.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for version, children in results.items():
        runs = [run for child in children for run in child.runs]
        failed = [child.failed or child.skipped for child in children if child.failed or child.skipped]
        if not runs:
            lines.append(f"| {version} | {'; '.join(failed)} | | | | | | | |")
            continue
        figures = _figures(runs)
        loads = ", ".join(f"{child.load[0]:.1f}" for child in children)
        lines.append(
            f"| {version} | {len(runs)} | {figures['wall']} | {figures['client']} | {figures['server']} "
            f"| **{figures['total']}** | {figures['checks']} | {figures['checks_server']} | {loads} |"
        )
    for version, children in results.items():
        runs = [run for child in children for run in child.runs]
        if not runs:
            continue
        lines += ["", f"{version}: the statements' wall time, median over the runs (count per run):", "", "```"]
        names = {name for run in runs for name in run.statements}
        spent = {name: _median([run.statements.get(name, (0, 0.0))[1] for run in runs]) for name in names}
        for name in sorted(names, key=lambda item: -spent[item])[: args.statements]:
            count = runs[0].statements.get(name, (0, 0.0))[0]
            lines.append(f"{spent[name] * 1000:8.0f} ms {count:4d}  {name}")
        lines.append("```")
    lines.append(f"<!-- import-cpu:{args.label}:end -->")
    return "\n".join(lines) + "\n"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before-src", type=Path, help="another version's src folder, measured beside this one")
    parser.add_argument("--rounds", type=int, default=3, help="child processes per version (default %(default)s)")
    parser.add_argument("--runs", type=int, default=2, help="timed imports per child (default %(default)s)")
    parser.add_argument("--actors", type=int, default=5_000)
    parser.add_argument("--relationships", type=int, default=25_000)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--country", default=DEFAULT_COUNTRY)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("EGIDE_IMPORT_CPU_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        help="a throwaway database, dropped and created again for each child (its name must contain 'bench'; "
        "default %(default)s)",
    )
    parser.add_argument("--statements", type=int, default=12, help="statements listed per version")
    parser.add_argument("--label", default="latest", help="the subsection of RESULTS.md the figures go to")
    parser.add_argument("--output", type=Path, help=f"the results file (default {RESULTS.relative_to(PROJECT_DIR)})")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folders and the database")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", default="", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse(argv)
    if args.child:
        return child(args)
    versions = {"this tree": PROJECT_DIR / "src"}
    if args.before_src:
        versions = {f"before ({args.before_src})": args.before_src.resolve(), **versions}
    work = Path(tempfile.mkdtemp(prefix="egide-import-cpu-"))
    results: dict[str, list[ChildResult]] = {version: [] for version in versions}
    try:
        generated = generate_map(
            actors=args.actors, relationships=args.relationships, seed=args.seed, country=args.country
        )
        path = work / "map.zip"
        path.write_bytes(generated.to_zip())
        rows = len(generated.actors) + len(generated.relationships) + len(generated.citations)
        options = ["--file", str(path), "--country", args.country, "--runs", str(args.runs)]
        options += ["--actors", str(len(generated.actors))]
        for _round in range(args.rounds):
            for version, src in versions.items():
                print(f"{version}: a child process", flush=True)
                os.environ["PYTHONPATH"] = str(src)  # the child, and its `egide migrate`, import this version
                before = load_average()
                result = run_child(
                    __file__, "postgresql", args, options, empty=ChildResult, from_json=ChildResult.from_json
                )
                result.load = (before, load_average())
                results[version].append(result)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    section = _render(args, argv, results, rows)
    print(section)
    output = args.output or RESULTS
    label = (f"<!-- import-cpu:{args.label}:start -->", f"<!-- import-cpu:{args.label}:end -->")
    intro = "\n## Import CPU time on PostgreSQL (`import_cpu.py`)\n"
    write_labelled(section, output, label=label, start=START_MARKER, end=END_MARKER, intro=intro)
    print(f"written to {output}")
    return 0 if all(result.runs for children in results.values() for result in children) else 1


if __name__ == "__main__":
    sys.exit(main())
