"""Measure the Coordination tab of a large country (and the cross-country dashboard, once installed) at the issue's
scale: 190 countries, 100,000 programmes and 1,000,000 transactions on PostgreSQL (a tenth on SQLite).

For each database and each size (`--sizes`, in countries: 19, 95 and 190 by default, the programmes and
transactions in proportion, 100,000 and 1,000,000 at 190), a child process runs `egide migrate` on the size's own
database, then:

1. generates the data, unless the database already holds this size's (same seed and sizes; `--regenerate` to
   generate it again): 40 organisations; 40 actors in each country; the programmes, with PostgreSQL's COPY
   (SQLite: executemany), the measured country (CF) holding the same 5,000 programmes at every size (a tenth on
   SQLite) and the others spread unevenly over the remaining countries. A programme is Égide's own (owned by one of
   the organisations, 40% public, 30% partners, 20% organisation, 10% restricted, half of those shared with
   another organisation) or, for 35% of them, imported from IATI (public, with an IATI provenance, its partners
   mostly named as the publisher wrote them); each has a status, planned and (mostly) actual dates between 1995
   and 2035, one to four participating organisations, one or two areas of action, up to three supported actors of
   its country, one to three budgets and ten transactions on average (commitments, disbursements, expenditure,
   incoming funds, in six currencies) with an annual rate table, then the money sums (`money_sums_rebuild`),
   timed apart;
2. signs in a viewer of one of the organisations (every country): the visibility rules apply;
3. times through Django's test client (DEBUG off), after warm-up runs: the Coordination tab of the measured
   country for the current year by area of action, by supported actor and for the programmes imported from IATI
   only, warm, then cold (the governance findings' cache emptied before each run, as after a change to the map);
   and the dashboard (`coordination:dashboard`) when that URL resolves. For each: the wall time (server time: the
   test client runs the whole request in this process, database included), this process's CPU time (on
   PostgreSQL the database's own work runs in the server's processes, not counted), the SQL queries and the bytes.

At the largest size on PostgreSQL it also writes the plans (EXPLAIN ANALYZE) of the tab's queries and a profile of
one warm request. The aim: under 300 ms of server time, and the same number of queries at every size.

The data is kept: on PostgreSQL in the database that `--postgres-url` names (default `$DATABASE_URL` when it is a
PostgreSQL URL, else `egide_coordbench`), the smaller sizes in `<name>_<countries>`; on SQLite in
`benchmarks/output/coordination/`. A database's name must contain `bench`: `--regenerate` drops it.

    PYTHONPATH=src python benchmarks/coordination.py                  # both databases, written to RESULTS.md
    PYTHONPATH=src python benchmarks/coordination.py --quick          # a smoke run (small sizes), nothing written
    make benchmark-coordination
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BENCHMARKS_DIR = Path(__file__).resolve().parent
START_MARKER = "<!-- coordination:start -->"
END_MARKER = "<!-- coordination:end -->"
FALLBACK_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/egide_coordbench"
SQLITE_FOLDER = BENCHMARKS_DIR / "output" / "coordination"
FULL_PROGRAMMES = 100_000
FULL_TRANSACTIONS = 1_000_000
MEASURED_PROGRAMMES = 5_000  # the measured country's, at every size
SQLITE_SHARE = 10  # SQLite gets a tenth of the programmes and transactions
MEASURED_COUNTRY = "CF"
ORGANISATIONS = 40
ACTORS_PER_COUNTRY = 40
IATI_SHARE = 0.35
IATI_PUBLISHERS = 80
AIM_SECONDS = 0.3
GENERATOR_VERSION = 1  # changed whenever the generated data changes: the kept databases are generated again
FULL = {"sizes": "19,95,190", "runs": 10, "cold_runs": 5, "warmup": 2}
QUICK = {"sizes": "5,10", "runs": 3, "cold_runs": 2, "warmup": 1, "programmes": 2_000, "transactions": 20_000}
LEVELS = (("public", 0.4), ("partners", 0.3), ("organisation", 0.2), ("restricted", 0.1))
STATUS_WEIGHTS = (("1", 8), ("2", 40), ("3", 10), ("4", 35), ("5", 4), ("6", 3))
PARTNER_ROLES = ("1", "2", "3", "4")
TRANSACTION_TYPES = ("1", "2", "2", "3", "3", "3", "4")
CURRENCIES = ("USD", "EUR", "XOF", "XAF", "CDF", "HTG")
RATE_LEVELS = {"EUR": 0.85, "XOF": 560.0, "XAF": 560.0, "CDF": 1800.0, "HTG": 110.0}
YEARS = range(1995, 2036)
META_TABLE = "egide_coordination_bench"

sys.path.insert(0, str(BENCHMARKS_DIR))
from common import (  # noqa: E402
    RESULTS,
    DatabaseRun,
    benchmark_organisations,
    benchmark_user,
    child_environment,
    command_line,
    database_title,
    databases_asked,
    load_sentence,
    machine_line,
    migrate,
    ms,
    nearest_rank_p95,
    now_utc,
    postgres_admin_url,
    profile_table,
    recreate_postgres,
    setup_django,
    signed_in,
    sizes_asked,
    under_load,
    write_labelled,
)


@dataclass(slots=True)
class Measure:
    name: str
    path: str
    size: int  # countries
    walls: list[float]
    cpus: list[float]
    queries: int
    content: int = 0
    database_cpus: list[float] = field(default_factory=list)  # the PostgreSQL backend's, per run

    @property
    def median(self) -> float:
        return statistics.median(self.walls)

    @property
    def p95(self) -> float:
        return nearest_rank_p95(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    @property
    def database_cpu(self) -> float | None:
        return statistics.median(self.database_cpus) if self.database_cpus else None


@dataclass(slots=True)
class SizeRun:
    countries: int
    database_name: str = ""
    reused: bool = False
    data: dict[str, Any] = field(default_factory=dict)
    matrix: dict[str, int] = field(default_factory=dict)


@dataclass(slots=True)
class CoordinationRun(DatabaseRun):
    sizes: list[SizeRun] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    plans: dict[str, str] = field(default_factory=dict)
    profile: list[str] = field(default_factory=list)
    queries: list[list[Any]] = field(default_factory=list)
    dashboard: bool = False

    @staticmethod
    def from_json(data: dict[str, Any]) -> CoordinationRun:
        return CoordinationRun(
            **{name: value for name, value in data.items() if name not in ("sizes", "measures", "load")},
            load=tuple(data["load"]),
            sizes=[SizeRun(**item) for item in data["sizes"]],
            measures=[Measure(**item) for item in data["measures"]],
        )


# ------------------------------------------------------------------------------------------------------ sizes


@dataclass(frozen=True, slots=True)
class Size:
    countries: int
    programmes: int
    transactions: int
    measured: int  # the measured country's programmes

    def key(self, seed: int) -> dict[str, int]:
        return asdict(self) | {"seed": seed, "generator": GENERATOR_VERSION}


def size_of(countries: int, args: argparse.Namespace, database: str) -> Size:
    """The programmes and transactions of a size: in proportion to its countries, --programmes and
    --transactions at the largest size (a tenth on SQLite)."""
    share = 1 if database == "postgresql" else args.sqlite_share
    largest = max(sizes_asked(args.sizes))
    programmes = round(args.programmes * countries / largest) // share
    transactions = round(args.transactions * countries / largest) // share
    measured = min(args.measured // share, programmes // 2)
    return Size(countries, programmes, transactions, measured)


def postgres_url_for(base: str, countries: int, largest: int) -> str:
    """The largest size in the database base names, the others in `<name>_<countries>`."""
    if countries == largest:
        return base
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=f"{parts.path}_{countries}"))


def sqlite_url_for(countries: int, args: argparse.Namespace) -> str:
    SQLITE_FOLDER.mkdir(parents=True, exist_ok=True)
    name = f"coordination-{'quick-' if args.quick else ''}{countries}-share-{args.sqlite_share}.sqlite3"
    return f"sqlite:///{SQLITE_FOLDER / name}"


# ------------------------------------------------------------------------------------------------- generation


def _weighted_levels(count: int, rng: random.Random) -> Iterator[str]:
    names = [level for level, _share in LEVELS]
    weights = [share for _level, share in LEVELS]
    while True:
        yield from rng.choices(names, weights, k=count)


def _day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, max(0, (last - first).days)))


@dataclass(slots=True)
class Plan:
    """A generated programme, kept while its rows are written: its period and how many transactions it holds."""

    pk: int
    start: datetime.date
    end: datetime.date
    transactions: int


def generate(size: Size, seed: int) -> dict[str, Any]:
    """The size's data, inserted in bulk; returns what was made and how long it took."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from egide.accounts.models import Share
    from egide.actors.models import Actor
    from egide.core import taxonomy
    from egide.core.reference import countries
    from egide.iati.models import ImportedActivity
    from egide.money.models import Budget, ExchangeRate, Transaction
    from egide.money.services import money_sums_rebuild
    from egide.programmes.models import (
        Participation,
        Programme,
        ProgrammeArea,
        ProgrammeCountry,
        SupportedActor,
    )
    from programmes import insert_rows

    started = time.perf_counter()
    organisation_ids = [organisation.pk for organisation in benchmark_organisations(ORGANISATIONS)]
    codes = [MEASURED_COUNTRY, *sorted(code for code in countries() if code not in (MEASURED_COUNTRY, "FR"))]
    codes = codes[: size.countries]
    areas = [area.code for area in taxonomy.AREAS_OF_ACTION]
    kinds = list(taxonomy.KINDS)
    statuses = [code for code, _weight in STATUS_WEIGHTS]
    weights = [weight for _code, weight in STATUS_WEIGHTS]
    programme_type = ContentType.objects.get_for_model(Programme).pk
    now = datetime.datetime.now(datetime.UTC)

    actors: list[dict[str, Any]] = []
    actor_ids: dict[str, list[int]] = {}
    for country_index, code in enumerate(codes):
        ids = actor_ids[code] = []
        for number in range(ACTORS_PER_COUNTRY):
            pk = country_index * ACTORS_PER_COUNTRY + number + 1
            kind = kinds[(number * 7 + country_index) % len(kinds)]
            ids.append(pk)
            actors.append(
                {
                    "id": pk,
                    "country": code,
                    "reference": f"A{number + 1:03d}",
                    "family": kind.family,
                    "kind": kind.code,
                    "name_en": f"{kind.label_en} {number + 1} ({code})",
                    "name_fr": f"{kind.label_fr} {number + 1} ({code})",
                    "confidentiality": "public" if number % 5 else "partners",
                }
            )

    # The measured country's programmes come first, from a generator of their own: the same at every size.
    other_countries = codes[1:] or codes
    country_weights = [random.Random(seed + index).uniform(0.2, 1.8) for index in range(len(other_countries))]
    per_programme = size.transactions / max(1, size.programmes)
    programmes: list[dict[str, Any]] = []
    recipients: list[dict[str, Any]] = []
    participations: list[dict[str, Any]] = []
    programme_areas: list[dict[str, Any]] = []
    supports: list[dict[str, Any]] = []
    provenances: list[dict[str, Any]] = []
    shares: list[dict[str, Any]] = []
    plans: list[Plan] = []
    publishers = [f"IATI publisher {number + 1:02d}" for number in range(IATI_PUBLISHERS)]
    for segment, (count, rng) in enumerate(
        ((size.measured, random.Random(seed)), (size.programmes - size.measured, random.Random(seed + 1)))
    ):
        lead = [MEASURED_COUNTRY] * count if segment == 0 else rng.choices(other_countries, country_weights, k=count)
        levels = _weighted_levels(count, rng)
        for country in lead:
            pk = len(programmes) + 1
            imported = rng.random() < IATI_SHARE
            level = "public" if imported else next(levels)
            owner = rng.choice(organisation_ids)
            status = rng.choices(statuses, weights)[0]
            planned_start = _day(rng, datetime.date(1995, 1, 1), datetime.date(2030, 12, 31))
            planned_end = planned_start + datetime.timedelta(days=rng.randint(365, 6 * 365))
            started_yet = status in ("2", "3", "4", "6")
            actual_start = planned_start + datetime.timedelta(days=rng.randint(-60, 200)) if started_yet else None
            actual_end = planned_end + datetime.timedelta(days=rng.randint(-100, 400)) if status == "4" else None
            programmes.append(
                {
                    "id": pk,
                    "owner_id": owner,
                    "confidentiality": level,
                    "country": country,
                    "iati_identifier": f"XM-COORD-{pk:06d}",
                    "title_en": f"Programme {pk:06d}: support to the security system of {country}",
                    "title_fr": f"Programme {pk:06d} : appui au système de sécurité ({country})",
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
            for role, organisation in zip(
                rng.sample(PARTNER_ROLES, rng.randint(1, 4)), rng.sample(organisation_ids, 4), strict=False
            ):
                if imported and rng.random() < 0.7:
                    participations.append(
                        {"programme_id": pk, "role": role, "organisation_id": None, "name": rng.choice(publishers)}
                    )
                else:
                    participations.append(
                        {"programme_id": pk, "role": role, "organisation_id": organisation, "name": ""}
                    )
            for area in rng.sample(areas, rng.randint(1, 2)):
                programme_areas.append({"programme_id": pk, "area": area})
            for actor in rng.sample(actor_ids[country], rng.choice((0, 1, 1, 2, 3))):
                supports.append({"programme_id": pk, "actor_id": actor, "support_en": "", "support_fr": ""})
            if imported:
                provenances.append(
                    {
                        "programme_id": pk,
                        "source_file": f"publisher-{pk % IATI_PUBLISHERS:02d}.xml",
                        "reporting_org_ref": f"XM-PUB-{pk % IATI_PUBLISHERS:02d}",
                        "reporting_org_name": publishers[pk % IATI_PUBLISHERS],
                        "version": "2.03",
                        "imported_at": now,
                        "checksum": f"{pk:064d}",
                    }
                )
            elif level == "restricted" and rng.random() < 0.5:
                shares.append(
                    {
                        "content_type_id": programme_type,
                        "object_id": pk,
                        "organisation_id": rng.choice([other for other in organisation_ids if other != owner]),
                        "can_edit": False,
                        "country": country,
                    }
                )
            start = actual_start or planned_start
            end = max(start, actual_end or planned_end)
            plans.append(Plan(pk, start, end, rng.randint(1, max(1, round(2 * per_programme) - 1))))

    rng = random.Random(seed + 2)

    def budgets() -> Iterator[dict[str, Any]]:
        for plan in plans:
            for offset in range(rng.randint(1, 3)):
                year = min(plan.start.year + offset, YEARS[-1])
                yield {
                    "programme_id": plan.pk,
                    "type": "1",
                    "status": "2",
                    "period_start": datetime.date(year, 1, 1),
                    "period_end": datetime.date(year, 12, 31),
                    "value": rng.randrange(100_000, 5_000_000),
                    "currency": rng.choice(CURRENCIES),
                    "value_date": datetime.date(year, 1, 1),
                }

    def transactions() -> Iterator[dict[str, Any]]:
        for plan in plans:
            for _number in range(plan.transactions):
                day = _day(rng, plan.start, plan.end)
                yield {
                    "programme_id": plan.pk,
                    "type": rng.choice(TRANSACTION_TYPES),
                    "date": day,
                    "value": f"{rng.randrange(100_000, 90_000_000) / 100:.2f}",
                    "currency": rng.choice(CURRENCIES),
                    "value_date": day,
                    "provider_name": "",
                    "receiver_name": "",
                }

    rates = []
    for currency, units in RATE_LEVELS.items():
        for year in YEARS:
            if currency == "HTG" and year == datetime.date.today().year:
                continue  # a missing rate: those amounts are left out of the sums and counted in a note
            rates.append(
                {
                    "currency": currency,
                    "period": "year",
                    "starts_on": datetime.date(year, 1, 1),
                    "rate": f"{units * rng.uniform(0.85, 1.15):.6f}",
                    "source": "imf",
                }
            )
    built = time.perf_counter() - started

    def numbered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for number, row in enumerate(rows, start=1):
            row["id"] = number
        return rows

    def numbered_stream(rows: Iterator[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        for number, row in enumerate(rows, start=1):
            row["id"] = number
            yield row

    inserted: dict[str, int] = {}
    with transaction.atomic():
        inserted["actors"] = insert_rows(Actor, actors)
        inserted["programmes"] = insert_rows(Programme, programmes)
        inserted["recipient countries"] = insert_rows(ProgrammeCountry, numbered(recipients))
        inserted["participations"] = insert_rows(Participation, numbered(participations))
        inserted["areas"] = insert_rows(ProgrammeArea, numbered(programme_areas))
        inserted["supported actors"] = insert_rows(SupportedActor, numbered(supports))
        inserted["IATI provenances"] = insert_rows(ImportedActivity, numbered(provenances))
        first_share = (Share.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
        for number, row in enumerate(shares, start=first_share):
            row["id"] = number
        inserted["shares"] = insert_rows(Share, shares)
        inserted["exchange rates"] = insert_rows(ExchangeRate, numbered(rates))
        inserted["budgets"] = insert_rows(Budget, numbered_stream(budgets()))
        inserted["transactions"] = insert_rows(Transaction, numbered_stream(transactions()))
        models = [
            Actor,
            Programme,
            ProgrammeCountry,
            Participation,
            ProgrammeArea,
            SupportedActor,
            ImportedActivity,
            Share,
            ExchangeRate,
            Budget,
            Transaction,
        ]
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)
    written = time.perf_counter() - started - built
    sums_started = time.perf_counter()
    inserted["money sums"] = money_sums_rebuild()
    sums_seconds = time.perf_counter() - sums_started
    analyse_started = time.perf_counter()
    with connection.cursor() as cursor:
        # As autovacuum would leave a settled database: statistics, and the visibility map that index-only scans
        # need.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    return {
        "countries": len(codes),
        "organisation_ids": organisation_ids,
        "rows": inserted,
        "measured_programmes": size.measured,
        "measured_transactions": sum(plan.transactions for plan in plans[: size.measured]),
        "build_seconds": built,
        "insert_seconds": written,
        "sums_seconds": sums_seconds,
        "analyse_seconds": time.perf_counter() - analyse_started,
    }


def kept_data(key: dict[str, int]) -> dict[str, Any] | None:
    """What an earlier run generated in this database, if it generated the same size with the same seed."""
    from django.db import connection

    with connection.cursor() as cursor:
        if META_TABLE not in connection.introspection.table_names(cursor):
            return None
        cursor.execute(f"SELECT value FROM {META_TABLE} WHERE name = 'generated'")
        row = cursor.fetchone()
    if row is None:
        return None
    stored: dict[str, Any] = json.loads(row[0])
    return stored if stored.get("key") == key else None


def keep_data(key: dict[str, int], data: dict[str, Any]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {META_TABLE} (name VARCHAR(40) PRIMARY KEY, value TEXT)")
        cursor.execute(f"DELETE FROM {META_TABLE} WHERE name = 'generated'")
        cursor.execute(
            f"INSERT INTO {META_TABLE} (name, value) VALUES ('generated', %s)",
            [json.dumps({"key": key} | data)],
        )


# ------------------------------------------------------------------------------------------------ measurement


def _dashboard_path() -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("coordination:dashboard")
    except NoReverseMatch:
        return ""


def _measure_size(args: argparse.Namespace, result: CoordinationRun, size: Size, run: SizeRun) -> None:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from egide.accounts.models import Membership, Organisation, Role
    from egide.actors.versions import map_changed
    from egide.coordination.selectors import country_coordination
    from egide.governance.cache import memory

    key = size.key(args.seed)
    kept = None if args.regenerate else kept_data(key)
    if kept is None:
        _refuse_other_data(connection.vendor)
        print(f"[{args.child} {size.countries}] generating {size}", flush=True)
        data = generate(size, args.seed)
        keep_data(key, data)
    else:
        print(f"[{args.child} {size.countries}] reusing the data generated earlier", flush=True)
        data = kept
        run.reused = True
    run.data = {name: value for name, value in data.items() if name not in ("organisation_ids", "key")}

    user = User.objects.filter(username="bench-viewer").first()
    if user is None:
        organisation = Organisation.objects.get(pk=data["organisation_ids"][0])
        user = benchmark_user("viewer", [(organisation.pk, Role.VIEWER, [])])
    assert Membership.objects.filter(user=user).exists()
    client = signed_in(user)
    year = datetime.date.today().year
    found = country_coordination(user=user, country=MEASURED_COUNTRY, year=year)
    run.matrix = {
        "partners": len(found.partners),
        "areas": len(found.areas),
        "actors": len(found.actors),
        "programmes in the year": len({p.pk for cell in found.cells.values() for p in cell}),
        "overlaps": len(found.overlaps),
        "gaps": len(found.gaps),
    }
    print(f"[{args.child} {size.countries}] the tab shows {run.matrix}", flush=True)

    def get(path: str) -> Callable[[], int]:
        def call() -> int:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)
            return len(response.content)

        return call

    def cold() -> None:
        map_changed(country=MEASURED_COUNTRY)
        memory.clear()

    def measured(name: str, path: str, runs: int, before: Callable[[], None] | None = None) -> None:
        call = get(path)
        walls: list[float] = []
        cpus: list[float] = []
        database_cpus: list[float] = []
        content = 0
        for number in range(args.warmup + runs):
            if before is not None:
                before()
            backend = backend_pid()
            database_started = backend_cpu(backend)
            wall_started, cpu_started = time.perf_counter(), time.process_time()
            content = call()
            wall, cpu = time.perf_counter() - wall_started, time.process_time() - cpu_started
            database_cpu = backend_cpu(backend) - database_started
            if number >= args.warmup:
                walls.append(wall)
                cpus.append(cpu)
                if backend is not None:
                    database_cpus.append(database_cpu)
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as captured:
            call()
        measure = Measure(name, path, size.countries, walls, cpus, len(captured), content, database_cpus)
        result.measures.append(measure)
        database = f" + PostgreSQL {ms(measure.database_cpu)}" if measure.database_cpu is not None else ""
        print(
            f"[{args.child} {size.countries}] {name}: {ms(measure.median)} (CPU {ms(measure.cpu)}{database}),"
            f" {measure.queries} queries, {content:,} bytes",
            flush=True,
        )

    tab = f"/countries/{MEASURED_COUNTRY}/coordination/?year={year}"
    measured("Coordination tab, by area, warm", tab, args.runs)
    measured("Coordination tab, by area, cold", tab, args.cold_runs, cold)
    measured("Coordination tab, by supported actor, warm", f"{tab}&by=actor", args.runs)
    measured("Coordination tab, imported from IATI only, warm", f"{tab}&origin=iati", args.runs)
    dashboard = "" if args.skip_dashboard else _dashboard_path()
    result.dashboard = bool(dashboard)
    if dashboard:
        from egide.actors.models import Actor

        mapped = list(Actor.objects.order_by().values_list("country", flat=True).distinct())

        def every_country_cold() -> None:
            for code in mapped:
                map_changed(country=code)
            memory.clear()

        def one_country_cold() -> None:
            map_changed(country=MEASURED_COUNTRY)

        first_rate: list[Any] = []

        def rates_changed(back: bool = False) -> None:
            """A yearly rate changed through its service (the totals follow by difference, in its transaction),
            1 % up and back in turn: the next request finds the totals written, as warm."""
            from decimal import Decimal

            from egide.accounts.selectors import PLATFORM
            from egide.money import services
            from egide.money.data import RateData
            from egide.money.models import ExchangeRate

            rate = ExchangeRate.objects.get(currency="XOF", period="year", starts_on=datetime.date(year, 1, 1))
            if not first_rate:
                first_rate.append(rate.rate)
            value = first_rate[0] if back or rate.rate != first_rate[0] else first_rate[0] * Decimal("1.01")
            data = RateData(currency="XOF", period="year", starts_on=rate.starts_on, rate=value)
            services.rate_update(user=PLATFORM, rate=rate, data=data)

        measured("Dashboard, warm", dashboard, args.dashboard_runs)
        measured(
            "Dashboard, cold (every country's map changed)",
            dashboard,
            max(1, args.dashboard_runs // 2),
            every_country_cold,
        )
        measured("Dashboard, after one country's map changed", dashboard, args.dashboard_runs, one_country_cold)
        measured("Dashboard, after a yearly rate changed", dashboard, args.dashboard_runs, rates_changed)
        rates_changed(back=True)  # the kept data as generated

    if size.countries == max(sizes_asked(args.sizes)):
        with CaptureQueriesContext(connection) as captured:
            get(tab)()
        result.queries = [[float(query["time"]), query["sql"][:200]] for query in captured.captured_queries]
        profiler = cProfile.Profile()
        profiler.runcall(get(tab))
        heading, table = profile_table(profiler, "cumulative", "egide|django/(template|db)", 25)
        result.profile = [*heading, *table]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for number, query in enumerate(captured.captured_queries, start=1):
                    sql = query["sql"]
                    if not any(table in sql for table in ("programmes_", "money_", "iati_", "actors_actor")):
                        continue
                    cursor.execute(f"EXPLAIN ANALYZE {sql}")
                    result.plans[f"query {number}: {sql[:90]}…"] = "\n".join(row[0] for row in cursor.fetchall())


def backend_pid() -> int | None:
    """The PostgreSQL server process that serves this connection (None on SQLite, which runs in this one)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return int(cursor.fetchone()[0])


def backend_cpu(pid: int | None) -> float:
    """The CPU seconds the server process has used (Linux's /proc/PID/schedstat, in nanoseconds; the server must
    run on this machine): what a request costs the database whatever the load, parallel workers left out."""
    if pid is None:
        return 0.0
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text(encoding="ascii").split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


def _refuse_other_data(vendor: str) -> None:
    """Stop if the database holds programmes of another generation (another size or seed, or data of its own):
    --regenerate has the parent drop it first."""
    from egide.programmes.models import Programme

    if Programme.objects.exists():
        raise SystemExit(
            f"the {vendor} database holds data of another generation: run again with --regenerate to replace it"
        )


def child(args: argparse.Namespace) -> int:
    result = CoordinationRun(database=args.child)
    data_dir = Path(tempfile.mkdtemp(prefix=f"egide-coordination-{args.child}-"))
    (data_dir / "static").mkdir()
    os.environ.update(child_environment(args.database_url, data_dir))
    try:
        print(f"[{args.child} {args.size}] egide migrate", flush=True)
        migrate()
        result.version = setup_django(server=True)
        size = size_of(args.size, args, args.child)
        run = SizeRun(args.size, database_name=args.database_url.rsplit("/", 1)[-1])
        result.sizes.append(run)
        _, result.load = under_load(lambda: _measure_size(args, result, size, run))
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    Path(args.json).write_text(json.dumps(asdict(result)), encoding="utf-8")
    return 0


# ---------------------------------------------------------------------------------------------------- parent


def _prepare(database: str, url: str, regenerate: bool) -> None:
    """Create the PostgreSQL database if it is missing (or again, with --regenerate); remove the SQLite file with
    --regenerate."""
    if database == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        if regenerate:
            path.unlink(missing_ok=True)
        return
    import psycopg
    from psycopg import sql

    admin, name = postgres_admin_url(url)
    if regenerate:
        recreate_postgres(url)
        return
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def run_size(database: str, countries: int, args: argparse.Namespace, options: list[str]) -> CoordinationRun:
    sizes = sizes_asked(args.sizes)
    url = (
        postgres_url_for(args.postgres_url, countries, max(sizes))
        if database == "postgresql"
        else sqlite_url_for(countries, args)
    )
    try:
        _prepare(database, url, args.regenerate)
    except Exception as error:  # any failure to reach the server: skip it, say why
        print(f"[{database}] skipped: {error}", flush=True)
        return CoordinationRun(database=database, skipped=f"no PostgreSQL server answered: {error}")
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        json_path = Path(handle.name)
    command = [sys.executable, __file__, "--child", database, "--size", str(countries), "--json", str(json_path)]
    command += [*options, "--database-url", url]
    try:
        completed = subprocess.run(command, check=False, cwd=BENCHMARKS_DIR.parent)
        if completed.returncode != 0:
            return CoordinationRun(database=database, failed=f"the child process exited with {completed.returncode}")
        return CoordinationRun.from_json(json.loads(json_path.read_text(encoding="utf-8")))
    finally:
        json_path.unlink(missing_ok=True)


def merged(database: str, runs: list[CoordinationRun]) -> CoordinationRun:
    """One database's runs (a child per size) as one result."""
    failed = [run for run in runs if run.failed or run.skipped]
    if failed:
        return failed[0]
    result = CoordinationRun(database=database, version=runs[-1].version, dashboard=runs[-1].dashboard)
    result.load = (runs[0].load[0], runs[-1].load[1])
    for run in runs:
        result.sizes += run.sizes
        result.measures += run.measures
        result.plans |= run.plans
        result.profile = run.profile or result.profile
        result.queries = run.queries or result.queries
    return result


def render(results: Sequence[CoordinationRun], args: argparse.Namespace, argv: Sequence[str]) -> str:
    lines = [
        f"### {args.label}",
        "",
        f"Measured {now_utc()} by `{command_line(__file__, argv)}`"
        + (f" with the code of {args.code}" if args.code else "")
        + ".",
        "",
        machine_line([result.version for result in results if result.version.startswith("PostgreSQL")]),
        "",
        f"Medians (p95) of {args.runs} warm runs after {args.warmup} warm-up runs ({args.cold_runs} cold runs).",
        "",
    ]
    for result in results:
        lines += [f"#### {database_title(result.database)}", ""]
        if result.skipped or result.failed:
            lines += [f"Not measured: {result.skipped or result.failed}", ""]
            continue
        lines += [f"{result.version}. {load_sentence(result.load)}.", ""]
        lines += [
            "| countries | rows generated | generation (build + insert + money sums + analyse) | the tab shows |",
            "| ---: | --- | --- | --- |",
        ]
        for run in result.sizes:
            data = run.data
            rows = ", ".join(f"{count:,} {name}" for name, count in data["rows"].items())
            generation = (
                f"{data['build_seconds']:.0f} s + {data['insert_seconds']:.0f} s + {data['sums_seconds']:.0f} s"
                f" + {data['analyse_seconds']:.0f} s" + (" (kept from an earlier run)" if run.reused else "")
            )
            shown = ", ".join(f"{count:,} {name}" for name, count in run.matrix.items())
            lines.append(
                f"| {run.countries} | {rows}; CF: {data['measured_programmes']:,} programmes,"
                f" {data['measured_transactions']:,} transactions | {generation} | {shown} |"
            )
        lines += [
            "",
            "| measured | countries | wall, median (p95) | CPU: Django | CPU: PostgreSQL | CPU: both | SQL queries"
            " | bytes | wall under 300 ms | CPU under 300 ms |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: | :---: |",
        ]
        for measure in sorted(result.measures, key=lambda item: (item.name, item.size)):
            database = measure.database_cpu
            both = measure.cpu + (database or 0.0)
            lines.append(
                f"| {measure.name} | {measure.size} | {ms(measure.median)} ({ms(measure.p95)}) | {ms(measure.cpu)} |"
                f" {ms(database) if database is not None else '—'} | {ms(both)} | {measure.queries} |"
                f" {measure.content:,} | {'yes' if measure.median < AIM_SECONDS else '**no**'} |"
                f" {'yes' if both < AIM_SECONDS else '**no**'} |"
            )
        lines.append("")
        if not result.dashboard:
            lines += ["The dashboard (`coordination:dashboard`) was not measured (not installed, or left out).", ""]
        if result.queries:
            lines += ["The tab's queries at the largest size (seconds, start of the SQL):", "", "```"]
            lines += [f"{seconds:.4f}  {sql}" for seconds, sql in result.queries]
            lines += ["```", ""]
        if result.profile:
            lines += ["One warm request at the largest size, cProfile (cumulative):", "", "```", *result.profile]
            lines += ["```", ""]
        for name, plan in result.plans.items():
            lines += [f"Plan of {name}", "", "```", plan, "```", ""]
    return "\n".join(lines) + "\n"


INTRO = f"""
## Coordination at scale: a large country's Coordination tab, and the dashboard (`benchmarks/coordination.py`)

Through Django's test client as a viewer of one organisation (DEBUG off), the measured country (CF) holding the
same programmes at every size, the others growing with the number of countries. The wall time is the server's whole
time, database included, and on this shared machine (2 cores, the load given) mostly time spent waiting for a core;
the CPU times are load-independent: Django's (this process, the test client included) and, on PostgreSQL, the
server process's that answered the queries (`/proc/PID/schedstat`; parallel workers, where a plan uses them, not
counted). Their sum is what a request costs on an idle machine, the data being in memory. Cold: the governance
findings' cache emptied before each run, as after a change to the map. Aim: under {AIM_SECONDS * 1000:.0f} ms of
server time, and the same number of queries at every size. One subsection per `--label`.
"""


def write(results: Sequence[CoordinationRun], args: argparse.Namespace, argv: Sequence[str]) -> None:
    """The label's subsection inside the script's section of the results file, the other labels kept."""
    output = args.output or (None if args.quick else RESULTS)
    section = render(results, args, argv)
    if output is None:
        print(section)
        return
    label = (f"<!-- coordination:{args.label}:start -->", f"<!-- coordination:{args.label}:end -->")
    inner = f"{label[0]}\n{section.rstrip()}\n{label[1]}"
    write_labelled(inner, output, label=label, start=START_MARKER, end=END_MARKER, intro=INTRO)
    print(f"\nwritten to {output}")


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    database_url = os.environ.get("DATABASE_URL", "")
    parser.add_argument("--databases", default="sqlite,postgresql", help="comma-separated (default %(default)s)")
    parser.add_argument(
        "--postgres-url",
        default=database_url if database_url.startswith("postgres") else FALLBACK_POSTGRES_URL,
        help="the database that keeps the largest size's data (its name must contain 'bench'; default"
        " $DATABASE_URL when it is PostgreSQL's, else %(default)s)",
    )
    parser.add_argument("--sizes", help=f"the sizes in countries (default {FULL['sizes']})")
    parser.add_argument(
        "--programmes", type=int, help=f"programmes at the largest size on PostgreSQL (default {FULL_PROGRAMMES:,})"
    )
    parser.add_argument(
        "--transactions", type=int, help=f"transactions at the largest size (default {FULL_TRANSACTIONS:,})"
    )
    parser.add_argument(
        "--sqlite-share",
        type=int,
        default=SQLITE_SHARE,
        help="SQLite gets this fraction of the programmes and transactions: 1 for the full scale (default %(default)s)",
    )
    parser.add_argument("--measured", type=int, default=MEASURED_PROGRAMMES, help="the measured country's programmes")
    parser.add_argument("--runs", type=int, help=f"warm runs of each measure (default {FULL['runs']})")
    parser.add_argument("--cold-runs", type=int, help=f"cold runs (default {FULL['cold_runs']})")
    parser.add_argument("--warmup", type=int, help=f"untimed runs first (default {FULL['warmup']})")
    parser.add_argument(
        "--dashboard-runs", type=int, default=3, help="warm runs of the dashboard (half as many cold; default 3)"
    )
    parser.add_argument("--skip-dashboard", action="store_true", help="leave the dashboard out")
    parser.add_argument("--seed", type=int, default=29)
    parser.add_argument("--regenerate", action="store_true", help="generate the data again even if it is kept")
    parser.add_argument("--quick", action="store_true", help="a smoke run (5 and 10 countries); nothing written")
    parser.add_argument("--output", type=Path, help="the results file (default benchmarks/RESULTS.md)")
    parser.add_argument("--label", default="after", help="the subsection of the results (default %(default)s)")
    parser.add_argument(
        "--code", default="", help="what code is measured, said in the results (such as `main at abc1234`)"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--json", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", default="", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    defaults: dict[str, Any] = QUICK if args.quick else FULL
    for name in ("sizes", "runs", "cold_runs", "warmup"):
        if getattr(args, name) is None:
            setattr(args, name, defaults[name])
    args.programmes = args.programmes or defaults.get("programmes", FULL_PROGRAMMES)
    args.transactions = args.transactions or defaults.get("transactions", FULL_TRANSACTIONS)
    if args.quick:
        args.measured = min(args.measured, args.programmes // 10)
    if args.child:
        return child(args)

    options = ["--sizes", args.sizes, "--programmes", str(args.programmes), "--transactions", str(args.transactions)]
    options += ["--measured", str(args.measured), "--runs", str(args.runs), "--cold-runs", str(args.cold_runs)]
    options += ["--warmup", str(args.warmup), "--seed", str(args.seed), "--sqlite-share", str(args.sqlite_share)]
    options += ["--dashboard-runs", str(args.dashboard_runs)] + (["--skip-dashboard"] if args.skip_dashboard else [])
    if args.regenerate:
        options.append("--regenerate")
    if args.quick:
        options.append("--quick")
    results = []
    for database in databases_asked(args.databases):
        runs = [run_size(database, countries, args, options) for countries in sizes_asked(args.sizes)]
        results.append(merged(database, runs))
    if any(result.failed for result in results):
        print("\nnot written: a run failed (see its output above)", file=sys.stderr)
        return 1
    write(results, args, argv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
