"""On PostgreSQL, the programme list's search is served by trigram indexes on UPPER(column), the expression Django's
`icontains` compares (migration programmes 0004); other databases have none and search the same way."""

import pytest
from django.db import connection

from egide.programmes.models import Programme


@pytest.mark.django_db
def test_the_search_columns_have_trigram_indexes_on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes exist on PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname LIKE %s",
            [Programme._meta.db_table, "programme_%_trigrams"],
        )
        found = dict(cursor.fetchall())
    assert set(found) == {
        "programme_title_en_trigrams",
        "programme_title_fr_trigrams",
        "programme_iati_identifier_trigrams",
    }
    assert all("gin_trgm_ops" in definition and "upper" in definition for definition in found.values())
    # The query the list runs names the same expression, so the planner can use the index.
    sql = str(Programme.objects.filter(title_en__icontains="police").query)
    assert 'UPPER("programmes_programme"."title_en"::text) LIKE UPPER(' in sql
