"""Measure list exports at scale: a programme's 100,000 transactions to XLSX and CSV, and the same at 10,000 rows,
to show that memory does not grow with the rows.

For each database, a child process (clean settings, its own data folder and database) runs `egide migrate`, then:

1. makes an organisation, an editor of it, and two programmes of that organisation (confidential to it), and
   generates by bulk inserts 10,000 transactions for the first and 100,000 for the second;
2. for each size and format, writes the export as the background worker does (egide.exports.files.write_file,
   through the list's own selector, as the editor) into a temporary file: the wall time (median of --runs), then,
   in a run of its own, the peak of Python's allocations (tracemalloc) and the peak resident memory of the process
   above what it held before (Linux's VmHWM, reset before the run);
3. asks for the CSV through the export's address as the page's button does (Django's test client, the inline limit
   raised above the rows), and times the first chunk and the whole stream.

    .venv/bin/python benchmarks/exports.py                       # both databases, figures written to RESULTS.md
    .venv/bin/python benchmarks/exports.py --databases sqlite    # SQLite only
    .venv/bin/python benchmarks/exports.py --quick               # 1,000 and 10,000 rows, nothing written
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from django.contrib.auth.models import User

BENCHMARKS_DIR = Path(__file__).resolve().parent
START_MARKER = "<!-- exports:start -->"
END_MARKER = "<!-- exports:end -->"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/egide_exports_bench"
SIZES = (10_000, 100_000)
QUICK_SIZES = (1_000, 10_000)
AIM_SECONDS = 30.0
BATCH = 5_000

sys.path.insert(0, str(BENCHMARKS_DIR))
from common import (  # noqa: E402
    DatabaseRun,
    add_child_options,
    add_database_options,
    command_line,
    database_title,
    databases_asked,
    each_database,
    load_sentence,
    machine,
    migrated_child,
    now_utc,
    refuse_failed,
    run_child,
    setup_django,
    under_load,
    write_section,
)


@dataclass
class Measure:
    rows: int
    fmt: str
    seconds: float
    python_peak: int
    rss_peak: int
    size: int


@dataclass
class StreamMeasure:
    rows: int
    first_chunk: float
    whole: float


@dataclass
class ExportsRun(DatabaseRun):
    generated_in: float = 0.0
    measures: list[Measure] = field(default_factory=list)
    streams: list[StreamMeasure] = field(default_factory=list)


def _kib(name: str) -> int:
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1]) * 1024
    return 0


def _reset_peak() -> bool:
    """Reset the process's peak resident memory (Linux); whether it could."""
    try:
        Path("/proc/self/clear_refs").write_text("5", encoding="utf-8")
    except OSError:
        return False
    return True


def generate(sizes: tuple[int, ...]) -> tuple[User, dict[int, int]]:
    """The editor, and for each size the id of a programme with that many transactions."""
    from datetime import date, timedelta
    from decimal import Decimal

    from django.contrib.auth.models import User

    from egide.accounts.models import Membership, Organisation, OrganisationType, Role
    from egide.money.models import Transaction
    from egide.programmes.models import Programme

    organisation = Organisation.objects.create(
        name_en="Benchmark donor", name_fr="Bailleur de mesure", acronym="BENCH", type=OrganisationType.MINISTRY
    )
    user = User.objects.create_user(username="exports-editor", password="unused-password-0123")
    Membership.objects.create(user=user, organisation=organisation, role=Role.EDITOR)
    programmes = {}
    for size in sizes:
        programme = Programme.objects.create(
            country="CF",
            iati_identifier=f"XM-BENCH-{size}",
            title_en=f"Programme of {size} transactions",
            title_fr=f"Programme de {size} transactions",
            owner=organisation,
            confidentiality="organisation",
            default_currency="EUR",
        )
        start = date(2015, 1, 1)
        for first in range(0, size, BATCH):
            Transaction.objects.bulk_create(
                Transaction(
                    programme=programme,
                    type=("2", "3", "4")[number % 3],
                    date=start + timedelta(days=number % 3650),
                    value=Decimal(number % 1_000_000) + Decimal("0.25"),
                    currency=("EUR", "USD", "XAF")[number % 3],
                    value_date=start + timedelta(days=number % 3650),
                    provider_name="=Benchmark provider" if number % 1000 == 0 else "Benchmark provider",
                    receiver_name="Ministry of Justice",
                    description=f"Disbursement {number} for the justice sector reform programme",
                    sector_code="15130",
                    recipient_country="CF",
                    reference=f"TX-{number}",
                )
                for number in range(first, min(size, first + BATCH))
            )
        programmes[size] = programme.pk
    return user, programmes


def measure(args: argparse.Namespace, result: ExportsRun) -> None:
    result.version = setup_django()
    from django.http import QueryDict
    from django.test import Client
    from django.test.utils import override_settings
    from django.urls import reverse

    from egide.exports import files, services
    from egide.exports.lists import LISTS
    from egide.exports.models import ExportFormat

    sizes = QUICK_SIZES if args.quick else SIZES
    started = time.perf_counter()
    user, programmes = generate(sizes)
    result.generated_in = time.perf_counter() - started
    print(f"[{args.child}] generated {sum(sizes):,} transactions in {result.generated_in:.1f} s", flush=True)

    def write(size: int, fmt: str) -> int:
        request = services.Request(
            list_export=LISTS["transactions"],
            scope=str(programmes[size]),
            query=QueryDict(""),
            fmt=ExportFormat(fmt),
        )
        columns, rows = services.export_rows(user=user, request=request)
        content, count = files.write_file(request.fmt, columns, rows, title="Transactions")
        assert count == size, (count, size)
        with content:
            content.seek(0, 2)
            return content.tell()

    for size in sizes:
        for fmt in ("xlsx", "csv"):
            write(size, fmt)  # warm-up: imports, the first query plan
            runs = []
            for _ in range(args.runs):
                begun = time.perf_counter()
                length = write(size, fmt)
                runs.append(time.perf_counter() - begun)
            before = _kib("VmRSS")
            resettable = _reset_peak()
            tracemalloc.start()
            write(size, fmt)
            python_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            rss_peak = max(0, _kib("VmHWM") - before) if resettable else 0
            item = Measure(size, fmt, statistics.median(runs), python_peak, rss_peak, length)
            result.measures.append(item)
            print(f"[{args.child}] {item}", flush=True)

    client = Client()
    client.force_login(user)
    with override_settings(EGIDE_EXPORT_INLINE_MAX_ROWS=max(sizes)):
        for size in sizes:
            address = reverse(
                "export-programme-list", kwargs={"pk": programmes[size], "name": "transactions", "fmt": "csv"}
            )
            begun = time.perf_counter()
            response = client.get(address)
            chunks = iter(cast(Any, response).streaming_content)
            next(chunks)
            first = time.perf_counter() - begun
            for _chunk in chunks:
                pass
            stream = StreamMeasure(size, first, time.perf_counter() - begun)
            result.streams.append(stream)
            print(f"[{args.child}] {stream}", flush=True)


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


def render(results: list[ExportsRun], argv: list[str]) -> str:
    described = "; ".join(f"{name} {value}" for name, value in machine().items())
    lines = [
        START_MARKER,
        "## List exports at scale: transactions to XLSX and CSV (benchmarks/exports.py)",
        "",
        f"Measured {now_utc()} with `{command_line('benchmarks/exports.py', argv)}` (`make benchmark-exports`), "
        "once, on a machine shared with other work (see the load averages). A programme's transactions (12 "
        "columns: dates, amounts, codes turned into labels, text), exported as an editor of the owner "
        "organisation through the list's selector, as the background worker writes them (rows read 2,000 at a "
        "time with `values()`; XLSX by openpyxl's write-only mode). Time: median of the runs. Memory: the peak of "
        "Python's allocations during one export (tracemalloc, in a run of its own: tracemalloc slows it), and the "
        "peak resident memory of the process above what it held before that export (Linux's VmHWM, reset before). "
        f"Aim: XLSX of 100,000 rows under {AIM_SECONDS:.0f} s, and memory that does not grow with the rows.",
        "",
        f"**Machine**: {described}",
        "",
        "| database | rows | format | time | Python peak | RSS peak above start | file |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for run in results:
        if run.skipped or run.failed:
            lines.append(f"| {database_title(run.database)} | skipped: {run.skipped or run.failed} | | | | | |")
            continue
        for item in run.measures:
            lines.append(
                f"| {run.version} | {item.rows:,} | {item.fmt.upper()} | {item.seconds:.2f} s | "
                f"{_mib(item.python_peak)} | {_mib(item.rss_peak)} | {_mib(item.size)} |"
            )
    lines += ["", "The CSV asked for through its address (streamed, as the page's button does):", ""]
    lines += ["| database | rows | first chunk | whole stream |", "| --- | ---: | ---: | ---: |"]
    for run in results:
        for stream in run.streams:
            lines.append(
                f"| {run.version} | {stream.rows:,} | {stream.first_chunk * 1000:.0f} ms | {stream.whole:.2f} s |"
            )
    lines.append("")
    for run in results:
        if not (run.skipped or run.failed):
            lines.append(
                f"- {run.version}: {sum(item.rows for item in run.measures) // 2:,} transactions generated in "
                f"{run.generated_in:.1f} s; {load_sentence(run.load)}."
            )
    lines += ["", END_MARKER]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_database_options(
        parser,
        quick={"actors": 0, "relationships": 0, "runs": 1},
        seed=1,
        country="CF",
        postgres=("EGIDE_EXPORTS_BENCH_URL", DEFAULT_POSTGRES_URL),
        quick_help="a smoke run: 1,000 and 10,000 rows, one timed run",
    )
    add_child_options(parser)
    parser.add_argument("--runs", type=int, default=None, help="timed runs per size and format (default 3)")
    args = parser.parse_args(argv)
    if args.runs is None:
        args.runs = 1 if args.quick else 3
    if args.child:

        def measure_under_load(args: argparse.Namespace, result: ExportsRun) -> None:
            _, result.load = under_load(lambda: measure(args, result))

        return migrated_child(args, "egide-exports-bench-", ExportsRun(database=args.child), measure_under_load)
    options = ["--runs", str(args.runs)]
    if args.quick:
        options.append("--quick")

    def run(database: str) -> ExportsRun:
        return run_child(
            __file__,
            database,
            args,
            options,
            empty=lambda **fields: ExportsRun(**fields),
            from_json=lambda data: ExportsRun(
                **{
                    **data,
                    "measures": [Measure(**item) for item in data["measures"]],
                    "streams": [StreamMeasure(**item) for item in data["streams"]],
                    "load": tuple(data["load"]),
                }
            ),
        )

    results = each_database(databases_asked(args.databases), run)
    if refuse_failed(results):
        return 1
    write_section(args, lambda: render(results, argv), start=START_MARKER, end=END_MARKER)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
