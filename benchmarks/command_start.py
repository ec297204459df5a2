"""`egide governance check` as a user runs it, process start included, at a ministry's scale (10,000 actors).

For each database, the generated map (`generate.py`, 10,000 actors and 5 relationships each by default) is
imported once with `egide actors import` into a throwaway data folder (and, on PostgreSQL, a throwaway database,
`egide_command_start_bench` or `$EGIDE_COMMAND_START_BENCH_POSTGRES_URL`), then these commands are run, each in a
process of its own, with this checkout's code and, with `--compare-src DIR`, another checkout's (the two take
turns run after run, so that a change in the machine's load falls on both alike):

- `egide governance --help`: the start alone (Django's setup, the command's modules);
- `egide governance check AQ`, **cold**: the shared cache emptied before the run (the graph read, the rules, the
  entry written);
- the same, **warm**: the entry read from the shared cache;
- `egide governance check AQ --format json`, warm.

Each run's wall time (`time.perf_counter` around `subprocess.run`) and its CPU time (user + system, from
`resource.getrusage(RUSAGE_CHILDREN)`), with the load average around each database's runs: on a machine shared
with other work the wall time is mostly the load's, and the CPU time is the figure to compare. The cold runs'
tables must be identical from one checkout to the other (the run fails otherwise).

The processes run with their bytecode cached (`PYTHONPYCACHEPREFIX`, a folder of the run's own, filled once
before the runs), as an installed Égide's are: with `PYTHONDONTWRITEBYTECODE` set, every start would compile
Égide's modules again. The figures go between `<!-- command-start:start -->` and `<!-- command-start:end -->` in
RESULTS.md (`--label` names a subsection).
"""

from __future__ import annotations

import argparse
import compileall
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

BENCHMARKS_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS_DIR))
from common import (  # noqa: E402
    PROJECT_DIR,
    child_environment,
    command_line,
    databases_asked,
    egide_command,
    load_average,
    machine,
    now_utc,
    recreate_postgres,
    write_labelled,
)
from generate import generate_map  # noqa: E402

START_MARKER = "<!-- command-start:start -->"
END_MARKER = "<!-- command-start:end -->"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/egide_command_start_bench"
COUNTRY = "AQ"
AIM = 1.5  # seconds of wall time, process start included
VARIANTS = (
    ("start alone: `egide governance --help`", ("governance", "--help"), False),
    ("`egide governance check AQ`, cold (table)", ("governance", "check", COUNTRY), True),
    ("`egide governance check AQ`, warm (table)", ("governance", "check", COUNTRY), False),
    ("`egide governance check AQ --format json`, warm", ("governance", "check", COUNTRY, "--format", "json"), False),
)


@dataclass
class Runs:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)


@dataclass
class DatabaseResult:
    database: str
    load: tuple[float, float] = (0.0, 0.0)
    # variant label -> source label -> runs
    runs: dict[str, dict[str, Runs]] = field(default_factory=dict)
    output_checked: str = ""


def _environment(base: dict[str, str], source: Path, pycache: Path) -> dict[str, str]:
    environment = {**base, "PYTHONPATH": str(source), "PYTHONPYCACHEPREFIX": str(pycache)}
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    return environment


def _run(command: list[str], environment: dict[str, str]) -> tuple[float, float, bytes]:
    """One process: its wall time, its CPU time (user + system) and its standard output."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, env=environment, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # 1: the check found open high-severity findings
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr.decode()[-2000:]}")
    return elapsed, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, done.stdout


def _empty_cache(data_dir: Path) -> None:
    """The shared cache emptied, as `cache.clear()` does for the default file cache (DATA_DIR/cache)."""
    folder = data_dir / "cache"
    if folder.exists():
        for path in folder.iterdir():
            if path.is_file():
                path.unlink()


def _prepare(database: str, args: argparse.Namespace, data_dir: Path, map_file: Path) -> dict[str, str]:
    url = f"sqlite:///{data_dir / 'egide.sqlite3'}" if database == "sqlite" else args.postgres_url
    if database == "postgresql":
        recreate_postgres(args.postgres_url)
    environment = {**os.environ, **child_environment(url, data_dir)}
    environment["EGIDE_IMPORT_MAX_ROWS"] = str(max(100_000, args.actors * args.per_actor * 2))
    environment["PYTHONPATH"] = str(PROJECT_DIR / "src")
    print(f"[{database}] egide migrate", flush=True)
    subprocess.run([*egide_command(), "migrate", "--noinput", "-v", "0"], env=environment, check=True)
    print(f"[{database}] egide actors import ({args.actors:,} actors)", flush=True)
    subprocess.run(
        [*egide_command(), "actors", "import", str(map_file), "--country", COUNTRY], env=environment, check=True
    )
    if database == "postgresql":
        subprocess.run(
            [*egide_command(), "dbshell", "--", "-c", "ANALYZE"], env=environment, check=True, capture_output=True
        )
    return environment


def _measure(
    database: str, args: argparse.Namespace, sources: list[tuple[str, Path, Path]], map_file: Path
) -> DatabaseResult:
    data_dir = Path(tempfile.mkdtemp(prefix=f"egide-command-start-{database}-"))
    (data_dir / "static").mkdir()
    result = DatabaseResult(database=database)
    try:
        base = _prepare(database, args, data_dir, map_file)
        result.load = (load_average(), 0.0)
        tables: dict[str, bytes] = {}
        for label, arguments, cold in VARIANTS:
            result.runs[label] = {name: Runs() for name, _source, _pycache in sources}
            for run in range(args.runs + 1):
                for name, source, pycache in sources:
                    if cold:
                        _empty_cache(data_dir)
                    wall, cpu, output = _run([*egide_command(), *arguments], _environment(base, source, pycache))
                    if cold:
                        tables.setdefault(name, output)
                    if run:  # the first run warms the operating system's caches (and, warm, writes the entry)
                        result.runs[label][name].wall.append(wall)
                        result.runs[label][name].cpu.append(cpu)
                print(f"[{database}] {label}: run {run}", flush=True)
        if len(set(tables.values())) > 1:
            raise SystemExit(f"[{database}] the checkouts' tables differ: {sorted(tables)}")
        result.output_checked = f"the cold runs' tables identical ({len(next(iter(tables.values()))):,} bytes)"
        result.load = (result.load[0], load_average())
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
        if database == "postgresql":
            recreate_postgres(args.postgres_url, drop_only=True)
    return result


def _seconds(values: list[float]) -> str:
    return f"{statistics.median(values):.2f} s"


def render(results: list[DatabaseResult], argv: Sequence[str], args: argparse.Namespace, names: list[str]) -> str:
    lines = [
        f"<!-- command-start:{args.label}:start -->",
        f"### {args.label}",
        "",
        f"Measured on {now_utc()} with `{command_line(__file__, argv)}`: {args.actors:,} actors and "
        f"{args.actors * args.per_actor:,} relationships (seed {args.seed}), {args.runs} runs of each command after "
        "one more, the checkouts taking turns; bytecode cached.",
        "",
        "**Machine**: " + "; ".join(f"{name} {value}" for name, value in machine().items()),
        "",
    ]
    for result in results:
        lines += [
            f"#### {'SQLite' if result.database == 'sqlite' else 'PostgreSQL'}",
            "",
            f"Load average (1 min) {result.load[0]:.1f} before the runs, {result.load[1]:.1f} after, on "
            f"{os.cpu_count()} CPUs; {result.output_checked}.",
            "",
            f"| command | code | wall, median (fastest) | CPU, median (least) | aim: under {AIM} s wall |",
            "| --- | --- | ---: | ---: | --- |",
        ]
        for label, by_source in result.runs.items():
            for name in names:
                runs = by_source[name]
                met = "met" if statistics.median(runs.wall) < AIM else "**missed**"
                lines.append(
                    f"| {label} | {name} | {_seconds(runs.wall)} ({min(runs.wall):.2f} s) | "
                    f"{_seconds(runs.cpu)} ({min(runs.cpu):.2f} s) | {met if 'check' in label else '—'} |"
                )
        lines.append("")
    lines.append(f"<!-- command-start:{args.label}:end -->")
    return "\n".join(lines) + "\n"


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--actors", type=int, default=10_000)
    parser.add_argument("--per-actor", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20251129)
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each command (after one more)")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("EGIDE_COMMAND_START_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
    )
    parser.add_argument("--compare-src", default="", help="another checkout's src folder, timed beside this one")
    parser.add_argument("--compare-name", default="before", help="what to call it in the table")
    parser.add_argument("--name", default="this checkout", help="what to call this checkout in the table")
    parser.add_argument("--label", default="latest run", help="the subsection of RESULTS.md")
    parser.add_argument("--output", default=str(BENCHMARKS_DIR / "RESULTS.md"))
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse(argv)
    work = Path(tempfile.mkdtemp(prefix="egide-command-start-"))
    try:
        sources = [(args.name, PROJECT_DIR / "src", work / "pycache-this")]
        if args.compare_src:
            sources.append((args.compare_name, Path(args.compare_src).resolve(), work / "pycache-other"))
        for _name, source, pycache in sources:
            # As `pip install` does: the bytecode written once, so that no run compiles Égide's modules.
            sys.pycache_prefix = str(pycache)
            compileall.compile_dir(str(source), quiet=1)
        sys.pycache_prefix = None
        print(f"generating {args.actors:,} actors", flush=True)
        generated = generate_map(actors=args.actors, relationships=args.actors * args.per_actor, seed=args.seed)
        map_file = work / "map.zip"
        map_file.write_bytes(generated.to_zip())
        del generated
        results = [_measure(database, args, sources, map_file) for database in databases_asked(args.databases)]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    section = render(results, argv, args, [name for name, _source, _pycache in sources])
    print(section)
    intro = (
        "\n## `egide governance check` at 10,000 actors, process start included (command_start.py)\n\n"
        "See the docstring of `benchmarks/command_start.py`: each command in a process of its own, wall time and "
        "CPU time (user + system) of the child process, with bytecode cached as an installed Égide's.\n"
    )
    write_labelled(
        section,
        Path(args.output),
        label=(f"<!-- command-start:{args.label}:start -->", f"<!-- command-start:{args.label}:end -->"),
        start=START_MARKER,
        end=END_MARKER,
        intro=intro,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
