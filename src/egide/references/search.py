"""The full-text index of reference documents on each database, written by the services and read by the selector.

PostgreSQL: two stored `tsvector` columns, each with a GIN index. The English texts are read with the `english`
configuration and the French ones with `french` (so that "reforms" finds "reform" and "réformes" finds "réforme"),
the symbol, the issuing body and the uploaded text with `simple` (symbols such as S/RES/2151 and proper names must
not be stemmed, and an upload's language is not known). A query is read with the three configurations and any of
them may match, each word in any of the texts. Results are ranked by `ts_rank` on a second, small vector without
the uploaded text (the titles weighted first, then the symbol, summaries and issuing body), since ranking reads the
vector of every document found, and a file's is large (benchmarks/RESULTS.md, references); those found through
their file's text alone come after, newest first.

SQLite: an FTS5 table (created by a migration on SQLite only) holding the same texts, keyed by the document's id,
with the `unicode61` tokenizer that folds accents, ranked by `bm25` with the same weights.
"""

import re
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import F, FloatField, Func, QuerySet, TextField, Value
from django.db.models.expressions import CombinedExpression

from egide.references.models import ReferenceDocument

if TYPE_CHECKING:
    from django.contrib.postgres.search import SearchQuery

# django.contrib.postgres's expressions are imported by the functions that build PostgreSQL's queries: on SQLite,
# importing them would import psycopg (the command line's start, egide.references.fields).

FTS_TABLE = "references_document_fts"
WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 12


def on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _words_of(name: str) -> Func:
    """The field's text with its punctuation turned into spaces: PostgreSQL's parser reads "S/RES/2151" as one
    file path, which a search for 2151 would then miss."""
    return Func(F(name), Value(r"[^\w]+"), Value(" "), Value("g"), function="regexp_replace", output_field=TextField())


def _vector() -> CombinedExpression:
    from django.contrib.postgres.search import SearchVector

    return (
        SearchVector("title_en", config="english", weight="A")
        + SearchVector("title_fr", config="french", weight="A")
        + SearchVector(_words_of("symbol"), config="simple", weight="A")
        + SearchVector("summary_en", config="english", weight="B")
        + SearchVector("summary_fr", config="french", weight="B")
        + SearchVector("issuing_body", config="simple", weight="C")
    )


def _search_vector() -> CombinedExpression:
    from django.contrib.postgres.search import SearchVector

    return _vector() + SearchVector(_words_of("file_text"), config="simple", weight="D")


def index_document(document: ReferenceDocument) -> None:
    """Write the document's texts into the index, in the caller's transaction."""
    if on_postgresql():
        ReferenceDocument.objects.filter(pk=document.pk).update(search_vector=_search_vector(), rank_vector=_vector())
        return
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [document.pk])
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, titles, summaries, body) VALUES (%s, %s, %s, %s)",
            [
                document.pk,
                " ".join([document.title_en, document.title_fr, document.symbol]),
                " ".join([document.summary_en, document.summary_fr, document.issuing_body]),
                document.file_text,
            ],
        )


def index_all() -> int:
    """Rebuild the whole index from the documents' texts, in one statement per database; returns how many
    documents it holds. For records written in bulk (the benchmark), or an index to repair."""
    if on_postgresql():
        return ReferenceDocument.objects.update(search_vector=_search_vector(), rank_vector=_vector())
    table = ReferenceDocument._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {FTS_TABLE}")
        cursor.execute(
            f"INSERT INTO {FTS_TABLE} (rowid, titles, summaries, body) "
            f"SELECT id, title_en || ' ' || title_fr || ' ' || symbol, "
            f"summary_en || ' ' || summary_fr || ' ' || issuing_body, file_text FROM {table}"
        )
    return ReferenceDocument.objects.count()


def unindex_document(pk: int) -> None:
    if not on_postgresql():
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [pk])


def query_words(text: str) -> list[str]:
    """The words of a query, as both databases read them: letters and digits, punctuation dropped."""
    return WORD.findall(text)[:MAX_QUERY_WORDS]


def _fts5_query(words: list[str]) -> str:
    # Each word quoted, so that nothing typed is read as FTS5 syntax (AND, NEAR, column filters, quotes).
    return " ".join('"' + word.replace('"', '""') + '"' for word in words)


def _any_reading(word: str) -> "SearchQuery":
    from django.contrib.postgres.search import SearchQuery

    return (
        SearchQuery(word, config="english", search_type="plain")
        | SearchQuery(word, config="french", search_type="plain")
        | SearchQuery(word, config="simple", search_type="plain")
    )


def ranked(queryset: QuerySet[ReferenceDocument], text: str) -> QuerySet[ReferenceDocument]:
    """The documents of `queryset` that match every word of `text`, best first, with their `rank`."""
    words = query_words(text)
    if not words:
        return queryset.annotate(rank=Value(0.0, output_field=FloatField()))
    if on_postgresql():
        from django.contrib.postgres.search import SearchRank

        # Each word in any of the three readings, and every word: "lighthouse keepers" finds a title's
        # "Lighthouse" (English) with a file's "keepers" (simple).
        query = _any_reading(words[0])
        for word in words[1:]:
            query &= _any_reading(word)
        return (
            queryset.filter(search_vector=query)
            .annotate(rank=SearchRank(F("rank_vector"), query))
            .order_by("-rank", "-issued_date", "pk")
        )
    match = _fts5_query(words)
    table = ReferenceDocument._meta.db_table
    # A join with the FTS5 table, which reads the match once; bm25 is lower for a better match, and its weights put
    # titles first, then summaries, then the file's text. (A correlated subquery per document would run the match
    # again for each one: ten times slower at 2,000 documents.)
    return (
        # FTS5's MATCH and bm25 have no expression in the ORM; the query itself is passed as a parameter.
        queryset.extra(
            select={"rank": f"-bm25({FTS_TABLE}, 10.0, 4.0, 1.0)"},
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE} MATCH %s", f'{FTS_TABLE}.rowid = "{table}"."id"'],
            params=[match],
        ).order_by("-rank", "-issued_date", "pk")
    )
