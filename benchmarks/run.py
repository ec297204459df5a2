"""Measure Égide at scale on SQLite and PostgreSQL, and write the figures to benchmarks/RESULTS.md.

For each database, a child process (so that settings are clean) gets its own temporary data folder and database,
runs `egide migrate`, then, with django.test.Client signed in as an organisation member (not a superuser):

1. imports the generated map (benchmarks/generate.py) from its ZIP of CSVs, into an empty country, then again
   (the second import must change nothing);
2. times `GET /api/v1/countries/{code}/map` (without and with `Accept-Encoding: gzip`), the country page
   `GET /countries/{code}/`, the actors and relationships table partials, an actor page and the JSON export:
   median, p95, response size (and the gzip size) and the number of SQL queries, after a warm-up;
3. breaks the map request down in-process: the selector, the JSON encoding and the gzip compression the view
   does, and the raw SQL + orjson baseline (and, for comparison only, the `MapOut` validation the request no
   longer does).

With `--map-api`, only the map endpoint is measured, against that baseline, with gzip's levels and the request's
peak memory, for two versions of the code side by side (benchmarks/map_api.py).

The aims: the map data in under 0.5 s and the country page in under 1 s, at 5,000 actors and 25,000
relationships. Run `python benchmarks/run.py --help` for the options; benchmarks/README.md says more.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import inspect
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCHMARKS_DIR = Path(__file__).resolve().parent
START_MARKER = "<!-- map-benchmark:start -->"
END_MARKER = "<!-- map-benchmark:end -->"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/egide_bench"
MAP_AIM = 0.5
PAGE_AIM = 1.0
QUICK = {"actors": 500, "relationships": 2_500, "runs": 3, "warmup": 1}

sys.path.insert(0, str(BENCHMARKS_DIR))
from common import (  # noqa: E402
    DatabaseRun,
    Timing,
    add_child_options,
    add_database_options,
    add_map_options,
    analyse,
    benchmark_editor,
    command_line,
    complete_options,
    database_title,
    databases_asked,
    in_child,
    load_sentence,
    machine_line,
    migrate,
    ms,
    now_utc,
    print_heading,
    profile,
    run_child,
    setup_django,
    size_text,
    slug,
    timed,
    times,
    under_load,
    write_section,
)
from generate import (  # noqa: E402
    DEFAULT_ACTORS,
    DEFAULT_COUNTRY,
    DEFAULT_RELATIONSHIPS,
    DEFAULT_SEED,
    GeneratedMap,
    generate_map,
)


@dataclass(slots=True)
class ImportFigures:
    read_seconds: float
    import_seconds: float
    queries: int
    report: dict[str, int]
    reimport_read_seconds: float
    reimport_seconds: float
    reimport_queries: int
    reimport_report: dict[str, int]

    @property
    def total(self) -> float:
        return self.read_seconds + self.import_seconds

    @property
    def reimport_total(self) -> float:
        return self.reimport_read_seconds + self.reimport_seconds


@dataclass(slots=True)
class DatabaseResult(DatabaseRun):
    migrate_seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    imports: ImportFigures | None = None
    timings: list[Timing] = field(default_factory=list)
    map_api: dict[str, Any] = field(default_factory=dict)  # --map-api: map_api.measure()'s figures

    @staticmethod
    def from_json(data: dict[str, Any]) -> DatabaseResult:
        imports = data.pop("imports")
        timings = data.pop("timings")
        return DatabaseResult(
            **data,
            imports=ImportFigures(**imports) if imports else None,
            timings=[Timing(**timing) for timing in timings],
        )


# ------------------------------------------------------------------------------------------ the child process


def child(args: argparse.Namespace) -> int:
    """Runs in its own process: migrate, import, measure; writes a DatabaseResult as JSON to args.json."""
    result = DatabaseResult(database=args.child)

    def work() -> None:
        print(f"[{args.child}] egide migrate", flush=True)
        result.migrate_seconds, _ = timed(migrate)
        _measure(args, result)

    return in_child(args, f"egide-bench-{args.child}-", result, work)


def _measure(args: argparse.Namespace, result: DatabaseResult) -> None:
    result.version = setup_django()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from egide.actors import selectors
    from egide.actors.documents import read_map_file
    from egide.actors.importer import ImportReport, country_map_import
    from egide.actors.models import Actor, Citation, Relationship, Source

    user, organisation = benchmark_editor()
    country = args.country
    data = Path(args.file).read_bytes()
    filename = Path(args.file).name
    expected = json.loads(Path(args.expected).read_text(encoding="utf-8"))

    def counted(call: Callable[[], ImportReport]) -> tuple[float, ImportReport, int]:
        count = 0

        def counter(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counter):
            seconds, report = timed(call)
        return seconds, report, count

    def report_dict(report: ImportReport) -> dict[str, int]:
        return asdict(report)

    print(f"[{args.child}] cold import of {filename}", flush=True)
    read_seconds, tables = timed(lambda: read_map_file(data, filename=filename))
    # The import may come to take the owner organisation of what it writes.
    owner = {"owner": organisation} if "owner" in inspect.signature(country_map_import).parameters else {}
    import_seconds, report, queries = counted(
        lambda: country_map_import(user=user, country=country, tables=tables, **owner)
    )
    assert report.actors_created == expected["actors"], report
    assert report.relationships_created == expected["relationships"], report
    assert report.sources_created == expected["sources"], report
    assert report.citations_created == expected["citations"], report

    print(f"[{args.child}] re-import of the same file", flush=True)
    reread_seconds, tables = timed(lambda: read_map_file(data, filename=filename))
    reimport_seconds, again, requeries = counted(
        lambda: country_map_import(user=user, country=country, tables=tables, **owner)
    )
    assert not again.changed, f"the re-import changed something: {again}"
    assert again.actors_unchanged == expected["actors"], again
    assert again.relationships_unchanged == expected["relationships"], again
    result.imports = ImportFigures(
        read_seconds,
        import_seconds,
        queries,
        report_dict(report),
        reread_seconds,
        reimport_seconds,
        requeries,
        report_dict(again),
    )
    result.counts = {
        "actors": Actor.objects.filter(country=country).count(),
        "relationships": Relationship.objects.filter(country=country).count(),
        "sources": Source.objects.filter(country=country).count(),
        "citations": Citation.objects.count(),
    }
    analyse()  # as autovacuum would within a minute or so, so that the planner has statistics

    if args.map_api:
        import map_api

        map_api.make_readers(organisation)
        versions = [("before", Path(args.before_src).resolve())] if args.before_src else []
        result.map_api = map_api.measure(
            country=country,
            runs=args.runs,
            warmup=args.warmup,
            versions=[*versions, ("after", Path(args.after_src).resolve() if args.after_src else map_api.OWN_SOURCE)],
            memory=not args.no_memory,
            timing=not args.no_timing,
        )
        return

    client = Client()
    client.force_login(user)
    busiest, typical = _sample_actors(country)
    code = country.lower()
    htmx = {"HX-Request": "true"}
    gzipped = {"Accept-Encoding": "gzip, deflate, br"}  # what browsers send
    requests: list[tuple[str, str, float | None, str, dict[str, str]]] = [
        ("map data (API)", f"/api/v1/countries/{code}/map", MAP_AIM, "no Accept-Encoding", {}),
        ("map data (API), gzip", f"/api/v1/countries/{code}/map", MAP_AIM, "Accept-Encoding: gzip", gzipped),
        ("country page", f"/countries/{code}/", PAGE_AIM, "", {}),
        ("actors table partial", f"/countries/{code}/actors/table/", None, "page 1, HTMX", htmx),
        ("actors table, search", f"/countries/{code}/actors/table/?q=police", None, "q=police", htmx),
        ("relationships table partial", f"/countries/{code}/relationships/table/", None, "page 1, HTMX", htmx),
        ("actor page, busiest actor", f"/actors/{busiest[0]}/", None, f"{busiest[1]} relationships", {}),
        ("actor page, typical actor", f"/actors/{typical[0]}/", None, f"{typical[1]} relationships", {}),
        ("JSON export", f"/countries/{code}/export.json", None, "", {}),
    ]
    profile_dir = Path(args.profile) if args.profile else None
    for name, path, aim, note, headers in requests:
        print(f"[{args.child}] {name}: GET {path}", flush=True)
        for _ in range(max(1, args.warmup)):
            response = client.get(path, headers=headers)
            assert response.status_code == 200, (path, response.status_code)
        sent_gzip = response.get("Content-Encoding") == "gzip"
        if path.endswith("/map"):
            # The user must see the whole map, or the figures would be for a smaller one.
            shown = json.loads(gzip.decompress(response.content) if sent_gzip else response.content)
            assert len(shown["nodes"]) == expected["actors"], (len(shown["nodes"]), expected)
            assert len(shown["edges"]) == expected["relationships"], (len(shown["edges"]), expected)
            # Égide compresses the map itself when the client accepts gzip (and only then).
            assert sent_gzip == ("Accept-Encoding" in headers), (name, response.get("Content-Encoding"))
        runs = []
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get(path, headers=headers)
            content = response.getvalue()  # the map is streamed when it is large
            runs.append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
        with CaptureQueriesContext(connection) as captured:
            client.get(path, headers=headers)
        if sent_gzip:  # the body sent, and what it holds
            size, gzip_size = len(gzip.decompress(content)), len(content)
        else:  # what a reverse proxy compressing at gzip's default level would send
            size, gzip_size = len(content), len(gzip.compress(content, 6))
        result.timings.append(Timing(name, path, runs, size, gzip_size, len(captured), aim, note, sent_gzip=sent_gzip))
        if profile_dir is not None:
            profile(
                profile_dir / f"{args.child}-{slug(name)}.prof",
                lambda path=path, headers=headers: client.get(path, headers=headers),  # type: ignore[misc]
            )

    # The map's data alone, without HTTP or JSON: what the selector itself costs.
    def selector() -> Any:
        return selectors.country_map(user=user, country=country)

    runs = [timed(selector)[0] for _ in range(args.runs)]
    with CaptureQueriesContext(connection) as captured:
        selector()
    result.timings.append(
        Timing(
            SELECTOR_STEP,
            "(in-process call)",
            runs,
            queries=len(captured),
            note="the selector alone: no HTTP, no JSON",
        )
    )
    result.timings += _map_breakdown(selector(), args.runs)
    # What the request is measured against: the same SQL through connection.cursor(), the same document, orjson.
    import map_api

    result.timings.append(
        Timing(
            BASELINE_STEP,
            "(in-process call)",
            [timed(map_api.baseline(user, country))[0] for _ in range(args.runs)],
            note="the map's two SQL statements run with connection.cursor(), the same document, orjson; "
            "the map request's aim is at most ×1.3 of it (`--map-api` measures both interleaved)",
        )
    )


SELECTOR_STEP = "map breakdown: selectors.country_map()"
ENCODING_STEP = "map breakdown: JSON encoding"
GZIP_STEP = "map breakdown: gzip compression"
BASELINE_STEP = "map breakdown: baseline, raw SQL + orjson"
VALIDATION_STEP = "not in the request any more: MapOut.model_validate()"


def _map_breakdown(data: dict[str, Any], runs: int) -> list[Timing]:
    """What the map view does with the selector's rows: write them as JSON, and compress them when gzip is
    accepted.

    The view (`country_map` in egide/actors/api.py) writes the selector's batches with orjson
    (`egide.core.json_output`), streamed when the map is large, under `gzip_page_at(MAP_GZIP_LEVEL)`
    (`egide.core.compression`). Here the whole document is written at once and compressed at that level.
    Validating the same data against the `MapOut` schema, which django-ninja did before the view sent its JSON
    itself, is timed too, for comparison with the earlier figures: the request does not do it.
    """
    from egide.actors.api import MAP_GZIP_LEVEL
    from egide.core.compression import compress_bytes
    from egide.core.json_output import dumps

    def encode() -> bytes:
        return dumps(data)

    body = encode()
    steps: list[tuple[str, Callable[[], Any], str]] = [
        (ENCODING_STEP, encode, "orjson, as the view writes it (egide.core.json_output)"),
        (
            GZIP_STEP,
            lambda: compress_bytes(body, MAP_GZIP_LEVEL),
            f"only when the client accepts gzip: level {MAP_GZIP_LEVEL} (egide.core.compression)",
        ),
    ]
    try:
        from egide.actors.schemas import MapOut
    except ImportError as error:  # the API's shapes moved: nothing to compare with
        print(f"no MapOut validation to compare with: {error}", flush=True)
    else:
        steps.append(
            (
                VALIDATION_STEP,
                lambda: MapOut.model_validate(data),
                "what django-ninja's response check cost before the view sent its JSON itself; for comparison only",
            )
        )
    return [
        Timing(name, "(in-process call)", [timed(call)[0] for _ in range(runs)], note=note)
        for name, call, note in steps
    ]


def _sample_actors(country: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """(pk, relationships) of the actor with the most relationships, and of one with the median number."""
    from django.db.models import Count

    from egide.actors.models import Actor

    degrees = sorted(
        (row["out_count"] + row["in_count"], row["pk"])
        for row in Actor.objects.filter(country=country)
        .annotate(out_count=Count("outgoing", distinct=True), in_count=Count("incoming", distinct=True))
        .values("pk", "out_count", "in_count")
    )
    busiest = degrees[-1]
    typical = degrees[len(degrees) // 2]
    return (busiest[1], busiest[0]), (typical[1], typical[0])


# ---------------------------------------------------------------------------------------- the parent process


def _run_child(database: str, args: argparse.Namespace, zip_path: Path, expected_path: Path) -> DatabaseResult:
    options = ["--file", str(zip_path), "--expected", str(expected_path), "--country", args.country]
    options += ["--runs", str(args.runs), "--warmup", str(args.warmup)]
    if args.profile:
        options += ["--profile", str(args.profile.resolve())]
    if args.map_api:
        options += ["--map-api"] + (["--before-src", str(Path(args.before_src).resolve())] if args.before_src else [])
        options += ["--after-src", str(Path(args.after_src).resolve())] if args.after_src else []
        options += ["--no-memory"] * args.no_memory + ["--no-timing"] * args.no_timing
    return run_child(__file__, database, args, options, empty=DatabaseResult, from_json=DatabaseResult.from_json)


def _verdict(timing: Timing) -> str:
    if timing.aim is None:
        return ""
    aim = f"< {ms(timing.aim)}"
    if timing.p95 < timing.aim:
        return f"{aim}: **met** (median and p95)"
    if timing.median < timing.aim:
        return f"{aim}: met by the median, **not** by p95"
    return f"{aim}: **missed** ({timing.median / timing.aim:.1f}× the aim)"


def _verdicts(results: list[DatabaseResult]) -> list[str]:
    """One line per database: the aims met or missed, and where the map request's time goes."""
    lines = []
    for result in results:
        if result.skipped or result.failed:
            continue
        by_name = {timing.name: timing for timing in result.timings}
        verdicts = [
            f"{timing.name} {ms(timing.median)} (p95 {ms(timing.p95)}): "
            + (
                "met"
                if timing.p95 < timing.aim
                else "met by the median only"
                if timing.median < timing.aim
                else "**missed**"
            )
            for timing in result.timings
            if timing.aim is not None
        ]
        line = f"- **{database_title(result.database)}**: " + "; ".join(verdicts) + "."
        plain, compressed = by_name.get("map data (API)"), by_name.get("map data (API), gzip")
        if plain is not None and SELECTOR_STEP in by_name and ENCODING_STEP in by_name:
            selector, encoding = by_name[SELECTOR_STEP].median, by_name[ENCODING_STEP].median
            line += (
                f" Of the map request's {ms(plain.median)} (median, uncompressed), measured separately "
                f"in-process: the selector {ms(selector)}, the JSON encoding {ms(encoding)}; the rest is the "
                "request's own handling and garbage collection."
            )
            if compressed is not None and GZIP_STEP in by_name:
                line += (
                    f" With `Accept-Encoding: gzip` it takes {ms(compressed.median)}, of which the compression "
                    f"{ms(by_name[GZIP_STEP].median)}, and sends {size_text(compressed.gzip_size)} instead of "
                    f"{size_text(compressed.size)}."
                )
        if plain is not None and BASELINE_STEP in by_name:
            baseline = by_name[BASELINE_STEP].median
            line += (
                f" The raw SQL + orjson baseline takes {ms(baseline)}: the request is ×{plain.median / baseline:.2f} "
                "of it (aim ×1.3)."
            )
        if VALIDATION_STEP in by_name:
            line += (
                f" Validating the map against `MapOut`, which the request no longer does, would add "
                f"{ms(by_name[VALIDATION_STEP].median)}."
            )
        lines += [line]
    return [*lines, ""] if lines else []


def render_section(
    results: list[DatabaseResult],
    *,
    generated: GeneratedMap,
    args: argparse.Namespace,
    argv: Sequence[str],
    generate_seconds: float,
    zip_size: int,
) -> str:
    now = now_utc()
    summary = generated.summary()
    regions = sum(1 for row in generated.actors if row["reference"].startswith("PREF-"))
    lines = [
        START_MARKER,
        "## Map, country page, import and export at scale",
        "",
        f"Measured on {now} with `{command_line(__file__, argv)}` (from the project folder; `make benchmark` runs the "
        "same with the default sizes).",
        "",
        f"**Data**: a synthetic map generated by `benchmarks/generate.py` (seed {args.seed}, country "
        f"{args.country}): **{len(generated.actors):,} actors** in {len(summary['families'])} families and "
        f"{len(summary['kinds'])} kinds, in a hierarchy several levels deep (national, {regions} regions, their "
        f"districts and communes), **{len(generated.relationships):,} relationships** of {len(summary['types'])} "
        "types, "
        f"{generated.citation_count():,} citations of {len(generated.cited_sources())} sources; the ZIP of CSVs "
        f"is {size_text(zip_size)} (generated in {generate_seconds:.1f} s).",
        "",
        "**Method**: one child process per database, with its own temporary data folder and database, "
        "`DEBUG=false`, `egide migrate`, then `django.test.Client` signed in as an editor of an organisation "
        "(not a superuser: the visibility rules apply; no network, no web server: the figures are Django's "
        "own time per request, middleware included). Each request is made "
        f"{times(args.warmup)} to warm up, then timed {args.runs} times; p95 is by nearest rank. The SQL "
        "queries are counted on one more request. Sizes are of the uncompressed body, with the gzip size in "
        "brackets: for the map data requested with `Accept-Encoding: gzip`, the body Égide actually sent (the "
        "map endpoint compresses its own response when the client accepts it); for the other responses, which "
        "Égide sends uncompressed, what a reverse proxy compressing at gzip's level 6 would send. The map "
        "breakdown rows are in-process calls on the selector's result, not requests. On PostgreSQL the tables "
        "are analysed after the import (autovacuum would do it within a minute).",
        "",
        machine_line(result.version for result in results if result.database == "postgresql" and result.version),
        "",
        f"**Aims** at 5,000 actors / 25,000 relationships: map data under {ms(MAP_AIM)}, country page under "
        f"{ms(PAGE_AIM)}.",
        "",
        *_verdicts(results),
    ]
    for result in results:
        title = database_title(result.database)
        lines.append(f"### {title}" + (f" ({result.version})" if result.version else ""))
        lines.append("")
        if result.skipped:
            lines += [f"Not measured: {result.skipped}.", ""]
            continue
        imports = result.imports
        assert imports is not None
        created = imports.report
        lines += [
            load_sentence(result.load)
            + (
                ": above the CPU count, other work competed for the processor and the figures are pessimistic."
                if max(result.load) > (os.cpu_count() or 1)
                else "."
            ),
            "",
            "| measurement | median | p95 | fastest | size (gzip) | SQL queries | aim |",
            "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
            f"| CSV import into an empty country (read {ms(imports.read_seconds)} + import "
            f"{ms(imports.import_seconds)}) | {ms(imports.total)} | | | {size_text(zip_size)} | {imports.queries:,} | "
            f"{created['actors_created']:,} actors, {created['relationships_created']:,} relationships, "
            f"{created['sources_created']:,} sources, {created['citations_created']:,} citations created |",
            f"| CSV re-import of the same file (read {ms(imports.reimport_read_seconds)} + import "
            f"{ms(imports.reimport_seconds)}) | {ms(imports.reimport_total)} | | | {size_text(zip_size)} | "
            f"{imports.reimport_queries:,} | nothing changed (checked) |",
        ]
        for timing in result.timings:
            label = f"{timing.name}: `GET {timing.path}`" if timing.path.startswith("/") else timing.name
            if timing.note:
                label += f" ({timing.note})"
            size = "—"
            if timing.size:
                sent = " sent" if timing.sent_gzip else ""
                size = f"{size_text(timing.size)} ({size_text(timing.gzip_size)}{sent})"
            lines.append(
                f"| {label} | {ms(timing.median)} | {ms(timing.p95)} | {ms(timing.fastest)} | {size} | "
                f"{timing.queries} | {_verdict(timing)} |"
            )
        lines.append("")
    lines.append(END_MARKER)
    return "\n".join(lines) + "\n"


def print_table(results: list[DatabaseResult]) -> None:
    for result in results:
        if not print_heading(result):
            continue
        if result.imports:
            print(f"  {'CSV import, cold':44} {ms(result.imports.total):>10}   queries {result.imports.queries}")
            print(
                f"  {'CSV re-import (nothing changed)':44} {ms(result.imports.reimport_total):>10}   "
                f"queries {result.imports.reimport_queries}"
            )
        for timing in result.timings:
            sent = f" ({size_text(timing.gzip_size)} sent)" if timing.sent_gzip else ""
            print(
                f"  {timing.name[:44]:44} {ms(timing.median):>10} p95 {ms(timing.p95):>10}  "
                f"{size_text(timing.size):>9}{sent}  queries {timing.queries:>3}  {_verdict(timing)}"
            )


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    full = add_map_options(
        parser, actors=DEFAULT_ACTORS, relationships=DEFAULT_RELATIONSHIPS, runs=20, runs_per="request"
    )
    add_database_options(
        parser,
        quick=QUICK,
        seed=DEFAULT_SEED,
        country=DEFAULT_COUNTRY,
        postgres=("EGIDE_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="also profile one request of each kind with cProfile into this folder (.prof and .txt)",
    )
    parser.add_argument(
        "--map-api",
        action="store_true",
        help="measure only the map API against its raw SQL + orjson baseline, its gzip levels and its memory "
        "(benchmarks/map_api.py), into the map-api section",
    )
    parser.add_argument(
        "--before-src",
        help="with --map-api: also measure the Égide source folder given (an older version) on the same data",
    )
    parser.add_argument(
        "--after-src", help="with --map-api: the Égide source folder of the newer version (default: this one's src)"
    )
    parser.add_argument("--no-memory", action="store_true", help="with --map-api: no memory probes")
    parser.add_argument("--no-timing", action="store_true", help="with --map-api: no timing probes")
    add_child_options(parser)
    # A probe process of --map-api (benchmarks/map_api.py).
    parser.add_argument("--map-probe", choices=("timing", "memory"), help=argparse.SUPPRESS)
    parser.add_argument("--probe-output", help=argparse.SUPPRESS)
    parser.add_argument("--reader", choices=("viewer", "staff"), help=argparse.SUPPRESS)
    parser.add_argument("--accept-gzip", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--levels", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    complete_options(parser, args, QUICK if args.quick else full)
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse(argv)
    if args.map_probe:
        import map_api

        return map_api.run_probe(args)
    if args.child:
        return child(args)
    databases = databases_asked(args.databases)

    print(f"generating {args.actors} actors and {args.relationships} relationships (seed {args.seed})", flush=True)
    generate_seconds, generated = timed(
        lambda: generate_map(actors=args.actors, relationships=args.relationships, seed=args.seed, country=args.country)
    )
    work = Path(tempfile.mkdtemp(prefix="egide-bench-"))
    try:
        zip_path = work / f"egide-bench-{args.country.lower()}-{args.actors}-{args.relationships}.zip"
        zip_path.write_bytes(generated.to_zip())
        expected_path = work / "expected.json"
        expected_path.write_text(
            json.dumps(
                {
                    "actors": len(generated.actors),
                    "relationships": len(generated.relationships),
                    "sources": len(generated.cited_sources()),
                    "citations": generated.citation_count(),
                }
            ),
            encoding="utf-8",
        )
        results = []
        for database in databases:
            result, load = under_load(functools.partial(_run_child, database, args, zip_path, expected_path))
            result.load = load
            results.append(result)
        zip_size = zip_path.stat().st_size
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print_table(results)
    if any(result.failed for result in results):
        print("\nnot written: a run failed (see its output above)", file=sys.stderr)
        return 1
    if args.map_api:
        import map_api

        write_section(
            args,
            lambda: map_api.render(results, generated=generated, args=args, argv=argv),
            start=map_api.START_MARKER,
            end=map_api.END_MARKER,
        )
        return 0
    write_section(
        args,
        lambda: render_section(
            results, generated=generated, args=args, argv=argv, generate_seconds=generate_seconds, zip_size=zip_size
        ),
        start=START_MARKER,
        end=END_MARKER,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
