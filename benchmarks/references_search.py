"""Measure the reference documents' full-text search and the latest developments on SQLite and PostgreSQL.

For each database, a child process migrates, writes generated documents in bulk (a title and a summary in each
language, and about 300 words of "uploaded" text from a vocabulary of 5,000 words), builds the index in one
statement (egide.references.search.index_all), then times, as a visitor (public documents only) and as a member of
the owner organisation (the visibility filter's other clauses):

- the selector `reference_documents_search` for a frequent word, a rare word and two words, the first page (50)
  read whole;
- the documents' page with a search (`/references/documents/?q=…`) and the API's search;
- the latest developments page.

The figures go to benchmarks/RESULTS.md between `<!-- references:start -->` and `<!-- references:end -->`.

    python benchmarks/references_search.py                     # 20,000 documents
    python benchmarks/references_search.py --documents 2000 --quick
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

BENCHMARKS_DIR = Path(__file__).resolve().parent
START_MARKER = "<!-- references:start -->"
END_MARKER = "<!-- references:end -->"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/egide_references_bench"
DEFAULT_DOCUMENTS = 20_000
QUICK_DOCUMENTS = 2_000
BODY_WORDS = 300
VOCABULARY = 5_000
PAGE = 50

sys.path.insert(0, str(BENCHMARKS_DIR))
from common import (  # noqa: E402
    DatabaseRun,
    Timing,
    add_child_options,
    analyse,
    benchmark_secretariat,
    benchmark_user,
    command_line,
    count_queries,
    database_title,
    databases_asked,
    machine_line,
    migrated_child,
    ms,
    now_utc,
    repeat,
    run_child,
    setup_django,
    write_section,
)


@dataclass
class SearchRun(DatabaseRun):
    documents: int = 0
    index_seconds: float = 0.0
    timings: list[dict[str, Any]] = field(default_factory=list)


def _vocabulary(generator: random.Random) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    return ["".join(generator.choice(letters) for _ in range(generator.randint(4, 10))) for _ in range(VOCABULARY)]


def _generate(count: int, seed: int) -> float:
    """Write `count` documents in bulk, a fifth of them public, and index them; returns the indexing's seconds."""
    import time

    from egide.references import search
    from egide.references.models import DocumentType, ReferenceDocument, ReferenceDocumentCountry

    generator = random.Random(seed)
    words = _vocabulary(generator)
    owner = benchmark_secretariat()
    types = list(DocumentType.values)
    countries = ["CF", "CD", "ML", "NE", "HT", "XK"]
    batch: list[ReferenceDocument] = []
    for number in range(count):
        # "security" in about half the documents, "reform" in a third, "zanzibar" in one in a thousand.
        common = ["security"] if generator.random() < 0.5 else []
        common += ["reform"] if generator.random() < 0.33 else []
        common += ["zanzibar"] if generator.random() < 0.001 else []
        body = " ".join(generator.choices(words, k=BODY_WORDS) + common)
        batch.append(
            ReferenceDocument(
                type=generator.choice(types),
                title_en=f"Document {number} on " + " ".join(generator.choices(words, k=6)),
                title_fr=f"Document {number} sur " + " ".join(generator.choices(words, k=6)),
                symbol=f"S/{2000 + number % 25}/{number}",
                summary_en=" ".join(generator.choices(words, k=30)),
                summary_fr=" ".join(generator.choices(words, k=30)),
                issuing_body="Security Council",
                file_text=body,
                owner=owner,
                confidentiality="public" if number % 5 == 0 else "organisation",
                country="",
            )
        )
        if len(batch) == 2000:
            ReferenceDocument.objects.bulk_create(batch)
            batch = []
    ReferenceDocument.objects.bulk_create(batch)
    ReferenceDocumentCountry.objects.bulk_create(
        [
            ReferenceDocumentCountry(document_id=pk, country=countries[pk % len(countries)])
            for pk in ReferenceDocument.objects.values_list("pk", flat=True)
        ],
        batch_size=5000,
    )
    started = time.perf_counter()
    search.index_all()
    seconds = time.perf_counter() - started
    analyse()
    return seconds


def measure(args: argparse.Namespace, result: SearchRun) -> None:
    result.version = setup_django()
    from django.contrib.auth.models import AnonymousUser
    from django.test import Client

    from egide.accounts.models import Organisation
    from egide.references.selectors import developments, reference_documents_search

    print(f"[{args.child}] generating {args.documents:,} documents", flush=True)
    result.index_seconds = _generate(args.documents, args.seed)
    result.documents = args.documents
    owner = Organisation.objects.get(acronym="BENCH")
    member = benchmark_user("member", [(owner.pk, "viewer", [])])
    readers = (("visitor", AnonymousUser()), ("member", member))
    for query in ("security", "zanzibar", "security reform"):
        for reader, user in readers:

            def first_page(user: Any = user, query: str = query) -> list[Any]:
                return list(reference_documents_search(user, query)[:PAGE])

            found = len(first_page())
            result.timings.append(
                asdict(
                    Timing(
                        name=f"search “{query}”, {reader} ({found} on the first page)",
                        path="reference_documents_search",
                        runs=repeat(first_page, args.runs, 2),
                        queries=count_queries(first_page),
                    )
                )
            )
    client = Client()
    client.force_login(member)
    for name, path in (
        ("documents page, search “security reform”", "/references/documents/?q=security+reform"),
        ("API search “security reform”", "/api/v1/documents?search=security+reform&limit=50"),
        ("latest developments page", "/references/latest/"),
    ):

        def get(path: str = path) -> None:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        result.timings.append(
            asdict(
                Timing(name=f"{name}, member", path=path, runs=repeat(get, args.runs, 2), queries=count_queries(get))
            )
        )
    result.timings.append(
        asdict(
            Timing(
                name="developments selector, visitor",
                path="developments",
                runs=repeat(lambda: developments(user=AnonymousUser()), args.runs, 2),
            )
        )
    )


def render(args: argparse.Namespace, results: list[SearchRun]) -> str:
    versions = [result.version for result in results if result.version]
    lines = [
        START_MARKER,
        "## Reference documents: full-text search",
        "",
        f"Measured {now_utc()} with `{command_line(__file__, sys.argv[1:])}`.",
        machine_line([version for version in versions if version.startswith("PostgreSQL")]),
        "",
        f"Generated documents, a fifth public; each holds about {BODY_WORDS} words of uploaded text. Times are the "
        f"median and 95th percentile of {args.runs} runs after 2 untimed ones; the first page ({PAGE}) of results is "
        "read whole.",
        "",
    ]
    for result in results:
        lines.append(f"### {database_title(result.database)}")
        lines.append("")
        if result.skipped or result.failed:
            lines += [f"Not measured: {result.skipped or result.failed}.", ""]
            continue
        lines.append(f"{result.documents:,} documents; the whole index built in {ms(result.index_seconds)}.")
        lines += ["", "| what | median | p95 | queries |", "| --- | ---: | ---: | ---: |"]
        for timing in result.timings:
            measured = Timing(**timing)
            queries = str(measured.queries) if measured.queries else ""
            lines.append(f"| {measured.name} | {ms(measured.median)} | {ms(measured.p95)} | {queries} |")
        lines.append("")
    lines.append(END_MARKER)
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, help=f"documents generated (default {DEFAULT_DOCUMENTS:,})")
    parser.add_argument("--runs", type=int, default=20, help="timed runs of each measurement (default %(default)s)")
    parser.add_argument("--seed", type=int, default=11, help="the generator's seed (default %(default)s)")
    parser.add_argument("--databases", default="sqlite,postgresql", help="comma-separated (default %(default)s)")
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_DOCUMENTS:,} documents; writes nothing")
    parser.add_argument(
        "--postgres-url", default=DEFAULT_POSTGRES_URL, help="a throwaway database (default %(default)s)"
    )
    parser.add_argument("--output", type=Path, help="the results file (default benchmarks/RESULTS.md)")
    add_child_options(parser)
    args = parser.parse_args()
    if args.documents is None:
        args.documents = QUICK_DOCUMENTS if args.quick else DEFAULT_DOCUMENTS
    if args.child:
        return migrated_child(args, "egide-references-", SearchRun(database=args.child), measure)
    results = [
        run_child(
            __file__,
            database,
            args,
            ["--documents", str(args.documents), "--runs", str(args.runs), "--seed", str(args.seed)],
            empty=SearchRun,
            from_json=lambda data: SearchRun(**data),
        )
        for database in databases_asked(args.databases)
    ]
    write_section(args, lambda: render(args, results), start=START_MARKER, end=END_MARKER)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
