"""The progress and status rules of egide.results.progress, on hand-picked and generated cases (no database)."""

import datetime
from decimal import Decimal

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from egide.results.progress import (
    PERCENTAGE,
    QUALITATIVE,
    RAG_THRESHOLDS,
    UNIT,
    IndicatorFacts,
    PeriodFacts,
    Rag,
    Reported,
    elapsed,
    overall_progress,
    period_actual,
    period_progress,
    progress,
    status,
)

D = Decimal
JAN, DEC = datetime.date(2020, 1, 1), datetime.date(2020, 12, 31)
AFTER = datetime.date(2021, 6, 1)


def reported(value: str | None, day: int = 1, month: int = 6, text: str = "", order: int = 0) -> Reported:
    return Reported(
        value=None if value is None else D(value), value_date=datetime.date(2020, month, day), text=text, order=order
    )


amounts = st.decimals(min_value=-1_000_000, max_value=1_000_000, allow_nan=False, allow_infinity=False, places=2)
days = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2040, 12, 31))


# --- a period's actual --------------------------------------------------------------------------------------------


def test_units_add_up_within_the_period() -> None:
    assert period_actual(UNIT, [reported("12"), reported("30", 2), reported("0.5", 3)]) == D("42.5")


def test_percentages_take_the_latest_value_by_date_not_by_order_of_entry() -> None:
    values = [reported("40", day=20, order=1), reported("55", day=5, order=2), reported("35", day=10, order=3)]
    assert period_actual(PERCENTAGE, values) == D(40)


def test_a_tie_on_the_date_goes_to_the_value_recorded_last() -> None:
    assert period_actual(PERCENTAGE, [reported("40", order=2), reported("60", order=1)]) == D(40)


def test_no_number_no_actual() -> None:
    assert period_actual(UNIT, []) is None
    assert period_actual(PERCENTAGE, [reported(None, text="a note")]) is None
    assert period_actual(QUALITATIVE, [reported("3")]) is None


@settings(deadline=None)
@given(st.lists(amounts, min_size=1, max_size=8))
def test_a_unit_actual_is_the_sum_whatever_the_order(values: list[Decimal]) -> None:
    items = [reported(str(value), day=index % 28 + 1, order=index) for index, value in enumerate(values)]
    assert period_actual(UNIT, items) == sum(values, D(0))
    assert period_actual(UNIT, list(reversed(items))) == sum(values, D(0))


@settings(deadline=None)
@given(st.lists(st.tuples(amounts, st.integers(1, 28)), min_size=1, max_size=8))
def test_a_percentage_actual_is_one_of_the_values_and_the_latest(values: list[tuple[Decimal, int]]) -> None:
    items = [reported(str(value), day=day, order=index) for index, (value, day) in enumerate(values)]
    latest = max(items, key=lambda item: (item.value_date, item.order))
    assert period_actual(PERCENTAGE, items) == latest.value


# --- progress -------------------------------------------------------------------------------------------------------


def test_progress_is_relative_to_the_baseline() -> None:
    assert progress(actual=D(60), target=D(110), baseline=D(10), ascending=True) == D("0.5")
    assert progress(actual=D(10), target=D(110), baseline=D(10), ascending=True) == D(0)
    assert progress(actual=D(160), target=D(110), baseline=D(10), ascending=True) == D("1.5")


def test_descending_indicators_progress_as_they_fall() -> None:
    # Pre-trial detention beyond the legal delay: from 500 down to 300; 400 is half-way.
    assert progress(actual=D(400), target=D(300), baseline=D(500), ascending=False) == D("0.5")
    assert progress(actual=D(550), target=D(300), baseline=D(500), ascending=False) == D("-0.25")


def test_no_baseline_counts_from_zero() -> None:
    assert progress(actual=D(30), target=D(120), baseline=None, ascending=True) == D("0.25")


def test_a_target_equal_to_the_baseline_is_met_or_not() -> None:
    assert progress(actual=D(5), target=D(5), baseline=D(5), ascending=True) == D(1)
    assert progress(actual=D(4), target=D(5), baseline=D(5), ascending=True) == D(0)
    assert progress(actual=D(4), target=D(5), baseline=D(5), ascending=False) == D(1)
    assert progress(actual=D(6), target=D(5), baseline=D(5), ascending=False) == D(0)


def test_without_an_actual_or_a_target_there_is_no_progress() -> None:
    assert progress(actual=None, target=D(5), baseline=D(0), ascending=True) is None
    assert progress(actual=D(5), target=None, baseline=D(0), ascending=True) is None


@settings(deadline=None)
@given(amounts, amounts, amounts, st.booleans())
def test_reaching_the_target_is_full_progress_and_the_baseline_none(
    target: Decimal, baseline: Decimal, actual: Decimal, ascending: bool
) -> None:
    assume(target != baseline)
    assert progress(actual=target, target=target, baseline=baseline, ascending=ascending) == 1
    assert progress(actual=baseline, target=target, baseline=baseline, ascending=ascending) == 0
    value = progress(actual=actual, target=target, baseline=baseline, ascending=ascending)
    assert value is not None
    # Progress grows as the actual moves from the baseline towards the target, whichever way that is.
    closer = actual + (target - baseline) / 10
    further = progress(actual=closer, target=target, baseline=baseline, ascending=ascending)
    assert further is not None
    assert further > value


# --- expected progress and status --------------------------------------------------------------------------------


def test_elapsed_counts_days_with_both_ends() -> None:
    start, end = datetime.date(2020, 1, 1), datetime.date(2020, 1, 10)
    assert elapsed(start=start, end=end, today=datetime.date(2019, 12, 31)) is None
    assert elapsed(start=start, end=end, today=start) == D("0.1")
    assert elapsed(start=start, end=end, today=datetime.date(2020, 1, 5)) == D("0.5")
    assert elapsed(start=start, end=end, today=end) == 1
    assert elapsed(start=start, end=end, today=datetime.date(2021, 1, 1)) == 1


@settings(deadline=None)
@given(days, st.integers(0, 3000), days)
def test_elapsed_lies_between_zero_and_one_and_grows(start: datetime.date, length: int, today: datetime.date) -> None:
    end = start + datetime.timedelta(days=length)
    share = elapsed(start=start, end=end, today=today)
    if today < start:
        assert share is None
        return
    assert share is not None
    assert 0 < share <= 1
    later = elapsed(start=start, end=end, today=today + datetime.timedelta(days=1))
    assert later is not None
    assert later >= share


def test_status_thresholds_at_their_edges() -> None:
    assert RAG_THRESHOLDS.green == D("0.9")
    assert RAG_THRESHOLDS.amber == D("0.6")
    assert status(achieved=D("0.9"), expected=D(1)) is Rag.GREEN
    assert status(achieved=D("0.8999"), expected=D(1)) is Rag.AMBER
    assert status(achieved=D("0.6"), expected=D(1)) is Rag.AMBER
    assert status(achieved=D("0.5999"), expected=D(1)) is Rag.RED
    assert status(achieved=D("-1"), expected=D(1)) is Rag.RED
    # Half the time gone, 45 % of the change done: 90 % of what was expected by now.
    assert status(achieved=D("0.45"), expected=D("0.5")) is Rag.GREEN
    assert status(achieved=None, expected=D(1)) is Rag.NONE
    assert status(achieved=D(1), expected=None) is Rag.NONE


@settings(deadline=None)
@given(
    st.decimals(min_value=-3, max_value=3, places=3),
    st.decimals(min_value="0.001", max_value=1, places=3),
    st.decimals(min_value="0.001", max_value=1, places=3),
)
def test_status_never_worsens_with_more_progress_or_less_time(
    achieved: Decimal, expected: Decimal, step: Decimal
) -> None:
    order = [Rag.RED, Rag.AMBER, Rag.GREEN]
    now = status(achieved=achieved, expected=expected)
    assert now in order
    assert order.index(status(achieved=achieved + step, expected=expected)) >= order.index(now)
    earlier = max(expected - step, D("0.0001"))
    assert order.index(status(achieved=achieved, expected=earlier)) >= order.index(now)


# --- a period and the whole indicator ----------------------------------------------------------------------------


def unit_indicator(*periods: PeriodFacts, baseline: str | None = "10", ascending: bool = True) -> IndicatorFacts:
    return IndicatorFacts(
        measure=UNIT, ascending=ascending, baseline=None if baseline is None else D(baseline), periods=periods
    )


def test_a_finished_period_on_target_is_green_and_short_of_it_red() -> None:
    done = PeriodFacts(JAN, DEC, D(110), (reported("60"), reported("45", 2)))
    indicator = unit_indicator(done)
    shown = period_progress(indicator, done, today=AFTER)
    assert shown.actual == D(105)
    assert shown.percent == 95
    assert shown.status is Rag.GREEN
    assert shown.bar_width == 95
    short = PeriodFacts(JAN, DEC, D(110), (reported("50"),))
    assert period_progress(indicator, short, today=AFTER).status is Rag.RED


def test_a_period_under_way_is_judged_on_the_time_gone_by() -> None:
    period = PeriodFacts(JAN, DEC, D(110), (reported("40"),))  # 30 % of the change
    half_way = datetime.date(2020, 6, 30)  # 182 of 366 days
    shown = period_progress(unit_indicator(period), period, today=half_way)
    assert shown.percent == 30
    assert shown.status is Rag.AMBER
    assert period_progress(unit_indicator(period), period, today=datetime.date(2019, 12, 1)).status is Rag.NONE


def test_the_bar_stays_within_its_box() -> None:
    over = PeriodFacts(JAN, DEC, D(20), (reported("40"),))
    shown = period_progress(unit_indicator(over), over, today=AFTER)
    assert shown.percent == 300
    assert shown.bar_width == 100
    under = PeriodFacts(JAN, DEC, D(20), (reported("0"),))
    shown = period_progress(unit_indicator(under), under, today=AFTER)
    assert shown.percent == -100
    assert shown.bar_width == 0


def test_a_qualitative_indicator_shows_its_narrative_without_a_percentage() -> None:
    period = PeriodFacts(
        JAN, DEC, None, (reported(None, text="Draft law tabled", day=1), reported(None, text="Law passed", day=9))
    )
    indicator = IndicatorFacts(measure=QUALITATIVE, ascending=True, baseline=None, periods=(period,))
    shown = period_progress(indicator, period, today=AFTER)
    assert shown.narrative == "Law passed"
    assert shown.percent is None
    assert shown.status is Rag.NONE
    overall = overall_progress(indicator, today=AFTER)
    assert overall.narrative == "Law passed"
    assert overall.percent is None
    assert overall.status is Rag.NONE


def test_overall_units_add_the_change_of_every_period_against_all_targets() -> None:
    first = PeriodFacts(datetime.date(2019, 1, 1), datetime.date(2019, 12, 31), D(60), (reported("40"),))
    second = PeriodFacts(JAN, DEC, D(110), (reported("110"),))
    third = PeriodFacts(datetime.date(2021, 1, 1), datetime.date(2021, 12, 31), D(60), ())  # nothing yet
    indicator = unit_indicator(first, second, third, baseline="10")
    # Achieved: (40 − 10) + (110 − 10) = 130; intended: 50 + 100 + 50 = 200.
    shown = overall_progress(indicator, today=datetime.date(2020, 12, 31))
    assert shown.actual == D(150)
    assert shown.progress == D("0.65")
    assert shown.expected == D(731) / D(1096)
    assert shown.status is Rag.GREEN
    late = overall_progress(indicator, today=datetime.date(2022, 1, 1))
    assert late.status is Rag.AMBER  # 65 % of everything, all the time gone


def test_overall_percentages_take_the_latest_value_against_the_last_target() -> None:
    first = PeriodFacts(
        datetime.date(2019, 1, 1), datetime.date(2019, 12, 31), D(40), (Reported(D(35), datetime.date(2019, 11, 1)),)
    )
    second = PeriodFacts(JAN, DEC, D(60), (Reported(D(50), datetime.date(2020, 3, 1)),))
    indicator = IndicatorFacts(measure=PERCENTAGE, ascending=True, baseline=D(20), periods=(second, first))
    shown = overall_progress(indicator, today=AFTER)
    assert shown.actual == D(50)
    assert shown.progress == D("0.75")
    assert shown.status is Rag.AMBER


def test_overall_descending() -> None:
    period = PeriodFacts(JAN, DEC, D(300), (reported("380"),))
    shown = overall_progress(unit_indicator(period, baseline="500", ascending=False), today=AFTER)
    assert shown.progress == D("0.6")
    assert shown.status is Rag.AMBER


def test_an_indicator_without_periods_or_values_has_no_status() -> None:
    assert overall_progress(unit_indicator(), today=AFTER).status is Rag.NONE
    empty = PeriodFacts(JAN, DEC, D(110), ())
    shown = overall_progress(unit_indicator(empty), today=AFTER)
    assert shown.actual is None
    assert shown.progress is None
    assert shown.status is Rag.NONE


@settings(deadline=None)
@given(
    st.lists(st.tuples(st.decimals(min_value=0, max_value=1000, places=1), amounts), min_size=1, max_size=5), amounts
)
def test_overall_units_agree_with_the_period_when_there_is_one(
    values: list[tuple[Decimal, Decimal]], target: Decimal
) -> None:
    baseline = D(0)
    assume(target != baseline)
    period = PeriodFacts(
        JAN, DEC, target, tuple(reported(str(value), order=index) for index, (value, _unused) in enumerate(values))
    )
    indicator = unit_indicator(period, baseline="0")
    assert overall_progress(indicator, today=AFTER).progress == period_progress(indicator, period, today=AFTER).progress
