"""What the Context tab says about one indicator of one country: its series, the latest value and its change, the
country's rank among every country with a value that year, and the median of the other countries of its region.
Pure Python over plain values: no database."""

import statistics
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Point:
    year: int
    value: float


@dataclass(frozen=True, slots=True)
class Rank:
    position: int
    """1 is the best: the highest value when higher is better, the lowest otherwise; ties share a position."""
    of: int


@dataclass(frozen=True, slots=True)
class Summary:
    series: tuple[Point, ...]
    region_series: tuple[Point, ...]
    latest: Point | None
    previous: Point | None
    rank: Rank | None
    region_latest: float | None
    """The region's median in the country's latest year (None when no other country of the region has a value)."""
    higher_is_better: bool

    @property
    def change(self) -> float | None:
        if self.latest is None or self.previous is None:
            return None
        return self.latest.value - self.previous.value

    @property
    def improved(self) -> bool | None:
        """Better than the previous value (None when unchanged or unknown)."""
        change = self.change
        if not change:
            return None
        return (change > 0) == self.higher_is_better

    @property
    def above_region(self) -> bool | None:
        """Better than the region's median in the latest year (None when equal or unknown)."""
        if self.latest is None or self.region_latest is None or self.latest.value == self.region_latest:
            return None
        return (self.latest.value > self.region_latest) == self.higher_is_better


def rank_of(country: str, values: Mapping[str, float], *, higher_is_better: bool) -> Rank | None:
    """Standard competition ranking ("1224"): the number of countries strictly better, plus one."""
    mine = values.get(country)
    if mine is None:
        return None
    if higher_is_better:
        better = sum(1 for value in values.values() if value > mine)
    else:
        better = sum(1 for value in values.values() if value < mine)
    return Rank(better + 1, len(values))


def medians_by_year(values: Iterable[tuple[int, float]]) -> tuple[Point, ...]:
    by_year: dict[int, list[float]] = defaultdict(list)
    for year, value in values:
        by_year[year].append(value)
    return tuple(Point(year, statistics.median(found)) for year, found in sorted(by_year.items()))


def summarise(
    country: str,
    series: Iterable[tuple[int, float]],
    *,
    latest_year_values: Mapping[str, float],
    region_values: Iterable[tuple[int, float]],
    higher_is_better: bool,
) -> Summary:
    """`series` is the country's (year, value) pairs; `latest_year_values` every country's value in the
    country's latest year; `region_values` the (year, value) pairs of the other countries of its region."""
    points = tuple(Point(year, value) for year, value in sorted(series))
    region = medians_by_year(region_values)
    latest = points[-1] if points else None
    previous = points[-2] if len(points) > 1 else None
    region_latest = next((point.value for point in region if latest and point.year == latest.year), None)
    return Summary(
        series=points,
        region_series=region,
        latest=latest,
        previous=previous,
        rank=rank_of(country, latest_year_values, higher_is_better=higher_is_better) if latest else None,
        region_latest=region_latest,
        higher_is_better=higher_is_better,
    )
