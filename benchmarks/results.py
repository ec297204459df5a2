"""Measure a programme's Results tab with 200,000 indicator periods in the database (a tenth on SQLite).

For each database, a child process (clean settings, its own data folder and database) runs `egide migrate`, then:

1. generates programmes in one country, each with 4 results × 5 indicators × 5 yearly periods (100 periods), one
   approved value per period and a submitted one on every third period: 2,000 programmes on PostgreSQL (200,000
   periods), 200 on SQLite (20,000), written with bulk inserts;
2. signs in a reviewer of the owner organisation (who sees the review queue and the approve buttons) and an
   editor;
3. times `GET /programmes/{pk}/results/` for each of them on one programme (median, p95, SQL queries), and
   counts the queries of the same tab on a programme with one result, one indicator and one period: the count
   must be the same (tests/results/test_views.py checks it too).

    .venv/bin/python benchmarks/results.py            # both databases, figures written to RESULTS.md
    .venv/bin/python benchmarks/results.py --quick    # a smoke run, nothing written
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import pstats
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any

BENCHMARKS_DIR = Path(__file__).resolve().parent
START_MARKER = "<!-- results:start -->"
END_MARKER = "<!-- results:end -->"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/egide_results_bench"
PERIODS_PER_PROGRAMME = 100  # 4 results × 5 indicators × 5 periods
FULL = {"postgresql": 200_000, "sqlite": 20_000}
QUICK = {"actors": 0, "relationships": 0, "runs": 3}
AIM_MS = 200.0

sys.path.insert(0, str(BENCHMARKS_DIR))
from common import (  # noqa: E402
    DatabaseRun,
    add_child_options,
    add_database_options,
    benchmark_organisations,
    benchmark_user,
    command_line,
    count_queries,
    database_title,
    databases_asked,
    each_database,
    load_sentence,
    migrated_child,
    ms,
    nearest_rank_p95,
    now_utc,
    refuse_failed,
    repeat,
    run_child,
    setup_django,
    signed_in,
    timed,
    write_section,
)


@dataclass
class Measure:
    who: str
    median: float
    p95: float
    queries: int
    cpu: float = 0.0


@dataclass
class ResultsRun(DatabaseRun):
    programmes: int = 0
    periods: int = 0
    values: int = 0
    generated_in: float = 0.0
    measures: list[Measure] = field(default_factory=list)
    small_queries: int = 0
    large_queries: int = 0
    slowest: list[str] = field(default_factory=list)


def generate(periods: int, seed: int) -> tuple[int, int, int, int, int]:
    """The programmes and their frameworks, by bulk inserts; returns (programmes, periods, values, a programme's id,
    the owner's id)."""
    from egide.accounts.models import Confidentiality
    from egide.programmes.models import Programme
    from egide.results.models import Indicator, Period, Result, Update, UpdateStatus

    rng = random.Random(seed)
    (owner,) = benchmark_organisations(1)
    count = max(1, periods // PERIODS_PER_PROGRAMME)
    programmes = Programme.objects.bulk_create(
        Programme(
            country="CF",
            iati_identifier=f"XM-BENCH-{number}",
            title_en=f"Programme {number}",
            owner=owner,
            confidentiality=Confidentiality.ORGANISATION,
        )
        for number in range(count)
    )
    results = Result.objects.bulk_create(
        (
            Result(programme=programme, title_en=f"Result {order}", order=order, type="1")
            for programme in programmes
            for order in range(1, 5)
        ),
        batch_size=2_000,
    )
    indicators = Indicator.objects.bulk_create(
        (
            Indicator(
                result=result, title_en=f"Indicator {order}", order=order, baseline_value=Decimal(rng.randint(0, 50))
            )
            for result in results
            for order in range(1, 6)
        ),
        batch_size=2_000,
    )
    made_periods = Period.objects.bulk_create(
        (
            Period(
                indicator=indicator,
                start=datetime.date(year, 1, 1),
                end=datetime.date(year, 12, 31),
                target_value=Decimal(rng.randint(60, 200)),
            )
            for indicator in indicators
            for year in range(2020, 2025)
        ),
        batch_size=5_000,
    )
    values: list[Any] = []
    written = 0
    for index, period in enumerate(made_periods):
        values.append(
            Update(
                period=period,
                value=Decimal(rng.randint(0, 200)),
                value_date=period.start + datetime.timedelta(days=180),
                status=UpdateStatus.APPROVED,
            )
        )
        if index % 3 == 0:
            values.append(Update(period=period, value=Decimal(5), value_date=period.end, status=UpdateStatus.SUBMITTED))
        if len(values) >= 10_000:
            Update.objects.bulk_create(values)
            written += len(values)
            values = []
    Update.objects.bulk_create(values)
    written += len(values)
    return len(programmes), len(made_periods), written, programmes[len(programmes) // 2].pk, owner.pk


def measure(args: argparse.Namespace, result: ResultsRun) -> None:
    result.version = setup_django()
    from django.urls import reverse

    from egide.accounts.models import Confidentiality, Role
    from egide.programmes.models import Programme
    from egide.results import services
    from egide.results.data import IndicatorData, PeriodData, ResultData
    from egide.results.models import Update, UpdateStatus

    periods = args.periods or (2_000 if args.quick else FULL[args.child])
    print(f"[{args.child}] generating {periods:,} periods", flush=True)
    result.generated_in, (result.programmes, result.periods, result.values, programme_id, owner_id) = timed(
        lambda: generate(periods, args.seed)
    )
    analyse_tables()
    reviewer = benchmark_user("reviewer", [(owner_id, Role.REVIEWER, [])])
    editor = benchmark_user("editor", [(owner_id, Role.EDITOR, [])])
    url = reverse("programme-results", kwargs={"pk": programme_id})
    for who, user in (("reviewer", reviewer), ("editor", editor)):
        client = signed_in(user)
        assert client.get(url).status_code == 200
        ask = partial(client.get, url)
        runs = repeat(ask, args.runs, 2)
        queries = count_queries(ask)
        cpu = statistics.median(cpu_seconds(ask) for _ in range(max(3, args.runs // 3)))
        result.measures.append(Measure(who, sorted(runs)[len(runs) // 2], nearest_rank_p95(runs), queries, cpu))
        if args.profile:
            print(f"[{args.child}] profile of one request ({who}):\n{profile_lines(ask)}", flush=True)
    small = Programme.objects.create(
        country="CF", title_en="Small", owner_id=owner_id, confidentiality=Confidentiality.ORGANISATION
    )
    framework_result = services.result_create(user=None, programme=small, data=ResultData(title_en="One"))
    indicator = services.indicator_create(user=None, result=framework_result, data=IndicatorData(title_en="One"))
    period = services.period_create(
        user=None,
        indicator=indicator,
        data=PeriodData(start=datetime.date(2020, 1, 1), end=datetime.date(2020, 12, 31), target_value=Decimal(1)),
    )
    # One approved value and one submitted, as every third period of the large programme has.
    for status in (UpdateStatus.APPROVED, UpdateStatus.SUBMITTED):
        Update.objects.create(period=period, value=Decimal(1), value_date=period.start, status=status)
    client = signed_in(reviewer)
    small_url = reverse("programme-results", kwargs={"pk": small.pk})
    client.get(small_url)
    result.small_queries = count_queries(lambda: client.get(small_url))
    result.large_queries = count_queries(lambda: client.get(url))
    result.slowest = slowest_queries(lambda: client.get(url))


def cpu_seconds(call: Any) -> float:
    """The CPU seconds (user and system, of this process: the server's side of the request) of one call."""
    started = time.process_time()
    call()
    return time.process_time() - started


def profile_lines(call: Any, count: int = 30) -> str:
    """The top lines of a cProfile of one call, by cumulative and by own time."""
    profile = cProfile.Profile()
    profile.runcall(call)
    text = io.StringIO()
    stats = pstats.Stats(profile, stream=text)
    stats.sort_stats("cumulative").print_stats(count)
    stats.sort_stats("tottime").print_stats(count)
    return text.getvalue()


def analyse_tables() -> None:
    """Fresh planner statistics after the bulk inserts, as autovacuum keeps them on a server in use."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def slowest_queries(call: Any, count: int = 3) -> list[str]:
    """The slowest SQL queries of one call, with their time, to see where a slow page spends it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    ordered = sorted(captured.captured_queries, key=lambda query: float(query["time"]), reverse=True)
    return [f"{float(query['time']) * 1000:.1f} ms: {query['sql'][:160]}" for query in ordered[:count]]


def render(results: list[ResultsRun], argv: list[str]) -> str:
    lines = [
        START_MARKER,
        "## Results tab of a programme (benchmarks/results.py)",
        "",
        f"Measured {now_utc()} with `{command_line('benchmarks/results.py', argv)}`. Each programme holds 4 results × "
        "5 indicators × 5 yearly periods, one approved value per period and a submitted one on every third; the tab "
        "of one of them is timed (test client, DEBUG off, median and p95 of the wall time, and the median CPU time "
        "of the process, which on SQLite includes the database's work and on PostgreSQL does not). "
        f"Aim: under {AIM_MS:.0f} ms, and the same "
        "number of SQL queries for a framework of one period as for one of a hundred.",
        "",
        "| database | programmes | periods | values | reader | median | p95 | CPU | queries | queries, 1 period |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in results:
        if run.skipped or run.failed:
            lines.append(f"| {database_title(run.database)} | skipped: {run.skipped or run.failed} | | | | | | | | |")
            continue
        for item in run.measures:
            lines.append(
                f"| {run.version} | {run.programmes:,} | {run.periods:,} | {run.values:,} | {item.who} | "
                f"{ms(item.median)} | {ms(item.p95)} | {ms(item.cpu)} | {item.queries} | {run.small_queries} |"
            )
    lines.append("")
    for run in results:
        if not (run.skipped or run.failed):
            lines.append(
                f"- {run.version}: data generated in {ms(run.generated_in)}; {load_sentence(run.load)}; queries on the "
                f"large framework {run.large_queries}, on the one-period framework {run.small_queries}; "
                "slowest queries of one request: " + "; ".join(f"`{line[:90]}…`" for line in run.slowest) + "."
            )
    lines += ["", END_MARKER]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_database_options(
        parser,
        quick=QUICK,
        seed=11,
        country="CF",
        postgres=("EGIDE_RESULTS_BENCH_URL", DEFAULT_POSTGRES_URL),
        quick_help="a smoke run: 2,000 periods, 3 runs",
    )
    add_child_options(parser)
    parser.add_argument(
        "--periods", type=int, help="periods to generate (default 200,000 on PostgreSQL, 20,000 on SQLite)"
    )
    parser.add_argument("--runs", type=int, default=None, help="timed runs per reader (default 15)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one request per reader")
    args = parser.parse_args(argv)
    if args.runs is None:
        args.runs = QUICK["runs"] if args.quick else 15
    if args.child:
        return migrated_child(args, "egide-results-bench-", ResultsRun(database=args.child), measure)
    options = ["--seed", str(args.seed), "--runs", str(args.runs)]
    if args.quick:
        options.append("--quick")
    if args.periods:
        options += ["--periods", str(args.periods)]
    if args.profile:
        options.append("--profile")

    def run(database: str) -> ResultsRun:
        return run_child(
            __file__,
            database,
            args,
            options,
            empty=lambda **fields: ResultsRun(**fields),
            from_json=lambda data: ResultsRun(
                **{**data, "measures": [Measure(**item) for item in data["measures"]], "load": tuple(data["load"])}
            ),
        )

    results = each_database(databases_asked(args.databases), run)
    for item in results:
        for measured in item.measures:
            print(f"{item.database} {measured.who}: median {ms(measured.median)}, p95 {ms(measured.p95)}")
        print(f"{item.database}: queries {item.large_queries} (large) vs {item.small_queries} (one period)")
        for line in item.slowest:
            print(f"  {line}")
    if refuse_failed(results):
        return 1
    write_section(args, lambda: render(results, argv), start=START_MARKER, end=END_MARKER)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
