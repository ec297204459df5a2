"""Queries of a page planned without PostgreSQL's parallel workers.

A worker is a process the server starts for the query. On an idle machine two of them can halve a long scan; on a
busy one, serving other requests on every core, they wait for a core to start and to report, and the query takes
longer than alone: the Coordination tab's transactions of a year (a few hundred rows found among 50,000) took
90-150 ms through two workers against 35-70 ms without, on two busy cores (benchmarks/coordination.py). Other
databases run a query in one process anyway."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction


@contextmanager
def serial_plans() -> Iterator[None]:
    """Within the block, PostgreSQL plans without parallel workers (`SET LOCAL`: until the block's transaction
    ends, or the enclosing one's when the block is a savepoint of it)."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        yield
