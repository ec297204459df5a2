"""Measure what hostile import files cost: the time to a refusal and the peak memory, through the real service.

Each file (a ZIP bomb, a ZIP whose sizes lie, workbooks with cells at the last row and column or with a DTD,
deeply nested or ill-typed JSON, a CSV at the row cap with every row wrong) is written to a temporary folder, then
imported by `egide.actors.importer.map_file_import` (what the import page, its background worker and
`egide actors import` all call) in a child process of its own, on a migrated SQLite database, with the default
caps. The child reports the wall-clock time of the call, its outcome, and its peak resident memory
(`resource.getrusage(...).ru_maxrss`) before and after the call.

The aims: a clear refusal in under 10 s, and a peak under 300 MB, for the worst file.
Run `python benchmarks/hostile_imports.py --help` for the options; the figures go to benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

BENCHMARKS_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS_DIR))
sys.path.insert(0, str(BENCHMARKS_DIR.parent))
from common import (  # noqa: E402
    child_environment,
    command_line,
    machine_line,
    ms,
    now_utc,
    size_text,
    write_section,
)

START_MARKER = "<!-- hostile-imports:start -->"
END_MARKER = "<!-- hostile-imports:end -->"
TIME_AIM = 10.0
MEMORY_AIM_MB = 300
MB = 2**20


def _cases() -> dict[str, tuple[str, str, Callable[[], bytes]]]:
    """name: (file name, what it is, how to make it)."""
    from tests.actors import hostile_files as hostile

    def wrong_types() -> bytes:
        return json.dumps({"actors": [{"reference": "POL", "kind": "police", "name_en": {"en": ["Police"]}}]}).encode()

    def object_flood() -> bytes:
        return b'{"actors": [' + b"{}," * (7 * MB) + b"{}]}"

    def every_row_wrong() -> bytes:
        rows = b"".join(b"S%d,spaceship,Ship,certain\n" % number for number in range(50_000))
        return b"reference,kind,name_en,confidence\n" + rows

    return {
        "zip-bomb": (
            "bomb.zip",
            "ZIP whose actors.csv unpacks to 190 MB of one repeated row",
            lambda: hostile.zip_bomb(190 * MB),
        ),
        "zip-false-size-small": (
            "lies.zip",
            "ZIP whose headers declare 10 bytes for a 9 kB actors.csv",
            lambda: hostile.zip_with_false_size(declared=10),
        ),
        "zip-false-size-large": (
            "lies.zip",
            "ZIP whose headers declare 1 MB for a 9 kB actors.csv",
            lambda: hostile.zip_with_false_size(declared=MB),
        ),
        "xlsx-far-cells": ("far.xlsx", "XLSX with cells at XFD2 and A1048576", hostile.xlsx_far_cells),
        "xlsx-far-down": ("down.xlsx", "XLSX with one row, then a value at A1048576", hostile.xlsx_far_down),
        "xlsx-dtd": ("dtd.xlsx", "XLSX whose sheet declares a DTD with nested entities", hostile.xlsx_with_dtd),
        "json-deep": ("deep.json", "JSON nested 100,000 levels deep", hostile.deeply_nested_json),
        "json-deep-field": ("deep.json", "map document whose notes nest 100,000 levels", hostile.deeply_nested_field),
        "json-types": ("types.json", "map document with a list of objects where a name is expected", wrong_types),
        "json-objects": ("flood.json", "map document of 7 million empty objects (21 MB)", object_flood),
        "csv-all-wrong": (
            "ships.csv",
            "CSV of 50,000 rows (the row cap), each with two problems",
            every_row_wrong,
        ),
    }


# ------------------------------------------------------------------------------------------- the child process


def child(args: argparse.Namespace) -> int:
    os.environ.update(child_environment(args.database_url, Path(args.data_dir)))
    import django

    django.setup()
    from django.core.exceptions import PermissionDenied

    from egide.actors.importer import ImportRejected, map_file_import
    from egide.actors.tabular import TableError

    data = Path(args.file).read_bytes()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    try:
        report = map_file_import(user=None, country="AQ", filename=Path(args.file).name, data=data)
        outcome = f"imported: {report}"
    except TableError as error:
        outcome = f"refused: {error}"
    except ImportRejected as rejected:
        outcome = f"rejected: {len(rejected.problems):,} of {rejected.total:,} problems kept"
    except PermissionDenied as error:
        outcome = f"denied: {error}"
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    Path(args.json).write_text(
        json.dumps({"seconds": seconds, "before_kb": before, "peak_kb": after, "outcome": outcome}), encoding="utf-8"
    )
    return 0


# ------------------------------------------------------------------------------------------------- the parent


def run(args: argparse.Namespace) -> int:
    cases = _cases()
    chosen = [name.strip() for name in args.cases.split(",")] if args.cases else list(cases)
    unknown = [name for name in chosen if name not in cases]
    if unknown:
        raise SystemExit(f"unknown case(s) {', '.join(unknown)}; choose among {', '.join(cases)}")
    folder = Path(tempfile.mkdtemp(prefix="egide-hostile-"))
    try:
        template = folder / "template"
        (template / "static").mkdir(parents=True)
        database = template / "egide.sqlite3"
        path_variable = os.pathsep.join(
            filter(None, [str(BENCHMARKS_DIR.parent / "src"), os.environ.get("PYTHONPATH")])
        )
        environment = {
            **os.environ,
            **child_environment(f"sqlite:///{database}", template),
            "PYTHONPATH": path_variable,
        }
        egide = [sys.executable, "-m", "egide.cli"]
        subprocess.run(
            [*egide, "migrate", "--noinput", "-v", "0"], check=True, env=environment, cwd=BENCHMARKS_DIR.parent
        )
        rows = []
        for name in chosen:
            filename, description, make = cases[name]
            case_dir = folder / name
            (case_dir / "static").mkdir(parents=True)
            shutil.copy(database, case_dir / "egide.sqlite3")
            path = case_dir / filename
            path.write_bytes(make())
            result_path = case_dir / "result.json"
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    "--file",
                    str(path),
                    "--json",
                    str(result_path),
                    "--data-dir",
                    str(case_dir),
                    "--database-url",
                    f"sqlite:///{case_dir / 'egide.sqlite3'}",
                ],
                check=True,
                cwd=BENCHMARKS_DIR.parent,
                env={**os.environ, "PYTHONPATH": path_variable},
            )
            result = json.loads(result_path.read_text(encoding="utf-8"))
            result.update(name=name, description=description, size=path.stat().st_size)
            rows.append(result)
            print(
                f"{name}: {ms(result['seconds'])}, peak {result['peak_kb'] / 1024:.0f} MB "
                f"(before the call {result['before_kb'] / 1024:.0f} MB): {result['outcome'][:160]}",
                flush=True,
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    write_section(args, lambda: _section(rows), start=START_MARKER, end=END_MARKER)
    return 0


def _section(rows: list[dict[str, Any]]) -> str:
    worst_time = max(rows, key=lambda row: float(row["seconds"]))
    worst_memory = max(rows, key=lambda row: int(row["peak_kb"]))
    time_met = float(worst_time["seconds"]) < TIME_AIM
    memory_met = int(worst_memory["peak_kb"]) / 1024 < MEMORY_AIM_MB
    lines = [
        START_MARKER,
        "## Hostile import files",
        "",
        f"Measured on {now_utc()} with `{command_line(__file__, sys.argv[1:])}` (from the project folder; "
        "`make benchmark-hostile` runs the same).",
        "",
        "**Method**: each file is made by `tests/actors/hostile_files.py`, written to disk, then imported in a child "
        "process of its own (a copy of a migrated SQLite database, `DEBUG=false`, the default caps: 50,000 rows per "
        "table, 64 columns per sheet, 200 MB unpacked, 1,000 problems kept) by `map_file_import`, the service of the "
        "import page, its background worker and `egide actors import`. Time is the wall-clock time of that call; "
        "memory is the child's peak resident set (`ru_maxrss`), before the call (Django loaded, the file read) and "
        "after it.",
        "",
        machine_line([]),
        "",
        f"**Aims**: a clear refusal in under {TIME_AIM:.0f} s and a peak under {MEMORY_AIM_MB} MB for the worst "
        f"file. Slowest: {worst_time['name']}, {ms(float(worst_time['seconds']))}: "
        f"{'met' if time_met else '**not met**'}. Largest peak: {worst_memory['name']}, "
        f"{int(worst_memory['peak_kb']) / 1024:.0f} MB: {'met' if memory_met else '**not met**'}.",
        "",
        "| file | size | time | peak memory (before the call) | outcome |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        outcome = str(row["outcome"]).replace("|", "\\|").replace("\n", " ")
        lines.append(
            f"| {row['description']} (`{row['name']}`) | {size_text(int(row['size']))} | "
            f"{ms(float(row['seconds']))} | {int(row['peak_kb']) / 1024:.0f} MB "
            f"({int(row['before_kb']) / 1024:.0f} MB) | {outcome} |"
        )
    lines += ["", END_MARKER, ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--cases", help="comma-separated case names (default: all)")
    parser.add_argument("--quick", action="store_true", help="print the figures without writing RESULTS.md")
    parser.add_argument("--output", type=Path, help="the results file (default benchmarks/RESULTS.md)")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    parser.add_argument("--data-dir", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    return child(args) if args.child else run(args)


if __name__ == "__main__":
    sys.exit(main())
