"""Wide rate tables (a DATE column, then one column per currency, units per US dollar), read leniently as they
come: ragged rows, a trailing row without a date, columns that name no currency; loaded twice, changed nothing."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from egide.accounts.selectors import PLATFORM
from egide.money import services
from egide.money.conversion import MONTH, YEAR, RateRow
from egide.money.models import ExchangeRate
from egide.money.rates_file import is_wide_table, rates_read
from tests.money.test_rates import SHARED

WIDE = (
    b"DATE,EUR,XOF,USD,TRL,CDF\n"
    b"2008-01,0.6798,445.9,1,,\n"
    b"2008-02,0.6789\n"  # a short row: only the euro that month
    b"2008-03,0.6480,425.1,1,1.2,1100,extra\n"  # a long one: the extra cell is no currency's
    b"2008-04,oops,430\n"
    b"undefin,0.9,,,,\n"
)


def test_a_wide_table_is_told_from_the_imf_format() -> None:
    assert is_wide_table(WIDE)
    assert not is_wide_table(b"Date,Rate,Currency,Frequency\n2008-12-31,0.68,EUR,A\n")


def test_ragged_rows_are_read_for_the_cells_they_have() -> None:
    read = rates_read(WIDE, filename="wide.csv")
    assert sorted((row.currency, row.starts_on, row.units_per_usd) for row in read.rows) == [
        ("CDF", date(2008, 3, 1), Decimal("1100")),
        ("EUR", date(2008, 1, 1), Decimal("0.6798")),
        ("EUR", date(2008, 2, 1), Decimal("0.6789")),
        ("EUR", date(2008, 3, 1), Decimal("0.6480")),
        ("XOF", date(2008, 1, 1), Decimal("445.9")),
        ("XOF", date(2008, 3, 1), Decimal("425.1")),
        ("XOF", date(2008, 4, 1), Decimal("430")),
    ]
    assert {row.period for row in read.rows} == {MONTH}
    assert (read.skipped_rows, read.skipped_cells, read.unknown_currencies) == (1, 1, ["TRL"])


def test_years_and_days_are_read_too() -> None:
    read = rates_read(b"Date,EUR,GBP\n2010,0.755,0.647\n2011-06-15,0.70,\n", filename="w.csv")
    assert {(row.currency, row.period, row.starts_on) for row in read.rows} == {
        ("EUR", YEAR, date(2010, 1, 1)),
        ("GBP", YEAR, date(2010, 1, 1)),
        ("EUR", "day", date(2011, 6, 15)),
    }


def test_loading_a_wide_table_twice_changes_nothing(db: None) -> None:
    rows: list[RateRow] = rates_read(WIDE, filename="wide.csv").rows
    first = services.rates_load(user=PLATFORM, rows=rows)
    again = services.rates_load(user=PLATFORM, rows=rows)
    assert (first.created, again.created, again.updated, again.unchanged) == (7, 0, 0, 7)
    assert ExchangeRate.objects.get(currency="XOF", starts_on=date(2008, 4, 1)).rate == Decimal("430")


def test_the_command_says_what_it_left_out(tmp_path: Path, db: None) -> None:
    path = tmp_path / "wide.csv"
    path.write_bytes(WIDE)
    out = io.StringIO()
    call_command("money", "rates", "load", str(path), stdout=out)
    assert "wide.csv: 7 new" in out.getvalue()
    assert "left out 1 rows whose date could not be read, 1 cells that hold no usable rate" in out.getvalue()
    assert "name no currency: TRL" in out.getvalue()


def test_the_published_monthly_table_loads(db: None) -> None:
    path = SHARED / "usd_to_xxx_by_month.csv"
    if not path.exists():
        pytest.skip(f"the shared wide rate table is absent ({path})")
    read = rates_read(path.read_bytes(), filename=path.name)
    assert len(read.rows) > 100_000
    assert read.skipped_rows == 1  # the trailing "undefin" row
    euro = {row.starts_on: row.units_per_usd for row in read.rows if row.currency == "EUR"}
    assert Decimal("0.6") < euro[date(2008, 7, 1)] < Decimal("0.7")
