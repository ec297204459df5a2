"""Measure how the heaviest reads grow with the map, from 1,000 to 50,000 actors, on SQLite and PostgreSQL.

For each size (5 relationships per actor) a map is generated (benchmarks/generate.py), then, for each database, a
child process (as in run.py and access.py: its own data folder and throwaway database, `egide migrate`) imports
it once as the platform, spreads its records over organisations and confidentiality levels, signs in platform
staff and a viewer (a partner member for whom the visibility filter applies), and times:

- the map API `GET /api/v1/countries/{code}/map` and the country page `GET /countries/{code}/`, for both;
- the governance page `GET /countries/{code}/governance/` for the viewer, cold (the first request after a
  change to the map made through a service, as after an edit) and warm (the next request);
- then the findings API `GET /api/v1/countries/{code}/findings` for the viewer, on the same map.

Median, p95 and SQL queries per size, and each step's growth: the time's ratio divided by the data's (above 1,
the time grew faster than the data). Run `python benchmarks/scaling.py --help` for the options.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCHMARKS_DIR = Path(__file__).resolve().parent
START_MARKER = "<!-- scaling:start -->"
END_MARKER = "<!-- scaling:end -->"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/egide_scaling_bench"
SIZES = (1_000, 5_000, 20_000, 50_000)
QUICK_SIZES = (300, 1_000)
PER_ACTOR = 5
ORGANISATIONS = 8
VIEWER_ORGANISATIONS = 2

sys.path.insert(0, str(BENCHMARKS_DIR))
from common import (  # noqa: E402
    DatabaseRun,
    Spread,
    Timing,
    add_child_options,
    add_database_options,
    benchmark_user,
    command_line,
    count_queries,
    database_title,
    databases_asked,
    growth,
    import_as_platform,
    machine_line,
    measure_generated,
    migrated_child,
    ms,
    now_utc,
    print_heading,
    refuse_failed,
    run_child,
    setup_django,
    signed_in,
    sizes_asked,
    spread_map,
    timed,
    times,
    write_section,
)
from generate import DEFAULT_COUNTRY, DEFAULT_SEED, generate_map  # noqa: E402

STAFF, VIEWER = "staff", "viewer"
MAP, PAGE, COLD, WARM, FINDINGS = (
    "map API",
    "country page",
    "governance page, cold",
    "governance page, warm",
    ("findings API"),
)
MEASUREMENTS: tuple[tuple[str, str, str], ...] = (
    (MAP, STAFF, "/api/v1/countries/{code}/map"),
    (MAP, VIEWER, "/api/v1/countries/{code}/map"),
    (PAGE, STAFF, "/countries/{code}/"),
    (PAGE, VIEWER, "/countries/{code}/"),
    (COLD, VIEWER, "/countries/{code}/governance/"),
    (WARM, VIEWER, "/countries/{code}/governance/"),
    (FINDINGS, VIEWER, "/api/v1/countries/{code}/findings"),
)
"""(what, who, path): the rows of the table, in order."""


def runs_for(actors: int, asked: int | None) -> int:
    """Timed runs at a size: fewer on the large maps, to keep the whole run bounded."""
    if asked:
        return asked
    return 15 if actors <= 1_000 else 7 if actors <= 5_000 else 3


@dataclass(slots=True)
class SizeResult(DatabaseRun):
    """One database at one size."""

    actors: int = 0
    relationships: int = 0
    runs: int = 0
    import_seconds: float = 0.0
    seen: dict[str, int] = field(default_factory=dict)  # what the viewer sees
    timings: list[Timing] = field(default_factory=list)  # named "what, who"

    @staticmethod
    def from_json(data: dict[str, Any]) -> SizeResult:
        timings = [Timing(**timing) for timing in data.pop("timings")]
        return SizeResult(**data | {"load": tuple(data["load"])}, timings=timings)

    def timing(self, what: str, who: str) -> Timing | None:
        return next((timing for timing in self.timings if timing.name == f"{what}, {who}"), None)


# ------------------------------------------------------------------------------------------ the child process


def child(args: argparse.Namespace) -> int:
    result = SizeResult(database=args.child, runs=args.runs)
    # The import's cap on rows per table (50,000 by default) is a setting: raised as a deployment would to import
    # a map of this size in one file.
    largest = max(json.loads(Path(args.expected).read_text(encoding="utf-8")).values())
    os.environ["EGIDE_IMPORT_MAX_ROWS"] = str(max(50_000, largest))
    return migrated_child(args, f"egide-scaling-{args.child}-", result, _measure)


def _measure(args: argparse.Namespace, result: SizeResult) -> None:
    result.version = setup_django()
    country, code = args.country, args.country.lower()
    print(f"[{args.child}] import as the platform", flush=True)
    result.import_seconds = import_as_platform(args.file, args.expected, country)
    spread = spread_map(country, args.organisations, args.seed)
    result.actors, result.relationships = len(spread.actors), len(spread.relationships)
    staff = benchmark_user(STAFF, staff=True)
    viewer = benchmark_user(VIEWER, [(pk, "viewer", []) for pk in spread.organisation_ids[:VIEWER_ORGANISATIONS]])
    clients = {STAFF: signed_in(staff), VIEWER: signed_in(viewer)}
    result.seen = _check_what_each_sees(clients, code, spread)
    change = _map_change(staff, spread, country)

    def get(who: str, path: str) -> Callable[[], bytes]:
        def once() -> bytes:
            response = clients[who].get(path.format(code=code))
            assert response.status_code == 200, (who, path, response.status_code)
            return bytes(response.getvalue())  # the whole body, made in the timing even when it is streamed

        return once

    for what, who, path in MEASUREMENTS:
        if what in (MAP, PAGE):
            print(f"[{args.child}] {result.actors:,} actors: {what}, {who}", flush=True)
            once = get(who, path)
            for _ in range(args.warmup):
                once()
            runs = [timed(once)[0] for _ in range(args.runs)]
            result.timings.append(Timing(f"{what}, {who}", path, runs, queries=count_queries(once)))

    # The governance page after a change to the map, then again, then the findings API: in that order each run.
    print(f"[{args.child}] {result.actors:,} actors: governance page cold and warm, findings API", flush=True)
    cycle = [(what, get(who, path)) for what, who, path in MEASUREMENTS if what in (COLD, WARM, FINDINGS)]
    for _ in range(args.warmup):
        change()
        for _what, once in cycle:
            once()
    cycle_runs: dict[str, list[float]] = {what: [] for what, _once in cycle}
    for _ in range(args.runs):
        change()
        for what, once in cycle:
            cycle_runs[what].append(timed(once)[0])
    change()
    queries = {what: count_queries(once) for what, once in cycle}
    for what, who, path in MEASUREMENTS:
        if what in cycle_runs:
            result.timings.append(Timing(f"{what}, {who}", path, cycle_runs[what], queries=queries[what]))


def _check_what_each_sees(clients: dict[str, Any], code: str, spread: Spread) -> dict[str, int]:
    """The map API must show staff every record and the viewer what the rules allow, or the figures would be for
    another map; returns what the viewer sees."""
    for who, covering in ((STAFF, None), (VIEWER, set(range(VIEWER_ORGANISATIONS)))):
        actors, relationships = spread.visible(covering)
        shown = json.loads(clients[who].get(f"/api/v1/countries/{code}/map").getvalue())
        assert {node["id"] for node in shown["nodes"]} == actors, who
        assert {edge["id"] for edge in shown["edges"]} == relationships, who
    return {"actors": len(actors), "relationships": len(relationships), "organisations": len(spread.organisation_ids)}


def _map_change(user: Any, spread: Spread, country: str) -> Callable[[], None]:
    """A trivial change to the map through the service, as an edit makes it: a public actor's English name gains
    or loses a mark, in turn. The governance analysis reads names, so any cache of its findings must see it."""
    from egide.actors import services
    from egide.actors.data import ActorData
    from egide.actors.models import Actor

    actor = Actor.objects.get(pk=next(pk for pk, record in spread.actors.items() if record.level == "public"))
    assert actor.country == country
    name = actor.name_en

    def change() -> None:
        current = Actor.objects.get(pk=actor.pk)
        values = {key: getattr(current, key) for key in ActorData.names()}
        renamed = name if current.name_en != name else f"{name} (renamed)"
        services.actor_update(user=user, actor=current, data=ActorData(**values | {"name_en": renamed}))

    return change


# ---------------------------------------------------------------------------------------- the parent process


def _growth_cells(values: list[float], sizes: list[int]) -> list[str]:
    return [f"**×{ratio:.2f}**" if ratio > 1 else f"×{ratio:.2f}" for ratio in growth(values, sizes)]


def _steps_too_fast(results: list[SizeResult]) -> list[str]:
    sizes = [result.actors + result.relationships for result in results]
    found = []
    for what, who, _path in MEASUREMENTS:
        timings = [result.timing(what, who) for result in results]
        medians = [timing.median for timing in timings if timing is not None]
        if len(medians) != len(results):
            continue
        for earlier, later, ratio in zip(results, results[1:], growth(medians, sizes), strict=False):
            if ratio > 1:
                found.append(f"{what} ({who}) {earlier.actors:,} → {later.actors:,} ×{ratio:.2f}")
    return found


def render_section(by_database: dict[str, list[SizeResult]], *, args: argparse.Namespace, argv: Sequence[str]) -> str:
    measured = [result for results in by_database.values() for result in results if not result.skipped]
    lines = [
        START_MARKER,
        "## Scaling: the heaviest reads from 1,000 to 50,000 actors",
        "",
        f"Measured on {now_utc()} with `{command_line(__file__, argv)}` (from the project folder; "
        "`make benchmark-scaling` runs every size).",
        "",
        f"**Data**: the map of `benchmarks/generate.py` (seed {args.seed}, country {args.country}) at each size, "
        f"{args.per_actor} relationships per actor, imported once per size and database as the platform, then "
        f"spread over {args.organisations} organisations (each record an owner among them and a level: 40% "
        "public, 30% partners, 20% organisation, 10% restricted, half of the restricted shared with one or two "
        "other organisations). **Staff** is a superuser (its session has confirmed a two-factor code); the "
        f"**viewer** a member with the viewer role of {VIEWER_ORGANISATIONS} of the organisations, for whom the "
        "visibility filter applies: what each sees is checked on the map API against an independent reading "
        "of the rules.",
        "",
        "**Method**: one child process per size and database (its own data folder and throwaway database, "
        "`DEBUG=false`), `django.test.Client` signed in with `force_login`: Django's own time per request, "
        f"middleware included, without a web server. Each request is made {times(args.warmup)} to warm up, then "
        "timed (runs per size below; p95 by nearest rank, so with 3 to 7 runs it is the slowest); the SQL queries "
        "are counted on one more request. The governance page is **cold** on the first request after a change "
        "to the map made through `actors.services.actor_update` (a public actor's English name, which the "
        "analysis reads, gains or loses a mark), and **warm** on the next; the findings API follows, on the "
        "same map. **Growth** is each step's time ratio divided by its data ratio (actors and relationships): "
        "above ×1 (in bold) the time grew faster than the data.",
        "",
        machine_line(
            sorted({result.version for result in measured if result.database == "postgresql" and result.version})
        ),
        "",
    ]
    for database, results in by_database.items():
        done = [result for result in results if not result.skipped and not result.failed]
        version = next((result.version for result in done), "")
        lines += [f"### {database_title(database)}" + (f" ({version})" if version else ""), ""]
        if not done:
            lines += [f"Not measured: {results[0].skipped or results[0].failed}.", ""]
            continue
        too_fast = _steps_too_fast(done)
        lines += [
            "Load average (1 min), before and after each size, on the machine's CPUs: "
            + "; ".join(f"{result.actors:,} actors {result.load[0]:.1f} → {result.load[1]:.1f}" for result in done)
            + f" ({os.cpu_count()} CPUs).",
            "",
            "- **Grew faster than the data**: " + ("; ".join(too_fast) if too_fast else "no step") + ".",
            "",
        ]
        header = ["measurement", "user"]
        for number, result in enumerate(done):
            if number:
                header.append("growth")
            header.append(f"{result.actors:,} actors ({result.runs} run{'s' if result.runs > 1 else ''})")
        lines += ["| " + " | ".join(header) + " |", "| --- | --- |" + " ---: |" * (len(header) - 2)]
        sizes = [result.actors + result.relationships for result in done]
        for what, who, path in MEASUREMENTS:
            timings = [result.timing(what, who) for result in done]
            if any(timing is None for timing in timings):
                continue
            present = [timing for timing in timings if timing is not None]
            cells = [f"{ms(timing.median)} (p95 {ms(timing.p95)}), {timing.queries} q" for timing in present]
            ratios = _growth_cells([timing.median for timing in present], sizes)
            row = [cells[0]] + [item for pair in zip(ratios, cells[1:], strict=True) for item in pair]
            lines.append(
                f"| {what}: `GET {path.format(code=args.country.lower())}` | {who} | " + " | ".join(row) + " |"
            )
        imports = [result.import_seconds for result in done]
        row = [ms(imports[0])] + [
            item for pair in zip(_growth_cells(imports, sizes), map(ms, imports[1:]), strict=True) for item in pair
        ]
        lines += [
            "| import of the ZIP of CSVs (once, not in the verdict) | platform | " + " | ".join(row) + " |",
            "",
            "What the viewer sees, and the viewer's time against staff's (median): "
            + "; ".join(_viewer_line(result) for result in done)
            + ".",
            "",
        ]
    lines.append(END_MARKER)
    return "\n".join(lines) + "\n"


def _viewer_line(result: SizeResult) -> str:
    ratios = []
    for what in (MAP, PAGE):
        staff, viewer = result.timing(what, STAFF), result.timing(what, VIEWER)
        if staff is not None and viewer is not None and staff.median:
            ratios.append(f"{what} ×{viewer.median / staff.median:.2f}")
    return (
        f"{result.actors:,} actors: {result.seen.get('actors', 0):,} actors and "
        f"{result.seen.get('relationships', 0):,} relationships seen, " + ", ".join(ratios)
    )


def print_table(by_database: dict[str, list[SizeResult]]) -> None:
    for database, results in by_database.items():
        for result in results:
            if not print_heading(result, f"{result.actors:,} actors"):
                continue
            print(f"  {'import (once)':34} {ms(result.import_seconds):>10}")
            for timing in result.timings:
                print(
                    f"  {timing.name[:34]:34} {ms(timing.median):>10} p95 {ms(timing.p95):>10}  "
                    f"queries {timing.queries:>3}"
                )
        done = [result for result in results if not result.skipped and not result.failed]
        too_fast = _steps_too_fast(done)
        print(f"\n{database}: grew faster than the data: " + ("; ".join(too_fast) if too_fast else "no step"))


def _run_child(
    database: str, zip_path: Path, expected_path: Path, *, args: argparse.Namespace, runs: int
) -> SizeResult:
    options = ["--file", str(zip_path), "--expected", str(expected_path), "--country", args.country]
    options += ["--seed", str(args.seed), "--organisations", str(args.organisations)]
    options += ["--runs", str(runs), "--warmup", str(args.warmup)]
    return run_child(__file__, database, args, options, empty=SizeResult, from_json=SizeResult.from_json)


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default=",".join(str(size) for size in SIZES),
        help="comma-separated numbers of actors (default %(default)s)",
    )
    parser.add_argument("--per-actor", type=int, default=PER_ACTOR, help="relationships per actor (default 5)")
    parser.add_argument(
        "--runs", type=int, help="timed runs at every size (default 15 up to 1,000 actors, 7 up to 5,000, then 3)"
    )
    parser.add_argument("--warmup", type=int, default=1, help="untimed runs before them (default 1)")
    parser.add_argument(
        "--organisations", type=int, default=ORGANISATIONS, help="organisations owning the records (default 8)"
    )
    add_database_options(
        parser,
        quick={},
        seed=DEFAULT_SEED,
        country=DEFAULT_COUNTRY,
        postgres=("EGIDE_SCALING_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        quick_help=f"a smoke run: {' and '.join(f'{size:,}' for size in QUICK_SIZES)} actors, 2 runs",
    )
    add_child_options(parser)
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes = ",".join(str(size) for size in QUICK_SIZES)
        args.runs = args.runs or 2
    args.country = args.country.upper()
    args.size_list = sorted(set(sizes_asked(args.sizes)))
    if args.organisations <= VIEWER_ORGANISATIONS:
        parser.error(f"--organisations must be more than {VIEWER_ORGANISATIONS}")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse(argv)
    if args.child:
        return child(args)
    databases = databases_asked(args.databases)
    by_database: dict[str, list[SizeResult]] = {database: [] for database in databases}
    for actors in args.size_list:
        relationships = actors * args.per_actor
        print(f"generating {actors:,} actors and {relationships:,} relationships (seed {args.seed})", flush=True)
        started = time.perf_counter()
        generated = generate_map(actors=actors, relationships=relationships, seed=args.seed, country=args.country)
        print(f"generated in {time.perf_counter() - started:.1f} s", flush=True)
        runs = runs_for(actors, args.runs)
        results = measure_generated(generated, databases, functools.partial(_run_child, args=args, runs=runs))
        if refuse_failed(results):
            return 1
        for result in results:
            by_database[result.database].append(result)
        # Written after each size, so that a long run stopped on the way keeps the sizes it measured.
        print_table(by_database)
        write_section(
            args, lambda: render_section(by_database, args=args, argv=argv), start=START_MARKER, end=END_MARKER
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
