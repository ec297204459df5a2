"""Measure what the access rules cost: the same map seen by a member of 20 organisations and by a superuser.

The question (the access-control issue): with 5,000 actors of mixed confidentiality, the permission filter must
not multiply the number of SQL queries or the time. For each database (SQLite and PostgreSQL), a child process
(so that settings are clean) gets its own temporary data folder and database, runs `egide migrate`, then:

1. imports the generated map (benchmarks/generate.py) as the platform (`country_map_import(user=None)`), and
   spreads it over 25 organisations: every actor and relationship gets an owner among them and a
   confidentiality level (40% public, 30% partners, 20% organisation, 10% restricted); half of the restricted
   records are shared with one or two other organisations;
2. creates the users measured: a superuser (unfiltered; its session is marked as having confirmed a two-factor
   code, as platform staff must), a member of 20 of the organisations with mixed roles, some memberships limited
   to countries (one covering the map's country, others to other countries), the same member without country
   limits, and a member of a single organisation; checks what each sees against an independent reading of the
   rules;
3. times, for each user, interleaved, after a warm-up: the map endpoint `GET /api/v1/countries/{code}/map`, the
   selector `selectors.country_map()` alone (and its SQL alone), the actor list of the API
   (`GET /api/v1/countries/{code}/actors?limit=100`) and the country page's actors table partial, and the home
   page's counts (`selectors.country_summaries()` and `GET /`): median, p95 and the number of SQL queries, with
   the ratio to the superuser.

Run `python benchmarks/access.py --help` for the options; benchmarks/README.md says more.
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCHMARKS_DIR = Path(__file__).resolve().parent
START_MARKER = "<!-- access-benchmark:start -->"
END_MARKER = "<!-- access-benchmark:end -->"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/egide_access_bench"
ORGANISATIONS = 25
MEMBERSHIPS = 20
ROLES = ("administrator", "editor", "reviewer", "viewer")
OTHER_COUNTRIES = ("ML", "CF", "CD", "NE", "BF", "TD", "FR")
TIME_AIM = 1.5  # the member's median time may be at most this many times the superuser's
QUICK = {"actors": 500, "relationships": 2_500, "runs": 3, "warmup": 1}

sys.path.insert(0, str(BENCHMARKS_DIR))
from common import (  # noqa: E402
    DatabaseRun,
    Timing,
    add_child_options,
    add_database_options,
    add_map_options,
    benchmark_user,
    command_line,
    complete_options,
    count_queries,
    database_title,
    databases_asked,
    import_as_platform,
    load_sentence,
    machine_line,
    measure_generated,
    migrated_child,
    ms,
    now_utc,
    print_heading,
    profile,
    refuse_failed,
    run_child,
    setup_django,
    signed_in,
    size_text,
    slug,
    spread_map,
    timed,
    times,
    write_section,
)
from generate import DEFAULT_ACTORS, DEFAULT_COUNTRY, DEFAULT_RELATIONSHIPS, DEFAULT_SEED, generate_map  # noqa: E402

SUPERUSER = "superuser"
SUBJECT = "member20"
FLAT = "member20flat"
SINGLE = "member1"
USER_LABELS = {
    SUPERUSER: "superuser (unfiltered)",
    SUBJECT: "member of 20 organisations",
    FLAT: "member of 20, no country limits",
    SINGLE: "member of 1 organisation",
}

# (key, label, how): "get" a path with the user's client, or "call" a selector in-process.
MAP = "map"
MAP_SELECTOR = "map selector"
API_ACTORS = "API actors"
ACTORS_TABLE = "actors table"
SUMMARIES = "summaries"
HOME = "home"
MEASUREMENTS = {
    MAP: "(a) map data (API)",
    MAP_SELECTOR: "(b) selectors.country_map()",
    API_ACTORS: "(c) actor list (API)",
    ACTORS_TABLE: "(c) actors table partial",
    SUMMARIES: "(d) selectors.country_summaries()",
    HOME: "(d) home page",
}


@dataclass(slots=True)
class UserFacts:
    """Who a measured user is, and what they see of the map (checked against an independent reading)."""

    key: str
    memberships: int = 0
    covering: int = 0  # memberships that cover the map's country
    groups: int = 0  # OR-ed country groups in visibility_filter
    roles: str = ""
    limits: str = ""
    actors: int = 0
    relationships: int = 0


@dataclass(slots=True)
class Measure:
    who: str
    timing: Timing
    sees: str = ""


@dataclass(slots=True)
class AccessResult(DatabaseRun):
    data: dict[str, Any] = field(default_factory=dict)
    users: list[UserFacts] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    sql: list[Measure] = field(default_factory=list)  # the map selector's queries, re-run raw

    @staticmethod
    def from_json(data: dict[str, Any]) -> AccessResult:
        def measures(items: list[dict[str, Any]]) -> list[Measure]:
            return [Measure(item["who"], Timing(**item["timing"]), item["sees"]) for item in items]

        return AccessResult(
            **{name: value for name, value in data.items() if name not in ("users", "measures", "sql", "load")},
            load=tuple(data["load"]),
            users=[UserFacts(**user) for user in data["users"]],
            measures=measures(data["measures"]),
            sql=measures(data["sql"]),
        )

    def measure(self, name: str, who: str) -> Measure | None:
        return next((item for item in self.measures if item.timing.name == name and item.who == who), None)


# ------------------------------------------------------------------------------------------ the child process


def child(args: argparse.Namespace) -> int:
    """Runs in its own process: migrate, import, spread, measure; writes an AccessResult as JSON to args.json."""
    result = AccessResult(database=args.child)
    return migrated_child(args, f"egide-access-{args.child}-", result, _measure)


def _membership_plan(count: int, country: str, *, limited: bool) -> list[tuple[int, str, list[str]]]:
    """(organisation index, role, countries) for a member of `count` organisations.

    Limited: the first membership covers the map's country and one other, the next five only other countries
    (so they add OR-ed groups to the filter without showing anything of this map), the rest every country.
    """
    others = [code for code in OTHER_COUNTRIES if code != country]
    limits: list[list[str]] = []
    if limited:
        limits = [
            sorted([country, others[-1]]),
            [others[0]],
            [others[1]],
            [others[1], others[2]],
            [others[3]],
            [others[0], others[4]],
        ]
    return [
        (number, ROLES[number % len(ROLES)], limits[number] if number < len(limits) else []) for number in range(count)
    ]


def _measure(args: argparse.Namespace, result: AccessResult) -> None:
    result.version = setup_django()

    from django.db import connection

    from egide.accounts.selectors import forget_reach, reach_of
    from egide.actors import selectors

    country, code = args.country, args.country.lower()

    # 1. The map, imported as the platform, then spread over the organisations.
    print(f"[{args.child}] import as the platform", flush=True)
    seconds = import_as_platform(args.file, args.expected, country)
    print(f"[{args.child}] owners, levels and shares", flush=True)
    spread = spread_map(country, args.organisations, args.seed)
    actors, relationships = spread.actors, spread.relationships
    result.data = {
        "import_seconds": seconds,
        "spread_seconds": spread.seconds,
        "actors": len(actors),
        "relationships": len(relationships),
        **spread.summary(),
    }

    # 2. The users, and what each may see by an independent reading of the rules.
    plans: dict[str, list[tuple[int, str, list[str]]]] = {
        SUPERUSER: [],
        SUBJECT: _membership_plan(args.memberships, country, limited=True),
        FLAT: _membership_plan(args.memberships, country, limited=False),
        SINGLE: [(min(6, args.organisations - 1), "editor", [])],  # an editor, like run.py's user
    }
    users: dict[str, Any] = {}
    clients: dict[str, Any] = {}
    for key, plan in plans.items():
        user = benchmark_user(
            key,
            [(spread.organisation_ids[number], role, limits) for number, role, limits in plan],
            staff=key == SUPERUSER,
        )
        client = signed_in(user)
        users[key], clients[key] = user, client
        covering = {number for number, _role, limits in plan if not limits or country in limits}
        seen_actors, seen_relationships = spread.visible(None if key == SUPERUSER else covering)
        reach = reach_of(user)
        result.users.append(
            UserFacts(
                key=key,
                memberships=len(plan),
                covering=len(covering),
                groups=len({frozenset(grant.countries) for grant in reach.grants}),
                roles=", ".join(
                    f"{sum(1 for _n, role, _l in plan if role == name)} {name}"
                    for name in ROLES
                    if any(role == name for _n, role, _l in plan)
                ),
                limits="; ".join("+".join(limits) for _n, _r, limits in plan if limits),
                actors=len(seen_actors),
                relationships=len(seen_relationships),
            )
        )
        # The benchmark measures the right thing only if the platform shows each user what the rules allow.
        forget_reach(user)
        shown = selectors.country_map(user=user, country=country)
        assert {node["id"] for node in shown["nodes"]} == seen_actors, key
        assert {edge["id"] for edge in shown["edges"]} == seen_relationships, key
        forget_reach(user)
        summary = next(item for item in selectors.country_summaries(user=user) if item.code == country)
        assert (summary.actors, summary.relationships) == (len(seen_actors), len(seen_relationships)), key
        response = client.get(f"/api/v1/countries/{code}/actors?limit=100")
        assert response.status_code == 200, (key, response.status_code)
        assert json.loads(response.getvalue())["count"] == len(seen_actors), key
        assert client.get("/").status_code == 200, key  # the superuser is not sent to the code step
        forget_reach(user)
        print(f"[{args.child}] {key}: sees {len(seen_actors)} actors, {len(seen_relationships)} relationships")
    facts = {user.key: user for user in result.users}

    # 3. The measurements, each user in turn within every run, so that load changes hit them all alike.
    def sees(key: str, name: str) -> str:
        seen = facts[key]
        if name in (MAP, MAP_SELECTOR, SUMMARIES, HOME):
            return f"{seen.actors:,} actors, {seen.relationships:,} relationships"
        if name == API_ACTORS:
            return f"{seen.actors:,} actors (the first {min(100, seen.actors)} sent)"
        return f"{seen.actors:,} actors (the first {min(50, seen.actors)} shown)"

    htmx = {"HX-Request": "true"}
    requests: dict[str, tuple[str, dict[str, str]]] = {
        MAP: (f"/api/v1/countries/{code}/map", {}),
        API_ACTORS: (f"/api/v1/countries/{code}/actors?limit=100", {}),
        ACTORS_TABLE: (f"/countries/{code}/actors/table/", htmx),
        HOME: ("/", {}),
    }
    calls: dict[str, Callable[[Any], Any]] = {
        MAP_SELECTOR: lambda user: selectors.country_map(user=user, country=country),
        SUMMARIES: lambda user: selectors.country_summaries(user=user),
    }
    order = list(plans)
    profile_dir = Path(args.profile) if args.profile else None
    for name in (MAP, MAP_SELECTOR, API_ACTORS, ACTORS_TABLE, SUMMARIES, HOME):
        print(f"[{args.child}] {MEASUREMENTS[name]}", flush=True)
        once = _requester(clients, *requests[name]) if name in requests else _caller(users, calls[name], forget_reach)
        sizes: dict[str, int] = {}
        for key in order:
            for _ in range(max(1, args.warmup)):
                sizes[key] = once(key)
        runs: dict[str, list[float]] = {key: [] for key in order}
        for number in range(args.runs):
            turn = order[number % len(order) :] + order[: number % len(order)]
            for key in turn:
                started = time.perf_counter()
                once(key)
                runs[key].append(time.perf_counter() - started)
        for key in order:
            queries = count_queries(lambda: once(key))  # noqa: B023
            path = requests[name][0] if name in requests else "(in-process call)"
            timing = Timing(MEASUREMENTS[name], path, runs[key], size=sizes[key], queries=queries)
            result.measures.append(Measure(key, timing, sees(key, name)))
            if profile_dir is not None and key in (SUPERUSER, SUBJECT):
                profile(profile_dir / f"{args.child}-{slug(name)}-{key}.prof", lambda: once(key))  # noqa: B023

    # The map selector's SQL alone: its queries captured, then re-run raw (execute and fetch every row).
    explain_dir = Path(args.explain) if args.explain else None
    for key in order:
        statements = _statements(connection, _caller(users, calls[MAP_SELECTOR], forget_reach), key)
        for number, (sql, params) in enumerate(statements):

            def raw(sql: str = sql, params: Any = params) -> int:
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    return len(cursor.fetchall())

            rows = raw()
            timing = Timing(
                f"query {number + 1}: {_table(sql)}", "(raw SQL)", [timed(raw)[0] for _ in range(args.runs)]
            )
            result.sql.append(Measure(key, timing, f"{rows:,} rows, {len(sql):,} characters of SQL"))
        if explain_dir is not None:
            _explain(connection, explain_dir, f"{args.child}-{key}", statements)
            summaries = _statements(connection, _caller(users, calls[SUMMARIES], forget_reach), key)
            _explain(connection, explain_dir, f"{args.child}-{key}-summaries", summaries)


def _requester(clients: dict[str, Any], path: str, headers: dict[str, str]) -> Callable[[str], int]:
    """A request by one user's client; returns the size of the response's body."""

    def once(key: str) -> int:
        response = clients[key].get(path, headers=headers)
        assert response.status_code == 200, (key, path, response.status_code)
        return len(response.getvalue())  # the whole body, even when it is streamed

    return once


def _caller(users: dict[str, Any], call: Callable[[Any], Any], forget: Callable[[Any], None]) -> Callable[[str], int]:
    """An in-process call of a selector for one user, who reads the memberships again as a request does."""

    def once(key: str) -> int:
        forget(users[key])
        call(users[key])
        return 0

    return once


def _statements(connection: Any, once: Callable[[str], int], key: str) -> list[tuple[str, Any]]:
    """The (sql, params) a call runs for a user, as the database backend receives them."""
    statements: list[tuple[str, Any]] = []

    def capture(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        once(key)
    return statements


def _table(sql: str) -> str:
    found = re.search(r'\bFROM\s+"?(\w+)"?', sql)
    return found.group(1) if found else "?"


def _explain(connection: Any, folder: Path, stem: str, statements: list[tuple[str, Any]]) -> None:
    """The plans of the statements: EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN on SQLite."""
    folder.mkdir(parents=True, exist_ok=True)
    prefix = "EXPLAIN (ANALYZE, BUFFERS) " if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN "
    parts = []
    for number, (sql, params) in enumerate(statements):
        with connection.cursor() as cursor:
            cursor.execute(prefix + sql, params)
            plan = "\n".join(" | ".join(str(value) for value in row) for row in cursor.fetchall())
        parts.append(f"-- query {number + 1}\n{sql}\n-- params {params!r}\n{plan}\n")
    (folder / f"{stem}.txt").write_text("\n".join(parts), encoding="utf-8")


# ---------------------------------------------------------------------------------------- the parent process


def _run_child(database: str, zip_path: Path, expected_path: Path, *, args: argparse.Namespace) -> AccessResult:
    options = ["--file", str(zip_path), "--expected", str(expected_path), "--country", args.country]
    options += ["--seed", str(args.seed), "--organisations", str(args.organisations)]
    options += ["--memberships", str(args.memberships), "--runs", str(args.runs), "--warmup", str(args.warmup)]
    for option in ("profile", "explain"):
        if getattr(args, option):
            options += [f"--{option}", str(Path(getattr(args, option)).resolve())]
    return run_child(__file__, database, args, options, empty=AccessResult, from_json=AccessResult.from_json)


def _ratio(measure: Measure, reference: Measure | None) -> tuple[str, str]:
    """(time ratio and difference, queries compared) to the superuser's figures for the same measurement."""
    if reference is None or measure.who == SUPERUSER:
        return "", ""
    ratio = measure.timing.median / reference.timing.median if reference.timing.median else 0.0
    difference = measure.timing.median - reference.timing.median
    sign = "+" if difference >= 0 else "−"
    queries = f"{measure.timing.queries} vs {reference.timing.queries}"
    return f"×{ratio:.2f} ({sign}{ms(abs(difference))})", queries


def _verdicts(results: list[AccessResult]) -> list[str]:
    """One line per database: did 20 memberships multiply the queries or the time, against the superuser?"""
    lines = []
    for result in results:
        if result.skipped or result.failed:
            continue
        worst_time, worst_name, worst_difference = 0.0, "", 0.0
        more_queries: list[str] = []
        grow: list[str] = []
        for name in MEASUREMENTS.values():
            subject, superuser, single = (result.measure(name, key) for key in (SUBJECT, SUPERUSER, SINGLE))
            if subject is None or superuser is None:
                continue
            ratio = subject.timing.median / superuser.timing.median
            if ratio > worst_time:
                worst_time, worst_name = ratio, name
                worst_difference = subject.timing.median - superuser.timing.median
            if subject.timing.queries > superuser.timing.queries:
                more_queries.append(f"{name} ({subject.timing.queries} vs {superuser.timing.queries})")
            if single is not None and subject.timing.queries > single.timing.queries:
                grow.append(f"{name} ({subject.timing.queries} with 20, {single.timing.queries} with 1)")
        queries = (
            "the queries are **not** multiplied: never more than the superuser's"
            if not more_queries
            else "**more queries** than the superuser: " + ", ".join(more_queries)
        )
        growth = (
            "and the same number with 1 membership as with 20"
            if not grow
            else "and they **grow with the memberships**: " + ", ".join(grow)
        )
        worst = f"{worst_name}, ×{worst_time:.2f} (+{ms(worst_difference)})"
        above = [
            name
            for name in MEASUREMENTS.values()
            if (subject := result.measure(name, SUBJECT)) is not None
            and (superuser := result.measure(name, SUPERUSER)) is not None
            and subject.timing.median > TIME_AIM * superuser.timing.median
        ]
        time_verdict = (
            f"the time is within ×{TIME_AIM} of the superuser's everywhere (worst: {worst})"
            if worst_time <= TIME_AIM
            else f"the time is **above ×{TIME_AIM}** of the superuser's for {len(above)} of "
            f"{len(MEASUREMENTS)} measurements ({', '.join(above)}); worst {worst}"
        )
        lines.append(f"- **{database_title(result.database)}**: {queries}, {growth}; {time_verdict}.")
    return [*lines, ""] if lines else []


def render_section(results: list[AccessResult], *, args: argparse.Namespace, argv: Sequence[str]) -> str:
    now = now_utc()
    measured = next((result for result in results if result.data), None)
    lines = [
        START_MARKER,
        "## Access control at scale: a member of 20 organisations against a superuser",
        "",
        f"Measured on {now} with `{command_line(__file__, argv)}` (from the project folder).",
        "",
        "**Question**: with 5,000 actors of mixed confidentiality, the permission filter must not multiply the "
        "number of SQL queries or the time, for a user who belongs to 20 organisations; the figures are beside "
        "an unfiltered superuser's.",
        "",
    ]
    if measured is not None:
        data = measured.data
        levels, relationship_levels = data["actor_levels"], data["relationship_levels"]
        lines += [
            f"**Data**: the map of `benchmarks/generate.py` (seed {args.seed}, country {args.country}), "
            f"**{data['actors']:,} actors** and **{data['relationships']:,} relationships**, imported as the "
            "platform (`country_map_import(user=None)`), then spread over "
            f"**{data['organisations']} organisations**: each record gets an owner among them (evenly, in random "
            "order) and a level; actors "
            + ", ".join(f"{count:,} {level}" for level, count in levels.items())
            + "; relationships "
            + ", ".join(f"{count:,} {level}" for level, count in relationship_levels.items())
            + f". Half of the restricted records ({data['shared_actors']:,} actors, "
            f"{data['shared_relationships']:,} relationships) are shared with one or two other organisations "
            f"({data['shares']:,} shares). The import gives all the records it creates one owner, so owners and "
            "levels are set afterwards, with one `UPDATE` per owner and level.",
            "",
        ]
    lines += [
        "**Users** (what each sees is checked, on the map, the API's count and the home page's counts, against "
        "an independent reading of the rules):",
        "",
        "| user | memberships | covering the map's country | country groups OR-ed in the filter | roles | "
        "country limits | actors seen | relationships seen |",
        "| --- | ---: | ---: | ---: | --- | --- | ---: | ---: |",
    ]
    if measured is not None:
        for user in measured.users:
            lines.append(
                f"| {USER_LABELS[user.key]} | {user.memberships} | {user.covering} | "
                f"{user.groups if user.key != SUPERUSER else '— (no filter)'} | {user.roles or '—'} | "
                f"{user.limits or '—'} | {user.actors:,} | {user.relationships:,} |"
            )
    lines += [
        "",
        "**Method**: one child process per database, with its own temporary data folder and database, "
        "`DEBUG=false`, `egide migrate`; one `django.test.Client` per user, signed in with `force_login` (the "
        "superuser's session is marked as having confirmed a two-factor code, as in tests/security/helpers.py). "
        f"Each measurement is made {times(args.warmup)} per user to warm up, then timed {args.runs} times per "
        "user, the users taking turns within each run (so that a change of load hits them all alike); p95 is "
        "by nearest rank; the SQL queries are counted on one more call. In-process calls of the selectors forget "
        "the user's cached reach first, so that they read the memberships as a request does. The map is "
        "requested without `Accept-Encoding`, so that compression does not blur the filter's cost. The ratio is "
        "the median against the superuser's median for the same measurement: the superuser sees more records, "
        "so a ratio near 1 means that the filter costs about what the records it hides save. The superuser's "
        "requests make one query more than a member's for the same work: django-otp loads the session's "
        "two-factor device.",
        "",
        machine_line(result.version for result in results if result.database == "postgresql" and result.version),
        "",
        *_verdicts(results),
    ]
    for result in results:
        lines.append(f"### {database_title(result.database)}" + (f" ({result.version})" if result.version else ""))
        lines.append("")
        if result.skipped:
            lines += [f"Not measured: {result.skipped}.", ""]
            continue
        lines += [
            load_sentence(result.load) + ".",
            "",
            "| measurement | user | median | p95 | fastest | SQL queries | sees | time × superuser | "
            "queries vs superuser |",
            "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
        ]
        for name in MEASUREMENTS.values():
            reference = result.measure(name, SUPERUSER)
            for measure in (item for item in result.measures if item.timing.name == name):
                timing = measure.timing
                label = f"{name}: `GET {timing.path}`" if timing.path.startswith("/") else name
                time_ratio, queries = _ratio(measure, reference)
                size = f", {size_text(timing.size)}" if timing.size else ""
                lines.append(
                    f"| {label} | {USER_LABELS[measure.who]} | {ms(timing.median)} | {ms(timing.p95)} | "
                    f"{ms(timing.fastest)} | {timing.queries} | {measure.sees}{size} | {time_ratio} | {queries} |"
                )
        if result.sql:
            lines += [
                "",
                "The map selector's SQL alone (its queries captured, then re-run with `cursor.execute` and "
                "`fetchall`):",
                "",
                "| query | user | median | p95 | rows | time × superuser |",
                "| --- | --- | ---: | ---: | --- | ---: |",
            ]
            for measure in result.sql:
                reference = next(
                    (item for item in result.sql if item.who == SUPERUSER and item.timing.name == measure.timing.name),
                    None,
                )
                time_ratio, _queries = _ratio(measure, reference)
                lines.append(
                    f"| {measure.timing.name} | {USER_LABELS[measure.who]} | {ms(measure.timing.median)} | "
                    f"{ms(measure.timing.p95)} | {measure.sees} | {time_ratio} |"
                )
        lines.append("")
    lines.append(END_MARKER)
    return "\n".join(lines) + "\n"


def print_table(results: list[AccessResult]) -> None:
    for result in results:
        if not print_heading(result):
            continue
        for name in MEASUREMENTS.values():
            reference = result.measure(name, SUPERUSER)
            for measure in (item for item in result.measures if item.timing.name == name):
                time_ratio, queries = _ratio(measure, reference)
                print(
                    f"  {name[:34]:34} {USER_LABELS[measure.who][:32]:32} {ms(measure.timing.median):>9} "
                    f"p95 {ms(measure.timing.p95):>9}  queries {measure.timing.queries:>3}  "
                    f"{time_ratio:>6} {queries}"
                )
        for measure in result.sql:
            print(
                f"  SQL {measure.timing.name[:30]:30} {USER_LABELS[measure.who][:32]:32} "
                f"{ms(measure.timing.median):>9}  {measure.sees}"
            )
    print()
    print("\n".join(_verdicts(results)))


def parse(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    full = add_map_options(
        parser, actors=DEFAULT_ACTORS, relationships=DEFAULT_RELATIONSHIPS, runs=15, runs_per="measurement and user"
    )
    parser.add_argument(
        "--organisations",
        type=int,
        default=ORGANISATIONS,
        help="organisations owning the records (default %(default)s)",
    )
    parser.add_argument(
        "--memberships",
        type=int,
        default=MEMBERSHIPS,
        help="organisations the measured member belongs to (default %(default)s; at least 7)",
    )
    add_database_options(
        parser,
        quick=QUICK,
        seed=DEFAULT_SEED,
        country=DEFAULT_COUNTRY,
        postgres=("EGIDE_ACCESS_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="also profile one call of each measurement, for the member and the superuser, with cProfile into "
        "this folder (.prof and .txt)",
    )
    parser.add_argument(
        "--explain",
        type=Path,
        help="also write the plans of the map selector's and country_summaries' queries, per user, into this "
        "folder (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite)",
    )
    add_child_options(parser)
    args = parser.parse_args(argv)
    complete_options(parser, args, QUICK if args.quick else full)
    if not 7 <= args.memberships <= args.organisations:
        parser.error("--memberships must be at least 7 and at most --organisations")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse(argv)
    if args.child:
        return child(args)
    databases = databases_asked(args.databases)
    print(f"generating {args.actors} actors and {args.relationships} relationships (seed {args.seed})", flush=True)
    generated = generate_map(actors=args.actors, relationships=args.relationships, seed=args.seed, country=args.country)
    results = measure_generated(generated, databases, functools.partial(_run_child, args=args))
    print_table(results)
    if refuse_failed(results):
        return 1
    write_section(args, lambda: render_section(results, args=args, argv=argv), start=START_MARKER, end=END_MARKER)
    return 0


if __name__ == "__main__":
    sys.exit(main())
