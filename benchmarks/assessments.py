"""Measure the assessments' heatmap and comparison pages with 190 countries × 5 published assessments × 100 answers.

For each database, a child process (clean settings, its own data folder and database) runs `egide migrate`, then:

1. loads one framework of 10 sections × 10 questions (100 questions) through the service, and signs in an editor
   of the owner organisation (a member: the assessments are confidential to the organisation);
2. generates, by bulk inserts, 5 published assessments a country (one a year, 2020-2024) with 100 answers each,
   in three steps: 19 countries, then 95, then 190; at each step it counts the SQL queries of the framework's
   heatmap (`/assessments/frameworks/<identifier>/heatmap/`) and of the comparison of a country's first and last
   assessments (`/assessments/<pk>/compare/?with=<pk>`): the counts must not grow with the data;
3. at 190 countries (95,000 answers), times both pages: median and p95 of the wall time, and the median CPU time
   of the process (on SQLite it includes the database's work, on PostgreSQL it does not).

    .venv/bin/python benchmarks/assessments.py            # both databases, figures written to RESULTS.md
    .venv/bin/python benchmarks/assessments.py --quick    # a smoke run (3 runs), nothing written
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import json
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
START_MARKER = "<!-- assessments:start -->"
END_MARKER = "<!-- assessments:end -->"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/egide_assessments_bench"
SECTIONS, QUESTIONS_PER_SECTION = 10, 10
ASSESSMENTS_PER_COUNTRY = 5
STEPS = (19, 95, 190)
QUICK = {"actors": 0, "relationships": 0, "runs": 3}
AIM_MS = 200.0
IDENTIFIER = "bench-review"

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
    under_load,
    write_section,
)


@dataclass
class Measure:
    page: str
    median: float
    p95: float
    cpu: float
    queries: int
    sql: float = 0.0
    """The seconds the database took over the queries of one request (as the connection timed them)."""
    slowest: list[str] = field(default_factory=list)


@dataclass
class AssessmentsRun(DatabaseRun):
    countries: int = 0
    assessments: int = 0
    answers: int = 0
    generated_in: float = 0.0
    queries: dict[str, list[int]] = field(default_factory=dict)
    """By page, the query count at each step of STEPS."""
    measures: list[Measure] = field(default_factory=list)


def framework_document() -> dict[str, Any]:
    """A framework of SECTIONS × QUESTIONS_PER_SECTION questions on a five-level scale."""
    return {
        "identifier": IDENTIFIER,
        "version": "1.0",
        "title": {"en": "Benchmark review", "fr": "Revue de mesure"},
        "scale": {
            "kind": "levels",
            "levels": [
                {"value": value, "label": {"en": f"Level {value}", "fr": f"Niveau {value}"}} for value in range(5)
            ],
        },
        "aggregation": "weighted_mean",
        "bands": [
            {"code": "A", "minimum": 75, "label": {"en": "Strong", "fr": "Solide"}},
            {"code": "B", "minimum": 40, "label": {"en": "Fair", "fr": "Moyen"}},
            {"code": "C", "minimum": 0, "label": {"en": "Weak", "fr": "Faible"}},
        ],
        "sections": [
            {
                "code": f"s{section}",
                "title": {"en": f"Section {section}", "fr": f"Section {section}"},
                "questions": [
                    {
                        "code": f"s{section}q{question}",
                        "text": {"en": f"Question {section}.{question}?", "fr": f"Question {section}.{question} ?"},
                        "not_applicable": question == 0,
                    }
                    for question in range(QUESTIONS_PER_SECTION)
                ],
            }
            for section in range(SECTIONS)
        ],
    }


def generate(codes: list[str], *, version: Any, owner_id: int, rng: random.Random) -> tuple[int, int]:
    """Five published assessments of each country, each with an answer to every question; returns (assessments,
    answers) written."""
    from egide.accounts.models import Confidentiality
    from egide.assessments.models import Answer, AnswerState, Assessment, Question, Status

    questions = list(Question.objects.filter(version=version).values_list("pk", flat=True))
    now = datetime.datetime.now(tz=datetime.UTC)
    assessments = Assessment.objects.bulk_create(
        Assessment(
            country=code,
            title=f"Review {code} {year}",
            framework_version=version,
            as_of=datetime.date(year, 6, 30),
            owner_id=owner_id,
            confidentiality=Confidentiality.ORGANISATION,
            status=Status.PUBLISHED,
            published_at=now,
        )
        for code in codes
        for year in range(2020, 2020 + ASSESSMENTS_PER_COUNTRY)
    )
    answers: list[Any] = []
    written = 0
    for assessment in assessments:
        for question in questions:
            insufficient = rng.random() < 0.05
            answers.append(
                Answer(
                    assessment=assessment,
                    question_id=question,
                    state=AnswerState.INSUFFICIENT_EVIDENCE if insufficient else AnswerState.ANSWERED,
                    value=None if insufficient else Decimal(rng.randint(0, 4)),
                )
            )
        if len(answers) >= 10_000:
            Answer.objects.bulk_create(answers)
            written += len(answers)
            answers = []
    Answer.objects.bulk_create(answers)
    written += len(answers)
    return len(assessments), written


def cpu_seconds(call: Any) -> float:
    """The CPU seconds (user and system, of this process: the server's side of the request) of one call."""
    started = time.process_time()
    call()
    return time.process_time() - started


def profile_lines(call: Any, count: int = 25) -> str:
    """The top lines of a cProfile of one call, by own time."""
    profile = cProfile.Profile()
    profile.runcall(call)
    text = io.StringIO()
    pstats.Stats(profile, stream=text).sort_stats("tottime").print_stats(count)
    return text.getvalue()


def query_times(call: Any, count: int = 2) -> tuple[float, list[str]]:
    """The seconds the SQL queries of one call took in all, and the slowest of them with their time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    times = [(float(query["time"]), query["sql"]) for query in captured.captured_queries]
    slowest = sorted(times, reverse=True)[:count]
    return sum(time for time, _sql in times), [f"{time * 1000:.0f} ms: {sql[:80]}" for time, sql in slowest]


def analyse_tables() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def measure(args: argparse.Namespace, result: AssessmentsRun) -> None:
    result.version = setup_django()
    from django.urls import reverse

    from egide.accounts.models import Role
    from egide.assessments import services
    from egide.assessments.models import Assessment
    from egide.core.reference import countries

    rng = random.Random(args.seed)
    version = services.framework_load(user=None, content=json.dumps(framework_document())).version
    (owner,) = benchmark_organisations(1)
    member = benchmark_user("member", [(owner.pk, Role.EDITOR, [])])
    client = signed_in(member)
    codes = sorted(countries())[: STEPS[-1]]
    heatmap = reverse("assessment-framework-heatmap", kwargs={"identifier": IDENTIFIER})
    result.queries = {"heatmap": [], "comparison": []}
    done = 0
    started = time.perf_counter()
    for step in STEPS:
        made, written = generate(codes[done:step], version=version, owner_id=owner.pk, rng=rng)
        result.assessments += made
        result.answers += written
        done = step
        analyse_tables()
        first, last = (
            Assessment.objects.filter(country=codes[0]).order_by("as_of").values_list("pk", flat=True)[index]
            for index in (0, ASSESSMENTS_PER_COUNTRY - 1)
        )
        comparison = f"{reverse('assessment-compare', kwargs={'pk': last})}?with={first}"
        for page, url in (("heatmap", heatmap), ("comparison", comparison)):
            response = client.get(url)
            assert response.status_code == 200, (page, response.status_code)
            result.queries[page].append(count_queries(partial(client.get, url)))
        print(f"[{args.child}] {step} countries: queries {result.queries}", flush=True)
    result.generated_in = time.perf_counter() - started
    result.countries = done
    for page, url in (("heatmap", heatmap), ("comparison", comparison)):
        ask = partial(client.get, url)
        if args.profile:
            print(f"[{args.child}] profile of one request ({page}):\n{profile_lines(ask)}", flush=True)
        runs = repeat(ask, args.runs, 2)
        cpu = statistics.median(cpu_seconds(ask) for _ in range(max(3, args.runs // 3)))
        sql, slowest = query_times(ask)
        result.measures.append(
            Measure(page, statistics.median(runs), nearest_rank_p95(runs), cpu, result.queries[page][-1], sql, slowest)
        )


def render(results: list[AssessmentsRun], argv: list[str]) -> str:
    steps = ", ".join(str(step) for step in STEPS)
    lines = [
        START_MARKER,
        "## Assessments: heatmap and comparison (benchmarks/assessments.py)",
        "",
        f"Measured {now_utc()} with `{command_line('benchmarks/assessments.py', argv)}`. One framework of "
        f"{SECTIONS * QUESTIONS_PER_SECTION} questions ({SECTIONS} sections); {ASSESSMENTS_PER_COUNTRY} published "
        'assessments a country, each with an answer to every question (5 % "insufficient evidence"). Pages '
        "requested through Django's test client as an editor of the owner organisation (DEBUG off): median and p95 "
        "of the wall time, the median CPU time of the process (on SQLite it includes the database's work, on "
        "PostgreSQL it does not) and the time the SQL queries of one request took (SQL). "
        f"Aim: under {AIM_MS:.0f} ms, and SQL queries that do not grow with the data (counted at {steps} countries).",
        "",
        "| database | countries | assessments | answers | page | median | p95 | CPU | SQL | queries at " + steps + " |",
        "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | --- |",
    ]
    for run in results:
        if run.skipped or run.failed:
            lines.append(f"| {database_title(run.database)} | skipped: {run.skipped or run.failed} | | | | | | | | |")
            continue
        for item in run.measures:
            counts = " / ".join(str(count) for count in run.queries[item.page])
            lines.append(
                f"| {run.version} | {run.countries} | {run.assessments:,} | {run.answers:,} | {item.page} | "
                f"{ms(item.median)} | {ms(item.p95)} | {ms(item.cpu)} | {ms(item.sql)} | {counts} |"
            )
    lines.append("")
    for run in results:
        if not (run.skipped or run.failed):
            slowest = "; ".join(f"{item.page} `{line}…`" for item in run.measures for line in item.slowest)
            lines.append(
                f"- {run.version}: data generated and counted in {ms(run.generated_in)}; {load_sentence(run.load)}; "
                f"slowest queries of one request: {slowest}."
            )
    lines += ["", END_MARKER]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_database_options(
        parser,
        quick=QUICK,
        seed=17,
        country="CF",
        postgres=("EGIDE_ASSESSMENTS_BENCH_URL", DEFAULT_POSTGRES_URL),
        quick_help="a smoke run: 3 timed runs",
    )
    add_child_options(parser)
    parser.add_argument("--runs", type=int, default=None, help="timed runs per page (default 15)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one request per page")
    args = parser.parse_args(argv)
    if args.runs is None:
        args.runs = QUICK["runs"] if args.quick else 15
    if args.child:

        def measure_under_load(args: argparse.Namespace, result: AssessmentsRun) -> None:
            _, result.load = under_load(lambda: measure(args, result))

        return migrated_child(args, "egide-assessments-bench-", AssessmentsRun(database=args.child), measure_under_load)
    options = ["--seed", str(args.seed), "--runs", str(args.runs)]
    if args.quick:
        options.append("--quick")
    if args.profile:
        options.append("--profile")

    def run(database: str) -> AssessmentsRun:
        return run_child(
            __file__,
            database,
            args,
            options,
            empty=lambda **fields: AssessmentsRun(**fields),
            from_json=lambda data: AssessmentsRun(
                **{**data, "measures": [Measure(**item) for item in data["measures"]], "load": tuple(data["load"])}
            ),
        )

    results = each_database(databases_asked(args.databases), run)
    for item in results:
        for measured in item.measures:
            print(
                f"{item.database} {measured.page}: median {ms(measured.median)}, p95 {ms(measured.p95)}, "
                f"CPU {ms(measured.cpu)}, SQL {ms(measured.sql)}, queries {item.queries.get(measured.page)}"
            )
    if refuse_failed(results):
        return 1
    write_section(args, lambda: render(results, argv), start=START_MARKER, end=END_MARKER)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
