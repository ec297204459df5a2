"""The Context tab's arithmetic: ranks, the region's median, the change and which way is better."""

from hypothesis import given
from hypothesis import strategies as st

from egide.context.analytics import Point, Rank, medians_by_year, rank_of, summarise


def test_rank_when_higher_is_better_and_when_lower_is_better() -> None:
    values = {"CF": 3.0, "TD": 2.5, "ML": 3.0, "NE": 1.0}
    assert rank_of("CF", values, higher_is_better=True) == Rank(1, 4)
    assert rank_of("TD", values, higher_is_better=True) == Rank(3, 4)
    assert rank_of("CF", values, higher_is_better=False) == Rank(3, 4)
    assert rank_of("NE", values, higher_is_better=False) == Rank(1, 4)
    assert rank_of("FR", values, higher_is_better=True) is None


@given(st.dictionaries(st.sampled_from(["A", "B", "C", "D", "E", "F"]), st.floats(-10, 10), min_size=1), st.booleans())
def test_ranks_run_from_one_to_the_count_and_follow_the_values(values: dict[str, float], higher: bool) -> None:
    ranks = {country: rank_of(country, values, higher_is_better=higher) for country in values}
    assert all(
        rank is not None and 1 <= rank.position <= len(values) and rank.of == len(values) for rank in ranks.values()
    )
    best = max(values.values()) if higher else min(values.values())
    assert all(ranks[c].position == 1 for c, v in values.items() if v == best)  # type: ignore[union-attr]
    for a in values:
        for b in values:
            if (values[a] > values[b]) == higher and values[a] != values[b]:
                assert ranks[a].position < ranks[b].position  # type: ignore[union-attr]


def test_region_median_per_year() -> None:
    assert medians_by_year([(2020, 1.0), (2020, 3.0), (2021, 2.0), (2020, 2.5)]) == (Point(2020, 2.5), Point(2021, 2.0))


def test_summary_of_a_worsening_indicator_where_lower_is_better() -> None:
    summary = summarise(
        "CF",
        [(2022, 105.0), (2021, 104.0), (2023, 105.7)],
        latest_year_values={"CF": 105.7, "TD": 107.0, "CM": 97.0},
        region_values=[(2023, 97.0), (2023, 107.0), (2023, 90.0), (2022, 95.0)],
        higher_is_better=False,
    )
    assert summary.latest == Point(2023, 105.7)
    assert summary.previous == Point(2022, 105.0)
    assert round(summary.change or 0, 6) == 0.7
    assert summary.improved is False
    assert summary.rank == Rank(2, 3)
    assert summary.region_latest == 97.0
    assert summary.above_region is False
    assert [point.year for point in summary.series] == [2021, 2022, 2023]


def test_summary_without_values() -> None:
    summary = summarise("CF", [], latest_year_values={}, region_values=[], higher_is_better=True)
    assert (summary.latest, summary.change, summary.improved, summary.rank, summary.above_region) == (
        None,
        None,
        None,
        None,
        None,
    )
