"""The IATI import end to end, on SQLite and PostgreSQL, against a bare lxml pass over the same file in the same run.

    python benchmarks/iati_import.py [--activities 100000] [--databases sqlite,postgresql] [--quick] [--output FILE]
                                     [--label after] [--jobs 2]

Generates a realistic IATI 2.03 file (benchmarks/iati_data.py). For each database, a child process migrates an
empty database, then: a bare pass (lxml's iterparse over every `iati-activity`, clearing as it goes, nothing built);
the import of the file with every sector kept (`iati_file_import`, as `egide iati import --sectors all` runs it:
parse, filter, checksum, programmes with their parts, provenance and audit entries, one transaction); the same
import again (nothing changed: everything unchanged, nothing written); the file again with one activity changed
(the others read only as far as their digests). Wall and CPU time of this process, and for the import on
PostgreSQL the CPU time of the server process serving it (read in /proc when the server runs on this machine).
Peak memory is the child's peak RSS (VmHWM).
Aims (issue 12): the import at least 25 % of the bare pass's rate and at least 2,000 activities/s on both
databases, the unchanged re-import at least 5× faster than the first, peak memory under 300 MB. Rates and the ratio
are given by wall clock and by this process's CPU time (on a loaded machine, only the latter says much).
`--label` names the subsection of RESULTS.md written ("before" with an older checkout's code on PYTHONPATH, "after").
`--jobs 2` pipelines the imports (`iati_file_import(jobs=2)`: a child process parses the file while this one
writes, egide.iati.pipeline); its subsection ("jobs-2" unless `--label` says otherwise) gives the parent's CPU time
and the reading child's (RUSAGE_CHILDREN) apart: the parent's CPU per activity bounds the throughput once the two
run on two free cores.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BENCHMARKS_DIR = Path(__file__).resolve().parent
START_MARKER = "<!-- iati-import:start -->"
END_MARKER = "<!-- iati-import:end -->"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/egide_iati_import_bench"
RATE_AIM = 2_000
RATIO_AIM = 0.25
REIMPORT_AIM = 5
MEMORY_AIM = 300 * 2**20

sys.path.insert(0, str(BENCHMARKS_DIR))
from common import (  # noqa: E402
    RESULTS,
    DatabaseRun,
    add_child_options,
    add_database_options,
    command_line,
    database_title,
    databases_asked,
    load_average,
    machine_line,
    migrated_child,
    now_utc,
    run_child,
    setup_django,
    write_labelled,
)


@dataclass(slots=True)
class Result(DatabaseRun):
    bare_seconds: float = 0.0
    bare_cpu: float = 0.0
    import_seconds: float = 0.0
    import_cpu: float = 0.0
    reimport_seconds: float = 0.0
    reimport_cpu: float = 0.0
    changed_seconds: float = 0.0
    changed_cpu: float = 0.0
    changed_updated: int = 0
    created: int = 0
    unchanged: int = 0
    peak_rss: int = 0
    rows: dict[str, int] | None = None
    jobs: int = 1
    import_child_cpu: float = 0.0
    """CPU time of the reading child (RUSAGE_CHILDREN) during the import; 0 with one job."""
    changed_child_cpu: float = 0.0
    import_server_cpu: float | None = None
    """CPU time of the PostgreSQL server process serving the import (its /proc entry; None on SQLite or when the
    server runs elsewhere)."""


def _peak_rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _bare(path: Path) -> int:
    from lxml import etree

    count = 0
    for _event, element in etree.iterparse(
        str(path), events=("end",), tag="iati-activity", resolve_entities=False, no_network=True, load_dtd=False
    ):
        count += 1
        element.clear(keep_tail=False)
        parent = element.getparent()
        if parent is not None:
            while element.getprevious() is not None:
                del parent[0]
    return count


def _server_cpu() -> float | None:
    """CPU time so far of the PostgreSQL server process serving this connection, when it runs on this machine
    (read in /proc); None on SQLite or when it cannot be read."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _changed_copy(path: Path, target: Path) -> None:
    """The file with its first narrative changed, copied a mebibyte at a time: read whole and replaced, it took
    twice the file's size in memory, which the peak memory measured (1.4 GiB at 100,000 activities)."""
    with path.open("rb") as source, target.open("wb") as out:
        head = source.read(2**20)
        changed = head.replace(b"<narrative>", b"<narrative>Changed: ", 1)
        if changed == head:
            raise ValueError(f"{path}: no narrative in its first mebibyte")
        out.write(changed)
        shutil.copyfileobj(source, out, 2**20)


def _children_cpu() -> float:
    """CPU time of this process's children waited for (the reader of a pipelined import once it has ended)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(args: argparse.Namespace, result: Result) -> None:
    result.version = setup_django()
    from egide.accounts.selectors import PLATFORM
    from egide.iati.importer import Filters, iati_file_import
    from egide.money.models import Budget, Transaction
    from egide.programmes.models import Participation, Programme

    path = Path(args.file)
    jobs = result.jobs = args.jobs
    before = load_average()
    started, cpu = time.perf_counter(), time.process_time()
    _bare(path)
    result.bare_seconds, result.bare_cpu = time.perf_counter() - started, time.process_time() - cpu
    server = _server_cpu()
    started, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    report = iati_file_import(user=PLATFORM, path=path, filters=Filters(sectors=None), jobs=jobs)
    result.import_seconds, result.import_cpu = time.perf_counter() - started, time.process_time() - cpu
    if server is not None and (server_after := _server_cpu()) is not None:
        result.import_server_cpu = server_after - server
    result.import_child_cpu = _children_cpu() - children
    result.created = report.created
    started, cpu = time.perf_counter(), time.process_time()
    again = iati_file_import(user=PLATFORM, path=path, filters=Filters(sectors=None), jobs=jobs)
    result.reimport_seconds, result.reimport_cpu = time.perf_counter() - started, time.process_time() - cpu
    result.unchanged = again.unchanged
    # The same file with one activity changed (its first narrative): every other activity is read only as far as
    # its digest, and the changed one written again.
    changed_path = path.with_name("changed-" + path.name)
    _changed_copy(path, changed_path)
    started, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    changed = iati_file_import(
        user=PLATFORM, path=changed_path, filters=Filters(sectors=None), name=path.name, jobs=jobs
    )
    result.changed_seconds, result.changed_cpu = time.perf_counter() - started, time.process_time() - cpu
    result.changed_child_cpu = _children_cpu() - children
    result.changed_updated = changed.updated
    changed_path.unlink()
    result.peak_rss = _peak_rss()
    result.load = (before, load_average())
    result.rows = {
        "programmes": Programme.objects.count(),
        "participations": Participation.objects.count(),
        "budgets": Budget.objects.count(),
        "transactions": Transaction.objects.count(),
    }
    print(f"[{args.child}] {result}", flush=True)


INTRO = """
## IATI: the import end to end, against a bare lxml pass (`benchmarks/iati_import.py`)

A generated IATI 2.03 file (benchmarks/iati_data.py: two-language titles and descriptions, 2 participants, 2
sectors, 1–3 budgets, 2–6 transactions, a results framework of one result, 2 indicators, 2 periods each). Every
activity is kept (`--sectors all`): the import writes each as a programme with its countries, participants, sectors,
budgets, transactions, results framework, provenance and an audit entry, in one transaction. The bare pass (lxml's
iterparse over every `iati-activity`, nothing built) runs in the same child process, just before. Wall and CPU time
of that process; for the import on PostgreSQL, also the CPU time of the server process that served it (read in
/proc, the server running on the same machine), and the rate by the two CPU times together.

Aims (issue 12): the import at least 25 % of the bare pass's rate and 2,000 activities/s; the unchanged re-import
×5 faster; peak memory under 300 MB.

With `--jobs 2` the file is read by a child process while the measured one writes (egide.iati.pipeline): the
import's CPU column is then the writing parent's alone, the reading child's is given beside it (RUSAGE_CHILDREN),
and the parent's CPU per activity is the throughput's bound on two free cores.
"""


def _rates(result: Result, count: int) -> tuple[float, float, float, float]:
    """The bare pass's rate and the import's, each by wall clock and by CPU time."""
    return (
        count / result.bare_seconds,
        count / max(result.bare_cpu, 1e-9),
        count / result.import_seconds,
        count / max(result.import_cpu, 1e-9),
    )


def _server_column(result: Result, count: int) -> str:
    """The PostgreSQL server's CPU time during the import, and the rate by this process's and the server's."""
    if result.import_server_cpu is None:
        return "–"
    both = result.import_cpu + result.import_server_cpu
    return f"{result.import_server_cpu:.1f} s ({count / max(both, 1e-9):,.0f}/s)"


def _one_process_row(result: Result, count: int) -> str:
    bare, bare_cpu, rate, rate_cpu = _rates(result, count)
    return (
        f"{bare:,.0f}/s ({bare_cpu:,.0f}/s) | {rate:,.0f}/s ({rate_cpu:,.0f}/s; "
        f"{result.import_seconds:.1f} s, {result.import_cpu:.1f} s) | {_server_column(result, count)} | "
        f"{rate / bare:.0%} ({rate_cpu / bare_cpu:.0%}) | "
        f"{result.reimport_seconds:.2f} s ({result.reimport_cpu:.2f} s) | "
        f"×{result.import_seconds / result.reimport_seconds:.1f} | {result.changed_seconds:.1f} s "
        f"({result.changed_cpu:.1f} s; {result.changed_updated} updated) | "
        f"{result.peak_rss / 2**20:.0f} MiB | {result.load[0]:.1f} → {result.load[1]:.1f} |"
    )


def _pipelined_row(result: Result, count: int) -> str:
    bare, bare_cpu, rate, rate_cpu = _rates(result, count)
    return (
        f"{bare:,.0f}/s ({bare_cpu:,.0f}/s) | {rate:,.0f}/s ({result.import_seconds:.1f} s) | "
        f"{rate_cpu:,.0f}/s ({result.import_cpu:.1f} s; {1e6 * result.import_cpu / count:,.0f} µs/activity) | "
        f"{result.import_child_cpu:.1f} s ({count / max(result.import_child_cpu, 1e-9):,.0f}/s) | "
        f"{rate_cpu / bare_cpu:.0%} | {result.reimport_seconds:.2f} s ({result.reimport_cpu:.2f} s) | "
        f"{result.changed_seconds:.1f} s ({result.changed_cpu:.1f} s, {result.changed_child_cpu:.1f} s; "
        f"{result.changed_updated} updated) | {result.peak_rss / 2**20:.0f} MiB | "
        f"{result.load[0]:.1f} → {result.load[1]:.1f} |"
    )


ONE_PROCESS_COLUMNS = (
    "bare pass: wall (CPU)",
    "import: wall (CPU)",
    "PostgreSQL server's CPU (rate by both CPUs)",
    "ratio to bare: wall (CPU)",
    "re-import, unchanged: wall (CPU)",
    "re-import speed-up",
    "re-import, 1 activity changed: wall (CPU)",
    "peak memory",
    "load before → after",
)
PIPELINED_COLUMNS = (
    "bare pass: wall (CPU)",
    "import: wall rate (wall)",
    "parent's CPU: rate (time)",
    "reading child's CPU",
    "parent's CPU to bare pass's",
    "re-import, unchanged: wall (CPU)",
    "re-import, 1 activity changed: wall (parent's CPU, child's)",
    "peak memory (parent)",
    "load before → after",
)


def render(results: list[Result], args: argparse.Namespace, argv: list[str], size: int) -> str:
    """The label's subsection: one process's import, or the pipelined one's (`--jobs 2`: wall time, the writing
    parent's CPU and the reading child's)."""
    pipelined = args.jobs > 1
    columns, row = (PIPELINED_COLUMNS, _pipelined_row) if pipelined else (ONE_PROCESS_COLUMNS, _one_process_row)
    how = (
        f"; the file read by a child process while the measured one writes (`--jobs {args.jobs}`)" if pipelined else ""
    )
    lines = [
        f"### {args.label}",
        "",
        f"Measured on {now_utc()} with `{command_line(__file__, argv)}` (from the project folder); "
        f"{args.activities:,} activities ({size / 2**20:.0f} MiB){how}.",
        "",
        machine_line([result.version for result in results if result.database == "postgresql" and result.version]),
        "",
        "| database | " + " | ".join(columns) + " |",
        "| --- |" + " ---: |" * len(columns),
    ]
    for result in results:
        title = database_title(result.database) + (f" ({result.version})" if result.version else "")
        if result.skipped or result.failed:
            lines.append(f"| {title} | not measured: {result.skipped or result.failed} |" + " |" * (len(columns) - 1))
            continue
        lines.append(f"| {title} | {row(result, args.activities)}")
    lines += [
        "",
        "Rows written: "
        + "; ".join(f"{database_title(result.database)} {result.rows}" for result in results if result.rows)
        + ".",
    ]
    return "\n".join(lines) + "\n"


def write(section: str, args: argparse.Namespace) -> None:
    """The label's subsection inside the script's section of the results file, the other labels kept."""
    output = args.output or (None if args.quick else RESULTS)
    if output is None:
        return
    label = (f"<!-- iati-import:{args.label}:start -->", f"<!-- iati-import:{args.label}:end -->")
    inner = f"{label[0]}\n{section.rstrip()}\n{label[1]}"
    write_labelled(inner, output, label=label, start=START_MARKER, end=END_MARKER, intro=INTRO)
    print(f"\nwritten to {output}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--activities", type=int, help="activities in the generated file (default 100,000)")
    add_database_options(
        parser,
        quick={"actors": 0, "relationships": 0, "runs": 1},
        seed=7,
        country="CF",
        postgres=("EGIDE_IATI_BENCH_URL", DEFAULT_POSTGRES_URL),
        quick_help="a smoke run of 2,000 activities",
    )
    parser.add_argument(
        "--label", help='the subsection of the results (default "after", "jobs-N" with --jobs N of 2 or more)'
    )
    parser.add_argument(
        "--jobs", type=int, default=1, help="2 or more: the file read by a child process while the import writes"
    )
    add_child_options(parser)
    args = parser.parse_args(argv)
    args.jobs = max(1, args.jobs)
    args.label = args.label or ("after" if args.jobs == 1 else f"jobs-{args.jobs}")
    if args.activities is None:
        args.activities = 2_000 if args.quick else 100_000
    if args.child:
        return migrated_child(args, "egide-iati-import-", Result(database=args.child), measure)
    from iati_data import write_file

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "egide.settings")
    import django

    django.setup()
    with tempfile.TemporaryDirectory(prefix="egide-iati-file-") as folder:
        path = Path(folder) / "activities.xml"
        size = write_file(path, args.activities, seed=args.seed)
        print(f"generated {args.activities:,} activities, {size / 2**20:.0f} MiB", flush=True)
        results = [
            run_child(
                __file__,
                database,
                args,
                ["--file", str(path), "--activities", str(args.activities), "--jobs", str(args.jobs)],
                empty=Result,
                from_json=lambda data: Result(**data),
            )
            for database in databases_asked(args.databases)
        ]

    section = render(results, args, argv, size)
    print(section)
    write(section, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
