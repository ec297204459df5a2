"""Finding people by any of their names, whatever the spelling, accents or script (egide.duediligence.names).

On PostgreSQL with pg_trgm, the candidates are the people whose `search_names` are close to the query (folded,
and its consonant skeleton) by `word_similarity`, found through a GIN trigram index (migration 0002), the
`PG_CANDIDATES` closest of them read. On SQLite (or PostgreSQL without the extension), a bounded fallback: the
people whose names hold a three-letter piece of a query's word (at most `CANDIDATES` of them, those holding the
most of the query first). Both then rank the candidates by the same measure in Python (names.rank), so that the
two databases agree on the order. Both keep only the people of the queryset given: the caller passes the
readable ones.
"""

import functools
import operator
from collections.abc import Iterable, Sequence

from django.db import connection
from django.db.models import Case, Q, QuerySet, Value, When

from egide.duediligence import names
from egide.duediligence.models import Person

QUERY_MAX_LENGTH = 100
MAX_RESULTS = 100
CANDIDATES = 500
PG_CANDIDATES = 200
# pg_trgm's default threshold for `%>` (word_similarity), and the same bar on SQLite.
THRESHOLD = 0.6
# A query found whole inside a name ("test" in "testperson") matches on both databases, ranked below close
# spellings.
CONTAINED_SCORE = 0.6
PIECE_LENGTH = 3


def trigrams_available() -> bool:
    """PostgreSQL with pg_trgm (migration 0002 creates it where it may); otherwise the fallback serves."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        return cursor.fetchone() is not None


def search_forms(text: str) -> list[str]:
    return names.search_forms(text[:QUERY_MAX_LENGTH])


def ranked_ids(queryset: QuerySet[Person], text: str, *, limit: int = MAX_RESULTS) -> list[tuple[int, float]]:
    """The ids of the people of `queryset` whose names match `text`, best first, with a score from 0 to 1; at
    most `limit` of them. A query without letters or digits matches nobody."""
    forms = search_forms(text)
    limit = max(1, min(limit, MAX_RESULTS))
    if not forms:
        return []
    if trigrams_available():
        return _ranked_on_postgresql(queryset, forms, limit)
    return _ranked_on_sqlite(queryset, forms, limit)


def _ranked_on_postgresql(queryset: QuerySet[Person], forms: Sequence[str], limit: int) -> list[tuple[int, float]]:
    from django.contrib.postgres.search import TrigramWordSimilarity
    from django.db.models.functions import Greatest

    condition = Q(search_names__contains=forms[0])
    for form in forms:
        condition |= Q(search_names__trigram_word_similar=form)
    similarities = [TrigramWordSimilarity(form, "search_names") for form in forms]
    score = similarities[0] if len(similarities) == 1 else Greatest(*similarities)
    candidates = (
        queryset.filter(condition)
        .annotate(score=score)
        .order_by("-score", "id")
        .values_list("id", "search_names")[:PG_CANDIDATES]
    )
    return _ranked(forms[0], candidates, limit)


def _pieces(forms: Sequence[str]) -> list[str]:
    """What a close name holds: the three-letter beginnings of the query's words in each form, and the words
    themselves. A person whose names hold none of them is not close enough to be read."""
    pieces: list[str] = []
    for form in forms:
        for word in form.split():
            for piece in (word[:PIECE_LENGTH], word):
                if len(piece) >= 2 and piece not in pieces:
                    pieces.append(piece)
    return pieces


def _ranked_on_sqlite(queryset: QuerySet[Person], forms: Sequence[str], limit: int) -> list[tuple[int, float]]:
    # A one-character query has no piece of two: the names holding it whole, as PostgreSQL's `contains` finds.
    pieces = _pieces(forms) or [form for form in forms if form]
    condition = Q(pk__in=[])
    for piece in pieces:
        condition |= Q(search_names__contains=piece)
    # The candidates holding the most (and the longest) pieces of the query first, so that the bound keeps the
    # closest names rather than the first recorded.
    weights = [Case(When(search_names__contains=piece, then=Value(len(piece))), default=Value(0)) for piece in pieces]
    held = functools.reduce(operator.add, weights)
    candidates = (
        queryset.filter(condition)
        .annotate(held=held)
        .order_by("-held", "id")
        .values_list("id", "search_names")[:CANDIDATES]
    )
    return _ranked(forms[0], candidates, limit)


def _ranked(query: str, candidates: Iterable[tuple[int, str]], limit: int) -> list[tuple[int, float]]:
    scored = []
    for pk, text in candidates:
        score = names.rank(query, text)
        if query in text:
            score = max(score, CONTAINED_SCORE)
        if score >= THRESHOLD:
            scored.append((pk, score))
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored[:limit]
