"""How fast the country map import is, and how much memory it takes, on SQLite and PostgreSQL.

For each database, a child process imports the generated map (benchmarks/generate.py) through the import service
(`map_file_import`, as the import page and the worker call it): from its ZIP of CSVs into an empty country, then
again (the re-import must change nothing: it checks every row against the records), then once more (the file
found unchanged in the same map is answered from egide.actors.import_memo), then from the same map as an XLSX
workbook into another empty country, and again twice. Each figure is rows per second over every row of the file
(actors, relationships and citations), reading included, with the child process's CPU time beside it. Peak
memory is the child's peak RSS (Linux's VmHWM, else `resource.getrusage`) for one import from CSV, each size in a
child process of its own (SQLite). With --profile, the first import and the re-import are
profiled once more (cProfile) into fresh countries, and their top lines kept in the results.

The figures go between `<!-- import-speed:LABEL:start -->` and `<!-- import-speed:LABEL:end -->` inside the
script's section of RESULTS.md, one subsection per --label.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import json
import os
import pstats
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCHMARKS_DIR = Path(__file__).resolve().parent
START_MARKER = "<!-- import-speed:start -->"
END_MARKER = "<!-- import-speed:end -->"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/egide_import_speed_bench"
SPEED_AIM = 8_000
XLSX_AIM = 1.3
REIMPORT_AIM = 10
MEMORY_AIM = 400 * 2**20
COUNTRIES = ("AQ", "BV", "HM", "GS", "TF")
"""Empty countries to import into: CSV, XLSX, and the profiled runs."""

sys.path.insert(0, str(BENCHMARKS_DIR))
from common import (  # noqa: E402
    PROJECT_DIR,
    RESULTS,
    DatabaseRun,
    add_child_options,
    add_database_options,
    benchmark_editor,
    command_line,
    database_title,
    databases_asked,
    each_database,
    in_child,
    machine_line,
    migrate,
    now_utc,
    run_child,
    setup_django,
    timed,
    write_labelled,
)
from generate import DEFAULT_COUNTRY, DEFAULT_SEED, generate_map  # noqa: E402


@dataclass(slots=True)
class ImportRun:
    name: str
    seconds: float
    rows: int
    report: dict[str, int]
    cpu: float = 0.0
    """The child process's CPU seconds (`time.process_time`): on SQLite nearly all of the import's work, on
    PostgreSQL all but the server's."""

    @property
    def rate(self) -> float:
        return self.rows / self.seconds


@dataclass(slots=True)
class ChildResult(DatabaseRun):
    runs: list[ImportRun] = field(default_factory=list)
    peak_rss: int = 0
    """The child's peak resident memory, in bytes (memory runs only)."""
    rss_before: int = 0
    """The child's peak resident memory before the import, Django and the file loaded (memory runs only)."""
    profiles: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ChildResult:
        runs = [ImportRun(**run) for run in data.pop("runs")]
        return cls(**data, runs=runs)

    def run(self, name: str) -> ImportRun:
        return next(run for run in self.runs if run.name == name)


def _peak_rss() -> int:
    """The process's peak resident memory in bytes: Linux's VmHWM, which starts afresh with the child's program;
    elsewhere `resource.getrusage`, whose ru_maxrss Linux carries over from the parent that started the child
    (here the parent holding the generated map, which would hide a smaller peak of the import)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux, bytes on macOS


def _profiled(call: Any, lines: int) -> str:
    profiler = cProfile.Profile()
    profiler.runcall(call)
    buffer = io.StringIO()
    stats = pstats.Stats(profiler, stream=buffer)
    stats.sort_stats("tottime").print_stats(lines)
    text = buffer.getvalue()
    # Keep the table and its total line only.
    kept = [
        line for line in text.splitlines() if line.strip() and "Ordered by" not in line and "List reduced" not in line
    ]
    prefixes = (str(PROJECT_DIR) + "/", str(Path(django_path()).parent) + "/")
    for prefix in prefixes:
        kept = [line.replace(prefix, "") for line in kept]
    return "\n".join(kept)


def django_path() -> str:
    import django

    return str(Path(django.__file__).parent)


def child(args: argparse.Namespace) -> int:
    result = ChildResult(database=args.child)

    def work() -> None:
        migrate()
        result.version = setup_django()
        from egide.actors.importer import map_file_import

        user, organisation = benchmark_editor()
        expected = json.loads(Path(args.expected).read_text(encoding="utf-8"))
        rows = expected["rows"]

        def run(country: str, path: str) -> tuple[float, float, dict[str, int]]:
            data = Path(path).read_bytes()
            cpu = time.process_time()
            seconds, report = timed(
                lambda: map_file_import(
                    user=user, country=country, filename=Path(path).name, data=data, owner=organisation
                )
            )
            return seconds, time.process_time() - cpu, asdict(report)

        if args.memory:
            data = Path(args.file).read_bytes()
            result.rss_before = _peak_rss()
            print(f"[{args.child}] memory: import of {Path(args.file).name}", flush=True)
            report = map_file_import(
                user=user, country=COUNTRIES[0], filename=Path(args.file).name, data=data, owner=organisation
            )
            result.peak_rss = _peak_rss()
            assert report.actors_created == expected["actors"], report
            return
        for country, path, kind in ((COUNTRIES[0], args.file, "CSV"), (COUNTRIES[1], args.xlsx, "XLSX")):
            print(f"[{args.child}] first import from {kind}", flush=True)
            seconds, cpu, counts = run(country, path)
            assert counts["actors_created"] == expected["actors"], counts
            assert counts["relationships_created"] == expected["relationships"], counts
            result.runs.append(ImportRun(f"{kind}, first import", seconds, rows, counts, cpu))
            # The first re-import checks every row against the records; the next finds the file already found
            # unchanged in the same map (egide.actors.import_memo).
            for which in ("re-import", "re-import again"):
                print(f"[{args.child}] {which} from {kind}", flush=True)
                seconds, cpu, counts = run(country, path)
                assert counts["actors_unchanged"] == expected["actors"], counts
                assert not any(value for name, value in counts.items() if not name.endswith("_unchanged")), counts
                result.runs.append(ImportRun(f"{kind}, {which}", seconds, rows, counts, cpu))
        if args.profile:
            data = Path(args.file).read_bytes()

            def call() -> None:
                map_file_import(
                    user=user, country=COUNTRIES[2], filename=Path(args.file).name, data=data, owner=organisation
                )

            print(f"[{args.child}] profiling", flush=True)
            result.profiles["CSV, first import"] = _profiled(call, args.profile)
            result.profiles["CSV, re-import"] = _profiled(call, args.profile)

    return in_child(args, f"egide-import-speed-{args.child}-", result, work)


# ---------------------------------------------------------------------------------------- the parent process


def _files(work: Path, actors: int, relationships: int, args: argparse.Namespace, *, xlsx: bool) -> dict[str, Any]:
    print(f"generating {actors:,} actors and {relationships:,} relationships", flush=True)
    generated = generate_map(actors=actors, relationships=relationships, seed=args.seed, country=args.country)
    stem = work / f"map-{actors}-{relationships}"
    zip_path = stem.with_suffix(".zip")
    zip_path.write_bytes(generated.to_zip())
    files: dict[str, Any] = {"zip": zip_path, "xlsx": None}
    if xlsx:
        xlsx_path = stem.with_suffix(".xlsx")
        sheets: dict[str, tuple[Any, Any]] = {
            "actors": (
                generated.actor_columns,
                [[row.get(c, "") for c in generated.actor_columns] for row in generated.actors],
            ),
            "relationships": (
                generated.relationship_columns,
                [[row.get(c, "") for c in generated.relationship_columns] for row in generated.relationships],
            ),
        }
        if generated.citations:
            columns = tuple(generated.citations[0])
            sheets["citations"] = (columns, [[row.get(c, "") for c in columns] for row in generated.citations])
        xlsx_path.write_bytes(_workbook(sheets))
        files["xlsx"] = xlsx_path
    expected = {
        "actors": len(generated.actors),
        "relationships": len(generated.relationships),
        "rows": len(generated.actors) + len(generated.relationships) + len(generated.citations),
    }
    expected_path = stem.with_suffix(".json")
    expected_path.write_text(json.dumps(expected), encoding="utf-8")
    files["expected"] = expected_path
    files["rows"] = expected["rows"]
    files["citations"] = len(generated.citations)
    return files


def _workbook(sheets: dict[str, tuple[Any, Any]]) -> bytes:
    """The map as a workbook, one sheet per table, written in openpyxl's write-only mode: its text inline in each
    cell, as in Égide's own exports (openpyxl writes text so), without their styling of every cell, which takes
    minutes at this size."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for name, (columns, rows) in sheets.items():
        sheet = workbook.create_sheet(name)
        sheet.append(list(columns))
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _child(database: str, args: argparse.Namespace, files: dict[str, Any], *, memory: bool) -> ChildResult:
    options = ["--file", str(files["zip"]), "--expected", str(files["expected"])]
    if memory:
        options.append("--memory")
    else:
        options += ["--xlsx", str(files["xlsx"])]
        if args.profile:
            options += ["--profile", str(args.profile)]
    return run_child(__file__, database, args, options, empty=ChildResult, from_json=ChildResult.from_json)


def _render(
    args: argparse.Namespace,
    argv: list[str],
    speed: list[ChildResult],
    memory: list[tuple[int, int, ChildResult]],
    sizes: dict[str, Any],
) -> str:
    lines = [f"<!-- import-speed:{args.label}:start -->", f"### {args.label}", ""]
    lines.append(f"Measured {now_utc()} with `{command_line(__file__, argv)}`.")
    lines.append(machine_line([]))
    lines.append("")
    lines.append(
        f"The map: {args.actors:,} actors, {args.relationships:,} relationships, {sizes['citations']:,} rows of "
        f"citations.csv: **{sizes['rows']:,} rows**; rows/s over all of them, reading the file included."
    )
    lines.append("")
    lines.append("| database | import | seconds | CPU seconds (this process) | rows/s | load (1 min) before, after |")
    lines.append("| --- | --- | ---: | ---: | ---: | --- |")
    for result in speed:
        if result.skipped or result.failed:
            lines.append(f"| {database_title(result.database)} | {result.skipped or result.failed} | | | | |")
            continue
        for run in result.runs:
            lines.append(
                f"| {database_title(result.database)} | {run.name} | {run.seconds:.2f} | {run.cpu:.2f} "
                f"| {run.rate:,.0f} "
                f"| {result.load[0]:.1f}, {result.load[1]:.1f} |"
            )
    lines.append("")
    for result in speed:
        if result.runs:
            csv = result.run("CSV, first import")
            xlsx = result.run("XLSX, first import")
            again = result.run("CSV, re-import")
            twice = result.run("CSV, re-import again")
            lines.append(
                f"- {database_title(result.database)} ({result.version}): CSV {csv.rate:,.0f} rows/s "
                f"(aim ≥ {SPEED_AIM:,}: {'met' if csv.rate >= SPEED_AIM else 'missed'}); XLSX takes "
                f"{xlsx.seconds / csv.seconds:.2f}× CSV's time (aim ≤ {XLSX_AIM}×); the re-import is "
                f"{csv.seconds / again.seconds:.1f}× faster than the first import by wall time "
                f"({csv.cpu / max(again.cpu, 1e-6):.1f}× by CPU time), the re-import again "
                f"{csv.seconds / twice.seconds:.0f}× ({csv.cpu / max(twice.cpu, 1e-6):.0f}× by CPU time; "
                f"aim ≥ {REIMPORT_AIM}×)."
            )
    if memory:
        lines += ["", "| peak memory, import from CSV (SQLite) | rows | before the import | peak RSS | load |"]
        lines.append("| --- | ---: | ---: | ---: | --- |")
        for actors, relationships, result in memory:
            if result.failed or result.skipped:
                lines.append(f"| {actors:,} actors, {relationships:,} relationships | {result.failed} | | | |")
                continue
            lines.append(
                f"| {actors:,} actors, {relationships:,} relationships | | {result.rss_before / 2**20:,.0f} MiB "
                f"| **{result.peak_rss / 2**20:,.0f} MiB** | {result.load[0]:.1f}, {result.load[1]:.1f} |"
            )
    for result in speed:
        for name, text in result.profiles.items():
            lines += ["", f"cProfile, {database_title(result.database)}, {name} (top lines by own time):", "", "```"]
            lines.append(text)
            lines.append("```")
    lines.append(f"<!-- import-speed:{args.label}:end -->")
    return "\n".join(lines) + "\n"


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_options(
        parser,
        quick={"actors": 500, "relationships": 2_500, "runs": 1},
        seed=DEFAULT_SEED,
        country=DEFAULT_COUNTRY,
        postgres=("EGIDE_IMPORT_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
    )
    add_child_options(parser)
    parser.add_argument("--actors", type=int, default=5_000)
    parser.add_argument("--relationships", type=int, default=25_000)
    parser.add_argument(
        "--memory-sizes", default="5000:25000,50000:250000", help="actors:relationships, comma-separated; '' for none"
    )
    parser.add_argument("--label", default="latest", help="the subsection of RESULTS.md the figures go to")
    parser.add_argument("--profile", type=int, default=0, help="profile once more, keeping this many top lines")
    parser.add_argument("--xlsx", help=argparse.SUPPRESS)
    parser.add_argument("--memory", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.actors, args.relationships, args.memory_sizes = 500, 2_500, "500:2500"
    return args


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse(argv)
    if args.child:
        return child(args)
    sizes = [tuple(int(part) for part in size.split(":")) for size in args.memory_sizes.split(",") if size]
    most = max([args.actors + args.relationships, *(a + r for a, r in sizes)])
    # The children read the largest map in one import: let the row cap allow it.
    os.environ["EGIDE_IMPORT_MAX_ROWS"] = str(max(50_000, most))
    work = Path(tempfile.mkdtemp(prefix="egide-import-speed-"))
    try:
        files = _files(work, args.actors, args.relationships, args, xlsx=True)
        speed = each_database(
            databases_asked(args.databases), functools.partial(_child, args=args, files=files, memory=False)
        )
        memory = []
        for actors, relationships in sizes:
            size_files = (
                files
                if (actors, relationships) == (args.actors, args.relationships)
                else _files(work, actors, relationships, args, xlsx=False)
            )
            [result] = each_database(["sqlite"], functools.partial(_child, args=args, files=size_files, memory=True))
            memory.append((actors, relationships, result))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    section = _render(args, argv, speed, memory, files)
    print(section)
    output = args.output or (None if args.quick else RESULTS)
    if output is not None:
        label = (f"<!-- import-speed:{args.label}:start -->", f"<!-- import-speed:{args.label}:end -->")
        intro = "\n## Import speed (`imports.py`)\n"
        write_labelled(section, output, label=label, start=START_MARKER, end=END_MARKER, intro=intro)
        print(f"written to {output}")
    return 0 if not any(result.failed for result in speed) else 1


if __name__ == "__main__":
    sys.exit(main())
