"""Measure the programme pages at scale: 100,000 programmes on PostgreSQL (a tenth on SQLite).

For each database a child process (clean settings, its own data folder or throwaway database) runs `egide
migrate`, then:

1. generates the programmes with bulk inserts (PostgreSQL's COPY, SQLite's executemany), spread over 50 countries
   and 30 organisations: each with an owner and a confidentiality level (40% public, 30% partners, 20%
   organisation, 10% restricted, half of those shared with another organisation), a status, planned and (for
   most) actual dates between 1995 and 2030, one or two recipient countries, one to four participating
   organisations in IATI roles, one to three DAC sectors and one or two areas of action;
2. creates platform staff (a superuser) and a viewer of one organisation limited to three countries (so that the
   visibility filter applies, with its country clause);
3. times, for both users, interleaved, after a warm-up: the queries of the programme list (the count and the first
   page of 25, unfiltered, with each filter — country, partner, role, area, sector, status, year — and a search),
   a programme page's reads (the programme and what its overview shows), and the country timeline page and its
   JSON through the test client; with the number of SQL queries of each, which must be the same on both
   databases (a tenth of the data on SQLite), and, on PostgreSQL, the plans (EXPLAIN ANALYZE) of the heaviest
   queries.

The programme list and page are written in parallel with this script: until their views are installed, the
script measures the selector queries they are to run (`programmes_visible` with the filter, count, page),
and says so in its results; once `programme-list` and `programme-detail` are installed, it measures them through
the test client too.

Run `python benchmarks/programmes.py --help` for the options.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import functools
import json
import random
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCHMARKS_DIR = Path(__file__).resolve().parent
START_MARKER = "<!-- timeline:start -->"
END_MARKER = "<!-- timeline:end -->"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/egide_programmes_bench"
PROGRAMMES = 100_000
SQLITE_SHARE = 10  # SQLite gets a tenth of the programmes
COUNTRIES = 50
ORGANISATIONS = 30
PAGE_SIZE = 25
AIM_SECONDS = 0.2
QUICK = {"programmes": 5_000, "runs": 3, "warmup": 1}
FULL = {"programmes": PROGRAMMES, "runs": 15, "warmup": 3}
LEVELS = (("public", 0.4), ("partners", 0.3), ("organisation", 0.2), ("restricted", 0.1))
SECTORS = ("15210", "15130", "15132", "15137", "15220", "15230", "15240", "15250", "15261", "15160", "15153")
STATUS_WEIGHTS = (("1", 8), ("2", 40), ("3", 10), ("4", 35), ("5", 4), ("6", 3))
# The indexes the PostgreSQL plans ask for (the programmes app's migrations are to create them): the list sorted
# by title reads its first page from an index instead of sorting every visible programme, and the search's
# case-insensitive "contains" (UPPER(column) LIKE UPPER('%text%')) uses trigram indexes instead of reading every row.
PROPOSED_INDEXES = (
    "CREATE INDEX programme_title_en_id ON programmes_programme (title_en, id)",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX programme_title_en_trgm ON programmes_programme USING gin (UPPER(title_en) gin_trgm_ops)",
    "CREATE INDEX programme_title_fr_trgm ON programmes_programme USING gin (UPPER(title_fr) gin_trgm_ops)",
    "CREATE INDEX programme_identifier_trgm ON programmes_programme USING gin (UPPER(iati_identifier) gin_trgm_ops)",
)
MEASURED_COUNTRY_INDEX = 0  # the viewer's first country, whose timeline and list are measured

sys.path.insert(0, str(BENCHMARKS_DIR))
from common import (  # noqa: E402
    DatabaseRun,
    Timing,
    add_child_options,
    add_database_options,
    benchmark_organisations,
    benchmark_user,
    command_line,
    count_queries,
    database_title,
    databases_asked,
    load_sentence,
    machine_line,
    migrated_child,
    ms,
    now_utc,
    print_heading,
    profile_table,
    refuse_failed,
    repeat,
    run_child,
    setup_django,
    signed_in,
    under_load,
    write_section,
)

STAFF, VIEWER = "staff", "viewer"
USER_LABELS = {STAFF: "platform staff", VIEWER: "viewer limited to 3 countries"}


@dataclass(slots=True)
class Measure:
    who: str
    timing: Timing
    rows: int = 0  # what the count found (programmes matching), for the list; items shown for the timeline


@dataclass(slots=True)
class ProgrammesResult(DatabaseRun):
    data: dict[str, Any] = field(default_factory=dict)
    measures: list[Measure] = field(default_factory=list)
    plans: dict[str, str] = field(default_factory=dict)
    list_view: bool = False
    detail_view: bool = False

    @staticmethod
    def from_json(data: dict[str, Any]) -> ProgrammesResult:
        return ProgrammesResult(
            **{name: value for name, value in data.items() if name not in ("measures", "load")},
            load=tuple(data["load"]),
            measures=[Measure(item["who"], Timing(**item["timing"]), item["rows"]) for item in data["measures"]],
        )


# ------------------------------------------------------------------------------------------------- generation


def _table_rows(model: Any, rows: Iterable[dict[str, Any]]) -> tuple[list[str], Iterable[tuple[Any, ...]]]:
    """The columns of every concrete field of model, and each row's values: those given, else the field's default
    (a timestamp for the automatic dates), so that a field added to the model later needs no change here."""
    now = datetime.datetime.now(datetime.UTC)
    fields = list(model._meta.concrete_fields)
    columns = [item.column for item in fields]

    def default(item: Any) -> Any:
        if getattr(item, "auto_now", False) or getattr(item, "auto_now_add", False):
            return now
        value = item.get_default()
        return json.dumps(value if value is not None else []) if item.get_internal_type() == "JSONField" else value

    defaults = {item.attname: default(item) for item in fields}

    def values() -> Iterable[tuple[Any, ...]]:
        for row in rows:
            yield tuple(row[item.attname] if item.attname in row else defaults[item.attname] for item in fields)

    return columns, values()


def insert_rows(model: Any, rows: Iterable[dict[str, Any]]) -> int:
    """Insert rows (attribute name → value, ids included) as fast as the database allows: COPY on PostgreSQL,
    executemany in batches on SQLite."""
    from django.db import connection

    columns, values = _table_rows(model, rows)
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
    written = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            with raw.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
                    written += 1
        else:
            statement = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(columns))})"
            batch: list[tuple[Any, ...]] = []
            for row in values:
                batch.append(row)
                if len(batch) == 20_000:
                    cursor.executemany(statement, batch)
                    written += len(batch)
                    batch = []
            if batch:
                cursor.executemany(statement, batch)
                written += len(batch)
    return written


def _level_list(count: int, rng: random.Random) -> list[str]:
    levels = [level for level, share in LEVELS[1:] for _ in range(round(count * share))]
    levels += [LEVELS[0][0]] * (count - len(levels))
    rng.shuffle(levels)
    return levels


def _day(rng: random.Random, first_year: int, last_year: int) -> datetime.date:
    return datetime.date(rng.randint(first_year, last_year), rng.randint(1, 12), rng.randint(1, 28))


def generate(count: int, seed: int) -> dict[str, Any]:
    """The programmes and what they hold, inserted in bulk; returns what was made (and how long it took)."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from egide.accounts.models import Share
    from egide.core import taxonomy
    from egide.core.reference import countries
    from egide.programmes.models import Participation, Programme, ProgrammeArea, ProgrammeCountry, ProgrammeSector
    from egide.references.models import (
        DocumentType,
        Mission,
        MissionKind,
        ReferenceDocument,
        ReferenceDocumentCountry,
    )

    rng = random.Random(seed)
    started = time.perf_counter()
    organisation_ids = [organisation.pk for organisation in benchmark_organisations(ORGANISATIONS)]
    # The demo's countries first (the measured one is CF), then others in alphabetical order.
    preferred = ["CF", "CD", "ML", "HT", "XK", "AF", "MR", "NE"]
    codes = (preferred + sorted(code for code in countries() if code not in preferred and code != "FR"))[:COUNTRIES]
    areas = [area.code for area in taxonomy.AREAS_OF_ACTION]
    statuses = [code for code, _weight in STATUS_WEIGHTS]
    weights = [weight for _code, weight in STATUS_WEIGHTS]
    levels = _level_list(count, rng)
    programme_type = ContentType.objects.get_for_model(Programme).pk

    programmes: list[dict[str, Any]] = []
    recipients: list[dict[str, Any]] = []
    participations: list[dict[str, Any]] = []
    sectors: list[dict[str, Any]] = []
    programme_areas: list[dict[str, Any]] = []
    shares: list[dict[str, Any]] = []
    for pk in range(1, count + 1):
        country = codes[pk % len(codes)]
        status = rng.choices(statuses, weights)[0]
        planned_start = _day(rng, 1995, 2029)
        planned_end = planned_start + datetime.timedelta(days=rng.randint(365, 6 * 365))
        started_yet = status in ("2", "3", "4", "6")
        actual_start = planned_start + datetime.timedelta(days=rng.randint(-60, 200)) if started_yet else None
        actual_end = planned_end + datetime.timedelta(days=rng.randint(-100, 400)) if status == "4" else None
        owner_index = rng.randrange(ORGANISATIONS)
        programmes.append(
            {
                "id": pk,
                "owner_id": organisation_ids[owner_index],
                "confidentiality": levels[pk - 1],
                "country": country,
                "iati_identifier": f"XM-BENCH-{pk:06d}",
                "title_en": f"Programme {pk:06d}: support to the {rng.choice(areas).replace('_', ' ')} in {country}",
                "title_fr": f"Programme {pk:06d} : appui en {country}",
                "description_en": "",
                "description_fr": "",
                "status": status,
                "planned_start": planned_start,
                "planned_end": planned_end,
                "actual_start": actual_start,
                "actual_end": actual_end,
                "lifecycle_stage": "implementation",
            }
        )
        recipients.append({"programme_id": pk, "country": country, "percentage": 100})
        if rng.random() < 0.3:
            other = rng.choice([code for code in codes[:10] if code != country])
            recipients[-1]["percentage"] = 70
            recipients.append({"programme_id": pk, "country": other, "percentage": 30})
        for role, organisation in zip(
            rng.sample(["1", "2", "3", "4"], rng.randint(1, 4)),
            rng.sample(organisation_ids, 4),
            strict=False,
        ):
            participations.append({"programme_id": pk, "role": role, "organisation_id": organisation, "name": ""})
        for code in rng.sample(SECTORS, rng.randint(1, 3)):
            sectors.append({"programme_id": pk, "vocabulary": "1", "code": code, "percentage": None})
        for area in rng.sample(areas, rng.randint(1, 2)):
            programme_areas.append({"programme_id": pk, "area": area})
        if levels[pk - 1] == "restricted" and rng.random() < 0.5:
            shared_with = rng.choice([pk for pk in organisation_ids if pk != organisation_ids[owner_index]])
            shares.append(
                {
                    "content_type_id": programme_type,
                    "object_id": pk,
                    "organisation_id": shared_with,
                    "can_edit": False,
                    "country": country,
                }
            )
    # Missions (a tenth as many as programmes' countries hold, about 20 per country at full size) and reference
    # documents (one for ten programmes), each concerning one country, with the same mix of levels.
    mission_kinds = [kind for kind, _label in MissionKind.choices]
    document_types = [kind for kind, _label in DocumentType.choices]
    missions: list[dict[str, Any]] = []
    for pk in range(1, max(1, count // 100) + 1):
        start = _day(rng, 1995, 2025)
        missions.append(
            {
                "id": pk,
                "owner_id": rng.choice(organisation_ids),
                "confidentiality": rng.choice(levels),
                "country": codes[pk % len(codes)],
                "kind": rng.choice(mission_kinds),
                "name_en": f"Mission {pk:05d}",
                "name_fr": f"Mission {pk:05d}",
                "acronym_en": f"M{pk:05d}",
                "acronym_fr": f"M{pk:05d}",
                "start_date": start,
                "end_date": start + datetime.timedelta(days=rng.randint(365, 12 * 365)) if rng.random() < 0.6 else None,
                "lead_organisation_id": rng.choice(organisation_ids),
            }
        )
    documents: list[dict[str, Any]] = []
    document_countries: list[dict[str, Any]] = []
    for pk in range(1, max(1, count // 10) + 1):
        country = codes[pk % len(codes)]
        documents.append(
            {
                "id": pk,
                "owner_id": rng.choice(organisation_ids),
                "confidentiality": rng.choice(levels),
                "country": country,
                "type": rng.choice(document_types),
                "title_en": f"Document {pk:06d}",
                "title_fr": f"Document {pk:06d}",
                "symbol": f"S/BENCH/{pk}",
                "issued_date": _day(rng, 1995, 2026),
            }
        )
        document_countries.append({"id": pk, "document_id": pk, "country": country})
    built = time.perf_counter() - started

    def numbered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for number, row in enumerate(rows, start=1):
            row["id"] = number
        return rows

    inserted: dict[str, int] = {}
    with transaction.atomic():
        inserted["programmes"] = insert_rows(Programme, programmes)
        inserted["recipient countries"] = insert_rows(ProgrammeCountry, numbered(recipients))
        inserted["participations"] = insert_rows(Participation, numbered(participations))
        inserted["sectors"] = insert_rows(ProgrammeSector, numbered(sectors))
        inserted["areas"] = insert_rows(ProgrammeArea, numbered(programme_areas))
        first_share = (Share.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        for number, row in enumerate(shares, start=first_share):
            row["id"] = number
        inserted["shares"] = insert_rows(Share, shares)
        inserted["missions"] = insert_rows(Mission, missions)
        inserted["reference documents"] = insert_rows(ReferenceDocument, documents)
        inserted["document countries"] = insert_rows(ReferenceDocumentCountry, document_countries)
        models = [
            Programme,
            ProgrammeCountry,
            Participation,
            ProgrammeSector,
            ProgrammeArea,
            Share,
            Mission,
            ReferenceDocument,
            ReferenceDocumentCountry,
        ]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
    written = time.perf_counter() - started - built
    with connection.cursor() as cursor:
        # As autovacuum would leave a settled database: statistics, and the visibility map that index-only scans
        # need.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {
        "countries": codes,
        "organisation_ids": organisation_ids,
        "rows": inserted,
        "build_seconds": built,
        "insert_seconds": written,
        "levels": {level: levels.count(level) for level, _share in LEVELS},
    }


# ------------------------------------------------------------------------------------------------ measurements


@dataclass(frozen=True, slots=True)
class ListCase:
    name: str
    narrow: Callable[[Any], Any]  # the programmes queryset narrowed by the filter


def list_cases(data: dict[str, Any], country: str) -> list[ListCase]:
    """The programme list's filters, each as the list is to apply it to `programmes_visible`."""
    from django.db.models import Exists, OuterRef, Q

    from egide.programmes.models import Participation, ProgrammeArea, ProgrammeCountry, ProgrammeSector

    partner = data["organisation_ids"][3]
    year = datetime.date(2012, 1, 1), datetime.date(2012, 12, 31)

    def by_country(programmes: Any) -> Any:
        received = ProgrammeCountry.objects.filter(country=country).values("programme_id")
        return programmes.filter(Q(country=country) | Q(pk__in=received))

    def exists(model: Any, **condition: Any) -> Callable[[Any], Any]:
        return lambda programmes: programmes.filter(Exists(model.objects.filter(programme=OuterRef("pk"), **condition)))

    def in_year(programmes: Any) -> Any:
        return programmes.filter(
            Q(planned_start__lte=year[1]) | Q(actual_start__lte=year[1]),
            Q(planned_end__gte=year[0]) | Q(actual_end__gte=year[0]),
        )

    def search(programmes: Any) -> Any:
        text = "000123"
        return programmes.filter(
            Q(title_en__icontains=text) | Q(title_fr__icontains=text) | Q(iati_identifier__icontains=text)
        )

    return [
        ListCase("unfiltered", lambda programmes: programmes),
        ListCase(f"country {country}", by_country),
        ListCase("partner (any role)", exists(Participation, organisation_id=partner)),
        ListCase("partner in a role (implementing)", exists(Participation, organisation_id=partner, role="4")),
        ListCase("area (justice system)", exists(ProgrammeArea, area="justice")),
        ListCase("sector 15130", exists(ProgrammeSector, code="15130")),
        ListCase("status implementation", lambda programmes: programmes.filter(status="2")),
        ListCase("year 2012", in_year),
        ListCase("search '000123'", search),
    ]


def list_page(user: Any, case: ListCase) -> int:
    """What the programme list runs: the count, then the first page of 25 (sorted by title) with what a row
    shows (status, dates, lead country)."""
    from egide.programmes.selectors import programmes_visible

    programmes = case.narrow(programmes_visible(user=user))
    total = programmes.count()
    page = list(
        programmes.order_by("title_en", "id").values(
            "pk", "title_en", "title_fr", "iati_identifier", "status", "country", "planned_start", "planned_end"
        )[:PAGE_SIZE]
    )
    assert len(page) == min(total, PAGE_SIZE)
    return total


def programme_page(user: Any, pk: int) -> int:
    """What a programme page's overview reads: the programme (visible or 404), its recipient countries,
    participations with their organisations, sectors, areas and supported actors."""
    from egide.programmes.selectors import programme_visible

    programme = programme_visible(user=user, pk=pk)
    read: list[Any] = list(programme.countries.all())
    read += list(programme.participations.select_related("organisation"))
    read += list(programme.sectors.all())
    read += list(programme.areas.all())
    read += list(programme.supports.select_related("actor"))
    return len(read)


def explain_count(queryset: Any) -> str:
    """EXPLAIN ANALYZE of the count the list runs (Django explains querysets, not their aggregates)."""
    from django.db import connection

    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN ANALYZE SELECT COUNT(*) FROM ({sql}) counted", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _installed(name: str) -> bool:
    from django.urls import NoReverseMatch, reverse

    try:
        reverse(name) if name == "programme-list" else reverse(name, args=[1])
    except NoReverseMatch:
        return False
    return True


def _measure(args: argparse.Namespace, result: ProgrammesResult) -> None:
    result.version = setup_django()
    from django.db import connection

    from egide.accounts.models import Role
    from egide.programmes.models import Programme
    from egide.programmes.selectors import programmes_visible
    from egide.programmes.timeline_selectors import TimelineFilters, country_timeline

    count = args.programmes if args.child == "postgresql" else max(1, args.programmes // SQLITE_SHARE)
    print(f"[{args.child}] generating {count:,} programmes", flush=True)
    data = generate(count, args.seed)
    result.data = {name: value for name, value in data.items() if name != "organisation_ids"} | {"programmes": count}
    country = data["countries"][MEASURED_COUNTRY_INDEX]
    viewer_countries = sorted([country, data["countries"][1], data["countries"][2]])
    users = {
        STAFF: benchmark_user(STAFF, staff=True),
        VIEWER: benchmark_user(VIEWER, [(data["organisation_ids"][0], Role.VIEWER, viewer_countries)]),
    }
    clients = {key: signed_in(user) for key, user in users.items()}
    result.data |= {"country": country, "viewer_countries": viewer_countries}
    result.list_view, result.detail_view = _installed("programme-list"), _installed("programme-detail")

    # A programme of the measured country that both users may see (public), for the programme page.
    shown_pk = (
        Programme.objects.filter(country=country, confidentiality="public")
        .order_by("id")
        .values_list("id", flat=True)[0]
    )
    calls: list[tuple[str, str, Callable[[str], int]]] = []

    def listing(case: ListCase) -> Callable[[str], int]:
        return lambda who: list_page(users[who], case)

    for case in list_cases(data, country):
        calls.append((f"list: {case.name}", "selectors", listing(case)))
    calls.append(("programme page (its reads)", "selectors", lambda who: programme_page(users[who], shown_pk)))
    timeline_path = f"/countries/{country}/timeline/"

    def timeline_get(who: str, path: str) -> int:
        response = clients[who].get(path)
        assert response.status_code == 200, (path, response.status_code)
        return len(response.content)

    calls.append((f"country timeline page ({country})", timeline_path, lambda who: timeline_get(who, timeline_path)))
    calls.append(
        ("country timeline JSON", timeline_path, lambda who: timeline_get(who, f"/countries/{country}/timeline.json"))
    )
    calls.append(
        (
            "country timeline, partner + years filtered",
            timeline_path,
            lambda who: timeline_get(
                who, f"{timeline_path}?partner={data['organisation_ids'][3]}&first_year=2005&last_year=2015"
            ),
        )
    )
    if result.list_view:
        # The list page as the programmes app serves it, with each of its filters in the address (its names).
        partner = data["organisation_ids"][3]
        for label, query in (
            ("unfiltered", ""),
            (f"country {country}", f"country={country}"),
            ("partner (any role)", f"partner={partner}"),
            ("partner in a role (implementing)", f"partner={partner}&role=4"),
            ("role (implementing)", "role=4"),
            ("area (justice system)", "area=justice"),
            ("sector 15130", "sector=15130"),
            ("status implementation", "status=2"),
            ("year 2012", "year=2012"),
            ("search '000123'", "q=000123"),
        ):
            address = "/programmes/" + (f"?{query}" if query else "")
            calls.append(
                (f"list view: {label}", address, lambda who, address=address: timeline_get(who, address))  # type: ignore[misc]
            )
    if result.detail_view:
        from django.urls import reverse

        detail = reverse("programme-detail", args=[shown_pk])
        calls.append(("programme page view", detail, lambda who: timeline_get(who, detail)))

    def measure_all(measured: list[tuple[str, str, Callable[[str], int]]], suffix: str = "") -> None:
        for name, path, call in measured:
            for who in (STAFF, VIEWER):
                rows = call(who)
                queries = count_queries(functools.partial(call, who))
                runs = repeat(functools.partial(call, who), args.runs, args.warmup)
                timing = Timing(name=name + suffix, path=path, runs=runs, queries=queries, aim=AIM_SECONDS)
                result.measures.append(Measure(who, timing, rows))
                print(f"[{args.child}] {timing.name} as {who}: {ms(timing.median)} ({queries} queries)", flush=True)

    measure_all(calls)

    # Where the timeline's time goes: each of its queries, timed (the viewer's JSON).
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        clients[VIEWER].get(f"/countries/{country}/timeline.json")
    timeline_sql = [query["sql"] for query in captured.captured_queries if "programmes_" in query["sql"]]
    result.data["timeline_queries"] = [
        [float(query["time"]), query["sql"][:160]] for query in captured.captured_queries
    ]
    profiler = cProfile.Profile()
    profiler.runcall(clients[VIEWER].get, f"/countries/{country}/timeline/")
    heading, table = profile_table(profiler, "cumulative", "egide|django/(template|db)", 18)
    result.data["timeline_profile"] = [*heading, *table]
    timeline = country_timeline(user=users[VIEWER], country=country, filters=TimelineFilters())
    result.data["timeline_rows_viewer"] = len(timeline.rows)
    result.data["timeline_totals_viewer"] = timeline.totals

    if connection.vendor == "postgresql":
        cases = {case.name: case for case in list_cases(data, country)}
        viewer_programmes = programmes_visible(user=users[VIEWER])
        for name in ("unfiltered", f"country {country}", "partner (any role)", "sector 15130", "search '000123'"):
            narrowed = cases[name].narrow(viewer_programmes)
            result.plans[f"list, {name}, viewer: count"] = explain_count(narrowed)
            result.plans[f"list, {name}, viewer: first page"] = (
                narrowed.order_by("title_en", "id").values("pk", "title_en")[:PAGE_SIZE].explain(analyze=True)
            )
        # The timeline's own queries, as its JSON ran them for the viewer (the partners, then the programmes).
        with connection.cursor() as cursor:
            for number, query in enumerate(timeline_sql, start=1):
                cursor.execute(f"EXPLAIN ANALYZE {query}")
                result.plans[f"timeline JSON, viewer, query {number}"] = "\n".join(row[0] for row in cursor.fetchall())

        # The indexes the plans ask for, then the list's sorted first page and its search again.
        with connection.cursor() as cursor:
            for statement in PROPOSED_INDEXES:
                cursor.execute(statement)
            cursor.execute("ANALYZE")
        measure_all([call for call in calls if call[0].startswith("list: ")], " (proposed indexes)")
        unfiltered = cases["unfiltered"].narrow(viewer_programmes)
        result.plans["list, unfiltered, viewer: first page (proposed indexes)"] = (
            unfiltered.order_by("title_en", "id").values("pk", "title_en")[:PAGE_SIZE].explain(analyze=True)
        )
        result.plans["list, search '000123', viewer: count (proposed indexes)"] = explain_count(
            cases["search '000123'"].narrow(viewer_programmes)
        )


# ----------------------------------------------------------------------------------------------------- results


def render(results: Sequence[ProgrammesResult], args: argparse.Namespace, argv: Sequence[str]) -> str:
    lines = [
        START_MARKER,
        "## Programmes at scale: the list's queries, a programme's page and the country timeline",
        "",
        f"Measured {now_utc()} by `{command_line(__file__, argv)}`.",
        "",
        machine_line([result.version for result in results if result.version.startswith("PostgreSQL")]),
        "",
        f"Times are medians (p95 in brackets) of {args.runs} runs after {args.warmup} warm-up runs, in one process"
        " (Django's test client, DEBUG off), server time only. Aim: under 200 ms each, and the same number of SQL"
        " queries on both databases although SQLite holds a tenth of the data.",
        "",
    ]
    for result in results:
        lines.append(f"### {database_title(result.database)}")
        lines.append("")
        if result.skipped or result.failed:
            lines += [f"Not measured: {result.skipped or result.failed}", ""]
            continue
        data = result.data
        rows = ", ".join(f"{count:,} {name}" for name, count in data["rows"].items())
        lines += [
            f"{result.version}. {load_sentence(result.load)}.",
            "",
            f"Generated {rows} over {len(data['countries'])} countries and {ORGANISATIONS} organisations (levels: "
            + ", ".join(f"{count:,} {level}" for level, count in data["levels"].items())
            + f") in {data['build_seconds']:.1f} s (building the rows) + {data['insert_seconds']:.1f} s (inserting"
            f" them). Measured country {data['country']}; the viewer's countries "
            f"{', '.join(data['viewer_countries'])}. The viewer's timeline of {data['country']} shows"
            f" {data['timeline_rows_viewer']} items (of {data['timeline_totals_viewer']}).",
            "",
        ]
        if result.list_view:
            lines += [
                "*list view* and *programme page view* are the programmes app's pages through the test client;"
                " the rows *list:* and *programme page (its reads)* are the selector queries alone (the count and"
                " the first page of 25 sorted by title; the programme and its parts), measured as well so that the"
                " view's own cost shows.",
                "",
            ]
        if not result.list_view:
            lines += [
                "The programme list's view was not installed on this branch: its rows are the queries the list is to"
                " run (`programmes_visible`, the filter, the count, the first page of 25 sorted by title). The"
                " programme page likewise: the programme through `programme_visible`, then its recipient countries,"
                " participations (with organisations), sectors, areas and supported actors.",
                "",
            ]
        lines += [
            "| measured | who | median (p95) | fastest | SQL queries | programmes counted / bytes | under 200 ms |",
            "| --- | --- | ---: | ---: | ---: | ---: | :---: |",
        ]
        for measure in result.measures:
            timing = measure.timing
            lines.append(
                f"| {timing.name} | {USER_LABELS[measure.who]} | {ms(timing.median)} ({ms(timing.p95)}) |"
                f" {ms(timing.fastest)} | {timing.queries} | {measure.rows:,} |"
                f" {'yes' if timing.median < AIM_SECONDS else '**no**'} |"
            )
        lines.append("")
        if any(measure.timing.name.endswith("(proposed indexes)") for measure in result.measures):
            lines += [
                "The rows marked *(proposed indexes)* were measured after these statements, which the plans below"
                " ask for (the programmes app's migrations are to create them: a `models.Index` on"
                ' `(title_en, id)` and `GinIndex(OpClass(Upper(field), name="gin_trgm_ops"))` on the three'
                " searched fields, after `TrigramExtension()`):",
                "",
                "```sql",
                *(f"{statement};" for statement in PROPOSED_INDEXES),
                "```",
                "",
                'Also proposed, from the list view\'s figures: `Index(fields=["role", "programme"])` on'
                " participations (a role chosen without a partner reads every participation), and for the list"
                " sorted by start or end an index on `Coalesce(actual_start, planned_start)` (and on the ends).",
                "",
            ]
        lines += ["The viewer's timeline JSON, query by query (seconds, start of the SQL):", "", "```"]
        lines += [f"{seconds:.4f}  {sql}" for seconds, sql in data.get("timeline_queries", [])]
        lines += ["```", "", "The viewer's timeline page, cProfile (cumulative):", "", "```"]
        lines += [*data.get("timeline_profile", []), "```", ""]
        for name, plan in result.plans.items():
            lines += [f"Plan: {name}", "", "```", plan, "```", ""]
    lines.append(END_MARKER)
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_database_options(
        parser,
        quick={"actors": 0, "relationships": 0, "runs": QUICK["runs"]},
        seed=11,
        country="",
        postgres=("EGIDE_PROGRAMMES_BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL),
        quick_help=f"a smoke run: {QUICK['programmes']:,} programmes, {QUICK['runs']} runs",
    )
    add_child_options(parser)
    parser.add_argument("--programmes", type=int, help=f"programmes on PostgreSQL (default {PROGRAMMES:,})")
    parser.add_argument("--runs", type=int, help=f"timed runs of each measure (default {FULL['runs']})")
    parser.add_argument("--warmup", type=int, help=f"untimed runs first (default {FULL['warmup']})")
    args = parser.parse_args(argv)
    defaults = QUICK if args.quick else FULL
    for name in ("programmes", "runs", "warmup"):
        if getattr(args, name) is None:
            setattr(args, name, defaults[name])
    if args.child:
        return migrated_child(args, f"egide-programmes-{args.child}-", ProgrammesResult(database=args.child), _measure)

    options = ["--programmes", str(args.programmes), "--runs", str(args.runs), "--warmup", str(args.warmup)]
    options += ["--seed", str(args.seed)]
    results: list[ProgrammesResult] = []
    for database in databases_asked(args.databases):
        result, load = under_load(
            functools.partial(
                run_child,
                __file__,
                database,
                args,
                options,
                empty=ProgrammesResult,
                from_json=ProgrammesResult.from_json,
            )
        )
        result.load = load
        results.append(result)
        print_heading(result)
    if refuse_failed(results):
        return 1
    write_section(args, lambda: render(results, args, argv), start=START_MARKER, end=END_MARKER)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
