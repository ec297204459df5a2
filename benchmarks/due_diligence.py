"""Measure a unit's due-diligence risk listing at the issue's scale on PostgreSQL: 100,000 persons, 500,000 posts
and 50,000 incidents.

1. generates the data with PostgreSQL's COPY into its own database (`--postgres-url`, default
   `postgres://postgres@127.0.0.1:5432/egide_ddbench`; its name must contain `bench`, it is dropped and made again
   with `--regenerate` or when it holds no data yet): 40 countries of 125 units each, four levels deep (a ministry,
   its commands, their brigades, their battalions); 100,000 persons (a name each); 500,000 posts in those units
   (a third of them commanding, dated 1990-2025, 10% still ongoing); 50,000 incidents dated 1995-2025, each
   alleged against one unit, a third also against a person, with a source cited for each incident; three reading
   levels (restricted, organisation, partners) and shares with another organisation. The measured unit (a
   battalion of the first country) has 60 incidents of its own, its parents theirs, and 40 commanders over time
   with 5 to 15 allegations each, some within their command and some not;
2. signs in an editor of the owner organisation (the access rule of due diligence applies, shares included);
3. times the risk listing (egide.duediligence.diligence_selectors.risk_for) and the assessment's page through
   Django's test client (server time: the whole request in this process, database included), after warm-up runs:
   the wall time, this process's CPU time (PostgreSQL's own work runs in the server's processes, not counted) and
   the SQL queries; and the plans (EXPLAIN ANALYZE) of the two big queries;
4. times the name search of people for a misspelt name (egide.duediligence.people_selectors.people_list), through
   the selector and the people's page, the same way.

The machine may be shared: wall times then depend on the load (written beside them); CPU times and query counts
do not. The aim: under 200 ms of server time.

    PYTHONPATH=src python benchmarks/due_diligence.py                # measured and written to RESULTS.md
    PYTHONPATH=src python benchmarks/due_diligence.py --quick        # a tenth of the data, nothing written
    make benchmark-due-diligence
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCHMARKS_DIR = Path(__file__).resolve().parent
START_MARKER = "<!-- dddiligence:start -->"
END_MARKER = "<!-- dddiligence:end -->"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/egide_ddbench"
SEED = 17
AIM = 0.200

sys.path.insert(0, str(BENCHMARKS_DIR))
from common import (  # noqa: E402
    RESULTS,
    child_environment,
    command_line,
    egide_command,
    load_average,
    machine_line,
    ms,
    now_utc,
    plain_static_storage,
    recreate_postgres,
    write_results,
)
from programmes import insert_rows  # noqa: E402


@dataclass(frozen=True)
class Sizes:
    countries: int
    persons: int
    posts: int
    incidents: int


FULL = Sizes(countries=40, persons=100_000, posts=500_000, incidents=50_000)
QUICK = Sizes(countries=4, persons=10_000, posts=50_000, incidents=5_000)
UNITS_PER_COUNTRY = 125  # 1 ministry, 4 commands, 20 brigades, 100 battalions


@dataclass
class Measured:
    name: str
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    queries: int = 0
    rows: int = 0

    def line(self) -> str:
        return (
            f"| {self.name} | {self.rows} | {self.queries} | {ms(statistics.median(self.wall))} | "
            f"{ms(max(self.wall))} | {ms(statistics.median(self.cpu))} |"
        )


def _codes(count: int) -> list[str]:
    from egide.core.reference import countries

    codes = sorted(code for code in countries() if code not in ("CF", "XT"))
    return ["CF", *codes[: count - 1]]


def _day(rng: random.Random, first: int, last: int) -> datetime.date:
    return datetime.date(rng.randint(first, last), rng.randint(1, 12), rng.randint(1, 28))


# Invented syllables: the generated names (a given name and a family name of two or three syllables, about 30
# million combinations) resemble names enough for trigrams to behave as with real ones, and are nobody's.
GIVEN = ("Ablo", "Bexa", "Cirdo", "Dumel", "Esko", "Faril", "Gosto", "Hamzo", "Ilver", "Jober", "Kasmo", "Lutar")
SYLLABLES = (
    *("ka", "lo", "mer", "ndi", "sou", "tra", "vel", "zou", "bri", "da", "go", "ha", "ki", "lu", "ma", "no"),
    *("pe", "ri", "sa", "to", "un", "va", "we", "xi", "yo", "ze", "bal", "cor", "dem", "fal", "gar", "hor"),
)


def invented_names(rng: random.Random) -> tuple[str, str]:
    """An invented name and another spelling of it (vowels swapped, a letter doubled), as sources write names."""
    family = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    given = rng.choice(GIVEN)
    spelling = family.replace("ou", "u").replace("k", "c").replace("i", "y") if rng.random() < 0.5 else family
    if spelling == family:
        spelling = family + "e"
    return f"{given} {family}", f"{given} {spelling}"


def generate(sizes: Sizes) -> dict[str, int]:
    """Everything, with ids chosen here so that every table is one COPY; returns the measured assessment's id."""
    from django.contrib.auth.models import User
    from django.contrib.contenttypes.models import ContentType
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from egide.accounts.models import Membership, Organisation, Role, Share
    from egide.actors.models import Actor, Source
    from egide.duediligence.models import (
        COMMAND_ROLES,
        DiligenceAssessment,
        Evidence,
        Incident,
        Person,
        PersonName,
        Post,
        PostRole,
        Responsibility,
        Violation,
    )
    from egide.duediligence.names import search_text
    from egide.programmes.models import Programme, SupportedActor

    rng = random.Random(SEED)
    countries = _codes(sizes.countries)
    levels = ["restricted"] * 5 + ["organisation"] * 3 + ["partners"] * 2
    with transaction.atomic():
        owner = Organisation.objects.create(name_en="Bench owner", name_fr="Bench", acronym="BOWN", type="ministry")
        other = Organisation.objects.create(name_en="Bench other", name_fr="Autre", acronym="BOTH", type="agency")
        editor = User.objects.create_user(username="ddbench-editor", password="not-used-for-anything-here")
        Membership.objects.create(user=editor, organisation=owner, role=Role.EDITOR)
        actors: list[dict[str, Any]] = []
        units: dict[str, list[int]] = {}
        next_id = 1
        for country in countries:
            ministry = next_id
            actors.append(
                {
                    "id": ministry,
                    "country": country,
                    "kind": "ministry_of_defence",
                    "family": "management",
                    "name_en": f"Ministry {country}",
                    "name_fr": f"Ministère {country}",
                    "reference": "MOD",
                    "parent_id": None,
                    "owner_id": owner.pk,
                    "confidentiality": "public",
                }
            )
            next_id += 1
            battalions = []
            for command in range(4):
                command_id = next_id
                next_id += 1
                actors.append(
                    {
                        "id": command_id,
                        "country": country,
                        "kind": "armed_forces",
                        "family": "security_providers",
                        "name_en": f"Command {command}",
                        "name_fr": f"Commandement {command}",
                        "reference": f"C{command}",
                        "parent_id": ministry,
                        "owner_id": owner.pk,
                        "confidentiality": "public",
                    }
                )
                for brigade in range(5):
                    brigade_id = next_id
                    next_id += 1
                    actors.append(
                        {
                            "id": brigade_id,
                            "country": country,
                            "kind": "armed_forces",
                            "family": "security_providers",
                            "name_en": f"Brigade {command}.{brigade}",
                            "name_fr": f"Brigade {command}.{brigade}",
                            "reference": f"B{command}.{brigade}",
                            "parent_id": command_id,
                            "owner_id": owner.pk,
                            "confidentiality": "public",
                        }
                    )
                    for battalion in range(5):
                        actors.append(
                            {
                                "id": next_id,
                                "country": country,
                                "kind": "armed_forces",
                                "family": "security_providers",
                                "name_en": f"Battalion {command}.{brigade}.{battalion}",
                                "name_fr": f"Bataillon {command}.{brigade}.{battalion}",
                                "reference": f"T{command}.{brigade}.{battalion}",
                                "parent_id": brigade_id,
                                "owner_id": owner.pk,
                                "confidentiality": "public",
                            }
                        )
                        battalions.append(next_id)
                        next_id += 1
            units[country] = [row["id"] for row in actors if row["country"] == country]
        insert_rows(Actor, actors)
        country_of = {row["id"]: row["country"] for row in actors}
        measured = units["CF"][3]  # Command 0 / Brigade 0.0 / its first battalion
        chain = [measured, units["CF"][2], units["CF"][1], units["CF"][0]]
        all_units = list(country_of)

        source = Source.objects.create(country="CF", title="Bench source")
        persons = []
        names = []
        for person_id in range(1, sizes.persons + 1):
            country = countries[person_id % len(countries)]
            primary, spelling = invented_names(rng)
            persons.append(
                {
                    "id": person_id,
                    "country": country,
                    "owner_id": owner.pk,
                    "confidentiality": rng.choice(levels),
                    "search_names": search_text([primary, spelling]),
                }
            )
            names.append({"id": 2 * person_id - 1, "person_id": person_id, "name": primary, "kind": "primary"})
            names.append({"id": 2 * person_id, "person_id": person_id, "name": spelling, "kind": "spelling"})
        insert_rows(Person, persons)
        insert_rows(PersonName, names)

        commanding = sorted(COMMAND_ROLES)
        other_roles = [PostRole.DEPUTY_COMMANDER, PostRole.OFFICER, PostRole.CHIEF_OF_STAFF]
        posts = []
        measured_commanders = []
        for post_id in range(1, sizes.posts + 1):
            if post_id <= 40:  # the measured battalion's commanders, one after the other from 1986
                person_id = post_id
                actor_id = measured
                role = PostRole.COMMANDER
                start = datetime.date(1986 + post_id, 1, 1)
                end = datetime.date(1986 + post_id, 12, 31)
                measured_commanders.append((person_id, start, end))
            else:
                person_id = rng.randint(1, sizes.persons)
                actor_id = rng.choice(all_units)
                role = rng.choice(commanding) if rng.random() < 1 / 3 else rng.choice(other_roles)
                start = _day(rng, 1990, 2024)
                end = start + datetime.timedelta(days=rng.randint(90, 2000))
            ongoing = post_id > 40 and rng.random() < 0.1
            posts.append(
                {
                    "id": post_id,
                    "person_id": person_id,
                    "actor_id": actor_id,
                    "country": country_of[actor_id],
                    "role": role,
                    "start_date": start,
                    "start_precision": rng.choice(["day", "month", "year"]),
                    "end_date": None if ongoing else end,
                    "end_precision": "day",
                    "ongoing": ongoing,
                }
            )
        insert_rows(Post, posts)

        incidents = []
        responsibilities: list[dict[str, Any]] = []
        evidence = []
        violations = [choice for choice, _label in Violation.choices]
        for incident_id in range(1, sizes.incidents + 1):
            if incident_id <= 60:
                actor_id = measured
            elif incident_id <= 90:
                actor_id = rng.choice(chain[1:])
            else:
                actor_id = rng.choice(all_units)
            incidents.append(
                {
                    "id": incident_id,
                    "country": country_of[actor_id],
                    "owner_id": owner.pk,
                    "confidentiality": rng.choice(levels),
                    "title_en": f"Incident {incident_id}",
                    "violation": rng.choice(violations),
                    "occurred_on": _day(rng, 1985, 2025),
                    "occurred_precision": rng.choice(["day", "month", "year"]),
                }
            )
            responsibilities.append(
                {
                    "id": len(responsibilities) + 1,
                    "incident_id": incident_id,
                    "actor_id": actor_id,
                    "person_id": None,
                    "status": "alleged",
                }
            )
            evidence.append(
                {
                    "id": incident_id,
                    "source_id": source.pk,
                    "incident_id": incident_id,
                    "locator": f"p. {incident_id % 300}",
                }
            )
            if incident_id > 90 and rng.random() < 1 / 3:
                person_id = rng.randint(1, sizes.persons)
                if person_id <= 40:
                    person_id += 40
                responsibilities.append(
                    {
                        "id": len(responsibilities) + 1,
                        "incident_id": incident_id,
                        "actor_id": None,
                        "person_id": person_id,
                        "status": "alleged",
                    }
                )
        # The measured commanders' allegations: 5 to 15 each, over 1985-2025 (within their year of command or not).
        for person_id, _start, _end in measured_commanders:
            for incident_id in rng.sample(range(91, sizes.incidents + 1), rng.randint(5, 15)):
                responsibilities.append(
                    {
                        "id": len(responsibilities) + 1,
                        "incident_id": incident_id,
                        "actor_id": None,
                        "person_id": person_id,
                        "status": "alleged",
                    }
                )
        seen: set[tuple[int, int]] = set()
        unique = []
        for row in responsibilities:
            key = (int(row["incident_id"]), int(row["person_id"] or -row["actor_id"]))
            if key not in seen:
                seen.add(key)
                unique.append(row)
        insert_rows(Incident, incidents)
        insert_rows(Responsibility, unique)
        insert_rows(Evidence, evidence)
        incident_type = ContentType.objects.get_for_model(Incident)
        shares = [
            Share(content_type=incident_type, object_id=row["id"], organisation=other, country=row["country"])
            for row in incidents[::20]
        ]
        Share.objects.bulk_create(shares)
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(
                no_style(), [Actor, Person, PersonName, Post, Incident, Responsibility, Evidence]
            ):
                cursor.execute(statement)
        programme = Programme.objects.create(country="CF", title_en="Bench programme", owner=owner)
        SupportedActor.objects.create(programme=programme, actor_id=measured)
        assessment = DiligenceAssessment.objects.create(
            programme=programme,
            actor_id=measured,
            country="CF",
            owner=owner,
            period_start=datetime.date(2024, 1, 1),
            include_parents=True,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"assessment": assessment.pk, "responsibilities": len(unique)}


def measure(call: Callable[[], int], name: str, runs: int, warmup: int) -> Measured:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    result = Measured(name)
    for _ in range(warmup):
        call()
    with CaptureQueriesContext(connection) as queries:
        result.rows = call()
    result.queries = len(queries)
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        result.wall.append(time.perf_counter() - wall)
        result.cpu.append(time.process_time() - cpu)
    return result


def misspelt(name: str) -> str:
    """The name as a hurried clerk writes it: its family name's second vowel changed and its last letter dropped."""
    given, family = name.split(" ", 1)
    vowels = [index for index, letter in enumerate(family) if letter in "aeiou"]
    if len(vowels) > 1:
        index = vowels[1]
        family = family[:index] + ("e" if family[index] != "e" else "a") + family[index + 1 :]
    return f"{given} {family[:-1]}"


def measure_search(user: Any, client: Any, runs: int) -> tuple[Measured, Measured]:
    """The name search of people (egide.duediligence.people_selectors.people_list) for a misspelt name, through
    the selector and through the people's page."""
    from django.urls import reverse

    from egide.duediligence.models import PersonName
    from egide.duediligence.people_selectors import people_list

    target = 4242
    query = misspelt(PersonName.objects.filter(person_id=target, kind="primary").values_list("name", flat=True)[0])

    def search() -> int:
        found = [person.pk for person in people_list(user=user, text=query).people]
        assert target in found[:10], (query, found[:10])
        return len(found)

    address = reverse("people:list")

    def page() -> int:
        response = client.get(address, {"q": query})
        assert response.status_code == 200, response.status_code
        return response.content.count(b'href="/people/')

    return (
        measure(search, f"name search “{query}” (selector)", runs, 3),
        measure(page, "people page with that search (test client)", runs, 3),
    )


def plans(assessment: Any, user: Any) -> list[str]:
    """EXPLAIN ANALYZE of the listing's two big queries (the command posts, the responsibilities)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from egide.duediligence.diligence_selectors import risk_for

    with CaptureQueriesContext(connection) as queries:
        risk_for(user=user, assessment=assessment)
    found = []
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            sql = query["sql"]
            if (
                "duediligence_post" in sql.split("FROM", 1)[1][:40]
                or "duediligence_responsibility" in sql.split("FROM", 1)[1][:50]
            ):
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS OFF, TIMING OFF, SUMMARY ON) {sql}")
                found.append("\n".join(row[0] for row in cursor.fetchall()))
    return found[:2]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--postgres-url", default=os.environ.get("DDBENCH_URL", DEFAULT_URL))
    parser.add_argument("--regenerate", action="store_true", help="drop the database and generate the data again")
    parser.add_argument("--quick", action="store_true", help="a tenth of the data; nothing written to RESULTS.md")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    url = args.postgres_url if not args.quick else args.postgres_url.rstrip("/") + "_quick"
    data_dir = Path(tempfile.mkdtemp(prefix="ddbench-"))
    os.environ.update(child_environment(url, data_dir))
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as connection:
            present = connection.execute("SELECT to_regclass('duediligence_diligenceassessment')").fetchone()
            fresh = present is None or present[0] is None
            if not fresh:
                exists = connection.execute("SELECT EXISTS (SELECT 1 FROM duediligence_diligenceassessment)").fetchone()
                fresh = not (exists and exists[0])
    except psycopg.OperationalError:
        fresh = True
    if args.regenerate or fresh:
        recreate_postgres(url)
    subprocess.run([*egide_command(), "migrate", "--noinput", "-v", "0"], check=True, env=os.environ)
    import django

    django.setup()
    plain_static_storage()
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import reverse

    from egide.duediligence.diligence_selectors import assessment_visible, risk_for
    from egide.duediligence.models import DiligenceAssessment

    generation = 0.0
    if args.regenerate or fresh:
        started = time.perf_counter()
        generated = generate(sizes)
        generation = time.perf_counter() - started
        print(f"generated in {generation:.0f} s: {generated}")
    assessment = DiligenceAssessment.objects.get(programme__title_en="Bench programme")
    user = User.objects.get(username="ddbench-editor")
    load_before = load_average()
    listing = measure(
        lambda: len(risk_for(user=user, assessment=assessment_visible(user=user, pk=assessment.pk)).rows),
        "risk listing (selector)",
        args.runs,
        3,
    )
    client = Client()
    client.force_login(user)
    address = reverse("diligence:assessment-detail", kwargs={"pk": assessment.pk})

    def page() -> int:
        response = client.get(address)
        assert response.status_code == 200, response.status_code
        return response.content.count(b'id="incident-')

    page_timing = measure(page, "assessment page (test client)", args.runs, 3)
    searching, searched_page = measure_search(user, client, args.runs)
    load_after = load_average()
    found_plans = plans(assessment, user)
    from django.db.models import Count

    from egide.duediligence.models import Incident, Person, Post

    counts = (Person.objects.count(), Post.objects.count(), Incident.objects.count())
    for item in (listing, page_timing, searching, searched_page):
        print(item.line())
    print(f"cpu median: listing {ms(statistics.median(listing.cpu))}, page {ms(statistics.median(page_timing.cpu))}")
    _ = Count
    if args.quick:
        return 0
    section = "\n".join(
        [
            START_MARKER,
            "## Due diligence: a unit's risk listing (dddiligence)",
            "",
            f"Measured {now_utc()} with `{command_line(__file__, sys.argv[1:])}` on PostgreSQL "
            f"({counts[0]:,} persons, {counts[1]:,} posts, {counts[2]:,} incidents; the measured battalion: "
            f"{listing.rows} incidents listed through the unit, its three parents and 40 commanders over time). "
            f"{machine_line([])}. Load average (1 min) {load_before:.1f} before the runs and {load_after:.1f} after, "
            f"on {os.cpu_count()} CPUs shared with other sessions: the wall times depend on that load; the CPU "
            "times (this process only: PostgreSQL's own work is not counted) and the queries do not."
            + (f" Generation (COPY) took {generation:.0f} s." if generation else ""),
            "",
            f"{args.runs} runs after 3 warm-up runs, as an editor of the owner organisation (the access rule of "
            "due diligence applies to every person and incident). Aim: under 200 ms of server time.",
            "",
            "| What | Incidents | Queries | Median wall | Slowest wall | Median CPU |",
            "|---|---:|---:|---:|---:|---:|",
            listing.line(),
            page_timing.line(),
            "",
            f"The name search: a person's name misspelt (“{searching.name.split('“')[1].split('”')[0]}”), among "
            f"{counts[0]:,} people of invented names with another spelling each; the person must be among the first "
            "ten found. The rows are the people found (at most 100).",
            "",
            "| What | People found | Queries | Median wall | Slowest wall | Median CPU |",
            "|---|---:|---:|---:|---:|---:|",
            searching.line(),
            searched_page.line(),
            "",
            "Plans of the two queries that grow with the data (EXPLAIN ANALYZE, timing off):",
            "",
            *[f"```\n{plan}\n```\n" for plan in found_plans],
            END_MARKER,
            "",
        ]
    )
    write_results(section, RESULTS, start=START_MARKER, end=END_MARKER)
    print(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
