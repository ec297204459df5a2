"""The conversion rules (egide.money.conversion), on hand-made rate tables: no database."""

from datetime import date
from decimal import Decimal

import pytest

from egide.money.conversion import (
    DAY,
    MONTH,
    YEAR,
    RateRow,
    RateTable,
    convert,
    cumulative_series,
    rounded,
    totals,
    totals_by,
)

D = Decimal


def table(*rows: tuple[str, str, date, str]) -> RateTable:
    return RateTable(RateRow(currency, period, start, D(rate)) for currency, period, start, rate in rows)


RATES = table(
    ("EUR", YEAR, date(2008, 1, 1), "0.6799"),
    ("XOF", YEAR, date(2008, 1, 1), "447.805"),
    ("XOF", MONTH, date(2008, 3, 1), "440"),
    ("XOF", DAY, date(2008, 3, 14), "430"),
    ("GBP", YEAR, date(2009, 1, 1), "0.6414"),
)


def test_the_dollar_needs_no_row_and_its_euros_use_the_year_rate() -> None:
    result = convert(D("1000.00"), "USD", date(2008, 6, 1), RATES)
    assert result.usd == D("1000.00")
    assert result.eur == D("679.90")
    assert result.rate is not None
    assert result.rate.label == "USD"
    assert result.euro_rate is not None
    assert result.euro_rate.label == "EUR 2008 (year)"
    assert result.complete
    assert result.missing == []


def test_the_annual_rate_serves_when_the_year_has_no_daily_or_monthly_one() -> None:
    result = convert(D("447805"), "XOF", date(2008, 7, 1), RATES)
    assert result.rate is not None
    assert result.rate.period == YEAR
    assert result.rate.label == "XOF 2008 (year)"
    assert result.usd == D("1000.00")
    # Euros through the dollar, at the euro's rate of the same date: 1000 × 0.6799.
    assert result.eur == D("679.90")


def test_a_monthly_rate_wins_over_the_year_and_a_daily_one_over_the_month() -> None:
    monthly = convert(D("440"), "XOF", date(2008, 3, 2), RATES)
    assert monthly.rate is not None
    assert monthly.rate.label == "XOF 2008-03 (month)"
    assert monthly.usd == D("1.00")
    daily = convert(D("430"), "XOF", date(2008, 3, 14), RATES)
    assert daily.rate is not None
    assert daily.rate.label == "XOF 2008-03-14 (day)"
    assert daily.usd == D("1.00")
    # The next day falls back to the month again.
    assert convert(D("430"), "XOF", date(2008, 3, 15), RATES).rate.period == MONTH  # type: ignore[union-attr]


def test_an_unknown_currency_rate_gives_no_value_and_is_flagged() -> None:
    result = convert(D("500"), "GBP", date(2008, 5, 1), RATES)  # GBP has 2009 only
    assert result.usd is None
    assert result.eur is None
    assert result.rate is None
    assert result.missing == ["GBP"]
    assert not result.complete


def test_an_amount_in_euros_keeps_its_euros_when_the_euro_rate_is_missing() -> None:
    result = convert(D("100.00"), "EUR", date(2009, 5, 1), RATES)
    assert result.eur == D("100.00")
    assert result.usd is None
    assert result.missing == ["EUR"]


def test_dollars_are_kept_when_only_the_euro_rate_is_missing() -> None:
    result = convert(D("641.40"), "GBP", date(2009, 5, 1), RATES)
    assert result.usd == D("1000.00")
    assert result.eur is None
    assert result.missing == ["EUR"]


def test_euros_come_from_the_unrounded_dollars() -> None:
    rates = table(("EUR", YEAR, date(2010, 1, 1), "0.75"), ("JPY", YEAR, date(2010, 1, 1), "3"))
    result = convert(D("1"), "JPY", date(2010, 1, 1), rates)
    # 1/3 dollar = 0.333… → 0.33; its euros 0.25 exactly (0.33 × 0.75 would give 0.2475 → 0.25 too, so use 2).
    assert result.usd == D("0.33")
    assert result.eur == D("0.25")
    two = convert(D("2"), "JPY", date(2010, 1, 1), rates)
    assert two.usd == D("0.67")  # 0.6666…
    assert two.eur == D("0.50")  # 0.6666… × 0.75 = 0.5; from the rounded 0.67 it would be 0.5025 → 0.50 as well
    three = convert(D("7"), "JPY", date(2010, 1, 1), rates)
    assert three.usd == D("2.33")
    assert three.eur == D("1.75")  # 2.3333… × 0.75 = 1.75; 2.33 × 0.75 = 1.7475 → 1.75


def test_rounding_is_half_to_even_at_the_cent() -> None:
    assert rounded(D("0.125")) == D("0.12")
    assert rounded(D("0.135")) == D("0.14")
    assert rounded(D("-0.125")) == D("-0.12")
    rates = table(("EUR", YEAR, date(2010, 1, 1), "1"), ("CHF", YEAR, date(2010, 1, 1), "8"))
    assert convert(D("1"), "CHF", date(2010, 6, 1), rates).usd == D("0.12")  # 0.125 → 0.12


def test_totals_exclude_unknown_rates_and_count_them_never_as_zero() -> None:
    amounts = [
        convert(D("1000"), "USD", date(2008, 1, 1), RATES),
        convert(D("447805"), "XOF", date(2008, 1, 1), RATES),
        convert(D("999999"), "GBP", date(2008, 1, 1), RATES),  # no rate in 2008
        convert(D("50"), "EUR", date(2012, 1, 1), RATES),  # euros known, dollars not
    ]
    result = totals(amounts)
    assert result.usd.amount == D("2000.00")
    assert result.usd.counted == 2
    assert result.usd.excluded == 2
    assert result.eur.amount == D("1409.80")  # 679.90 + 679.90 + 50
    assert result.eur.counted == 3
    assert result.eur.excluded == 1
    assert result.excluded == 2
    assert not result.usd.complete


def test_a_total_of_nothing_known_is_zero_with_everything_excluded() -> None:
    result = totals([convert(D("5"), "GBP", date(2000, 1, 1), RATES)])
    assert result.usd.amount == 0
    assert result.usd.counted == 0
    assert result.usd.excluded == 1


def test_totals_add_the_rounded_amounts_so_a_column_adds_up() -> None:
    rates = table(("EUR", YEAR, date(2010, 1, 1), "1"), ("JPY", YEAR, date(2010, 1, 1), "3"))
    amounts = [convert(D("1"), "JPY", date(2010, 1, 1), rates) for _ in range(3)]
    assert totals(amounts).usd.amount == D("0.99")  # 3 × 0.33, not 1.00


def test_totals_by_key_keep_the_order_keys_appear_in() -> None:
    items = [
        ("3", convert(D("10"), "USD", date(2008, 1, 1), RATES)),
        ("2", convert(D("20"), "USD", date(2008, 1, 1), RATES)),
        ("3", convert(D("5"), "GBP", date(2008, 1, 1), RATES)),
    ]
    groups = totals_by(items)
    assert list(groups) == ["3", "2"]
    assert groups["3"].usd.amount == D("10.00")
    assert groups["3"].usd.excluded == 1


def test_a_negative_amount_converts_with_its_sign() -> None:
    assert convert(D("-447805"), "XOF", date(2008, 1, 1), RATES).usd == D("-1000.00")


def test_the_table_refuses_a_rate_that_is_not_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        table(("EUR", YEAR, date(2010, 1, 1), "0"))


def test_cumulative_series_steps_and_leaves_out_unconverted_amounts() -> None:
    points = cumulative_series(
        [(date(2008, 1, 1), D("100")), (date(2009, 1, 1), D("50")), (date(2009, 6, 1), None)],
        [(date(2008, 6, 1), D("30")), (date(2009, 1, 1), D("20"))],
    )
    assert [(point.day, point.budget, point.disbursed) for point in points] == [
        (date(2008, 1, 1), D("100"), D("0")),
        (date(2008, 6, 1), D("100"), D("30")),
        (date(2009, 1, 1), D("150"), D("50")),
    ]


def test_the_rates_used_are_named_once_each() -> None:
    assert convert(D("1"), "XOF", date(2008, 7, 1), RATES).rates_used == "XOF 2008 (year); EUR 2008 (year)"
    assert convert(D("1"), "EUR", date(2008, 7, 1), RATES).rates_used == "EUR 2008 (year)"
    assert convert(D("1"), "USD", date(2008, 7, 1), RATES).rates_used == "EUR 2008 (year)"
    assert convert(D("1"), "USD", date(2001, 7, 1), RATES).rates_used == ""


def test_a_sum_over_a_month_or_a_year_skips_the_finer_rates() -> None:
    assert RATES.rate("XOF", date(2008, 3, 14), finest=DAY).period == DAY  # type: ignore[union-attr]
    assert RATES.rate("XOF", date(2008, 3, 14), finest=MONTH).period == MONTH  # type: ignore[union-attr]
    assert RATES.rate("XOF", date(2008, 3, 14), finest=YEAR).period == YEAR  # type: ignore[union-attr]
    assert convert(D("447805"), "XOF", date(2008, 3, 1), RATES, finest=YEAR).usd == D("1000.00")


def test_the_rate_used_is_named_in_the_readers_language() -> None:
    from django.utils import translation

    with translation.override("fr"):
        assert convert(D("1"), "XOF", date(2008, 3, 14), RATES).rates_used == "XOF 2008-03-14 (jour); EUR 2008 (année)"
