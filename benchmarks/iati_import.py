"""The IATI import end to end, on SQLite and PostgreSQL, against a bare lxml pass over the same file in the same run.

    python benchmarks/iati_import.py [--activities 100000] [--databases sqlite,postgresql] [--quick] [--output FILE]

Generates a realistic IATI 2.03 file (benchmarks/iati_data.py). For each database, a child process migrates an
empty database, then: a bare pass (lxml's iterparse over every `iati-activity`, clearing as it goes, nothing built);
the import of the file with every sector kept (`iati_file_import`, as `egide iati import --sectors all` runs it:
parse, filter, checksum, programmes with their parts, provenance and audit entries, one transaction); the same
import again (nothing changed: everything unchanged, nothing written); the file again with one activity changed
(the others read only as far as their digests). Wall and CPU time of this process (a database server's own work
is in the wall time only). Peak memory is the child's peak RSS (VmHWM).
Aims (issue 12): the import at least 25 % of the bare pass's rate and at least 2,000 activities/s on both
databases, the unchanged re-import at least 5× faster than the first, peak memory under 300 MB.
"""

from __future__ import annotations

import argparse
import os
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
    write_section,
)


@dataclass(slots=True)
class Result(DatabaseRun):
    bare_seconds: float = 0.0
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


def _peak_rss() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    import resource

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


def measure(args: argparse.Namespace, result: Result) -> None:
    result.version = setup_django()
    from egide.accounts.selectors import PLATFORM
    from egide.iati.importer import Filters, iati_file_import
    from egide.money.models import Budget, Transaction
    from egide.programmes.models import Participation, Programme

    path = Path(args.file)
    before = load_average()
    started = time.perf_counter()
    _bare(path)
    result.bare_seconds = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    report = iati_file_import(user=PLATFORM, path=path, filters=Filters(sectors=None))
    result.import_seconds, result.import_cpu = time.perf_counter() - started, time.process_time() - cpu
    result.created = report.created
    started, cpu = time.perf_counter(), time.process_time()
    again = iati_file_import(user=PLATFORM, path=path, filters=Filters(sectors=None))
    result.reimport_seconds, result.reimport_cpu = time.perf_counter() - started, time.process_time() - cpu
    result.unchanged = again.unchanged
    # The same file with one activity changed (its first narrative): every other activity is read only as far as
    # its digest, and the changed one written again.
    changed_path = path.with_name("changed-" + path.name)
    changed_path.write_bytes(path.read_bytes().replace(b"<narrative>", b"<narrative>Changed: ", 1))
    started, cpu = time.perf_counter(), time.process_time()
    changed = iati_file_import(user=PLATFORM, path=changed_path, filters=Filters(sectors=None), name=path.name)
    result.changed_seconds, result.changed_cpu = time.perf_counter() - started, time.process_time() - cpu
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


def render(results: list[Result], args: argparse.Namespace, argv: list[str], size: int) -> str:
    lines = [
        START_MARKER,
        "## IATI: the import end to end, against a bare lxml pass",
        "",
        f"Measured on {now_utc()} with `{command_line(__file__, argv)}` (from the project folder).",
        "",
        machine_line([result.version for result in results if result.database == "postgresql" and result.version]),
        "",
        f"**Data**: {args.activities:,} generated IATI 2.03 activities ({size / 2**20:.0f} MiB; see "
        "benchmarks/iati_data.py: two-language titles and descriptions, 2 participants, 2 sectors, 1–3 budgets, "
        "2–6 transactions, a results framework). Every activity is kept (`--sectors all`): the import writes each "
        "as a programme with its countries, participants, sectors, budgets, transactions, provenance and an audit "
        "entry, in one transaction. The bare pass runs in the same child process, just before.",
        "",
        f"**Aims**: at least {RATIO_AIM:.0%} of the bare pass's rate and {RATE_AIM:,} activities/s; the unchanged "
        f"re-import ×{REIMPORT_AIM} faster; peak memory under {MEMORY_AIM // 2**20} MB.",
        "",
        "| database | bare pass | import (CPU) | ratio to bare | re-import, unchanged (CPU) | re-import speed-up "
        "| re-import, 1 activity changed (CPU) | peak memory | load before → after |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        title = database_title(result.database) + (f" ({result.version})" if result.version else "")
        if result.skipped or result.failed:
            lines.append(f"| {title} | not measured: {result.skipped or result.failed} | | | | | | | |")
            continue
        bare = args.activities / result.bare_seconds
        rate = args.activities / result.import_seconds
        lines.append(
            f"| {title} | {bare:,.0f}/s | {rate:,.0f}/s ({result.import_seconds:.1f} s; {result.import_cpu:.1f} s) | "
            f"{rate / bare:.0%} | {result.reimport_seconds:.2f} s ({result.reimport_cpu:.2f} s) | "
            f"×{result.import_seconds / result.reimport_seconds:.1f} | {result.changed_seconds:.1f} s "
            f"({result.changed_cpu:.1f} s; {result.changed_updated} updated) | "
            f"{result.peak_rss / 2**20:.0f} MiB | {result.load[0]:.1f} → {result.load[1]:.1f} |"
        )
    lines += [
        "",
        "Rows written: "
        + "; ".join(f"{database_title(result.database)} {result.rows}" for result in results if result.rows)
        + ".",
        END_MARKER,
    ]
    return "\n".join(lines) + "\n"


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
    add_child_options(parser)
    args = parser.parse_args(argv)
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
                ["--file", str(path), "--activities", str(args.activities)],
                empty=Result,
                from_json=lambda data: Result(**data),
            )
            for database in databases_asked(args.databases)
        ]

    def section() -> str:
        return render(results, args, argv, size)

    print(section())
    write_section(args, section, start=START_MARKER, end=END_MARKER)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
