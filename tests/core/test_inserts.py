"""Writing rows in bulk (egide.core.inserts): on PostgreSQL, by binary COPY when every value is of its column's
type, else by text COPY; the same rows stored either way, on SQLite too."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from egide.audit.models import AuditEvent
from egide.core import inserts
from egide.core.inserts import insert_rows
from egide.money.models import ExchangeRate

MOMENT = datetime.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=datetime.UTC)
RATE_COLUMNS = ("currency", "period", "starts_on", "rate", "source", "created_at", "updated_at", "created_by_id")


@pytest.fixture
def formats(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Whether each batch copied was written in binary (PostgreSQL only: SQLite has no COPY)."""
    found: list[bool] = []
    original = inserts._binary_fits

    def spy(rows: Any, types: Any) -> bool:
        found.append(original(rows, types))
        return found[-1]

    monkeypatch.setattr(inserts, "_binary_fits", spy)
    return found


def _rates() -> list[tuple[Any, ...]]:
    return list(
        ExchangeRate.objects.order_by("currency").values_list(
            "currency", "period", "starts_on", "rate", "source", "created_at", "created_by_id"
        )
    )


def test_rows_of_exact_types_are_copied_in_binary(db: None, formats: list[bool]) -> None:
    rows = [
        ("EUR", "year", datetime.date(2024, 1, 1), Decimal("0.912345"), "imf", MOMENT, MOMENT, None),
        ("XAF", "month", datetime.date(2024, 2, 1), Decimal("598.5"), "manual", MOMENT, MOMENT, None),
    ]
    ids = insert_rows(ExchangeRate, RATE_COLUMNS, rows)
    assert len(ids) == 2
    assert ids[0] < ids[1]
    assert _rates() == [
        ("EUR", "year", datetime.date(2024, 1, 1), Decimal("0.912345"), "imf", MOMENT, None),
        ("XAF", "month", datetime.date(2024, 2, 1), Decimal("598.5"), "manual", MOMENT, None),
    ]
    assert formats == ([True] if connection.vendor == "postgresql" else [])


def test_rows_of_other_types_are_copied_as_text_and_stored_the_same(db: None, formats: list[bool]) -> None:
    # A date as text and a naive timestamp (read in the connection's time zone, UTC): the driver's text, as before.
    naive = MOMENT.replace(tzinfo=None)
    rows = [("EUR", "year", "2024-01-01", Decimal("0.912345"), "imf", naive, naive, None)]
    insert_rows(ExchangeRate, RATE_COLUMNS, rows, ids=False)
    assert _rates() == [("EUR", "year", datetime.date(2024, 1, 1), Decimal("0.912345"), "imf", MOMENT, None)]
    assert formats == ([False] if connection.vendor == "postgresql" else [])


def test_text_and_json_survive_the_binary_copy(db: None, formats: list[bool]) -> None:
    content_type = ContentType.objects.get_for_model(ExchangeRate)
    awkward = 'tab\there, new\nline, back\\slash, quote " and \u00e9t\u00e9 \u2014 \U0001f600'
    after = {"text": awkward, "list": [1, 2.5, None, True], "nested": {"\u00e9": "\\N"}}
    columns = ("created_at", "username", "channel", "action", "content_type_id", "object_id", "object_repr")
    rows = [(MOMENT, "", "cli", "create", content_type.pk, 1, awkward, "", after, None)]
    insert_rows(AuditEvent, (*columns, "country", "after", "ip"), rows)
    event = AuditEvent.objects.get()
    assert (event.object_repr, event.after, event.ip, event.created_at) == (awkward, after, None, MOMENT)
    assert formats == ([True] if connection.vendor == "postgresql" else [])


def test_an_address_given_as_text_is_copied_as_text(db: None, formats: list[bool]) -> None:
    content_type = ContentType.objects.get_for_model(ExchangeRate)
    columns = ("created_at", "username", "channel", "action", "content_type_id", "object_id", "object_repr")
    rows = [(MOMENT, "", "web", "create", content_type.pk, 1, "x", "", "192.0.2.7")]
    insert_rows(AuditEvent, (*columns, "country", "ip"), rows)
    assert AuditEvent.objects.get().ip == "192.0.2.7"
    assert formats == ([False] if connection.vendor == "postgresql" else [])
