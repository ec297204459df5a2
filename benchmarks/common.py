"""What the benchmark scripts share: the machine's description, timing, formatting, the results file, the
throwaway PostgreSQL database and the child processes that run/access.py start for each database.

Nothing here imports Égide or Django at module level, so that governance.py (which needs no database) can use it.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import json
import math
import os
import platform
import pstats
import random
import secrets
import shlex
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

BENCHMARKS_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCHMARKS_DIR.parent
RESULTS = BENCHMARKS_DIR / "RESULTS.md"
DATABASES = ("sqlite", "postgresql")

# ----------------------------------------------------------------------------------------------- the machine


def cpu_and_memory() -> tuple[str, str]:
    """The processor's model name and the memory installed, as /proc tells them (or what platform knows)."""
    cpu = platform.processor() or platform.machine()
    memory = ""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal"):
                memory = f"{int(line.split()[1]) / 2**20:.1f} GiB"
                break
    except OSError:
        pass
    return cpu, memory


def cores() -> str:
    """The cores this process may run on."""
    return str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count())


def operating_system() -> str:
    return f"{platform.system()} {platform.release()}"


def caches() -> str:
    """The level 2 and 3 caches one core sees, as /sys tells them (empty where it does not)."""
    found = []
    for index in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index*")):
        try:
            level = (index / "level").read_text(encoding="utf-8").strip()
            kind = (index / "type").read_text(encoding="utf-8").strip()
            size = (index / "size").read_text(encoding="utf-8").strip()
        except OSError:
            continue
        if kind in ("Unified", "Data") and level in ("2", "3"):
            found.append(f"L{level} {size.replace('K', ' KiB')}")
    return ", ".join(found)


def machine(*, database_software: bool = True) -> dict[str, str]:
    """The machine, Python, and (unless a benchmark uses no database) the versions of Django, SQLite and psycopg."""
    cpu, memory = cpu_and_memory()
    described = {
        "CPU": cpu,
        "caches (seen by one core)": caches(),
        "cores": cores(),
        "memory": memory,
        "OS": operating_system(),
        "Python": f"{platform.python_version()} ({platform.python_implementation()})",
    }
    if not database_software:
        return described
    import django

    try:
        import psycopg

        psycopg_version = psycopg.__version__
    except ImportError:
        psycopg_version = "not installed"
    return described | {
        "Django": django.__version__,
        "SQLite (Python's sqlite3)": sqlite3.sqlite_version,
        "psycopg": psycopg_version,
    }


def machine_line(postgres_versions: Iterable[str]) -> str:
    """The results' **Machine** line of run/access.py: machine(), then the PostgreSQL server's version."""
    return "**Machine**: " + "; ".join(
        [f"{name} {value}" for name, value in machine().items()] + list(postgres_versions)
    )


def load_average() -> float:
    """The 1-minute load average."""
    return os.getloadavg()[0]


def under_load[T](call: Callable[[], T]) -> tuple[T, tuple[float, float]]:
    """What call returns, and the 1-minute load average before and after it."""
    before = load_average()
    value = call()
    return value, (before, load_average())


def load_sentence(load: tuple[float, float]) -> str:
    """The start of a results line about the load during a run (the caller ends the sentence)."""
    return f"Load average (1 min) {load[0]:.1f} before the run, {load[1]:.1f} after, on {os.cpu_count()} CPU(s)"


# ------------------------------------------------------------------------------------------------- timing


def timed[T](call: Callable[[], T]) -> tuple[float, T]:
    """The wall-clock seconds a call takes, and what it returns."""
    started = time.perf_counter()
    value = call()
    return time.perf_counter() - started, value


def nearest_rank_p95(runs: Sequence[float]) -> float:
    """The 95th percentile of the runs, by nearest rank."""
    ordered = sorted(runs)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


@dataclass(slots=True)
class Timing:
    """One measured request (or call): its timings in seconds, response size in bytes and SQL queries."""

    name: str
    path: str
    runs: list[float]
    size: int = 0
    gzip_size: int = 0
    queries: int = 0
    aim: float | None = None
    note: str = ""
    sent_gzip: bool = False  # the response itself was gzip-compressed: gzip_size is what was sent
    cpu: float | None = None  # CPU seconds (user + system) per run, for a command

    @property
    def median(self) -> float:
        return statistics.median(self.runs)

    @property
    def p95(self) -> float:
        return nearest_rank_p95(self.runs)

    @property
    def fastest(self) -> float:
        return min(self.runs)


def repeat(call: Callable[[], Any], runs: int, warmup: int) -> list[float]:
    """The wall-clock seconds of runs calls, after warmup untimed ones."""
    for _ in range(warmup):
        call()
    return [timed(call)[0] for _ in range(runs)]


@dataclass(slots=True)
class DatabaseRun:
    """What a child process measured on one database (a script adds its figures): the database's version, or why
    it was skipped or failed, and the 1-minute load average before and after the run."""

    database: str
    version: str = ""
    skipped: str = ""
    failed: str = ""
    load: tuple[float, float] = (0.0, 0.0)


def growth(values: Sequence[float], sizes: Sequence[float]) -> list[float]:
    """Each step's growth: the value's ratio to the one before, divided by the size's ratio (1 is linear, above 1
    faster than the data)."""
    return [
        (later / earlier) / (later_size / earlier_size) if earlier and earlier_size else math.inf
        for earlier, later, earlier_size, later_size in zip(values, values[1:], sizes, sizes[1:], strict=False)
    ]


def count_queries(call: Callable[[], Any]) -> int:
    """The SQL queries one call makes (in a child process, after setup_django)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def slug(name: str) -> str:
    return "".join(letter if letter.isalnum() else "-" for letter in name.lower()).strip("-")


def profile(path: Path, call: Callable[[], Any]) -> None:
    """Profile one call with cProfile: its stats at path, and the top 30 by cumulative time beside it (.txt)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    profiler = cProfile.Profile()
    profiler.runcall(call)
    profiler.dump_stats(path)
    buffer = io.StringIO()
    pstats.Stats(profiler, stream=buffer).sort_stats("cumulative").print_stats(30)
    path.with_suffix(".txt").write_text(buffer.getvalue(), encoding="utf-8")


def profile_table(source: Any, order: str, *restrictions: Any) -> tuple[list[str], list[str]]:
    """cProfile's stats (a cProfile.Profile or a .prof file's path) sorted by order and printed with restrictions
    (such as a pattern and a number of lines): the line counting the function calls, and the table from its
    heading (ncalls, tottime, …) on (none if no function matched)."""
    buffer = io.StringIO()
    pstats.Stats(source, stream=buffer).sort_stats(order).print_stats(*restrictions)
    lines = buffer.getvalue().splitlines()
    start = next((number for number, line in enumerate(lines) if line.lstrip().startswith("ncalls")), len(lines))
    return [line.strip() for line in lines[:start] if "function calls" in line], lines[start:]


# --------------------------------------------------------------------------------------------- formatting


def ms(seconds: float) -> str:
    if seconds < 0.01:
        return f"{seconds * 1000:.2f} ms"
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def microseconds(seconds: float) -> str:
    return f"{seconds * 1e6:.2f} µs"


def mib(size: int) -> str:
    return f"{size / 2**20:,.1f} MiB"


def size_text(size: int) -> str:
    """A size in bytes, in kB or MB ("—" for none)."""
    if not size:
        return "—"
    if size >= 2**20:
        return f"{size / 2**20:.2f} MB"
    return f"{size / 1024:.1f} kB"


def times(count: int) -> str:
    return {0: "not at all", 1: "once", 2: "twice"}.get(count, f"{count} times")


def database_title(database: str) -> str:
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(database, database)


def now_utc() -> str:
    """The date and time of a measurement, as the results give it."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")


def command_line(script: str, argv: Sequence[str]) -> str:
    """A script's command line as typed from the project folder (the interpreter relative to it if it is in it)."""
    executable = Path(sys.executable)
    try:
        shown = (
            str(executable.relative_to(PROJECT_DIR))
            if not executable.is_symlink()
            else str(Path(os.path.relpath(executable, PROJECT_DIR)))
        )
    except ValueError:
        shown = "python"
    return shlex.join([shown, os.path.relpath(Path(script), PROJECT_DIR), *argv])


# --------------------------------------------------------------------------------------- the results file


def write_section(args: argparse.Namespace, render: Callable[[], str], *, start: str, end: str) -> None:
    """Write the section that render makes to --output, or to RESULTS.md unless --quick."""
    output = args.output or (None if args.quick else RESULTS)
    if output is not None:
        write_results(render(), output, start=start, end=end)
        print(f"\nwritten to {output}")


def write_results(section: str, path: Path, *, start: str, end: str) -> None:
    """Replace a script's section of RESULTS.md (between its markers), keeping every other section; the file is
    read just before it is written, as other scripts write their own sections too."""
    if path.exists():
        text = path.read_text(encoding="utf-8")
        replaced = replace_between(text, section, start=start, end=end)
        text = replaced if replaced is not None else text.rstrip("\n") + "\n\n" + section
    else:
        text = (
            "# Benchmark results\n\nFigures written by the scripts in `benchmarks/` (see README.md there).\n\n"
            + section
        )
    path.write_text(text, encoding="utf-8")


def write_labelled(section: str, path: Path, *, label: tuple[str, str], start: str, end: str, intro: str) -> None:
    """Write section, which begins with label[0] and ends with label[1], inside a script's section of the results
    file (between start and end, which begins with intro if it is new), replacing the same label's and keeping the
    others (one subsection per --label, such as "before" and "after")."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    body = text.split(start, 1)[1].split(end, 1)[0] if start in text and end in text else intro
    replaced = replace_between(body, section, start=label[0], end=label[1])
    body = replaced if replaced is not None else body.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
    write_results(f"{start}{body.rstrip(chr(10))}\n{end}\n", path, start=start, end=end)


def replace_between(text: str, section: str, *, start: str, end: str) -> str | None:
    """text with what lies from start to end (both included) replaced by section, which begins with start and ends
    with end; None if text lacks either marker."""
    if start not in text or end not in text:
        return None
    before, rest = text.split(start, 1)
    _, after = rest.split(end, 1)
    return before + section.rstrip("\n") + after


# ------------------------------------------------------------------------ options of the database benchmarks


def add_database_options(
    parser: argparse.ArgumentParser,
    *,
    quick: dict[str, int],
    seed: int,
    country: str,
    postgres: tuple[str, str],
    quick_help: str = "",
) -> None:
    """--databases, --quick, --seed, --country, --postgres-url and --output; postgres is (the environment
    variable that may name the throwaway database, the default URL); quick_help, what --quick does, if not the
    sizes and runs of quick."""
    variable, default_url = postgres
    parser.add_argument(
        "--databases",
        default=",".join(DATABASES),
        help="comma-separated, among sqlite and postgresql (default %(default)s)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=(
            quick_help
            or f"a smoke run: {quick['actors']} actors, {quick['relationships']} relationships, {quick['runs']} runs"
        )
        + "; writes RESULTS.md only if --output is given",
    )
    parser.add_argument("--seed", type=int, default=seed, help="the generator's seed (default %(default)s)")
    parser.add_argument("--country", default=country, help="the map's country code (default %(default)s)")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get(variable, default_url),
        help="a throwaway database, dropped and created again (its name must contain 'bench'; "
        f"default %(default)s, or ${variable})",
    )
    parser.add_argument("--output", type=Path, help=f"the results file (default {RESULTS.relative_to(PROJECT_DIR)})")


def add_child_options(parser: argparse.ArgumentParser) -> None:
    """--keep, and the child process's own (hidden) options."""
    parser.add_argument("--keep", action="store_true", help="keep the temporary data folders and the database")
    parser.add_argument("--child", choices=DATABASES, help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--expected", help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", default="", help=argparse.SUPPRESS)


def add_map_options(
    parser: argparse.ArgumentParser, *, actors: int, relationships: int, runs: int, runs_per: str, per: str = ""
) -> dict[str, int]:
    """--actors, --relationships, --runs (timed runs per runs_per) and --warmup (2 by default); per, what the
    sizes are of ("in the generated map" if empty). Returns the full run's defaults, for complete_options."""
    per = per or "in the generated map"
    parser.add_argument("--actors", type=int, help=f"actors {per} (default {actors})")
    parser.add_argument("--relationships", type=int, help=f"relationships {per} (default {relationships})")
    parser.add_argument("--runs", type=int, help=f"timed runs per {runs_per} (default {runs})")
    parser.add_argument("--warmup", type=int, help="untimed runs before them (default 2)")
    return {"actors": actors, "relationships": relationships, "runs": runs, "warmup": 2}


def complete_options(parser: argparse.ArgumentParser, args: argparse.Namespace, defaults: dict[str, int]) -> None:
    """Fill the sizes and runs not given (from the quick or the full defaults) and check them."""
    for name, value in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.country = args.country.upper()
    if args.runs < 1:
        parser.error("--runs must be at least 1")


def sizes_asked(text: str) -> list[int]:
    """The sizes of --sizes ("1000,5_000,20000"), in order."""
    return [int(size.strip().replace("_", "")) for size in text.split(",") if size.strip()]


def databases_asked(text: str) -> list[str]:
    """The databases of --databases, checked."""
    databases = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in databases if name not in DATABASES]
    if unknown:
        raise SystemExit(f"unknown database(s) {', '.join(unknown)}; choose among {', '.join(DATABASES)}")
    return databases


# ------------------------------------------------------------------------------ the throwaway PostgreSQL database


def postgres_admin_url(url: str) -> tuple[str, str]:
    """(a URL of the server's `postgres` database, the benchmark database's name)."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        raise SystemExit(f"--postgres-url {url!r} names no database")
    if "bench" not in name:
        raise SystemExit(f"refusing to drop and recreate {name!r}: the benchmark database's name must contain 'bench'")
    return urlunsplit(parts._replace(path="/postgres")), name


def recreate_postgres(url: str, *, drop_only: bool = False) -> None:
    """Drop the benchmark database (its name must contain 'bench') and, unless drop_only, create it again."""
    import psycopg
    from psycopg import sql

    admin, name = postgres_admin_url(url)
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if not drop_only:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# ------------------------------------------------------------------------------------- the child processes


def run_child[T](
    script: str,
    database: str,
    args: argparse.Namespace,
    options: list[str],
    *,
    empty: Callable[..., T],
    from_json: Callable[[dict[str, Any]], T],
) -> T:
    """Run script as the child process for one database, with options (and --child, --json, --database-url and
    --keep), and read the result it writes; on PostgreSQL, the throwaway database is created first and dropped
    afterwards (unless --keep). empty(database=..., skipped=... or failed=...) stands for a run that did not
    happen or failed."""
    database_url = ""
    if database == "postgresql":
        try:
            recreate_postgres(args.postgres_url)
        except Exception as error:  # any failure to reach the server: skip it, say why
            print(f"[postgresql] skipped: {error}", flush=True)
            return empty(database=database, skipped=f"no PostgreSQL server answered: {error}")
        database_url = args.postgres_url
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        json_path = Path(handle.name)
    command = [
        sys.executable,
        script,
        "--child",
        database,
        "--json",
        str(json_path),
        *options,
        "--database-url",
        database_url,
    ]
    if args.keep:
        command.append("--keep")
    try:
        completed = subprocess.run(command, check=False, cwd=PROJECT_DIR)
        if completed.returncode != 0:
            return empty(database=database, failed=f"the child process exited with {completed.returncode}")
        return from_json(json.loads(json_path.read_text(encoding="utf-8")))
    finally:
        json_path.unlink(missing_ok=True)
        if database == "postgresql" and not args.keep:
            recreate_postgres(args.postgres_url, drop_only=True)


def child_environment(database_url: str, data_dir: Path) -> dict[str, str]:
    """Production-like settings: DEBUG off (no query log, no template debug), plain HTTP for the test client."""
    return {
        "DJANGO_SETTINGS_MODULE": "egide.settings",
        "DATABASE_URL": database_url,
        "EGIDE_DATA_DIR": str(data_dir),
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "HTTPS": "false",
        "LOG_LEVEL": "ERROR",
    }


def enter_child(prefix: str, database_url: str) -> Path:
    """In a child process: a temporary data folder (SQLite's database in it unless database_url names one) and
    the settings of child_environment in os.environ. Returns the folder."""
    data_dir = Path(tempfile.mkdtemp(prefix=prefix))
    (data_dir / "static").mkdir()  # STATIC_ROOT, which WhiteNoise expects to exist
    os.environ.update(child_environment(database_url or f"sqlite:///{data_dir / 'egide.sqlite3'}", data_dir))
    return data_dir


def in_child(args: argparse.Namespace, prefix: str, result: Any, work: Callable[[], None]) -> int:
    """The child process's run: enter_child, then work (which migrates and measures into result, a dataclass);
    the data folder is removed afterwards unless --keep, and the result written as JSON to --json."""
    data_dir = enter_child(prefix, args.database_url)
    try:
        work()
    finally:
        if not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
        else:
            print(f"[{args.child}] kept {data_dir}", flush=True)
    Path(args.json).write_text(json.dumps(asdict(result)), encoding="utf-8")
    return 0


def migrated_child[R](
    args: argparse.Namespace, prefix: str, result: R, measure: Callable[[argparse.Namespace, R], None]
) -> int:
    """The usual child process (see in_child): `egide migrate`, then measure(args, result)."""

    def work() -> None:
        print(f"[{args.child}] egide migrate", flush=True)
        migrate()
        measure(args, result)

    return in_child(args, prefix, result, work)


def egide_command() -> list[str]:
    script = Path(sys.executable).with_name("egide")
    return [str(script)] if script.exists() else [sys.executable, "-m", "egide.cli"]


def migrate() -> None:
    """`egide migrate`, quietly, with the child's settings."""
    subprocess.run([*egide_command(), "migrate", "--noinput", "-v", "0"], check=True, env=os.environ)


def setup_django(*, server: bool = False) -> str:
    """In a child process, after migrate: django.setup() with the plain static storage; returns the database's
    version. `server`: the process measures requests, and is settled as a server process is (egide.wsgi)."""
    import django

    django.setup()
    # The real static storage needs `collectstatic` (and every file it names); the plain one serves the same
    # pages with the same template work, which is what is measured here.
    plain_static_storage()
    if server:
        # As each server process does after making the application (egide.wsgi): the objects of the start frozen
        # out of the cycle collector's walks, so that the collector's work measured is a server's.
        from egide.core.settled import settle

        settle()
    return database_version()


def plain_static_storage() -> None:
    """The plain static storage instead of the real one, which needs `collectstatic`."""
    from django.test.utils import override_settings

    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()


def database_version() -> str:
    """The database server's name and version, such as "PostgreSQL 16.4"."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("select sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]}"


# ------------------------------------------------------------------------ the generated map, in the parent


class Loaded(Protocol):
    load: tuple[float, float]


def write_generated(generated: Any, folder: Path) -> tuple[Path, Path]:
    """A generated map (generate.GeneratedMap) written into folder for the child processes: its ZIP of CSVs, and
    what its import must create (actors, relationships, sources, citations) as JSON. Returns both paths."""
    zip_path = folder / f"egide-bench-{len(generated.actors)}-{len(generated.relationships)}.zip"
    zip_path.write_bytes(generated.to_zip())
    expected_path = folder / "expected.json"
    expected = {
        "actors": len(generated.actors),
        "relationships": len(generated.relationships),
        "sources": len(generated.cited_sources()),
        "citations": generated.citation_count(),
    }
    expected_path.write_text(json.dumps(expected), encoding="utf-8")
    return zip_path, expected_path


def each_database[T: Loaded](databases: Iterable[str], run: Callable[[str], T]) -> list[T]:
    """run(database) for each database in turn, each result with the load average before and after it."""
    results = []
    for database in databases:
        result, load = under_load(lambda database=database: run(database))  # type: ignore[misc]
        result.load = load
        results.append(result)
    return results


def measure_generated[T: Loaded](
    generated: Any, databases: Iterable[str], run: Callable[[str, Path, Path], T]
) -> list[T]:
    """run(database, zip_path, expected_path) for each database in turn (see each_database), on the generated
    map's files written into a temporary folder (see write_generated), removed afterwards."""
    work = Path(tempfile.mkdtemp(prefix="egide-bench-"))
    try:
        zip_path, expected_path = write_generated(generated, work)
        return each_database(databases, lambda database: run(database, zip_path, expected_path))
    finally:
        shutil.rmtree(work, ignore_errors=True)


def print_heading(result: Any, what: str = "") -> bool:
    """Print a database's heading in a script's summary (its version, and what was measured); False, once said so,
    if its run was skipped or failed."""
    print(f"\n{result.database} {what + ' ' if what else ''}{result.version}")
    if result.skipped or result.failed:
        print(f"  skipped: {result.skipped}" if result.skipped else f"  FAILED: {result.failed}")
        return False
    return True


def refuse_failed(results: Iterable[Any]) -> bool:
    """True (and say so) when a child process failed: its figures are not written."""
    if any(result.failed for result in results):
        print("\nnot written: a run failed (see its output above)", file=sys.stderr)
        return True
    return False


# --------------------------------------------------------------------- the measured map, in a child process


def import_as_platform(file: str, expected_file: str, country: str) -> float:
    """Import the generated ZIP into the empty country as the platform (`user=None`), check that it created what
    was generated, and analyse the tables on PostgreSQL; returns the import's seconds (reading included)."""
    from egide.actors.documents import read_map_file
    from egide.actors.importer import country_map_import

    data = Path(file).read_bytes()
    expected = json.loads(Path(expected_file).read_text(encoding="utf-8"))
    seconds, report = timed(
        lambda: country_map_import(user=None, country=country, tables=read_map_file(data, filename="map.zip"))
    )
    assert report.actors_created == expected["actors"], report
    assert report.relationships_created == expected["relationships"], report
    analyse()
    return seconds


def analyse() -> None:
    """On PostgreSQL, ANALYZE: autovacuum would within a minute of a real import, and the planner needs it."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


LEVELS = (("public", 0.4), ("partners", 0.3), ("organisation", 0.2), ("restricted", 0.1))
"""The confidentiality levels of a spread map, with their shares of the records."""
SHARED_RESTRICTED = 0.5  # the share of restricted records shared with other organisations


@dataclass(slots=True)
class Record:
    """A record of a spread map: its owner (an index among the organisations), level and shares."""

    owner: int
    level: str
    shared: frozenset[int] = frozenset()
    ends: tuple[int, int] | None = None  # a relationship's source and target ids


@dataclass(slots=True)
class Spread:
    """The map once spread over organisations: their ids, and each actor's and relationship's record by pk."""

    organisation_ids: list[int]
    actors: dict[int, Record]
    relationships: dict[int, Record]
    shares: int = 0
    seconds: float = 0.0  # setting the owners and levels

    def summary(self) -> dict[str, Any]:
        return {
            "organisations": len(self.organisation_ids),
            "actor_levels": count_levels(self.actors),
            "relationship_levels": count_levels(self.relationships),
            "shared_actors": sum(1 for record in self.actors.values() if record.shared),
            "shared_relationships": sum(1 for record in self.relationships.values() if record.shared),
            "shares": self.shares,
        }

    def visible(self, covering: set[int] | None) -> tuple[set[int], set[int]]:
        """The actors and relationships a member sees, by an independent reading of the rules (covering: the
        member's organisations whose membership covers the map's country; None: a superuser, who sees all)."""
        actors = {pk for pk, record in self.actors.items() if covering is None or may_read(record, covering)}
        relationships = {
            pk
            for pk, record in self.relationships.items()
            if (covering is None or may_read(record, covering))
            and record.ends is not None
            and record.ends[0] in actors
            and record.ends[1] in actors
        }
        return actors, relationships


def _levels(count: int, rng: random.Random) -> list[str]:
    """Exactly the proportions of LEVELS (the remainder public), in random order."""
    levels = [level for level, share in LEVELS[1:] for _ in range(round(count * share))]
    levels += [LEVELS[0][0]] * (count - len(levels))
    rng.shuffle(levels)
    return levels


def _spread_ids(ids: list[int], organisations: int, rng: random.Random) -> dict[int, Record]:
    """An owner and a level for each record, and shares for half of the restricted ones."""
    owners = [number % organisations for number in range(len(ids))]
    rng.shuffle(owners)
    records = {pk: Record(owner, level) for pk, owner, level in zip(ids, owners, _levels(len(ids), rng), strict=True)}
    restricted = [pk for pk, record in records.items() if record.level == "restricted"]
    rng.shuffle(restricted)
    for pk in restricted[: round(len(restricted) * SHARED_RESTRICTED)]:
        others = [number for number in range(organisations) if number != records[pk].owner]
        records[pk].shared = frozenset(rng.sample(others, rng.choice((1, 2))))
    return records


def _apply(model: Any, records: dict[int, Record], organisation_ids: list[int]) -> int:
    """Set the owners and levels with one UPDATE per (owner, level) and batch of ids."""
    groups: dict[tuple[int, str], list[int]] = {}
    for pk, record in records.items():
        groups.setdefault((record.owner, record.level), []).append(pk)
    updated = 0
    for (owner, level), ids in groups.items():
        for start in range(0, len(ids), 500):
            updated += model.objects.filter(pk__in=ids[start : start + 500]).update(
                owner_id=organisation_ids[owner], confidentiality=level
            )
    return updated


def spread_map(country: str, organisations: int, seed: int) -> Spread:
    """Spread the country's map over new organisations: every actor and relationship gets an owner among them
    (evenly, in random order) and a level (the shares of LEVELS); half of the restricted records are shared with
    one or two other organisations (a quarter of the shares may edit). Deterministic for a seed."""
    from egide.accounts.models import Share
    from egide.actors.models import Actor, Relationship

    created = benchmark_organisations(organisations)
    rng = random.Random(seed)
    spread = Spread(
        [organisation.pk for organisation in created],
        _spread_ids(
            list(Actor.objects.filter(country=country).order_by("pk").values_list("pk", flat=True)), organisations, rng
        ),
        _spread_ids(
            list(Relationship.objects.filter(country=country).order_by("pk").values_list("pk", flat=True)),
            organisations,
            rng,
        ),
    )
    for pk, source, target in Relationship.objects.filter(country=country).values_list("pk", "source", "target"):
        spread.relationships[pk].ends = (source, target)
    spread.seconds, _ = timed(
        lambda: (
            _apply(Actor, spread.actors, spread.organisation_ids)
            + _apply(Relationship, spread.relationships, spread.organisation_ids)
        )
    )
    share_rows = [
        *share_rows_for(Actor, spread.actors, spread.organisation_ids, country, lambda: rng.random() < 0.25),
        *share_rows_for(
            Relationship, spread.relationships, spread.organisation_ids, country, lambda: rng.random() < 0.25
        ),
    ]
    Share.objects.bulk_create(share_rows, batch_size=500)
    spread.shares = len(share_rows)
    analyse()
    return spread


def benchmark_organisations(count: int) -> list[Any]:
    """count new organisations, of each type in turn."""
    from egide.accounts.models import Organisation, OrganisationType

    return Organisation.objects.bulk_create(
        Organisation(
            name_en=f"Benchmark organisation {number + 1}",
            name_fr=f"Organisation de mesure {number + 1}",
            acronym=f"ORG{number + 1:02d}",
            type=OrganisationType.values[number % len(OrganisationType.values)],
        )
        for number in range(count)
    )


def share_rows_for(
    model: Any, records: dict[int, Record], organisation_ids: list[int], country: str, can_edit: Callable[[], bool]
) -> list[Any]:
    """The shares (unsaved) of a model's spread records with other organisations; can_edit() says for each."""
    from django.contrib.contenttypes.models import ContentType

    from egide.accounts.models import Share

    content_type = ContentType.objects.get_for_model(model)
    return [
        Share(
            content_type=content_type,
            object_id=pk,
            organisation_id=organisation_ids[number],
            can_edit=can_edit(),
            country=country,
        )
        for pk, record in records.items()
        for number in sorted(record.shared)
    ]


def count_levels(records: dict[int, Record]) -> dict[str, int]:
    return {level: sum(1 for record in records.values() if record.level == level) for level, _share in LEVELS}


def may_read(record: Record, covering: set[int]) -> bool:
    """The rules, read independently of egide.accounts.selectors (covering: the user's organisations whose
    membership covers the record's country)."""
    if record.level == "public":
        return True
    if not covering:
        return False
    if record.level == "partners":
        return True
    if record.owner in covering:
        return True
    return record.level == "restricted" and bool(record.shared & covering)


def benchmark_secretariat() -> Any:
    """The organisation a script's users belong to."""
    from egide.accounts.models import Organisation, OrganisationType

    return Organisation.objects.create(
        name_en="Benchmark secretariat",
        name_fr="Secrétariat de mesure",
        acronym="BENCH",
        type=OrganisationType.SECRETARIAT,
    )


def benchmark_editor() -> tuple[Any, Any]:
    """A signed-in partner, as most users will be: a member (editor, every country) of an organisation; not a
    superuser, so that the import, the pages and the API apply the rules and the visibility filter as for anyone.
    Returns the user and the organisation (None where the code measured has no organisations yet)."""
    from django.apps import apps
    from django.contrib.auth.models import User

    user = User.objects.create_user(username="benchmark", password=secrets.token_urlsafe(16))
    if not apps.is_installed("egide.accounts"):
        return user, None
    from egide.accounts.models import Membership, Role

    organisation = benchmark_secretariat()
    Membership.objects.create(user=user, organisation=organisation, role=Role.EDITOR)
    return user, organisation


def benchmark_user(key: str, memberships: Iterable[tuple[int, str, list[str]]] = (), *, staff: bool = False) -> Any:
    """A user `bench-{key}`: platform staff (a superuser) or a member of the organisations given as (organisation
    id, role, countries: empty for every country)."""
    from django.contrib.auth.models import User

    from egide.accounts.models import Membership

    password = secrets.token_urlsafe(16)
    if staff:
        user = User.objects.create_superuser(username=f"bench-{key}", email="", password=password)
    else:
        user = User.objects.create_user(username=f"bench-{key}", password=password)
    Membership.objects.bulk_create(
        Membership(user=user, organisation_id=organisation, role=role, countries=countries)
        for organisation, role, countries in memberships
    )
    return user


def signed_in(user: Any) -> Any:
    """A django.test.Client signed in as user (force_login). A superuser's session is marked as having confirmed
    a two-factor code, as platform staff must in every session (as tests/security/helpers.py `verify()` does)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    if user.is_superuser:
        from django_otp import DEVICE_ID_SESSION_KEY
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.create(user=user, name="Benchmark", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@dataclass(frozen=True, slots=True)
class Draw:
    """Relationships drawn at random for a generated map: `type` from an actor of `sources` kinds to one of
    `targets` kinds, `weight` times per source actor on average.

    scope: "same" (the same place), "within" (the same place or one just under it), "up" (the same place or any
    place above it), "near" (the same place, one just under it or the one above).
    """

    type: str
    sources: frozenset[str]
    targets: frozenset[str]
    scope: str
    weight: float


def kinds(*families_or_kinds: str) -> frozenset[str]:
    """The actor kinds named, a family standing for all its kinds."""
    from egide.core import taxonomy

    found: set[str] = set()
    for item in families_or_kinds:
        if item in taxonomy.FAMILY_BY_CODE:
            found |= {kind.code for kind in taxonomy.KINDS if kind.family == item}
        else:
            found.add(item)
    return frozenset(found)


LEGAL_BASES = {
    "commands": "Law on the general organisation of defence, art. {a}",
    "administers": "Decree on the organisation of the ministry, art. {a}",
    "oversees": "Constitution, art. {a}",
    "audits": "Law on the Court of Accounts, art. {a}",
    "funds": "Finance law for {y}, line {a}",
    "adjudicates": "Code of criminal procedure, art. {a}",
    "appoints": "Constitution, art. {a}",
    "reports_to": "Decree on territorial administration, art. {a}",
    "scrutinises": "Law on freedom of the press, art. {a}",
    "coordinates_with": "Interministerial order No. {y}-{a}",
}
"""A generated relationship's legal basis by its type ({a}: an article, {y}: a year)."""

_SYLLABLE_TEXT = (
    "ba bé bo da di do ga gou ka ké ko la lé lo ma mbo mi na ndé ndo ngo ni no ou pa ra ri sa sé si so ta té to wa ya "
    "za zé kou bi fa fou ti dja bou ngui"
)
SYLLABLES = tuple(_SYLLABLE_TEXT.split())


def made_up_word(rng: random.Random) -> str:
    """A capitalised made-up word of two to four syllables, for the names of generated places and bodies."""
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.choice((2, 3, 3, 4)))).capitalize()
