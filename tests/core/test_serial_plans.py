"""egide.core.serial_plans: PostgreSQL plans without parallel workers within the block, as before after it."""

import pytest
from django.db import connection

from egide.core.serial_plans import serial_plans


def _workers() -> str | None:
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        return str(cursor.fetchone()[0])


@pytest.mark.django_db(transaction=True)
def test_no_parallel_worker_within_the_block_and_as_before_after_it() -> None:
    before = _workers()
    with serial_plans():
        inside = _workers()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
    if connection.vendor != "postgresql":
        assert (before, inside) == (None, None)
        return
    assert before != "0"
    assert inside == "0"
    assert _workers() == before
